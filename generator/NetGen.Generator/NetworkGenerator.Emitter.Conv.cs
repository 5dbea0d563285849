using System;
using System.Linq;
using NetGen.Generator.Model;

namespace NetGen.Generator
{
    public sealed partial class NetworkGenerator
    {
        internal static partial class Emitter
        {
            /// <summary>
            /// Convolutions (eq. 6.6, backward 6.8-6.11), 1-D to 3-D, with the shape as a static readonly geometry of literals.
            /// The emitter chooses the algorithm from the constant shapes: im2col and matrix products (long contiguous rows)
            /// unless the column matrix would exceed 4M floats, then direct loops (no scratch).
            /// </summary>
            private class ConvEmitter : LayerEmitter
            {
                public static readonly ConvEmitter Instance = new ConvEmitter();

                private const long MaxColumns = 4L << 20;

                /// <summary>Whether the convolution runs as im2col + matrix products.</summary>
                protected bool UsesColumns(LayerPlan layer) => ColumnsLength(layer) <= MaxColumns;

                /// <summary>Stride 1: the shifted-rows scratch (no im2col anywhere); otherwise the im2col matrix where it is small enough.</summary>
                public override long Columns(LayerPlan layer) => Implicit(layer) ? ImplicitLength(layer) : UsesColumns(layer) ? ColumnsLength(layer) : 0;

                /// <summary>
                /// Whether the forward pass runs as one matrix product over shifted rows of the padded input (every stride 1):
                /// no im2col copy. The runtime's Kernels.ImplicitConvScratchLength computes the same scratch and checks it.
                /// </summary>
                protected virtual bool Implicit(LayerPlan layer) => layer.Window!.Stride.All(s => s == 1);

                /// <summary>The padded input (with slack for the last shifted row) and the output on the padded grid.</summary>
                private static long ImplicitLength(LayerPlan layer)
                {
                    var win = layer.Window!;
                    long plane = PaddedPlane(layer), extended = Extended(layer), lastRow = 0, rowLength = 1;
                    for (int a = win.Kernel.Count - 1; a >= 0; a--)
                    {
                        lastRow += (win.Kernel[a] - 1L) * win.Dilation[a] * rowLength;
                        rowLength *= layer.InShape[a + 1] + 2L * win.Padding[a];
                    }

                    long width = (extended + 31) / 32 * 32; // whole 32-column panels
                    lastRow += (layer.InShape[0] - 1) * plane;
                    long taps = layer.InShape[0];
                    foreach (int k in win.Kernel) taps *= k;
                    return Math.Max(layer.InShape[0] * plane, lastRow + width) + layer.OutShape[0] * width + Math.Max(KernelChoices.GradientChunks * taps * layer.OutShape[0], taps * width); // the weight gradient's partial sums
                }

                /// <summary>One channel's zero-padded input plane.</summary>
                private static long PaddedPlane(LayerPlan layer)
                {
                    long plane = 1;
                    for (int a = 0; a < layer.Window!.Kernel.Count; a++) plane *= layer.InShape[a + 1] + 2L * layer.Window.Padding[a];
                    return plane;
                }

                /// <summary>How far a sample's kept outputs span on the padded input's grid (the last one's index plus 1).</summary>
                private static long Extended(LayerPlan layer)
                {
                    var win = layer.Window!;
                    long extended = 1, rowLength = 1;
                    for (int a = win.Kernel.Count - 1; a >= 0; a--)
                    {
                        extended += (layer.OutShape[a + 1] - 1) * rowLength;
                        rowLength *= layer.InShape[a + 1] + 2L * win.Padding[a];
                    }

                    return extended;
                }

                /// <summary>Whether this emitter transposes: its geometry is that of the convolution from its output back to its input.</summary>
                protected virtual bool Transposed => false;

                /// <summary>Taps times output positions of the convolution geometry (for a transposed layer, of the convolution it transposes).</summary>
                private long ColumnsLength(LayerPlan layer)
                {
                    var from = Transposed ? layer.OutShape : layer.InShape;
                    long taps = from[0], positions = Positions(layer);
                    foreach (int k in layer.Window!.Kernel) taps *= k;
                    return taps * positions;
                }

                private long Positions(LayerPlan layer)
                {
                    var to = Transposed ? layer.InShape : layer.OutShape;
                    long positions = 1;
                    for (int a = 1; a < to.Count; a++) positions *= to[a];
                    return positions;
                }

                public override string Export(LayerPlan layer, ExportIo io)
                {
                    var window = layer.Window!;
                    return "onnx." + (Transposed ? "ConvTranspose" : "Conv") + "(\"" + layer.Name + "\", " + io.Inputs[0] + ", weight: " + io.Weight(layer) + ", bias: " + io.Bias(layer)
                        + ", kernel: " + IntArray(window.Kernel) + ", strides: " + IntArray(window.Stride) + ", padding: " + IntArray(window.Padding) + ", dilations: " + IntArray(window.Dilation)
                        + (Transposed ? ", outputPadding: " + Lit(window.OutputPadding) : "") + ")";
                }

