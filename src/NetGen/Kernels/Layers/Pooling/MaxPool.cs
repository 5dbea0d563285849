using System;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetGen
{
    public static partial class Kernels
    {
        // ---- pooling (section 6.7) --------------------------------------------------------------

        /// <summary>Max pooling forward: each output is its window's maximum; padding never wins (it is -infinity); NaN propagates, as PyTorch.</summary>
        public static void MaxPoolForward<TShape>(in TShape g, ReadOnlySpan<float> x, Span<float> y)
            where TShape : struct, IPoolShape
        {
            int o = 0;
            for (int c = 0; c < g.C; c++)
            for (int od = 0; od < g.OD; od++)
            for (int oh = 0; oh < g.OH; oh++)
            for (int ow = 0; ow < g.OW; ow++)
            {
                int arg = ArgMax(g, x, c, od, oh, ow);
                y[o++] = arg < 0 ? float.NegativeInfinity : x[arg];
            }
        }

        /// <summary>Max pooling backward: each output's delta goes to its window's first maximum in scan order (as PyTorch); adds into dx after clearing it.</summary>
        public static void MaxPoolBackward<TShape>(in TShape g, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx)
            where TShape : struct, IPoolShape
        {
            dx.Slice(0, g.C * g.ID * g.IH * g.IW).Clear();
            int o = 0;
            for (int c = 0; c < g.C; c++)
            for (int od = 0; od < g.OD; od++)
            for (int oh = 0; oh < g.OH; oh++)
            for (int ow = 0; ow < g.OW; ow++)
            {
                int arg = ArgMax(g, x, c, od, oh, ow);
                if (arg >= 0) dx[arg] += dy[o];
                o++;
            }
        }

        /// <summary>The R-operator's forward step: R{y} = R{x} at each window's first maximum of <paramref name="x"/> (0 for an all-padding window).</summary>
        public static void MaxPoolTangent<TShape>(in TShape g, ReadOnlySpan<float> x, ReadOnlySpan<float> rx, Span<float> ry)
            where TShape : struct, IPoolShape
        {
            int o = 0;
            for (int c = 0; c < g.C; c++)
            for (int od = 0; od < g.OD; od++)
            for (int oh = 0; oh < g.OH; oh++)
            for (int ow = 0; ow < g.OW; ow++)
            {
                int arg = ArgMax(g, x, c, od, oh, ow);
                ry[o++] = arg < 0 ? 0f : rx[arg];
            }
        }

        /// <summary>
        /// The R-operator's forward step of <see cref="MaxPool2x2Forward"/>: R{y} = R{x} at each 2x2 window's first maximum in
        /// scan order (a NaN first), the value the backward pass sends the delta to.
        /// </summary>
        public static void MaxPool2x2Tangent(ReadOnlySpan<float> x, ReadOnlySpan<float> rx, Span<float> ry, int planes, int height, int width)
        {
            int oh = height / 2, ow = width / 2, o = 0;
            for (int p = 0; p < planes; p++)
            for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++)
            {
                int best = -1;
                float max = float.NegativeInfinity;
                for (int k = 0; k < 4 && !(best >= 0 && float.IsNaN(max)); k++)
                {
                    int index = (p * height + 2 * i + k / 2) * width + 2 * j + k % 2;
                    if (best < 0 || x[index] > max || float.IsNaN(x[index]))
                    {
                        best = index;
                        max = x[index];
                    }
                }

                ry[o++] = rx[best];
            }
        }

        private static int ArgMax<TShape>(in TShape g, ReadOnlySpan<float> x, int c, int od, int oh, int ow)
            where TShape : struct, IPoolShape
        {
            int best = -1;
            float max = float.NegativeInfinity;
            for (int kd = 0; kd < g.KD; kd++)
            {
                int id = od * g.SD + kd - g.PD;
                if (!Inside(id, g.ID)) continue;
                for (int kh = 0; kh < g.KH; kh++)
                {
                    int ih = oh * g.SH + kh - g.PH;
                    if (!Inside(ih, g.IH)) continue;
                    for (int kw = 0; kw < g.KW; kw++)
                    {
                        int iw = ow * g.SW + kw - g.PW;
                        if (!Inside(iw, g.IW)) continue;
                        int index = ((c * g.ID + id) * g.IH + ih) * g.IW + iw;
                        float v = x[index];
                        if (best < 0 || v > max || float.IsNaN(v))
                        {
                            best = index;
                            max = v;
                            if (float.IsNaN(v)) return best;
                        }
                    }
                }
            }

            return best;
        }

        // Max pooling with non-overlapping 2x2 windows and no padding, the common case the emitter selects from the
        // constant shapes: whole batches at once (the samples' channels are consecutive H x W planes), without the general
        // kernel's bounds checks. The same semantics as MaxPoolForward/MaxPoolBackward, as PyTorch's max_pool2d: a NaN
        // propagates, and the backward pass sends the delta to the first maximum in scan order. The forward pass takes the
        // maximum branch-free (MathF.Max), which picks the same value (of two zeros, +0).

        /// <summary>y = the maximum of each 2x2 window of <paramref name="planes"/> planes of <paramref name="height"/> x <paramref name="width"/> values (outputs floor(h/2) x floor(w/2)).</summary>
        public static void MaxPool2x2Forward(ReadOnlySpan<float> x, Span<float> y, int planes, int height, int width)
        {
            if (SplitPlanes(false, x, y, default, planes, height, width)) return;
            MaxPool2x2ForwardPlanes(x, y, 0, planes, height, width);
        }

        private static void MaxPool2x2ForwardPlanes(ReadOnlySpan<float> x, Span<float> y, int from, int to, int height, int width)
        {
            int oh = height / 2, ow = width / 2;
            for (int c = from; c < to; c++)
            {
                var plane = x.Slice(c * height * width, height * width);
                var output = y.Slice(c * oh * ow, oh * ow);
                for (int r = 0; r < oh; r++)
                {
                    var top = plane.Slice(2 * r * width, width);
                    var bottom = plane.Slice((2 * r + 1) * width, width);
                    var line = output.Slice(r * ow, ow);
                    int q = 0;
                    if (Vector256.IsHardwareAccelerated)
                    {
                        // 8 outputs from 16 columns of two rows: the rows' maximum, then each pair's
                        var even = Vector256.Create(0, 2, 4, 6, 1, 3, 5, 7);
                        for (; q + 8 <= ow; q += 8)
                        {
                            var v0 = Maximum(Vector256.Create(top.Slice(2 * q, 8)), Vector256.Create(bottom.Slice(2 * q, 8)));
                            var v1 = Maximum(Vector256.Create(top.Slice(2 * q + 8, 8)), Vector256.Create(bottom.Slice(2 * q + 8, 8)));
                            var s0 = Vector256.Shuffle(v0, even);
                            var s1 = Vector256.Shuffle(v1, even);
                            Maximum(Vector256.Create(s0.GetLower(), s1.GetLower()), Vector256.Create(s0.GetUpper(), s1.GetUpper())).CopyTo(line.Slice(q, 8));
                        }
                    }

                    for (; q < ow; q++)
                    {
                        line[q] = MathF.Max(MathF.Max(top[2 * q], top[2 * q + 1]), MathF.Max(bottom[2 * q], bottom[2 * q + 1]));
                    }
                }
            }
        }

        /// <summary>
        /// dx = 0, then each window's maximum (as <see cref="MaxPool2x2Forward"/> picks it) receives its output's delta. With
        /// <paramref name="relu"/> (x being a ReLU's outputs, read by this layer alone) the ReLU's derivative comes with it: a
        /// maximum that is not above 0 passes 0, as <see cref="ReLUBackward"/> after this kernel would make it.
        /// </summary>
        public static void MaxPool2x2Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, int planes, int height, int width, bool relu = false)
        {
            if (SplitPlanes(true, x, dy, dx, planes, height, width, relu)) return;
            MaxPool2x2BackwardPlanes(x, dy, dx, 0, planes, height, width, relu);
        }

        private static void MaxPool2x2BackwardPlanes(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, int from, int to, int height, int width, bool relu)
        {
            int oh = height / 2, ow = width / 2;
            dx.Slice(from * height * width, (to - from) * height * width).Clear();
            for (int c = from; c < to; c++)
            {
                int offset = c * height * width;
                var plane = x.Slice(offset, height * width);
                var deltas = dy.Slice(c * oh * ow, oh * ow);
                for (int r = 0; r < oh; r++)
                {
                    int topRow = 2 * r * width;
                    int q = Avx.IsSupported ? BackwardRow8(plane.Slice(topRow), deltas.Slice(r * ow, ow), dx.Slice(offset + topRow), width, relu) : 0;
                    for (; q < ow; q++)
                    {
                        int i = topRow + 2 * q;
                        float a = plane[i], b = plane[i + 1], c2 = plane[i + width], d = plane[i + width + 1];
                        float max = MathF.Max(MathF.Max(a, b), MathF.Max(c2, d));
                        // the first of the window's values equal to its maximum, without data-dependent branches (ties are
                        // common after a ReLU); no value equals a NaN maximum, and then the first NaN is searched for
                        uint equal = Vector128.Equals(Vector128.Create(a, b, c2, d), Vector128.Create(max)).ExtractMostSignificantBits();
                        int pick = equal != 0 ? BitOperations.TrailingZeroCount(equal) : Window(a, b, c2, d);

                        // windows do not overlap; NaN is not above 0 either
                        dx[offset + i + (pick & 1) + (pick >> 1) * width] = relu && !(max > 0f) ? 0f : deltas[r * ow + q];
                    }
                }
            }
        }

        /// <summary>
        /// One row of windows, 8 at a time (16 columns of the two input rows): each window's first maximum in scan order
        /// receives its delta, the other three values 0, written as whole rows. Returns the windows done; a group whose
        /// maximum is NaN (and the rest of the row) is left to the scalar loop, which finds the first NaN.
        /// </summary>
        private static int BackwardRow8(ReadOnlySpan<float> top, ReadOnlySpan<float> deltas, Span<float> dx, int width, bool relu)
        {
            var bottom = top.Slice(width);
            var dxBottom = dx.Slice(width);
            var even = Vector256.Create(0, 2, 4, 6, 1, 3, 5, 7);
            int q = 0;
            for (; q + 8 <= deltas.Length; q += 8)
            {
                // each window's four values as four vectors: a, b (top row, even and odd columns), c, d (bottom row)
                var t0 = Vector256.Shuffle(Vector256.Create(top.Slice(2 * q, 8)), even);
                var t1 = Vector256.Shuffle(Vector256.Create(top.Slice(2 * q + 8, 8)), even);
                var b0 = Vector256.Shuffle(Vector256.Create(bottom.Slice(2 * q, 8)), even);
                var b1 = Vector256.Shuffle(Vector256.Create(bottom.Slice(2 * q + 8, 8)), even);
                var a = Vector256.Create(t0.GetLower(), t1.GetLower());
                var b = Vector256.Create(t0.GetUpper(), t1.GetUpper());
                var c = Vector256.Create(b0.GetLower(), b1.GetLower());
                var d = Vector256.Create(b0.GetUpper(), b1.GetUpper());
                var max = Maximum(Maximum(a, b), Maximum(c, d));
                if (!Vector256.EqualsAll(max, max)) break; // a NaN window: the scalar loop picks its first NaN

                var delta = Vector256.Create(deltas.Slice(q, 8));
                if (relu) delta &= Vector256.GreaterThan(max, Vector256<float>.Zero);
                var isA = Vector256.Equals(a, max);
                var isB = Vector256.AndNot(Vector256.Equals(b, max), isA);
                var isC = Vector256.AndNot(Vector256.AndNot(Vector256.Equals(c, max), isA), isB);
                var isD = ~(isA | isB | isC);
                Interleave(delta & isA, delta & isB, dx.Slice(2 * q, 16));
                Interleave(delta & isC, delta & isD, dxBottom.Slice(2 * q, 16));
            }

            return q;
        }

        /// <summary>Writes [e0, o0, e1, o1, ..., e7, o7]: the even and odd columns back in place.</summary>
        private static void Interleave(Vector256<float> evens, Vector256<float> odds, Span<float> target)
        {
            var low = Avx.UnpackLow(evens, odds); // e0 o0 e1 o1 | e4 o4 e5 o5
            var high = Avx.UnpackHigh(evens, odds); // e2 o2 e3 o3 | e6 o6 e7 o7
            Vector256.Create(low.GetLower(), high.GetLower()).CopyTo(target);
            Vector256.Create(low.GetUpper(), high.GetUpper()).CopyTo(target.Slice(8));
        }

        /// <summary>
        /// With several threads, runs the planes in fixed blocks across threads (planes are independent: the same bits for any
        /// thread count); false when one thread does it all.
        /// </summary>
        private static unsafe bool SplitPlanes(bool backward, ReadOnlySpan<float> x, ReadOnlySpan<float> yOrDy, Span<float> dx, int planes, int height, int width, bool relu = false)
        {
            int parts = Math.Min(Parallelism.MaxDegreeOfParallelism, planes / 16);
            if (parts < 2 || planes * height * width < 32 * 1024) return false;
            var workers = Workers.TryAcquire(parts - 1);
            if (workers is null) return false;
            try
            {
                fixed (float* px = x, py = yOrDy, pdx = dx)
                {
                    for (int part = 1; part < parts; part++)
                    {
                        var block = Workers.Slot(ref PlaneBlock.s_blocks, part - 1);
                        block.Set(backward, relu, px, x.Length, py, yOrDy.Length, pdx, dx.Length, planes * part / parts, planes * (part + 1) / parts, height, width);
                        workers[part - 1].Start(block.Run);
                    }

                    int end = planes / parts;
                    if (backward) MaxPool2x2BackwardPlanes(x, yOrDy, dx, 0, end, height, width, relu);
                    else MaxPool2x2ForwardPlanes(x, MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(yOrDy), yOrDy.Length), 0, end, height, width);
                    for (int part = 1; part < parts; part++) workers[part - 1].Wait();
                }
            }
            finally
            {
                Workers.Release();
            }

            return true;
        }

        /// <summary>A block of pooling planes handed to a helper thread.</summary>
        private sealed unsafe class PlaneBlock
        {
            internal static PlaneBlock[] s_blocks = Array.Empty<PlaneBlock>();
            private bool _backward, _relu;
            private float* _x, _y, _dx;
            private int _xLength, _yLength, _dxLength, _from, _to, _height, _width;

            public PlaneBlock() => Run = Execute;

            public Action Run { get; }

            public void Set(bool backward, bool relu, float* x, int xLength, float* y, int yLength, float* dx, int dxLength, int from, int to, int height, int width)
            {
                _backward = backward; _relu = relu; _x = x; _xLength = xLength; _y = y; _yLength = yLength; _dx = dx; _dxLength = dxLength;
                _from = from; _to = to; _height = height; _width = width;
            }

            private void Execute()
            {
                if (_backward) MaxPool2x2BackwardPlanes(new ReadOnlySpan<float>(_x, _xLength), new ReadOnlySpan<float>(_y, _yLength), new Span<float>(_dx, _dxLength), _from, _to, _height, _width, _relu);
                else MaxPool2x2ForwardPlanes(new ReadOnlySpan<float>(_x, _xLength), new Span<float>(_y, _yLength), _from, _to, _height, _width);
            }
        }

        /// <summary>The elementwise maximum, a NaN in either operand giving NaN (as MathF.Max; of two zeros either may come out).</summary>
        private static Vector256<float> Maximum(Vector256<float> a, Vector256<float> b)
        {
            var nan = ~(Vector256.Equals(a, a) & Vector256.Equals(b, b));
            return Vector256.ConditionalSelect(nan, a + b, Vector256.Max(a, b));
        }

        /// <summary>Which of a window's four values (scan order) is its maximum: the first of equal ones, the first NaN.</summary>
        private static int Window(float a, float b, float c, float d)
        {
            if (float.IsNaN(a)) return 0;
            int best = 0;
            float max = a;
            if (b > max || float.IsNaN(b))
            {
                if (float.IsNaN(b)) return 1;
                best = 1;
                max = b;
            }

            if (c > max || float.IsNaN(c))
            {
                if (float.IsNaN(c)) return 2;
                best = 2;
                max = c;
            }

            if (d > max || float.IsNaN(d)) return 3;
            return best;
        }
    }
}
