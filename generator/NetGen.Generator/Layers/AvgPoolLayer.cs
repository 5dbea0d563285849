using System.Linq;
using NetGen.Generator.Emission;
using NetGen.Generator.Model;
using static NetGen.Generator.Emission.Code;

namespace NetGen.Generator.Layers
{
    /// <summary>[AvgPool]: average pooling (section 6.7), as PyTorch's nn.AvgPool*d, with or without the padded zeros in the divisor.</summary>
    internal sealed class AvgPoolLayer : Pooling
    {
        public static readonly AvgPoolLayer Instance = new AvgPoolLayer();

        /// <summary>The runtime kernels of this kind.</summary>
        internal static class KernelNames
        {
            public const string Forward = "AvgPoolForward";
            public const string Backward = "AvgPoolBackward";
        }

        public override string Attribute => "AvgPool";

        public override string Signature(LayerPlan layer) => WindowSignature(layer, "", 0) + (Options(layer).Window.CountIncludePad ? "" : ", padding not counted") + ")";

        public override string Export(LayerPlan layer, ExportIo io)
            => "onnx.AveragePool(\"" + layer.Name + "\", " + io.Inputs[0] + WindowAttributes(layer, dilations: false) + ", " + CountIncludePad(layer) + ")";

        protected override void Compute(PassWriter w, LayerPlan layer, SampleIo io)
        {
            w.Line(Call(KernelNames.Forward, ShapeArgument(layer), CountIncludePad(layer), io.Input, io.Output) + ";");
        }

        protected override void Gradient(PassWriter w, LayerPlan layer, SampleIo io)
        {
            w.Line(Call(KernelNames.Backward, ShapeArgument(layer), CountIncludePad(layer), io.Delta!, io.InputDelta!) + ";");
        }

        /// <summary>No parameters: nothing to do unless a layer below needs the deltas.</summary>
        protected override void GradientBatch(PassWriter w, LayerPlan layer, LayerIo io, bool derivative)
        {
            if (io.InputDeltas[0] is null) return;
            base.GradientBatch(w, layer, io, derivative);
        }

        /// <summary>Every window full (no padding): each coefficient is 1 / (window size).</summary>
        public override string? DiagonalGap(LayerPlan layer) => layer.Window!.Padding.Any(p => p > 0) ? "a padded AvgPool's coefficients differ at the borders; LeCun's recursion has no step for it in this version" : null;

        public override double DiagonalScale(LayerPlan layer) => 1.0 / layer.Window!.Kernel.Aggregate(1, (p, k) => p * k);

        private static string CountIncludePad(LayerPlan layer) => "countIncludePad: " + Lit(Options(layer).Window.CountIncludePad);
    }
}
