using System.Collections.Generic;
using System.Linq;
using static NetGen.Generator.Model.ShapeInference;

namespace NetGen.Generator.Model
{
    /// <summary>
    /// Appendix E's convolution arithmetic for convolutions, transposed convolutions and pooling, per spatial axis:
    /// o = floor((i + 2p - d(k - 1) - 1) / s) + 1 (relationships 6, 7, 15), o' = (i' - 1) s - 2p + d(k - 1) + a + 1
    /// (relationship 14). Part of <see cref="ShapeInference"/>, the one home of the shape rules.
    /// </summary>
    internal static class WindowArithmetic
    {
        private static readonly string[][] AxisNames = { new[] { "length" }, new[] { "height", "width" }, new[] { "depth", "height", "width" } };
        private static readonly string[][] UnitNames = { new[] { "position" }, new[] { "row", "column" }, new[] { "slice", "row", "column" } };
        private static readonly string[][] Sides = { new[] { "at the end" }, new[] { "at the bottom", "on the right" }, new[] { "at the back", "at the bottom", "on the right" } };

        /// <summary>Floor division (toward minus infinity, also for negative numerators).</summary>
        public static int FloorDiv(int a, int b) => a >= 0 ? a / b : -((-a + b - 1) / b);

        /// <summary>Non-negative remainder.</summary>
        public static int Mod(int a, int b) => ((a % b) + b) % b;

        /// <summary>Output size of a convolution or pooling along one axis (relationship 15).</summary>
        public static int ConvOutput(int i, int k, int s, int p, int d) => FloorDiv(i + 2 * p - d * (k - 1) - 1, s) + 1;

        /// <summary>Output size of a transposed convolution along one axis (relationship 14, with PyTorch's dilation term).</summary>
        public static int TransposedOutput(int i, int k, int s, int p, int a, int d = 1) => (i - 1) * s - 2 * p + d * (k - 1) + a + 1;

