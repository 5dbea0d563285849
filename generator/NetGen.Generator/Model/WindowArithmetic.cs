using System;
using System.Collections.Generic;
using System.Linq;
using static NetGen.Generator.Model.Problems;

namespace NetGen.Generator.Model
{
    /// <summary>
    /// Appendix E's convolution arithmetic for convolutions, transposed convolutions and pooling, per spatial axis:
    /// o = floor((i + 2p - d(k - 1) - 1) / s) + 1 (relationships 6, 7, 15), o' = (i' - 1) s - 2p + d(k - 1) + a + 1
    /// (relationship 14). The one home of the window arithmetic: the kinds that slide a window call it with their role.
    /// </summary>
    internal static class WindowArithmetic
    {
        private static readonly string[][] AxisNames = { new[] { "length" }, new[] { "height", "width" }, new[] { "depth", "height", "width" } };
        private static readonly string[][] UnitNames = { new[] { "position" }, new[] { "row", "column" }, new[] { "slice", "row", "column" } };
        private static readonly string[][] Sides = { new[] { "at the end" }, new[] { "at the bottom", "on the right" }, new[] { "at the back", "at the bottom", "on the right" } };

        /// <summary>Floor division (toward minus infinity, also for negative numerators).</summary>
        public static int FloorDiv(int a, int b) => a >= 0 ? a / b : -((-a + b - 1) / b);

        /// <summary>Output size of a convolution or pooling along one axis (relationship 15).</summary>
        public static int WindowOutput(int i, int k, int s, int p, int d) => FloorDiv(i + 2 * p - d * (k - 1) - 1, s) + 1;

        /// <summary>Output size of a transposed convolution along one axis (relationship 14, with PyTorch's dilation term).</summary>
        public static int TransposedOutput(int i, int k, int s, int p, int a, int d = 1) => (i - 1) * s - 2 * p + d * (k - 1) + a + 1;

        /// <summary>
        /// Resolves the window of a spatial layer of <paramref name="role"/> on its input (C, spatial...), reporting its
        /// problems (a channels-last hint on NG0001); null when its output cannot be computed.
        /// </summary>
        public static LayerShape? Infer(LayerContext context, WindowRole role, WindowSpec spec, int filters, out WindowPlan? window, bool zeroPadding = true)
        {
            window = null;
            var shape = context.Input!.Value;
            int before = context.Problems.Count;
            var output = Resolve(new Axes(context, role, spec, filters, shape) { ZeroPadding = zeroPadding }, out window);
            if (output is null) HintChannelsLast(context.Network.InputShape, context.Problems, before);
            return output is null ? null : new LayerShape(output.Value) { Window = window };
        }

        /// <summary>The state of one window's arithmetic: the layer, its role, the window as written and as resolved per axis.</summary>
        private sealed class Axes
        {
            public Axes(LayerContext context, WindowRole role, WindowSpec spec, int filters, EquatableArray<int> shape)
            {
                Context = context;
                Role = role;
                Spec = spec;
                Filters = filters;
                Shape = shape;
                Rank = shape.Count - 1;
                Kernel = new int[System.Math.Max(Rank, 0)];
                Padding = new int[System.Math.Max(Rank, 0)];
            }

            public LayerContext Context { get; }

            /// <summary>Whether the padding is zeros (a convolution's PaddingMode Zeros): only then can a window see nothing but padding (NG0013).</summary>
            public bool ZeroPadding { get; init; } = true;

            public WindowRole Role { get; }

            public bool Convolves => Role == WindowRole.Convolution;

            public bool Transposed => Role == WindowRole.Transposed;

            public bool Pool => Role == WindowRole.Pooling;

            public WindowSpec Spec { get; }

            public int Filters { get; }

            public EquatableArray<int> Shape { get; }

            public int Rank { get; }

            public int[] Kernel { get; }

            public int[] Padding { get; }

            /// <summary>The argument the kernel was written in: k, or KernelSize.</summary>
            public string KernelArgument { get; set; } = LayerArguments.Kernel;

            /// <summary>The dilation the arithmetic uses (pooling has none).</summary>
            public int D => Convolves ? Spec.D : 1;

            public string Name => Context.Layer.AttributeName;

            public string Number => Context.Number;
        }

