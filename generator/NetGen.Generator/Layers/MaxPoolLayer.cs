using System.Linq;
using NetGen.Generator.Emission;
using NetGen.Generator.Model;
using static NetGen.Generator.Emission.Code;

namespace NetGen.Generator.Layers
{
    /// <summary>[MaxPool]: max pooling (section 6.7), 1-D to 3-D, as PyTorch's nn.MaxPool*d: padding counts as -infinity; the gradient goes to each window's maximum.</summary>
    internal sealed class MaxPoolLayer : Pooling
    {
        public static readonly MaxPoolLayer Instance = new MaxPoolLayer();

        /// <summary>The runtime kernels of this kind.</summary>
        internal static class KernelNames
        {
            public const string Forward = "MaxPoolForward";
            public const string Backward = "MaxPoolBackward";
            public const string Forward2x2 = "MaxPool2x2Forward";
            public const string Backward2x2 = "MaxPool2x2Backward";
            public const string Tangent = "MaxPoolTangent";
            public const string Tangent2x2 = "MaxPool2x2Tangent";
        }

        public override string Attribute => "MaxPool";

        public override string Signature(LayerPlan layer) => WindowSignature(layer, "", 0) + ")";

        public override string Export(LayerPlan layer, ExportIo io)
            => "onnx.MaxPool(\"" + layer.Name + "\", " + io.Inputs[0] + WindowAttributes(layer, dilations: true) + ")";

        /// <summary>
        /// The choice from the constant shapes: non-overlapping 2x2 windows without padding on a 2-D map run as one kernel
        /// over all the batch's channel planes, without bounds checks; other windows use the general kernel.
        /// </summary>
        protected override bool Specialized(LayerPlan layer)
        {
            var win = layer.Window!;
            return win.Kernel.Count == 2 && win.Kernel.All(k => k == 2) && win.Stride.All(s => s == 2) && win.Padding.All(p => p == 0);
        }

        public override string ForwardStrategy(LayerPlan layer) => Specialized(layer) ? ", 2x2 windows over all channel planes" : "";

        /// <summary>The 2x2 kernel can pass 0 where the window's maximum (a ReLU's output) is not above 0.</summary>
        public override bool FoldsInputRelu(LayerPlan layer) => Specialized(layer);

        public override string BackwardStrategy(LayerPlan layer) => ForwardStrategy(layer);

        /// <summary>"planes: ..., height: ..., width: ..." of a 2x2 kernel call over <paramref name="samples"/> samples.</summary>
        private static string Planes(LayerPlan layer, string samples)
            => "planes: " + (samples == "1" ? "" : samples + " * ") + Lit(layer.InShape[0]) + ", height: " + Lit(layer.InShape[1]) + ", width: " + Lit(layer.InShape[2]);

        protected override void Compute(PassWriter w, LayerPlan layer, SampleIo io)
        {
            if (Specialized(layer)) w.Line(Call(KernelNames.Forward2x2, io.Input, io.Output, Planes(layer, "1")) + ";");
            else w.Line(Call(KernelNames.Forward, ShapeArgument(layer), io.Input, io.Output) + ";");
        }

        protected override void ComputeBatch(PassWriter w, LayerPlan layer, LayerIo io)
        {
            if (Specialized(layer)) w.Line(Call(KernelNames.Forward2x2, io.Inputs[0].Name, io.Output.Name, Planes(layer, "batch")) + ";");
            else base.ComputeBatch(w, layer, io);
        }

        /// <summary>
        /// Piecewise linear: R{s} is R{x} at each window's maximum, and the backward pass of R{delta} is the rest. Its second
        /// derivative is zero almost everywhere (a tie between two maxima is where it is not differentiable, as in PyTorch).
        /// </summary>
        public override SecondOrderRule SecondOrder(LayerPlan layer) => SecondOrderRule.Custom;

        /// <summary>Coefficients 0 or 1 (the maximum's).</summary>
        public override string? DiagonalGap(LayerPlan layer) => null;

        public override void TangentForward(PassWriter w, LayerPlan layer, LayerIo io)
        {
            string x = io.Inputs[0].Name, rx = io.TangentInputs[0].Name;
            if (Specialized(layer)) w.Line(Call(KernelNames.Tangent2x2, x, rx, io.Output.Name, Planes(layer, "batch")) + ";");
            else w.Line("for (int n = 0; n < batch; n++) " + Call(KernelNames.Tangent, ShapeArgument(layer), io.Inputs[0].Sample("n"), io.TangentInputs[0].Sample("n"), io.Output.Sample("n")) + ";");
        }

        protected override void Gradient(PassWriter w, LayerPlan layer, SampleIo io)
        {
            w.Line(Call(KernelNames.Backward, ShapeArgument(layer), io.Input, io.Delta!, io.InputDelta!) + ";");
        }

        /// <summary>No parameters: nothing to do unless a layer below needs the deltas.</summary>
        protected override void GradientBatch(PassWriter w, LayerPlan layer, LayerIo io, bool derivative)
        {
            if (io.InputDeltas[0] is null) return;
            if (!Specialized(layer))
            {
                base.GradientBatch(w, layer, io, derivative);
                return;
            }

            if (derivative) Derivative(w, layer, io);
            string relu = io.InputReluDerivative ? ", relu: true" : "";
            w.Line(Call(KernelNames.Backward2x2, io.Inputs[0].Name, io.Delta!.Name, io.InputDeltas[0]!.Name, Planes(layer, "batch") + relu) + ";");
        }
    }
}