        /// <summary>Resolves the window of a spatial layer on input <paramref name="shape"/> (C, spatial...), adding problems; false when its output cannot be computed.</summary>
        public static bool Infer(LayerSpec layer, int index, EquatableArray<int> shape, List<Problem> problems, out EquatableArray<int> outShape, out WindowPlan? window)
        {
            outShape = EquatableArray<int>.Empty;
            window = null;
            string name = layer.AttributeName, number = Str(index + 1);
            int rank = shape.Count - 1;
            if (rank < 1)
            {
                problems.Add(Make(DiagnosticIds.NoSpatialAxes, index, null, -1, name, number, Shape(shape)));
                return false;
            }

            bool conv = layer.Kind == LayerKind.Conv, transposed = layer.Kind == LayerKind.ConvTranspose, pool = !conv && !transposed;
            bool ok = true;
            void OutOfRange(string argument, int value, string expected)
            {
                problems.Add(Make(DiagnosticIds.ArgumentOutOfRange, index, argument, -1, name, number, argument, Str(value), expected));
                ok = false;
            }

            if (!pool && layer.Units < 1) OutOfRange("filters", layer.Units, "filters >= 1");

            var kernel = new int[rank];
            string kernelArgument = "k";
            if (conv && layer.KernelSize.Count > 0)
            {
                kernelArgument = "KernelSize";
                if (layer.KernelSize.Count != rank)
                {
                    problems.Add(Make(DiagnosticIds.ArgumentOutOfRange, index, "KernelSize", -1, name, number, "KernelSize", Shape(layer.KernelSize),
                        Str(rank) + " sizes, one per spatial axis of the input " + Shape(shape)));
                    ok = false;
                }
                else
                {
                    for (int a = 0; a < rank; a++)
                    {
                        kernel[a] = layer.KernelSize[a];
                        if (kernel[a] < 1)
                        {
                            problems.Add(Make(DiagnosticIds.ArgumentOutOfRange, index, "KernelSize", a, name, number, "KernelSize[" + Str(a) + "]", Str(kernel[a]), "every kernel size >= 1"));
                            ok = false;
                        }
                    }
                }
            }
            else
            {
                if (layer.K < 1) OutOfRange("k", layer.K, "k >= 1");
                for (int a = 0; a < rank; a++) kernel[a] = layer.K;
            }

            if (layer.S < 1) OutOfRange("s", layer.S, "s >= 1");
            if (layer.D < 1) OutOfRange("d", layer.D, "d >= 1");
            if (layer.P < 0) OutOfRange("p", layer.P, "p >= 0");
            else if (pool && layer.K >= 1 && layer.P > layer.K / 2) OutOfRange("p", layer.P, "p <= k / 2 = " + Str(layer.K / 2) + " (a pooling window must not lie in the padding)");
            if (transposed && layer.S >= 1 && (layer.A < 0 || layer.A >= layer.S)) OutOfRange("a", layer.A, "0 <= a < s = " + Str(layer.S) + " (relationship 14)");
            if (conv && (layer.Padding < Padding.Explicit || layer.Padding > Padding.Full)) OutOfRange("Padding", (int)layer.Padding, "a member of NetGen.Padding");
            if (!ok) return false;

            int d = conv ? layer.D : 1;
            var padding = new int[rank];
            for (int a = 0; a < rank; a++)
            {
                int reach = d * (kernel[a] - 1); // effective kernel - 1
                switch (conv ? layer.Padding : Padding.Explicit)
                {
                    case Padding.Valid:
                        padding[a] = 0;
                        break;
                    case Padding.Same:
                        if (layer.S != 1 || reach % 2 != 0)
                        {
                            string why = layer.S != 1 ? "s = " + Str(layer.S) : "the effective kernel d(k - 1) + 1 = " + Str(reach + 1) + " is even";
                            var fixes = new List<string>();
                            if (layer.S != 1) fixes.Add("s=1");
                            if (reach % 2 != 0 && layer.D % 2 == 1 && kernelArgument == "k") fixes.Add("k=" + Str(layer.K + 1));
                            string hint = layer.S != 1 ? "use s: 1, or Padding.Explicit with the padding you need" : "use an odd kernel such as k: " + Str(kernel[a] + 1);
                            problems.Add(Make(DiagnosticIds.SameNeedsOddKernelAndStrideOne, index, "Padding", -1, name, number, why, hint) with { Fixes = new EquatableArray<string>(fixes) });
                            return false;
                        }

                        padding[a] = reach / 2;
                        break;
                    case Padding.Full:
                        padding[a] = reach;
                        break;
                    default:
                        padding[a] = layer.P;
                        break;
                }
            }

            var output = new int[rank + 1];
            output[0] = pool ? shape[0] : layer.Units;
            var unused = new List<string>();
            var tooSmall = new List<(string Axis, string Formula)>();
            bool zerosOnly = false;
            for (int a = 0; a < rank; a++)
            {
                int i = shape[a + 1], k = kernel[a], s = layer.S, p = padding[a];
                string axis = AxisNames[rank - 1][a];
                if (transposed)
                {
                    int o = TransposedOutput(i, k, s, p, layer.A);
                    if (o < 1)
                    {
                        tooSmall.Add((axis, "o = (" + Str(i) + " - 1)*" + Str(s) + " - 2*" + Str(p) + " + " + Str(k) + " + " + Str(layer.A) + " = " + Str(o) + "; padding " + Str(p) + " removes more than the transposed convolution produces"));
                    }

                    output[a + 1] = o;
                    continue;
                }

                int keff = d * (k - 1) + 1;
                int numerator = i + 2 * p - keff;
                int size = FloorDiv(numerator, s) + 1;
                if (size < 1)
                {
                    string formula = d == 1
                        ? "o = floor((" + Str(i) + " + 2*" + Str(p) + " - " + Str(k) + ") / " + Str(s) + ") + 1 = " + Str(size) + "; " + (pool ? "window " : "kernel ") + Str(k)
                        : "o = floor((" + Str(i) + " + 2*" + Str(p) + " - " + Str(k) + " - (" + Str(k) + " - 1)*(" + Str(d) + " - 1)) / " + Str(s) + ") + 1 = " + Str(size) + "; dilated kernel " + Str(keff);
                    tooSmall.Add((axis, formula + " exceeds padded input " + Str(i + 2 * p)));
                    continue;
                }

                output[a + 1] = size;
                int r = Mod(numerator, s);
                if (r != 0)
                {
                    string unit = UnitNames[rank - 1][a] + (r == 1 ? "" : "s");
                    unused.Add(axis + ": (i + 2p - d(k - 1) - 1) mod s = (" + Str(i) + " + 2*" + Str(p) + " - " + Str(d) + "*(" + Str(k) + " - 1) - 1) mod " + Str(s) + " = " + Str(r)
                        + ", so the last " + Str(r) + " " + unit + " of the padded input " + Sides[rank - 1][a] + " " + (r == 1 ? "is" : "are") + " never read"
                        + (r > p ? " (" + Str(r - p) + " of input)" : " (padding only)"));
                }

                if (conv && p >= keff && !zerosOnly)
                {
                    problems.Add(Make(DiagnosticIds.PaddingOnlyZeros, index, "p", -1, name, number, Str(p), Str(keff)));
                    zerosOnly = true; // once per layer
                }
            }

            if (tooSmall.Count > 0)
            {
                // One diagnostic per layer; axes with the same arithmetic share one formula ("height, width: o = ...").
                var text = tooSmall.GroupBy(t => t.Formula).Select(g => (rank > 1 ? string.Join(", ", g.Select(t => t.Axis)) + ": " : "") + g.Key);
                problems.Add(Make(DiagnosticIds.OutputSizeNotPositive, index, transposed ? "p" : kernelArgument, -1, name, number, string.Join("; ", text)));
                return false;
            }

            if (unused.Count > 0)
            {
                var fixes = CoveringFixes(layer, conv, rank, shape, kernel, padding, d);
                string hint = fixes.Count == 0 ? "no padding or stride covers it exactly" : string.Join(" or ", fixes.Select(f => f.Replace("=", ": "))) + " would cover the input exactly";
                problems.Add(Make(DiagnosticIds.StrideLeavesInputUnused, index, "s", -1, name, number, string.Join("; ", unused), hint) with { Fixes = new EquatableArray<string>(fixes) });
            }

            outShape = new EquatableArray<int>(output);
            window = new WindowPlan(
                new EquatableArray<int>(kernel),
                new EquatableArray<int>(Enumerable.Repeat(layer.S, rank)),
                new EquatableArray<int>(padding),
                new EquatableArray<int>(Enumerable.Repeat(d, rank)),
                transposed ? layer.A : 0);
            return true;
        }

