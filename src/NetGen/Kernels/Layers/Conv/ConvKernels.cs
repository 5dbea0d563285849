using System;

namespace NetGen
{
    public static partial class Kernels
    {
        // Every convolution kernel walks the same loops: for each filter f, channel c and kernel tap (kd, kh, kw), and
        // each output row (od, oh), the output columns ow whose input column iw = ow*SW + kw*DW - PW lies inside the
        // input. With SW = 1 those rows are contiguous in both tensors and the innermost loop is a vector Axpy or Dot.

        /// <summary>The output columns [lo, hi) whose tap at offset <paramref name="shift"/> (= k*dilation - padding) reads inside [0, size).</summary>
        private static void Columns(int shift, int stride, int size, int outSize, out int lo, out int hi)
        {
            // need 0 <= o*stride + shift <= size - 1
            lo = shift >= 0 ? 0 : (-shift + stride - 1) / stride;
            int last = size - 1 - shift;
            hi = last < 0 ? 0 : Math.Min(outSize, last / stride + 1);
            if (hi < lo) hi = lo;
        }

        private static bool Inside(int index, int size) => (uint)index < (uint)size;

        /// <summary>Convolution forward for one sample: y[f] = b[f] + sum_c w[f, c] * x[c] (cross-correlation, eq. 6.6; b may be empty).</summary>
        public static void ConvForward<TShape>(in TShape g, ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> x, Span<float> y)
            where TShape : struct, IConvShape
        {
            int plane = g.OD * g.OH * g.OW;
            for (int f = 0; f < g.F; f++) y.Slice(f * plane, plane).Fill(b.IsEmpty ? 0f : b[f]);
            Walk(g, ConvPass.Forward, w, x, y, default);
        }

        /// <summary>
        /// dx = sum_f w[f, c] scattered by dy[f] (eq. 6.10-6.11: the deltas correlated with the flipped kernel, i.e. a
        /// transposed convolution); overwrites dx.
        /// </summary>
        public static void ConvBackwardInput<TShape>(in TShape g, ReadOnlySpan<float> w, ReadOnlySpan<float> dy, Span<float> dx)
            where TShape : struct, IConvShape
        {
            dx.Slice(0, g.InputLength).Clear();
            Walk(g, ConvPass.InputGradient, w, dy, dx, default);
        }

        /// <summary>dw[f, c, k] += sum over outputs of dy[f, o] x[c, o s + k d - p] (eq. 6.8-6.9: the input correlated with the deltas).</summary>
        public static void ConvWeightGradient<TShape>(in TShape g, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dw)
            where TShape : struct, IConvShape
        {
            Walk(g, ConvPass.WeightGradient, x, dy, default, dw);
        }

        /// <summary>What <see cref="Walk"/> does with each pair of rows.</summary>
        private enum ConvPass
        {
            /// <summary>y row += w x row (a = weights, b = x, c = y).</summary>
            Forward,

            /// <summary>dx row += w dy row (a = weights, b = dy, c = dx).</summary>
            InputGradient,

            /// <summary>dw += dy row . x row (a = x, b = dy, d = dw).</summary>
            WeightGradient,
        }

        /// <summary>
        /// The one loop nest of the direct convolution kernels: for each filter f, channel c and tap (kd, kh, kw), each
        /// output row (od, oh) and its input row, over the output columns whose input column lies inside the input.
        /// </summary>
        private static void Walk<TShape>(in TShape g, ConvPass pass, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, Span<float> d)
            where TShape : struct, IConvShape
        {
            for (int f = 0; f < g.F; f++)
            for (int ch = 0; ch < g.C; ch++)
            for (int kd = 0; kd < g.KD; kd++)
            for (int kh = 0; kh < g.KH; kh++)
            for (int kw = 0; kw < g.KW; kw++)
            {
                int tap = (((f * g.C + ch) * g.KD + kd) * g.KH + kh) * g.KW + kw;
                float weight = pass == ConvPass.WeightGradient ? 0f : a[tap];
                int shift = kw * g.DW - g.PW;
                Columns(shift, g.SW, g.IW, g.OW, out int lo, out int hi);
                if (hi <= lo || (pass != ConvPass.WeightGradient && weight == 0f)) continue;
                float sum = 0f;
                for (int od = 0; od < g.OD; od++)
                {
                    int id = od * g.SD + kd * g.DD - g.PD;
                    if (!Inside(id, g.ID)) continue;
                    for (int oh = 0; oh < g.OH; oh++)
                    {
                        int ih = oh * g.SH + kh * g.DH - g.PH;
                        if (!Inside(ih, g.IH)) continue;
                        int xRow = ((ch * g.ID + id) * g.IH + ih) * g.IW;
                        int yRow = ((f * g.OD + od) * g.OH + oh) * g.OW;
                        switch (pass)
                        {
                            case ConvPass.Forward when g.SW == 1:
                                Axpy(weight, b.Slice(xRow + lo + shift, hi - lo), c.Slice(yRow + lo, hi - lo));
                                break;
                            case ConvPass.Forward:
                                for (int ow = lo; ow < hi; ow++) c[yRow + ow] += weight * b[xRow + ow * g.SW + shift];
                                break;
                            case ConvPass.InputGradient when g.SW == 1:
                                Axpy(weight, b.Slice(yRow + lo, hi - lo), c.Slice(xRow + lo + shift, hi - lo));
                                break;
                            case ConvPass.InputGradient:
                                for (int ow = lo; ow < hi; ow++) c[xRow + ow * g.SW + shift] += weight * b[yRow + ow];
                                break;
                            case ConvPass.WeightGradient when g.SW == 1:
                                sum += Dot(b.Slice(yRow + lo, hi - lo), a.Slice(xRow + lo + shift, hi - lo));
                                break;
                            default:
                                for (int ow = lo; ow < hi; ow++) sum += b[yRow + ow] * a[xRow + ow * g.SW + shift];
                                break;
                        }
                    }
                }

                if (pass == ConvPass.WeightGradient) d[tap] += sum;
            }
        }

        /// <summary>y[f, ...] += b[f] over each channel's <paramref name="plane"/> values.</summary>
        public static void AddChannelBias(ReadOnlySpan<float> b, Span<float> y, int plane)
        {
            for (int f = 0; f < b.Length; f++) AddScalar(b[f], y.Slice(f * plane, plane));
        }

        /// <summary>db[f] += sum of dy over channel f's <paramref name="plane"/> values.</summary>
        public static void ChannelBiasGradient(ReadOnlySpan<float> dy, Span<float> db, int plane)
        {
            for (int f = 0; f < db.Length; f++) db[f] += Total(dy.Slice(f * plane, plane));
        }

        /// <summary>The sum of <paramref name="x"/>'s values, vectorized (a fixed summation order for a given length).</summary>
        private static float Total(ReadOnlySpan<float> x)
        {
            int i = 0;
            float sum = 0f;
            if (System.Numerics.Vector.IsHardwareAccelerated && x.Length >= System.Numerics.Vector<float>.Count)
            {
                var vx = System.Runtime.InteropServices.MemoryMarshal.Cast<float, System.Numerics.Vector<float>>(x);
                var acc = System.Numerics.Vector<float>.Zero;
                for (int j = 0; j < vx.Length; j++) acc += vx[j];
                sum = System.Numerics.Vector.Sum(acc);
                i = vx.Length * System.Numerics.Vector<float>.Count;
            }

            for (; i < x.Length; i++) sum += x[i];
            return sum;
        }
    }
}
