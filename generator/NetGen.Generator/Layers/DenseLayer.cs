using NetGen.Generator.Emission;
using NetGen.Generator.Model;
using NetGen.Generator.Parsing;
using static NetGen.Generator.Emission.Code;

namespace NetGen.Generator.Layers
{
    /// <summary>[Dense]'s arguments: its units and weight.</summary>
    internal sealed record DenseOptions(int Units, WeightSpec Weight) : LayerOptions
    {
        public override WeightSpec? Weights => Weight;
    }

    /// <summary>
    /// [Dense]: s = W x + b, a = f(s) (a layer of the feed-forward network, eqs. 4.61-4.62); W is [out, in] as PyTorch's
    /// nn.Linear; a feature map is read flattened.
    /// </summary>
    internal sealed class DenseLayer : LayerKind<DenseOptions>
    {
        public static readonly DenseLayer Instance = new DenseLayer();

        /// <summary>The runtime kernels of this kind.</summary>
        internal static class KernelNames
        {
            public const string Forward = "DenseForward";
            public const string ForwardBatch = "DenseForwardBatch";
            public const string BackwardBatch = "DenseBackwardBatch";
        }

        public override string Attribute => "Dense";

        public override string? SizeArgument => LayerArguments.Units;

        public override bool FlattensFeatureMaps => true;

        protected override DenseOptions Read(ArgumentReader arguments) => new DenseOptions(arguments.Int(LayerArguments.Units, 0), arguments.Weight());

        /// <summary>(D) or a feature map -> (units); W is [units, in], fan-in the input's values, fan-out the units.</summary>
        protected override LayerShape? Infer(DenseOptions options, LayerContext context)
        {
            if (options.Units < 1)
            {
                context.OutOfRange(LayerArguments.Units, Problems.Str(options.Units), LayerArguments.Units + " >= 1");
                return null;
            }

            long inSize = context.Input is { } input ? LayerShape.Size(input) : 0;
            var shape = new LayerShape(new EquatableArray<int>(new[] { options.Units })) { WeightShape = new[] { options.Units, (int)inSize } };
            WeightRules.Weighted(context, options.Weight, shape, inSize * options.Units, options.Units, inSize, options.Units, options.Units);
            return context.Input is null ? null : shape;
        }

        public override string Export(LayerPlan layer, ExportIo io) =>
            "onnx.Dense(\"" + layer.Name + "\", " + io.Inputs[0] + ", inputRank: " + Lit(layer.InShape.Count) + ", weight: " + io.Weight(layer) + ", bias: " + io.Bias(layer) + ")";

        public override string Signature(LayerPlan layer) => "Dense(" + Lit(Options(layer).Units) + ActSuffix(layer) + BiasSuffix(layer) + ")";

        /// <summary>
        /// The choice named in the generated comments: the general kernels with the sizes as literal arguments. Their work is
        /// in the matrix product's register tiles, whose only size-dependent loop is the inner dimension, so a per-layer
        /// shape struct (as the window layers take) would fold nothing of weight.
        /// </summary>
        public override string ForwardStrategy(LayerPlan layer) => ", dot products for up to 3 samples, else one matrix product in register tiles (sizes as literal arguments)";

        public override string BackwardStrategy(LayerPlan layer) => ", matrix products dW += dY^T X and dX = dY W in register tiles";

        /// <summary>Linear in W and b, affine in x.</summary>
        public override SecondOrderRule SecondOrder(LayerPlan layer) => SecondOrderRule.Bilinear;

        protected override void Compute(PassWriter w, LayerPlan layer, SampleIo io)
        {
            w.Line(Call(KernelNames.Forward, w.Weight(layer), w.Bias(layer), io.Input, io.Output, "inSize: " + Lit(layer.InSize), "outSize: " + Lit(layer.OutSize)) + ";");
        }

        /// <summary>The whole batch at once: four samples per pass over each weight row.</summary>
        protected override void ComputeBatch(PassWriter w, LayerPlan layer, LayerIo io)
        {
            w.Line(Call(KernelNames.ForwardBatch, w.Weight(layer), w.Bias(layer), io.Inputs[0].Name, io.Output.Name, "batch", "inSize: " + Lit(layer.InSize), "outSize: " + Lit(layer.OutSize)) + ";");
        }

        /// <summary>dW += delta^T X, db += sum of delta, and dX = delta W (eq. 4.71, 4.84) for the whole batch.</summary>
        protected override void GradientBatch(PassWriter w, LayerPlan layer, LayerIo io, bool derivative)
        {
            var dx = io.InputDeltas[0];
            if (derivative) Derivative(w, layer, io);
            w.Line(Call(KernelNames.BackwardBatch, w.Weight(layer), io.Inputs[0].Name, io.Delta!.Name, w.WeightGradient(layer), w.BiasGradient(layer),
                dx != null ? dx.Name : "default(" + Span + ")", "batch", "inSize: " + Lit(layer.InSize), "outSize: " + Lit(layer.OutSize)) + ";");
        }
    }
}
