using System;

namespace NetGen
{
    public static partial class Kernels
    {
        /// <summary>
        /// The divisor of an average-pooling window: its size clipped to the padded input when padding counts
        /// (PyTorch's count_include_pad = true), else the number of input values it covers.
        /// </summary>
        private static int Divisor<TShape>(in TShape g, bool countIncludePad, int od, int oh, int ow)
            where TShape : struct, IPoolShape
        {
            int Span1(int o, int s, int p, int k, int size, bool withPad)
            {
                int start = o * s - p, end = Math.Min(start + k, size + p);
                if (withPad) return end - start;
                return Math.Min(end, size) - Math.Max(start, 0);
            }

            return Span1(od, g.SD, g.PD, g.KD, g.ID, countIncludePad) * Span1(oh, g.SH, g.PH, g.KH, g.IH, countIncludePad) * Span1(ow, g.SW, g.PW, g.KW, g.IW, countIncludePad);
        }

        /// <summary>Average pooling forward: each output is its window's sum over the divisor (see PyTorch's count_include_pad).</summary>
        public static void AvgPoolForward<TShape>(in TShape g, bool countIncludePad, ReadOnlySpan<float> x, Span<float> y)
            where TShape : struct, IPoolShape
        {
            int o = 0;
            for (int c = 0; c < g.C; c++)
            for (int od = 0; od < g.OD; od++)
            for (int oh = 0; oh < g.OH; oh++)
            for (int ow = 0; ow < g.OW; ow++)
            {
                float sum = 0f;
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
                            if (Inside(iw, g.IW)) sum += x[((c * g.ID + id) * g.IH + ih) * g.IW + iw];
                        }
                    }
                }

                y[o++] = sum / Divisor(g, countIncludePad, od, oh, ow);
            }
        }

        /// <summary>Average pooling backward: each output's delta, divided by its divisor, goes to every input of its window; overwrites dx.</summary>
        public static void AvgPoolBackward<TShape>(in TShape g, bool countIncludePad, ReadOnlySpan<float> dy, Span<float> dx)
            where TShape : struct, IPoolShape
        {
            dx.Slice(0, g.C * g.ID * g.IH * g.IW).Clear();
            int o = 0;
            for (int c = 0; c < g.C; c++)
            for (int od = 0; od < g.OD; od++)
            for (int oh = 0; oh < g.OH; oh++)
            for (int ow = 0; ow < g.OW; ow++)
            {
                float share = dy[o++] / Divisor(g, countIncludePad, od, oh, ow);
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
                            if (Inside(iw, g.IW)) dx[((c * g.ID + id) * g.IH + ih) * g.IW + iw] += share;
                        }
                    }
                }
            }
        }
    }
}
