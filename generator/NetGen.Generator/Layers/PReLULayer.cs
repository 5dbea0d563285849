using System.Linq;
using NetGen.Generator.Emission;
using NetGen.Generator.Model;
using NetGen.Generator.Parsing;
using static NetGen.Generator.Emission.Code;

namespace NetGen.Generator.Layers
{
    /// <summary>[PReLU]'s argument: one slope per channel or one for all.</summary>
    internal sealed record PReLUOptions(bool PerChannel) : LayerOptions;

    /// <summary>[PReLU]: a = s for s &gt; 0, w s otherwise, the slopes learned, as nn.PReLU(num_parameters): "weight" of one value or one per channel.</summary>
    internal sealed class PReLULayer : LayerKind<PReLUOptions>
    {
        public static readonly PReLULayer Instance = new PReLULayer();

        /// <summary>The runtime kernels of this kind.</summary>
        internal static class KernelNames
        {
            public const string Forward = "PReLU";
            public const string Backward = "PReLUBackward";
            public const string Tangent = "PReLUTangent";
            public const string TangentBackward = "PReLUTangentBackward";
            public const string Diagonal = "PReLUDiagonal";
        }

        public override string Attribute => "PReLU";

        /// <summary>The layer is the activation module itself.</summary>
        public override bool ActIsOwnModule => false;

        protected override PReLUOptions Read(ArgumentReader arguments) => new PReLUOptions(arguments.Bool(LayerArguments.PerChannel, false));

        /// <summary>The input's shape; the slopes: one, or one per channel (the first axis).</summary>
        protected override LayerShape? Infer(PReLUOptions options, LayerContext context)
        {
            if (context.Input is not { } input) return null;
            int slopes = options.PerChannel ? input[0] : 1;
            return new LayerShape(input) { Weights = slopes, WeightShape = new[] { slopes }, Init = Init.Constant, FanIn = 1, FanOut = 1, Rows = slopes };
        }

        public override string Signature(LayerPlan layer) => Options(layer).PerChannel ? "PReLU(perChannel: true)" : "PReLU";

        /// <summary>Every slope 0.25, as PyTorch.</summary>
        public override void Initialize(PassWriter w, LayerPlan layer) => w.Line(w.RawWeight(layer) + ".Fill(" + Lit(LayerDefaults.PReLUInit) + "f); // PyTorch's initial slope");

        public override string WeightInit(LayerPlan layer) => "Constant " + Lit(LayerDefaults.PReLUInit);

        /// <summary>The values per slope: a channel's plane (its positions), or the whole sample for one slope.</summary>
        private static int Plane(LayerPlan layer) => Options(layer).PerChannel ? layer.InShape.Skip(1).Aggregate(1, (p, d) => p * d) : layer.InSize;

        public override string Export(LayerPlan layer, ExportIo io)
            => "onnx.PRelu(\"" + layer.Name + "\", " + io.Inputs[0] + ", " + io.Initializer(layer, ".weight") + ", spatialAxes: " + Lit(Options(layer).PerChannel ? layer.InShape.Count - 1 : 0) + ")";

        /// <summary>The samples are contiguous and the channels cycle: one call serves a sample and a batch.</summary>
        protected override void Compute(PassWriter w, LayerPlan layer, SampleIo io)
            => w.Line(Call(KernelNames.Forward, io.Input, io.Output, w.Weight(layer), "plane: " + Lit(Plane(layer))) + ";");

        protected override void ComputeBatch(PassWriter w, LayerPlan layer, LayerIo io)
            => w.Line(Call(KernelNames.Forward, io.Inputs[0].Name, io.Output.Name, w.Weight(layer), "plane: " + Lit(Plane(layer))) + ";");

        /// <summary>Linear in the slopes, piecewise linear in x: its own R-operator steps.</summary>
        public override SecondOrderRule SecondOrder(LayerPlan layer) => SecondOrderRule.Custom;

        public override bool OwnDiagonalStep => true;

        /// <summary>q_x = q or a^2 q; H_a += q x^2 over x &lt;= 0.</summary>
        public override void DiagonalStep(PassWriter w, LayerPlan layer, LayerIo io)
            => w.Line(Call(KernelNames.Diagonal, io.Inputs[0].Name, io.Delta!.Name, io.InputDeltas[0]?.Name ?? "default(" + Span + ")", w.Weight(layer), w.WeightGradient(layer), "plane: " + Lit(Plane(layer))) + ";");

        /// <summary>R{s} = R{x} for x &gt; 0, a R{x} + v_a x otherwise.</summary>
        public override void TangentForward(PassWriter w, LayerPlan layer, LayerIo io)
            => w.Line(Call(KernelNames.Tangent, io.Inputs[0].Name, io.TangentInputs[0].Name, io.Output.Name, w.Weight(layer), w.Direction(layer), "plane: " + Lit(Plane(layer))) + ";");

        /// <summary>R{dL/dx} += v_a delta and R{dL/da} += sum of delta R{x}, over x &lt;= 0.</summary>
        public override void TangentBackward(PassWriter w, LayerPlan layer, LayerIo io)
        {
            string inputDelta = io.InputDeltas[0]?.Name ?? "default(" + Span + ")";
            w.Line(Call(KernelNames.TangentBackward, io.Inputs[0].Name, io.TangentInputs[0].Name, io.Delta!.Name, inputDelta, w.Direction(layer), w.WeightGradient(layer), "plane: " + Lit(Plane(layer))) + ";");
        }

        /// <summary>The slopes' gradient over the whole batch and the input's delta, in one pass.</summary>
        protected override void GradientBatch(PassWriter w, LayerPlan layer, LayerIo io, bool derivative)
        {
            string inputDelta = io.InputDeltas[0]?.Name ?? "default(" + Span + ")";
            w.Line(Call(KernelNames.Backward, io.Inputs[0].Name, io.Delta!.Name, inputDelta, w.Weight(layer), w.WeightGradient(layer), "plane: " + Lit(Plane(layer))) + ";");
        }
    }
}
