using NetGen.Generator.Model;

namespace NetGen.Generator
{
    public sealed partial class NetworkGenerator
    {
        internal static partial class Emitter
        {
            /// <summary>Max pooling (section 6.7), 1-D to 3-D, as PyTorch's nn.MaxPool*d: padding counts as -infinity; the gradient goes to each window's maximum.</summary>
            private class MaxPoolEmitter : LayerEmitter
            {
                public static readonly MaxPoolEmitter Instance = new MaxPoolEmitter();

                public override string Signature(LayerPlan layer) => WindowSignature(layer, false) + ")";

                protected override void Compute(SourceWriter w, LayerPlan layer, SampleIo io)
                {
                    w.Line(Kernels + ".MaxPoolForward(in " + GeometryName(layer) + ", " + io.Input + ", " + io.Output + ");");
                }

                protected override void Gradient(SourceWriter w, LayerPlan layer, SampleIo io)
                {
                    w.Line(Kernels + ".MaxPoolBackward(in " + GeometryName(layer) + ", " + io.Input + ", " + io.Delta + ", " + io.InputDelta + ");");
                }

                /// <summary>No parameters: nothing to do unless a layer below needs the deltas.</summary>
                protected override void GradientBatch(SourceWriter w, LayerPlan layer, LayerIo io, bool derivative)
                {
                    if (io.InputDeltas[0] != null) base.GradientBatch(w, layer, io, derivative);
                }

                public override void Fields(SourceWriter w, LayerPlan layer)
                {
                    var win = layer.Window!;
                    w.Line("private static readonly global::NetGen.PoolGeometry " + GeometryName(layer) + " = new global::NetGen.PoolGeometry(");
                    w.Line("    channels: " + Lit(layer.InShape[0]) + ", input: " + Triple(System.Linq.Enumerable.Skip(layer.InShape, 1), 1) + ", output: " + Triple(System.Linq.Enumerable.Skip(layer.OutShape, 1), 1) + ",");
                    w.Line("    kernel: " + Triple(win.Kernel, 1) + ", stride: " + Triple(win.Stride, 1) + ", padding: " + Triple(win.Padding, 0) + ");");
                }
            }

            /// <summary>Average pooling (section 6.7), as PyTorch's nn.AvgPool*d, with or without the padded zeros in the divisor.</summary>
            private sealed class AvgPoolEmitter : MaxPoolEmitter
            {
                public static new readonly AvgPoolEmitter Instance = new AvgPoolEmitter();

                public override string Signature(LayerPlan layer) => WindowSignature(layer, false) + (((PoolOptions)layer.Spec.Options).Window.CountIncludePad ? "" : ", padding not counted") + ")";

                protected override void Compute(SourceWriter w, LayerPlan layer, SampleIo io)
                {
                    w.Line(Kernels + ".AvgPoolForward(in " + GeometryName(layer) + ", " + CountIncludePad(layer) + ", " + io.Input + ", " + io.Output + ");");
                }

                protected override void Gradient(SourceWriter w, LayerPlan layer, SampleIo io)
                {
                    w.Line(Kernels + ".AvgPoolBackward(in " + GeometryName(layer) + ", " + CountIncludePad(layer) + ", " + io.Delta + ", " + io.InputDelta + ");");
                }

                private static string CountIncludePad(LayerPlan layer) => "countIncludePad: " + (((PoolOptions)layer.Spec.Options).Window.CountIncludePad ? "true" : "false");
            }
        }
    }
}