        /// <summary>The smallest larger padding and the largest smaller stride with which every axis is covered exactly.</summary>
        private static List<string> CoveringFixes(LayerSpec layer, bool conv, int rank, EquatableArray<int> shape, int[] kernel, int[] padding, int d)
        {
            var fixes = new List<string>();
            bool Covers(int? explicitPad, int s)
            {
                for (int a = 0; a < rank; a++)
                {
                    int p = explicitPad ?? padding[a];
                    if (Mod(shape[a + 1] + 2 * p - d * (kernel[a] - 1) - 1, s) != 0) return false;
                    if (ConvOutput(shape[a + 1], kernel[a], s, p, d) < 1) return false;
                }

                return true;
            }

            bool explicitPadding = !conv || layer.Padding == Padding.Explicit;
            if (explicitPadding)
            {
                for (int p = padding[0] + 1; p <= padding[0] + layer.S; p++)
                {
                    if (!conv && p > layer.K / 2) break;
                    if (Covers(p, layer.S))
                    {
                        fixes.Add("p=" + Str(p));
                        break;
                    }
                }
            }

            for (int s = layer.S - 1; s >= 1; s--)
            {
                if (Covers(null, s))
                {
                    fixes.Add("s=" + Str(s));
                    break;
                }
            }

            return fixes;
        }

        /// <summary>"(1, 28, 28)".</summary>
        public static string Shape(EquatableArray<int> shape) => "(" + string.Join(", ", shape.Select(Str)) + ")";
    }
}