        private static EquatableArray<int>? Resolve(Axes x, out WindowPlan? window)
        {
            window = null;
            if (x.Rank < 1)
            {
                x.Context.Add(Make(DiagnosticIds.NoSpatialAxes, x.Context.Index, null, -1, x.Name, x.Number, Problems.Shape(x.Shape)));
                return null;
            }

            if (!CheckArguments(x) || !ResolvePadding(x)) return null;
            var output = Outputs(x);
            if (output is null) return null;
            window = new WindowPlan(
                new EquatableArray<int>(x.Kernel),
                new EquatableArray<int>(Enumerable.Repeat(x.Spec.S, x.Rank)),
                new EquatableArray<int>(x.Padding),
                new EquatableArray<int>(Enumerable.Repeat(x.D, x.Rank)),
                x.Transposed ? x.Spec.A : 0);
            return new EquatableArray<int>(output);
        }

        /// <summary>The written arguments' ranges (NG0002) and the kernel per axis.</summary>
        private static bool CheckArguments(Axes x)
        {
            var spec = x.Spec;
            var context = x.Context;
            bool ok = true;
            void OutOfRange(string argument, int value, string expected)
            {
                context.OutOfRange(argument, Str(value), expected);
                ok = false;
            }

            if (!x.Pool && x.Filters < 1) OutOfRange(LayerArguments.Filters, x.Filters, "filters >= 1");
            if (x.Convolves && spec.KernelSize.Count > 0) ok &= KernelSizes(x);
            else
            {
                if (spec.K < 1) OutOfRange(LayerArguments.Kernel, spec.K, "k >= 1");
                for (int a = 0; a < x.Rank; a++) x.Kernel[a] = spec.K;
            }

            if (spec.S < 1) OutOfRange(LayerArguments.Stride, spec.S, "s >= 1");
            if (spec.D < 1) OutOfRange(LayerArguments.Dilation, spec.D, "d >= 1");
            if (spec.P < 0) OutOfRange(LayerArguments.Padding, spec.P, "p >= 0");
            else if (x.Pool && spec.K >= 1 && spec.P > spec.K / 2) OutOfRange(LayerArguments.Padding, spec.P, "p <= k / 2 = " + Str(spec.K / 2) + " (a pooling window must not lie in the padding)");
            if (x.Transposed && spec.S >= 1 && (spec.A < 0 || spec.A >= spec.S)) OutOfRange(LayerArguments.OutputPadding, spec.A, "0 <= a < s = " + Str(spec.S) + " (relationship 14)");
            if (x.Convolves && (spec.Padding < Padding.Explicit || spec.Padding > Padding.Full)) OutOfRange(LayerArguments.PaddingMode, (int)spec.Padding, "a member of NetGen.Padding");
            return ok;
        }

        /// <summary>KernelSize: one size per spatial axis, each &gt;= 1.</summary>
        private static bool KernelSizes(Axes x)
        {
            var sizes = x.Spec.KernelSize;
            x.KernelArgument = LayerArguments.KernelSize;
            if (sizes.Count != x.Rank)
            {
                x.Context.OutOfRange(LayerArguments.KernelSize, Problems.Shape(sizes), Str(x.Rank) + " sizes, one per spatial axis of the input " + Problems.Shape(x.Shape));
                return false;
            }

            bool ok = true;
            for (int a = 0; a < x.Rank; a++)
            {
                x.Kernel[a] = sizes[a];
                if (sizes[a] >= 1) continue;
                x.Context.Add(Problems.OutOfRange(x.Context.Layer, x.Context.Index, LayerArguments.KernelSize, "KernelSize[" + Str(a) + "]", Str(sizes[a]), "every kernel size >= 1", a));
                ok = false;
            }

            return ok;
        }

