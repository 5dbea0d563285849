using System.Linq;
using NetGen.Generator.Model;

namespace NetGen.Generator
{
    public sealed partial class NetworkGenerator
    {
        internal static partial class Emitter
        {
            /// <summary>
            /// Convolutions (eq. 6.6, backward 6.8-6.11) and transposed convolutions (section E.5), 1-D to 3-D, with the
            /// shape as a static readonly geometry of literals. Direct loops, vectorized along the width when the stride is 1.
            /// A transposed convolution is a convolution's input gradient: its geometry is that of the convolution it
            /// transposes (from this layer's output to its input), so the same three kernels serve both, roles swapped.
            /// </summary>
            private static class Conv
            {
                /// <summary>
                /// The emitter's choice of algorithm from the constant shapes: im2col and matrix products (long contiguous
                /// rows) unless the column matrix would exceed 4M floats, then direct loops (no scratch).
                /// </summary>
                public static bool UsesColumns(LayerPlan layer) => ColumnsLength(layer) <= MaxColumns;

                private const long MaxColumns = 4L << 20;

                /// <summary>Taps times output positions of the convolution geometry (for a transposed layer, of the convolution it transposes).</summary>
                public static long ColumnsLength(LayerPlan layer)
                {
                    bool transposed = layer.Spec.Kind == LayerKind.ConvTranspose;
                    var from = transposed ? layer.OutShape : layer.InShape;
                    var to = transposed ? layer.InShape : layer.OutShape;
                    long taps = from[0], positions = 1;
                    foreach (int k in layer.Window!.Kernel) taps *= k;
                    for (int a = 1; a < to.Count; a++) positions *= to[a];
                    return taps * positions;
                }

                /// <summary>"im2col, 25x784 columns" or "direct loops".</summary>
                public static string Strategy(LayerPlan layer)
                {
                    if (!UsesColumns(layer)) return "direct loops";
                    long length = ColumnsLength(layer);
                    var to = layer.Spec.Kind == LayerKind.ConvTranspose ? layer.InShape : layer.OutShape;
                    long positions = length;
                    long p = 1;
                    for (int a = 1; a < to.Count; a++) p *= to[a];
                    return "im2col, " + (length / p).ToString(System.Globalization.CultureInfo.InvariantCulture) + "x" + p.ToString(System.Globalization.CultureInfo.InvariantCulture) + " columns";
                }

                private static string Suffix(LayerPlan layer) => UsesColumns(layer) ? "Columns" : "";

                private static string Scratch(LayerPlan layer) => UsesColumns(layer) ? ", columns" : "";

                public static void Forward(SourceWriter w, LayerPlan layer, string input, string output)
                {
                    w.Line(Kernels + ".ConvForward" + Suffix(layer) + "(in " + GeometryName(layer) + ", " + WeightSlice(layer) + ", " + BiasSlice(layer) + ", " + input + ", " + output + Scratch(layer) + ");");
                }

                public static void Backward(SourceWriter w, LayerPlan layer, string input, string delta, string? inputDelta)
                {
                    w.Line(Kernels + ".ConvWeightGradient" + Suffix(layer) + "(in " + GeometryName(layer) + ", " + input + ", " + delta + ", " + WeightSlice(layer, "g") + Scratch(layer) + ");");
                    if (layer.BiasCount > 0) w.Line(Kernels + ".ChannelBiasGradient(" + delta + ", " + BiasSlice(layer, "g") + ", " + Lit(layer.OutSize / layer.OutShape[0]) + ");");
                    if (inputDelta != null) w.Line(Kernels + ".ConvBackwardInput" + Suffix(layer) + "(in " + GeometryName(layer) + ", " + WeightSlice(layer) + ", " + delta + ", " + inputDelta + Scratch(layer) + ");");
                }

                public static void TransposedForward(SourceWriter w, LayerPlan layer, string input, string output)
                {
                    w.Line(Kernels + ".ConvBackwardInput" + Suffix(layer) + "(in " + GeometryName(layer) + ", " + WeightSlice(layer) + ", " + input + ", " + output + Scratch(layer) + ");");
                    if (layer.BiasCount > 0) w.Line(Kernels + ".AddChannelBias(" + BiasSlice(layer) + ", " + output + ", " + Lit(layer.OutSize / layer.OutShape[0]) + ");");
                }

                public static void TransposedBackward(SourceWriter w, LayerPlan layer, string input, string delta, string? inputDelta)
                {
                    w.Line(Kernels + ".ConvWeightGradient" + Suffix(layer) + "(in " + GeometryName(layer) + ", " + delta + ", " + input + ", " + WeightSlice(layer, "g") + Scratch(layer) + ");");
                    if (layer.BiasCount > 0) w.Line(Kernels + ".ChannelBiasGradient(" + delta + ", " + BiasSlice(layer, "g") + ", " + Lit(layer.OutSize / layer.OutShape[0]) + ");");
                    if (inputDelta != null) w.Line(Kernels + ".ConvForward" + Suffix(layer) + "(in " + GeometryName(layer) + ", " + WeightSlice(layer) + ", default(" + ReadOnlySpan + "), " + delta + ", " + inputDelta + Scratch(layer) + ");");
                }

