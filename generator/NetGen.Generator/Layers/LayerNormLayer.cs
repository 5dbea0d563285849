using System.Collections.Generic;
using System.Linq;
using NetGen.Generator.Emission;
using NetGen.Generator.Model;
using NetGen.Generator.Parsing;
using static NetGen.Generator.Emission.Code;

namespace NetGen.Generator.Layers
{
    /// <summary>[LayerNorm]'s argument: eps.</summary>
    internal sealed record LayerNormOptions(double Eps) : LayerOptions;

    /// <summary>[LayerNorm]: layer normalization (eq. 10.13-10.15) over all units of each sample, gamma and beta per unit, as nn.LayerNorm(shape): the same in training and inference.</summary>
    internal sealed class LayerNormLayer : Normalization<LayerNormOptions>
    {
        public static readonly LayerNormLayer Instance = new LayerNormLayer();

        /// <summary>The runtime kernels of this kind.</summary>
        internal static class KernelNames
        {
            public const string Forward = "LayerNorm";
            public const string Backward = "LayerNormBackward";
            public const string Tangent = "LayerNormTangent";
            public const string TangentBackward = "LayerNormTangentBackward";
            public const string Diagonal = "LayerNormDiagonal";
        }

        public override string Attribute => "LayerNorm";

        protected override LayerNormOptions Read(ArgumentReader arguments) => new LayerNormOptions(arguments.Double(LayerArguments.Eps, LayerDefaults.Eps));

        protected override IEnumerable<(string Argument, double Value)> Reals(LayerNormOptions options)
        {
            yield return (LayerArguments.Eps, options.Eps);
        }

        /// <summary>The input's shape; gamma and beta each of the input's shape (the normalized shape).</summary>
        protected override LayerShape? Infer(LayerNormOptions options, LayerContext context)
        {
            CheckEps(context, options.Eps);
            if (context.Input is not { } input) return null;
            long units = LayerShape.Size(input);
            return new LayerShape(input) { Weights = units, Biases = units, WeightShape = input.ToArray(), BiasShape = input.ToArray(), Init = Init.Constant };
        }

        public override string Export(LayerPlan layer, ExportIo io) =>
            "onnx.LayerNorm(\"" + layer.Name + "\", " + io.Inputs[0] + ", scale: " + io.Initializer(layer, ".weight") + ", bias: " + io.Initializer(layer, ".bias") + ", eps: " + Lit(Options(layer).Eps) + ")";

        public override string Signature(LayerPlan layer) => "LayerNorm(eps: " + Lit(Options(layer).Eps) + ")";

        protected override void Compute(PassWriter w, LayerPlan layer, SampleIo io)
        {
            w.Line(Call(KernelNames.Forward, io.Input, io.Output, w.Weight(layer), w.Bias(layer), "eps: " + Lit(Options(layer).Eps) + "f") + ";");
        }

        /// <summary>Linear in gamma and beta, not in x (each sample is normalized by its own moments): its own R-operator steps, sample by sample.</summary>
        public override SecondOrderRule SecondOrder(LayerPlan layer) => SecondOrderRule.Custom;

        public override void TangentForward(PassWriter w, LayerPlan layer, LayerIo io)
        {
            w.Line("for (int n = 0; n < batch; n++) " + Call(KernelNames.Tangent, io.Inputs[0].Sample("n"), io.TangentInputs[0].Sample("n"), io.Output.Sample("n"), w.Weight(layer), w.Direction(layer), w.DirectionBias(layer), Eps(layer)) + ";");
        }

        public override void TangentBackward(PassWriter w, LayerPlan layer, LayerIo io)
        {
            string inputDelta(string n) => io.InputDeltas[0] is { } dx ? dx.Sample(n) : "default(" + Span + ")";
            w.Line("for (int n = 0; n < batch; n++) " + Call(KernelNames.TangentBackward, io.Inputs[0].Sample("n"), io.TangentInputs[0].Sample("n"), io.Delta!.Sample("n"), inputDelta("n"), w.Weight(layer), w.Direction(layer), w.WeightGradient(layer), Eps(layer)) + ";");
        }

        public override bool OwnDiagonalStep => true;

        /// <summary>Its Jacobian is dense within a sample: q_x = sum_i (ds_i/dx_j)^2 q_i in closed form, sample by sample.</summary>
        public override void DiagonalStep(PassWriter w, LayerPlan layer, LayerIo io)
        {
            var sample = io.Sample("n");
            w.Line("for (int n = 0; n < batch; n++) " + Call(KernelNames.Diagonal, sample.Input, sample.Delta!, sample.InputDelta ?? "default(" + Span + ")", w.Weight(layer), w.WeightGradient(layer), w.BiasGradient(layer), Eps(layer)) + ";");
        }

        private static string Eps(LayerPlan layer) => "eps: " + Lit(Options(layer).Eps) + "f";

        protected override void Gradient(PassWriter w, LayerPlan layer, SampleIo io)
        {
            w.Line(Call(KernelNames.Backward, io.Input, io.Delta!, io.InputDelta ?? "default(" + Span + ")", w.Weight(layer), w.WeightGradient(layer), w.BiasGradient(layer), "eps: " + Lit(Options(layer).Eps) + "f") + ";");
        }
    }
}