                public override string Signature(LayerPlan layer) => WindowSignature(layer, true) + ActSuffix(layer) + BiasSuffix(layer) + ")";

                /// <summary>Stride 1: the shifted-rows product and the weight-gradient kernel; otherwise "im2col, 25x784 columns" or "direct loops".</summary>
                public override string Strategy(LayerPlan layer)
                {
                    if (Implicit(layer))
                    {
                        return ", one matrix product over shifted rows of the padded input (no im2col), weight gradient: "
                            + (Extended(layer) >= KernelChoices.LaneSumMinimumRow ? "16-lane dot products over the batch" : "one product per sample");
                    }

                    if (!UsesColumns(layer)) return ", direct loops";
                    long positions = Positions(layer);
                    return ", im2col, " + Lit((int)(ColumnsLength(layer) / positions)) + "x" + Lit((int)positions) + " columns";
                }

                protected string Suffix(LayerPlan layer) => UsesColumns(layer) ? "Columns" : "";

                protected string Scratch(LayerPlan layer) => UsesColumns(layer) ? ", columns" : "";

                protected string Geometry(LayerPlan layer) => "in " + GeometryName(layer);

                protected override void Compute(SourceWriter w, LayerPlan layer, SampleIo io)
                {
                    if (Implicit(layer))
                    {
                        w.Line(Kernels + ".ConvForwardImplicit(" + Geometry(layer) + ", " + WeightSlice(layer) + ", " + BiasSlice(layer) + ", " + io.Input + ", " + io.Output + ", columns);");
                        return;
                    }

                    w.Line(Kernels + ".ConvForward" + Suffix(layer) + "(" + Geometry(layer) + ", " + WeightSlice(layer) + ", " + BiasSlice(layer) + ", " + io.Input + ", " + io.Output + Scratch(layer) + ");");
                }

                /// <summary>
                /// Stride 1: the weight gradient of the whole batch as one kernel (shifted input rows, summed in fixed chunks of
                /// samples), the bias gradient sample by sample, and the input deltas as one batch call.
                /// </summary>
                protected override void GradientBatch(SourceWriter w, LayerPlan layer, LayerIo io, bool derivative)
                {
                    if (!Implicit(layer))
                    {
                        base.GradientBatch(w, layer, io, derivative);
                        return;
                    }

                    if (derivative) Derivative(w, layer, io);
                    w.Line(Kernels + ".ConvWeightGradientImplicit(" + Geometry(layer) + ", " + io.Inputs[0] + ", " + io.Delta + ", " + WeightSlice(layer, "g") + ", batch, columns);");
                    if (layer.BiasCount > 0) w.Line("for (int n = 0; n < batch; n++) " + Kernels + ".ChannelBiasGradient(" + io.Delta!.Sample("n") + ", " + BiasSlice(layer, "g") + ", " + Lit(layer.OutSize / layer.OutShape[0]) + ");");
                    var dx = io.InputDeltas[0];
                    if (dx != null) w.Line(Kernels + ".ConvImplicitBatch(" + Geometry(layer) + ", inputGradient: true, " + WeightSlice(layer) + ", default(" + ReadOnlySpan + "), " + io.Delta + ", " + dx + ", batch, columns);");
                }

                /// <summary>Stride 1: the batch's samples through the shifted-rows product (split across threads when enabled).</summary>
                protected override void ComputeBatch(SourceWriter w, LayerPlan layer, LayerIo io)
                {
                    if (!Implicit(layer))
                    {
                        base.ComputeBatch(w, layer, io);
                        return;
                    }

                    w.Line(Kernels + ".ConvImplicitBatch(" + Geometry(layer) + ", inputGradient: false, " + WeightSlice(layer) + ", " + BiasSlice(layer) + ", " + io.Inputs[0] + ", " + io.Output + ", batch, columns);");
                }

                protected override void Gradient(SourceWriter w, LayerPlan layer, SampleIo io)
                {
                    w.Line(Kernels + ".ConvWeightGradient" + Suffix(layer) + "(" + Geometry(layer) + ", " + io.Input + ", " + io.Delta + ", " + WeightSlice(layer, "g") + Scratch(layer) + ");");
                    if (layer.BiasCount > 0) w.Line(Kernels + ".ChannelBiasGradient(" + io.Delta + ", " + BiasSlice(layer, "g") + ", " + Lit(layer.OutSize / layer.OutShape[0]) + ");");
                    if (io.InputDelta != null) w.Line(Kernels + ".ConvBackwardInput" + Suffix(layer) + "(" + Geometry(layer) + ", " + WeightSlice(layer) + ", " + io.Delta + ", " + io.InputDelta + Scratch(layer) + ");");
                }

