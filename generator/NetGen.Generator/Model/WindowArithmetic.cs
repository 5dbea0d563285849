using System;
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
            var spec = layer.Options is ConvOptions convolution ? convolution.Window : ((PoolOptions)layer.Options).Window;
            int filters = layer.Options is ConvOptions c ? c.Filters : 0;
            bool ok = true;
            void OutOfRange(string argument, int value, string expected)
            {
                problems.Add(Make(DiagnosticIds.ArgumentOutOfRange, index, argument, -1, name, number, argument, Str(value), expected));
                ok = false;
            }

            if (!pool && filters < 1) OutOfRange(LayerArguments.Filters, filters, "filters >= 1");

            var kernel = new int[rank];
            string kernelArgument = LayerArguments.Kernel;
            if (conv && spec.KernelSize.Count > 0)
            {
                kernelArgument = LayerArguments.KernelSize;
                if (spec.KernelSize.Count != rank)
                {
                    problems.Add(Make(DiagnosticIds.ArgumentOutOfRange, index, LayerArguments.KernelSize, -1, name, number, LayerArguments.KernelSize, Shape(spec.KernelSize),
                        Str(rank) + " sizes, one per spatial axis of the input " + Shape(shape)));
                    ok = false;
                }
                else
                {
                    for (int a = 0; a < rank; a++)
                    {
                        kernel[a] = spec.KernelSize[a];
                        if (kernel[a] < 1)
                        {
                            problems.Add(Make(DiagnosticIds.ArgumentOutOfRange, index, LayerArguments.KernelSize, a, name, number, "KernelSize[" + Str(a) + "]", Str(kernel[a]), "every kernel size >= 1"));
                            ok = false;
                        }
                    }
                }
            }
            else
            {
                if (spec.K < 1) OutOfRange(LayerArguments.Kernel, spec.K, "k >= 1");
                for (int a = 0; a < rank; a++) kernel[a] = spec.K;
            }

            if (spec.S < 1) OutOfRange(LayerArguments.Stride, spec.S, "s >= 1");
            if (spec.D < 1) OutOfRange(LayerArguments.Dilation, spec.D, "d >= 1");
            if (spec.P < 0) OutOfRange(LayerArguments.Padding, spec.P, "p >= 0");
            else if (pool && spec.K >= 1 && spec.P > spec.K / 2) OutOfRange(LayerArguments.Padding, spec.P, "p <= k / 2 = " + Str(spec.K / 2) + " (a pooling window must not lie in the padding)");
            if (transposed && spec.S >= 1 && (spec.A < 0 || spec.A >= spec.S)) OutOfRange(LayerArguments.OutputPadding, spec.A, "0 <= a < s = " + Str(spec.S) + " (relationship 14)");
            if (conv && (spec.Padding < Padding.Explicit || spec.Padding > Padding.Full)) OutOfRange(LayerArguments.PaddingMode, (int)spec.Padding, "a member of NetGen.Padding");
            if (!ok) return false;

            int d = conv ? spec.D : 1;
            var padding = new int[rank];
            for (int a = 0; a < rank; a++)
            {
                int reach = d * (kernel[a] - 1); // effective kernel - 1
                switch (conv ? spec.Padding : Padding.Explicit)
                {
                    case Padding.Valid:
                        padding[a] = 0;
                        break;
                    case Padding.Same:
                        if (spec.S != 1 || reach % 2 != 0)
                        {
                            string why = spec.S != 1 ? "s = " + Str(spec.S) : "the effective kernel d(k - 1) + 1 = " + Str(reach + 1) + " is even";
                            var fixes = new List<string>();
                            if (spec.S != 1) fixes.Add(LayerArguments.Stride + "=1");
                            if (reach % 2 != 0 && spec.D % 2 == 1 && kernelArgument == LayerArguments.Kernel) fixes.Add(LayerArguments.Kernel + "=" + Str(spec.K + 1));
                            string hint = spec.S != 1 ? "use s: 1, or Padding.Explicit with the padding you need" : "use an odd kernel such as k: " + Str(kernel[a] + 1);
                            problems.Add(Make(DiagnosticIds.SameNeedsOddKernelAndStrideOne, index, LayerArguments.PaddingMode, -1, name, number, why, hint) with { Fixes = new EquatableArray<string>(fixes) });
                            return false;
                        }

                        padding[a] = reach / 2;
                        break;
                    case Padding.Full:
                        padding[a] = reach;
                        break;
                    default:
                        padding[a] = spec.P;
                        break;
                }
            }

            var output = new int[rank + 1];
            output[0] = pool ? shape[0] : filters;
            var unused = new List<string>();
            var subsampled = new List<(int Window, string Text)>();
            var tooSmall = new List<(string Axis, string Formula)>();
            bool zerosOnly = false;
            for (int a = 0; a < rank; a++)
            {
                int i = shape[a + 1], k = kernel[a], s = spec.S, p = padding[a];
                string axis = AxisNames[rank - 1][a];
                if (transposed)
                {
                    int o = TransposedOutput(i, k, s, p, spec.A);
                    if (o < 1)
                    {
                        tooSmall.Add((axis, "o = (" + Str(i) + " - 1)*" + Str(s) + " - 2*" + Str(p) + " + " + Str(k) + " + " + Str(spec.A) + " = " + Str(o) + "; padding " + Str(p) + " removes more than the transposed convolution produces"));
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
                string unit = UnitNames[rank - 1][a];
                if (keff >= s)
                {
                    // The windows touch or overlap, so every row up to the last window's end is read: what lies past it is lost.
                    int lost = LostRows(i, keff, s, p), lastRead = p + i - 1 - lost;
                    if (lost > 0)
                    {
                        unused.Add(axis + ": the last of o = floor((" + Str(i) + " + 2*" + Str(p) + " - " + Str(keff) + ") / " + Str(s) + ") + 1 = " + Str(size)
                            + " windows ends at padded " + unit + " (o - 1)s + ke - 1 = " + Str(lastRead) + ", the input's last is p + i - 1 = " + Str(p + i - 1)
                            + ", so its last " + Plural(lost, unit) + " " + Sides[rank - 1][a] + " " + (lost == 1 ? "is" : "are") + " never read");
                    }
                }
                else
                {
                    // Subsampling: the stride skips the rows between windows by design.
                    int skipped = i - ReadRows(i, k, s, p, d);
                    if (skipped > 0) subsampled.Add((keff, Str(skipped) + " of " + Plural(i, unit)));
                }

                if (conv && p >= keff && !zerosOnly)
                {
                    problems.Add(Make(DiagnosticIds.PaddingOnlyZeros, index, LayerArguments.Padding, -1, name, number, Str(p), Str(keff)));
                    zerosOnly = true; // once per layer
                }
            }

            if (tooSmall.Count > 0)
            {
                // One diagnostic per layer; axes with the same arithmetic share one formula ("height, width: o = ...").
                var text = tooSmall.GroupBy(t => t.Formula).Select(g => (rank > 1 ? string.Join(", ", g.Select(t => t.Axis)) + ": " : "") + g.Key);
                problems.Add(Make(DiagnosticIds.OutputSizeNotPositive, index, transposed ? LayerArguments.Padding : kernelArgument, -1, name, number, string.Join("; ", text)));
                return false;
            }

            if (unused.Count > 0)
            {
                var fixes = CoveringFixes(spec, conv, rank, shape, kernel, padding, d);
                string hint = fixes.Count == 0 ? "no padding or stride covers it exactly" : string.Join(" or ", fixes.Select(f => f.Replace("=", ": "))) + " would cover the input exactly";
                problems.Add(Make(DiagnosticIds.StrideLeavesInputUnused, index, LayerArguments.Stride, -1, name, number, string.Join("; ", unused), hint) with { Fixes = new EquatableArray<string>(fixes) });
            }

            if (subsampled.Count > 0)
            {
                var windows = subsampled.Select(t => t.Window).Distinct().ToList();
                string stride = "stride " + Str(spec.S) + " > " + (windows.Count == 1 ? "window " + Str(windows[0]) : "windows " + string.Join(", ", windows.Select(Str)));
                problems.Add(Make(DiagnosticIds.SubsamplingSkipsInput, index, LayerArguments.Stride, -1, name, number, stride + ": " + string.Join(" and ", subsampled.Select(t => t.Text)) + " are never read"));
            }

            outShape = new EquatableArray<int>(output);
            window = new WindowPlan(
                new EquatableArray<int>(kernel),
                new EquatableArray<int>(Enumerable.Repeat(spec.S, rank)),
                new EquatableArray<int>(padding),
                new EquatableArray<int>(Enumerable.Repeat(d, rank)),
                transposed ? spec.A : 0);
            return true;
        }

        /// <summary>
        /// Appends to the NG0001 problems added from <paramref name="first"/> on a hint for the channels-last habit: when the
        /// network input's last dimension is 1, 3 or 4 and smaller than the others, "[Network(28, 28, 1)]" was likely meant
        /// as "[Network(1, 28, 28)]".
        /// </summary>
        public static void HintChannelsLast(EquatableArray<int> input, List<Problem> problems, int first)
        {
            int rank = input.Count;
            if (rank < 2) return;
            int last = input[rank - 1];
            if (last != 1 && last != 3 && last != 4) return;
            for (int a = 0; a < rank - 1; a++) if (input[a] <= last) return;
            var meant = new int[rank];
            meant[0] = last;
            for (int a = 0; a < rank - 1; a++) meant[a + 1] = input[a];
            string layout = rank == 2 ? "(C, L)" : rank == 3 ? "(C, H, W)" : "(C, D, H, W)";
            string hint = "; NetGen's shapes are " + layout + ", channels first: did you mean [Network(" + string.Join(", ", meant.Select(Str)) + ")]?";
            for (int p = first; p < problems.Count; p++)
            {
                if (problems[p].Id != DiagnosticIds.OutputSizeNotPositive) continue;
                var args = problems[p].Args.ToArray();
                args[args.Length - 1] += hint;
                problems[p] = problems[p] with { Args = new EquatableArray<string>(args) };
            }
        }

        /// <summary>
        /// R = (p + i - 1) - ((o - 1)s + ke - 1): the real input rows past the end of the last window, with ke = d(k - 1) + 1 the
        /// effective window and o its count (relationship 15); zero or less when the last window reaches the input's end.
        /// </summary>
        public static int LostRows(int i, int keff, int s, int p)
        {
            int o = FloorDiv(i + 2 * p - keff, s) + 1;
            return p + i - 1 - ((o - 1) * s + keff - 1);
        }

        /// <summary>How many of the <paramref name="i"/> real rows the taps of some window read, for windows that do not overlap (ke &lt; s).</summary>
        public static int ReadRows(int i, int k, int s, int p, int d)
        {
            int o = ConvOutput(i, k, s, p, d), read = 0;
            for (int j = 0; j < o; j++)
            {
                // taps j*s + t*d for t in [0, k): those in the real rows [p, p + i - 1]
                int first = Math.Max(0, CeilDiv(p - j * s, d)), last = Math.Min(k - 1, FloorDiv(p + i - 1 - j * s, d));
                if (last >= first) read += last - first + 1;
            }

            return read;
        }

        private static int CeilDiv(int a, int b) => -FloorDiv(-a, b);

        private static string Plural(int count, string unit) => Str(count) + " " + unit + (count == 1 ? "" : "s");

        /// <summary>The smallest larger padding and the largest smaller stride with which no axis loses input past its last window (NG0003's rule).</summary>
        private static List<string> CoveringFixes(WindowSpec spec, bool conv, int rank, EquatableArray<int> shape, int[] kernel, int[] padding, int d)
        {
            var fixes = new List<string>();
            bool Covers(int? explicitPad, int s)
            {
                for (int a = 0; a < rank; a++)
                {
                    int p = explicitPad ?? padding[a];
                    if (ConvOutput(shape[a + 1], kernel[a], s, p, d) < 1) return false;
                    int keff = d * (kernel[a] - 1) + 1;
                    if (keff >= s && LostRows(shape[a + 1], keff, s, p) > 0) return false;
                }

                return true;
            }

            bool explicitPadding = !conv || spec.Padding == Padding.Explicit;
            if (explicitPadding)
            {
                for (int p = padding[0] + 1; p <= padding[0] + spec.S; p++)
                {
                    if (!conv && p > spec.K / 2) break;
                    if (Covers(p, spec.S))
                    {
                        fixes.Add(LayerArguments.Padding + "=" + Str(p));
                        break;
                    }
                }
            }

            for (int s = spec.S - 1; s >= 1; s--)
            {
                if (Covers(null, s))
                {
                    fixes.Add(LayerArguments.Stride + "=" + Str(s));
                    break;
                }
            }

            return fixes;
        }

        /// <summary>"(1, 28, 28)".</summary>
        public static string Shape(EquatableArray<int> shape) => "(" + string.Join(", ", shape.Select(Str)) + ")";
    }
}