                /// <summary>The geometry field: for a transposed convolution, that of the convolution from its output back to its input.</summary>
                public static void Geometry(SourceWriter w, LayerPlan layer)
                {
                    var win = layer.Window!;
                    bool transposed = layer.Spec.Kind == LayerKind.ConvTranspose;
                    var from = transposed ? layer.OutShape : layer.InShape;
                    var to = transposed ? layer.InShape : layer.OutShape;
                    w.Line("private static readonly global::NetGen.ConvGeometry " + GeometryName(layer) + " = new global::NetGen.ConvGeometry(");
                    w.Line("    channels: " + Lit(from[0]) + ", filters: " + Lit(to[0]) + ",");
                    w.Line("    input: " + Triple(from.Skip(1), 1) + ", output: " + Triple(to.Skip(1), 1) + ",");
                    w.Line("    kernel: " + Triple(win.Kernel, 1) + ", stride: " + Triple(win.Stride, 1) + ", padding: " + Triple(win.Padding, 0) + ", dilation: " + Triple(win.Dilation, 1) + ");");
                }
            }

            /// <summary>Max and average pooling (section 6.7), 1-D to 3-D, as PyTorch's nn.MaxPool*d / nn.AvgPool*d.</summary>
            private static class Pool
            {
                public static void Forward(SourceWriter w, LayerPlan layer, string input, string output)
                {
                    if (layer.Spec.Kind == LayerKind.MaxPool)
                        w.Line(Kernels + ".MaxPoolForward(in " + GeometryName(layer) + ", " + input + ", " + output + ");");
                    else
                        w.Line(Kernels + ".AvgPoolForward(in " + GeometryName(layer) + ", " + Bool(layer.Spec.CountIncludePad) + ", " + input + ", " + output + ");");
                }

                public static void Backward(SourceWriter w, LayerPlan layer, string input, string delta, string? inputDelta)
                {
                    if (inputDelta is null) return; // no parameters, and nothing below to pass deltas to
                    if (layer.Spec.Kind == LayerKind.MaxPool)
                        w.Line(Kernels + ".MaxPoolBackward(in " + GeometryName(layer) + ", " + input + ", " + delta + ", " + inputDelta + ");");
                    else
                        w.Line(Kernels + ".AvgPoolBackward(in " + GeometryName(layer) + ", " + Bool(layer.Spec.CountIncludePad) + ", " + delta + ", " + inputDelta + ");");
                }

                public static void Geometry(SourceWriter w, LayerPlan layer)
                {
                    var win = layer.Window!;
                    w.Line("private static readonly global::NetGen.PoolGeometry " + GeometryName(layer) + " = new global::NetGen.PoolGeometry(");
                    w.Line("    channels: " + Lit(layer.InShape[0]) + ", input: " + Triple(layer.InShape.Skip(1), 1) + ", output: " + Triple(layer.OutShape.Skip(1), 1) + ",");
                    w.Line("    kernel: " + Triple(win.Kernel, 1) + ", stride: " + Triple(win.Stride, 1) + ", padding: " + Triple(win.Padding, 0) + ");");
                }

                private static string Bool(bool value) => value ? "true" : "false";
            }

            /// <summary>Writes the static geometry fields of every convolution and pooling layer.</summary>
            private static void EmitGeometries(SourceWriter w, NetworkPlan plan)
            {
                foreach (var layer in plan.Layers)
                {
                    switch (layer.Spec.Kind)
                    {
                        case LayerKind.Conv:
                        case LayerKind.ConvTranspose:
                            w.Line("// " + Describe(layer));
                            Conv.Geometry(w, layer);
                            w.Line();
                            break;
                        case LayerKind.MaxPool:
                        case LayerKind.AvgPool:
                            w.Line("// " + Describe(layer));
                            Pool.Geometry(w, layer);
                            w.Line();
                            break;
                    }
                }
            }

            /// <summary>The largest column matrix of the network's convolutions that use im2col (0 when none does).</summary>
            private static int ColumnsLength(NetworkPlan plan)
            {
                long max = 0;
                foreach (var layer in plan.Layers)
                {
                    if ((layer.Spec.Kind == LayerKind.Conv || layer.Spec.Kind == LayerKind.ConvTranspose) && Conv.UsesColumns(layer))
                    {
                        max = System.Math.Max(max, Conv.ColumnsLength(layer));
                    }
                }

                return (int)max;
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