        /// <summary>The padding per axis from the padding mode (valid, same, full, explicit); NG0011 where same cannot keep the size.</summary>
        private static bool ResolvePadding(Axes x)
        {
            var spec = x.Spec;
            for (int a = 0; a < x.Rank; a++)
            {
                int reach = x.D * (x.Kernel[a] - 1); // effective kernel - 1
                switch (x.Convolves ? spec.Padding : Padding.Explicit)
                {
                    case Padding.Valid:
                        x.Padding[a] = 0;
                        break;
                    case Padding.Same:
                        if (spec.S != 1 || reach % 2 != 0)
                        {
                            string why = spec.S != 1 ? "s = " + Str(spec.S) : "the effective kernel d(k - 1) + 1 = " + Str(reach + 1) + " is even";
                            var fixes = new List<string>();
                            if (spec.S != 1) fixes.Add(LayerArguments.Stride + "=1");
                            if (reach % 2 != 0 && spec.D % 2 == 1 && x.KernelArgument == LayerArguments.Kernel) fixes.Add(LayerArguments.Kernel + "=" + Str(spec.K + 1));
                            string hint = spec.S != 1 ? "use s: 1, or Padding.Explicit with the padding you need" : "use an odd kernel such as k: " + Str(x.Kernel[a] + 1);
                            x.Context.Add(Make(DiagnosticIds.SameNeedsOddKernelAndStrideOne, x.Context.Index, LayerArguments.PaddingMode, -1, x.Name, x.Number, why, hint) with { Fixes = new EquatableArray<string>(fixes) });
                            return false;
                        }

                        x.Padding[a] = reach / 2;
                        break;
                    case Padding.Full:
                        x.Padding[a] = reach;
                        break;
                    default:
                        x.Padding[a] = spec.P;
                        break;
                }
            }

            return true;
        }

        /// <summary>The output shape (relationships 14 and 15) with NG0001, NG0003, NG0013 and NG0022 where they apply; null on NG0001.</summary>
        private static int[]? Outputs(Axes x)
        {
            var output = new int[x.Rank + 1];
            output[0] = x.Pool ? x.Shape[0] : x.Filters;
            var findings = new Findings();
            for (int a = 0; a < x.Rank; a++)
            {
                output[a + 1] = x.Transposed ? TransposedAxis(x, a, findings) : Axis(x, a, findings);
            }

            return Report(x, findings) ? output : null;
        }

        /// <summary>What the axes found: outputs too small, input lost past the last window, subsampled input.</summary>
        private sealed class Findings
        {
            public List<string> Unused { get; } = new List<string>();

            public List<(int Window, string Text)> Subsampled { get; } = new List<(int, string)>();

            public List<(string Axis, string Formula)> TooSmall { get; } = new List<(string, string)>();

            public bool ZerosOnly { get; set; }
        }

        private static int TransposedAxis(Axes x, int a, Findings findings)
        {
            int i = x.Shape[a + 1], k = x.Kernel[a], s = x.Spec.S, p = x.Padding[a];
            int o = TransposedOutput(i, k, s, p, x.Spec.A);
            if (o < 1)
            {
                findings.TooSmall.Add((AxisNames[x.Rank - 1][a], "o = (" + Str(i) + " - 1)*" + Str(s) + " - 2*" + Str(p) + " + " + Str(k) + " + " + Str(x.Spec.A) + " = " + Str(o)
                    + "; padding " + Str(p) + " removes more than the transposed convolution produces"));
            }

            return o;
        }

        private static int Axis(Axes x, int a, Findings findings)
        {
            int i = x.Shape[a + 1], k = x.Kernel[a], s = x.Spec.S, p = x.Padding[a], d = x.D;
            string axis = AxisNames[x.Rank - 1][a];
            int keff = d * (k - 1) + 1;
            int size = FloorDiv(i + 2 * p - keff, s) + 1;
            if (size < 1)
            {
                string formula = d == 1
                    ? "o = floor((" + Str(i) + " + 2*" + Str(p) + " - " + Str(k) + ") / " + Str(s) + ") + 1 = " + Str(size) + "; " + (x.Pool ? "window " : "kernel ") + Str(k)
                    : "o = floor((" + Str(i) + " + 2*" + Str(p) + " - " + Str(k) + " - (" + Str(k) + " - 1)*(" + Str(d) + " - 1)) / " + Str(s) + ") + 1 = " + Str(size) + "; dilated kernel " + Str(keff);
                findings.TooSmall.Add((axis, formula + " exceeds padded input " + Str(i + 2 * p)));
                return 0;
            }

            string unit = UnitNames[x.Rank - 1][a];
            if (keff >= s)
            {
                // The windows touch or overlap, so every row up to the last window's end is read: what lies past it is lost.
                int lost = LostRows(i, keff, s, p), lastRead = p + i - 1 - lost;
                if (lost > 0)
                {
                    findings.Unused.Add(axis + ": the last of o = floor((" + Str(i) + " + 2*" + Str(p) + " - " + Str(keff) + ") / " + Str(s) + ") + 1 = " + Str(size)
                        + " windows ends at padded " + unit + " (o - 1)s + ke - 1 = " + Str(lastRead) + ", the input's last is p + i - 1 = " + Str(p + i - 1)
                        + ", so its last " + Plural(lost, unit) + " " + Sides[x.Rank - 1][a] + " " + (lost == 1 ? "is" : "are") + " never read");
                }
            }
            else
            {
                // Subsampling: the stride skips the rows between windows by design.
                int skipped = i - ReadRows(i, k, s, p, d);
                if (skipped > 0) findings.Subsampled.Add((keff, Str(skipped) + " of " + Plural(i, unit)));
            }

            if (x.Convolves && x.ZeroPadding && p >= keff && !findings.ZerosOnly)
            {
                x.Context.Add(Make(DiagnosticIds.PaddingOnlyZeros, x.Context.Index, LayerArguments.Padding, -1, x.Name, x.Number, Str(p), Str(keff)));
                findings.ZerosOnly = true; // once per layer
            }

            return size;
        }

