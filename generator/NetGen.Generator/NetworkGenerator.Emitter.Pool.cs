using System.Linq;
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

                public override string Export(LayerPlan layer, ExportIo io)
                {
                    var window = layer.Window!;
                    return "onnx.MaxPool(\"" + layer.Name + "\", " + io.Inputs[0] + ", kernel: " + IntArray(window.Kernel) + ", strides: " + IntArray(window.Stride) + ", padding: " + IntArray(window.Padding) + ", dilations: " + IntArray(window.Dilation) + ")";
                }

                /// <summary>
                /// The emitter's choice from the constant shapes: non-overlapping 2x2 windows without padding on a 2-D map run as
                /// one kernel over all the batch's channel planes, without bounds checks; other windows use the general kernel.
                /// </summary>
                protected virtual bool TwoByTwo(LayerPlan layer)
                {
                    var win = layer.Window!;
                    return win.Kernel.Count == 2 && win.Kernel.All(k => k == 2) && win.Stride.All(s => s == 2) && win.Padding.All(p => p == 0);
                }

                public override string Strategy(LayerPlan layer) => TwoByTwo(layer) ? ", 2x2 windows over all channel planes" : "";

                /// <summary>"planes, height, width" of a 2x2 kernel call over <paramref name="samples"/> samples.</summary>
                private static string Planes(LayerPlan layer, string samples)
                    => (samples == "1" ? "" : samples + " * ") + Lit(layer.InShape[0]) + ", " + Lit(layer.InShape[1]) + ", " + Lit(layer.InShape[2]);

                protected override void Compute(SourceWriter w, LayerPlan layer, SampleIo io)
                {
                    if (TwoByTwo(layer)) w.Line(Kernels + ".MaxPool2x2Forward(" + io.Input + ", " + io.Output + ", " + Planes(layer, "1") + ");");
                    else w.Line(Kernels + ".MaxPoolForward(in " + GeometryName(layer) + ", " + io.Input + ", " + io.Output + ");");
                }

                protected override void ComputeBatch(SourceWriter w, LayerPlan layer, LayerIo io)
                {
                    if (TwoByTwo(layer)) w.Line(Kernels + ".MaxPool2x2Forward(" + io.Inputs[0] + ", " + io.Output + ", " + Planes(layer, "batch") + ");");
                    else base.ComputeBatch(w, layer, io);
                }

                protected override void Gradient(SourceWriter w, LayerPlan layer, SampleIo io)
                {
                    w.Line(Kernels + ".MaxPoolBackward(in " + GeometryName(layer) + ", " + io.Input + ", " + io.Delta + ", " + io.InputDelta + ");");
                }

                /// <summary>No parameters: nothing to do unless a layer below needs the deltas.</summary>
                protected override void GradientBatch(SourceWriter w, LayerPlan layer, LayerIo io, bool derivative)
                {
                    if (io.InputDeltas[0] is null) return;
                    if (!TwoByTwo(layer))
                    {
                        base.GradientBatch(w, layer, io, derivative);
                        return;
                    }

                    if (derivative) Derivative(w, layer, io);
                    w.Line(Kernels + ".MaxPool2x2Backward(" + io.Inputs[0] + ", " + io.Delta + ", " + io.InputDeltas[0] + ", " + Planes(layer, "batch") + ");");
                }

                public override void Fields(SourceWriter w, LayerPlan layer)
                {
                    if (TwoByTwo(layer)) return;
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

                /// <summary>Average pooling always runs the general kernel.</summary>
                protected override bool TwoByTwo(LayerPlan layer) => false;

                public override string Signature(LayerPlan layer) => WindowSignature(layer, false) + (((PoolOptions)layer.Spec.Options).Window.CountIncludePad ? "" : ", padding not counted") + ")";

                public override string Export(LayerPlan layer, ExportIo io)
                {
                    var window = layer.Window!;
                    return "onnx.AveragePool(\"" + layer.Name + "\", " + io.Inputs[0] + ", kernel: " + IntArray(window.Kernel) + ", strides: " + IntArray(window.Stride) + ", padding: " + IntArray(window.Padding) + ", " + CountIncludePad(layer) + ")";
                }

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