                public override void Fields(SourceWriter w, LayerPlan layer)
                {
                    var win = layer.Window!;
                    var from = Transposed ? layer.OutShape : layer.InShape;
                    var to = Transposed ? layer.InShape : layer.OutShape;
                    w.Line("private static readonly global::NetGen.ConvGeometry " + GeometryName(layer) + " = new global::NetGen.ConvGeometry(");
                    w.Line("    channels: " + Lit(from[0]) + ", filters: " + Lit(to[0]) + ",");
                    w.Line("    input: " + Triple(from.Skip(1), 1) + ", output: " + Triple(to.Skip(1), 1) + ",");
                    w.Line("    kernel: " + Triple(win.Kernel, 1) + ", stride: " + Triple(win.Stride, 1) + ", padding: " + Triple(win.Padding, 0) + ", dilation: " + Triple(win.Dilation, 1) + ");");
                }
            }

            /// <summary>
            /// Transposed convolutions (section E.5): a convolution's input gradient. The geometry is that of the convolution
            /// it transposes (from this layer's output to its input), so the convolution's kernels serve, roles swapped.
            /// </summary>
            private sealed class ConvTransposeEmitter : ConvEmitter
            {
                public static new readonly ConvTransposeEmitter Instance = new ConvTransposeEmitter();

                protected override bool Transposed => true;

                /// <summary>A transposed convolution's forward pass is a convolution's input gradient: no shifted-rows product.</summary>
                protected override bool Implicit(LayerPlan layer) => false;

                protected override void Compute(SourceWriter w, LayerPlan layer, SampleIo io)
                {
                    w.Line(Kernels + ".ConvBackwardInput" + Suffix(layer) + "(" + Geometry(layer) + ", " + WeightSlice(layer) + ", " + io.Input + ", " + io.Output + Scratch(layer) + ");");
                    if (layer.BiasCount > 0) w.Line(Kernels + ".AddChannelBias(" + BiasSlice(layer) + ", " + io.Output + ", " + Lit(layer.OutSize / layer.OutShape[0]) + ");");
                }

                protected override void Gradient(SourceWriter w, LayerPlan layer, SampleIo io)
                {
                    w.Line(Kernels + ".ConvWeightGradient" + Suffix(layer) + "(" + Geometry(layer) + ", " + io.Delta + ", " + io.Input + ", " + WeightSlice(layer, "g") + Scratch(layer) + ");");
                    if (layer.BiasCount > 0) w.Line(Kernels + ".ChannelBiasGradient(" + io.Delta + ", " + BiasSlice(layer, "g") + ", " + Lit(layer.OutSize / layer.OutShape[0]) + ");");
                    if (io.InputDelta != null) w.Line(Kernels + ".ConvForward" + Suffix(layer) + "(" + Geometry(layer) + ", " + WeightSlice(layer) + ", default(" + ReadOnlySpan + "), " + io.Delta + ", " + io.InputDelta + Scratch(layer) + ");");
                }
            }

            /// <summary>"Conv(6, k: 5, s: 2, p: 2" (without the closing parenthesis): a window layer's attribute with the arguments that differ from the defaults.</summary>
            private static string WindowSignature(LayerPlan layer, bool filters)
            {
                var spec = layer.Spec;
                var window = layer.Window!;
                string text = spec.AttributeName + "(" + (filters ? Lit(((ConvOptions)spec.Options).Filters) + ", k: " : "") + Sizes(window.Kernel, "x");
                if (window.Stride[0] != (filters ? 1 : window.Kernel[0])) text += ", s: " + Lit(window.Stride[0]);
                if (window.Padding.Any(p => p != 0)) text += ", p: " + Sizes(window.Padding, "x");
                if (window.Dilation[0] != 1) text += ", d: " + Lit(window.Dilation[0]);
                if (window.OutputPadding != 0) text += ", a: " + Lit(window.OutputPadding);
                return text;
            }

            private static string GeometryName(LayerPlan layer) => char.ToUpperInvariant(layer.Name[0]) + layer.Name.Substring(1) + "Geometry";

            /// <summary>"(D, H, W)" from 1 to 3 spatial sizes, the missing leading axes filled with <paramref name="fill"/>.</summary>
            private static string Triple(System.Collections.Generic.IEnumerable<int> sizes, int fill)
            {
                var list = sizes.ToList();
                while (list.Count < 3) list.Insert(0, fill);
                return "(" + string.Join(", ", list.Select(v => Lit(v))) + ")";
            }
        }
    }
}