        /// <summary>One NG0001 per layer (axes with the same arithmetic share one formula), NG0003 with its covering fixes, NG0022; false on NG0001.</summary>
        private static bool Report(Axes x, Findings findings)
        {
            if (findings.TooSmall.Count > 0)
            {
                var text = findings.TooSmall.GroupBy(t => t.Formula).Select(g => (x.Rank > 1 ? string.Join(", ", g.Select(t => t.Axis)) + ": " : "") + g.Key);
                x.Context.Add(Make(DiagnosticIds.OutputSizeNotPositive, x.Context.Index, x.Transposed ? LayerArguments.Padding : x.KernelArgument, -1, x.Name, x.Number, string.Join("; ", text)));
                return false;
            }

            if (findings.Unused.Count > 0)
            {
                var fixes = CoveringFixes(x);
                string hint = fixes.Count == 0 ? "no padding or stride covers it exactly" : string.Join(" or ", fixes.Select(f => f.Replace("=", ": "))) + " would cover the input exactly";
                x.Context.Add(Make(DiagnosticIds.StrideLeavesInputUnused, x.Context.Index, LayerArguments.Stride, -1, x.Name, x.Number, string.Join("; ", findings.Unused), hint) with { Fixes = new EquatableArray<string>(fixes) });
            }

            if (findings.Subsampled.Count > 0)
            {
                var windows = findings.Subsampled.Select(t => t.Window).Distinct().ToList();
                string stride = "stride " + Str(x.Spec.S) + " > " + (windows.Count == 1 ? "window " + Str(windows[0]) : "windows " + string.Join(", ", windows.Select(Str)));
                x.Context.Add(Make(DiagnosticIds.SubsamplingSkipsInput, x.Context.Index, LayerArguments.Stride, -1, x.Name, x.Number, stride + ": " + string.Join(" and ", findings.Subsampled.Select(t => t.Text)) + " are never read"));
            }

            return true;
        }

        /// <summary>
        /// Appends to the NG0001 problems added from <paramref name="first"/> on a hint for the channels-last habit: when the
        /// network input's last dimension is 1, 3 or 4 and smaller than the others, "[Network(28, 28, 1)]" was likely meant
        /// as "[Network(1, 28, 28)]".
        /// </summary>
        private static void HintChannelsLast(EquatableArray<int> input, List<Problem> problems, int first)
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
            int o = WindowOutput(i, k, s, p, d), read = 0;
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
        private static List<string> CoveringFixes(Axes x)
        {
            var spec = x.Spec;
            var fixes = new List<string>();
            bool Covers(int? explicitPad, int s)
            {
                for (int a = 0; a < x.Rank; a++)
                {
                    int p = explicitPad ?? x.Padding[a];
                    if (WindowOutput(x.Shape[a + 1], x.Kernel[a], s, p, x.D) < 1) return false;
                    int keff = x.D * (x.Kernel[a] - 1) + 1;
                    if (keff >= s && LostRows(x.Shape[a + 1], keff, s, p) > 0) return false;
                }

                return true;
            }

            if (!x.Convolves || spec.Padding == Padding.Explicit)
            {
                for (int p = x.Padding[0] + 1; p <= x.Padding[0] + spec.S; p++)
                {
                    if (!x.Convolves && p > spec.K / 2) break;
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
    }

    /// <summary>The role a window plays: a convolution's, a transposed convolution's (relationship 14), or pooling's (no filters, no dilation, padding at most half the window).</summary>
    internal enum WindowRole
    {
        Convolution,
        Transposed,
        Pooling,
    }
}
