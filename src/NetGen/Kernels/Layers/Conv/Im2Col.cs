using System;

namespace NetGen
{
    public static partial class Kernels
    {
        // im2col: the input patches laid out as a matrix of C*KD*KH*KW rows (one per channel and kernel tap) by
        // OD*OH*OW columns (one per output position), so a convolution becomes a matrix product with long contiguous rows:
        // Y[F, P] = W[F, T] x Cols[T, P], dW[F, T] += dY[F, P] x Cols[T, P]^T, dCols[T, P] = W[F, T]^T x dY[F, P].

        /// <summary>Fills <paramref name="cols"/> with the input patches of <paramref name="x"/>; positions in the padding are 0.</summary>
        public static void Im2Col<TShape>(in TShape g, ReadOnlySpan<float> x, Span<float> cols)
            where TShape : struct, IConvShape
        {
            int positions = g.OD * g.OH * g.OW;
            int row = 0;
            for (int c = 0; c < g.C; c++)
            for (int kd = 0; kd < g.KD; kd++)
            for (int kh = 0; kh < g.KH; kh++)
            for (int kw = 0; kw < g.KW; kw++, row++)
            {
                var dst = cols.Slice(row * positions, positions);
                int shift = kw * g.DW - g.PW;
                Columns(shift, g.SW, g.IW, g.OW, out int lo, out int hi);
                for (int od = 0; od < g.OD; od++)
                {
                    int id = od * g.SD + kd * g.DD - g.PD;
                    for (int oh = 0; oh < g.OH; oh++)
                    {
                        var line = dst.Slice((od * g.OH + oh) * g.OW, g.OW);
                        int ih = oh * g.SH + kh * g.DH - g.PH;
                        if (!Inside(id, g.ID) || !Inside(ih, g.IH) || hi <= lo)
                        {
                            line.Clear();
                            continue;
                        }

                        int xRow = ((c * g.ID + id) * g.IH + ih) * g.IW;
                        line.Slice(0, lo).Clear();
                        line.Slice(hi).Clear();
                        if (g.SW == 1)
                        {
                            x.Slice(xRow + lo + shift, hi - lo).CopyTo(line.Slice(lo, hi - lo));
                        }
                        else
                        {
                            for (int ow = lo; ow < hi; ow++) line[ow] = x[xRow + ow * g.SW + shift];
                        }
                    }
                }
            }
        }

        /// <summary>dx += the columns scattered back to the input positions they were gathered from (the adjoint of <see cref="Im2Col"/>).</summary>
        public static void Col2ImAdd<TShape>(in TShape g, ReadOnlySpan<float> cols, Span<float> dx)
            where TShape : struct, IConvShape
        {
            int positions = g.OD * g.OH * g.OW;
            int row = 0;
            for (int c = 0; c < g.C; c++)
            for (int kd = 0; kd < g.KD; kd++)
            for (int kh = 0; kh < g.KH; kh++)
            for (int kw = 0; kw < g.KW; kw++, row++)
            {
                var src = cols.Slice(row * positions, positions);
                int shift = kw * g.DW - g.PW;
                Columns(shift, g.SW, g.IW, g.OW, out int lo, out int hi);
                if (hi <= lo) continue;
                for (int od = 0; od < g.OD; od++)
                {
                    int id = od * g.SD + kd * g.DD - g.PD;
                    if (!Inside(id, g.ID)) continue;
                    for (int oh = 0; oh < g.OH; oh++)
                    {
                        int ih = oh * g.SH + kh * g.DH - g.PH;
                        if (!Inside(ih, g.IH)) continue;
                        int xRow = ((c * g.ID + id) * g.IH + ih) * g.IW;
                        int line = (od * g.OH + oh) * g.OW;
                        if (g.SW == 1)
                        {
                            Axpy(1f, src.Slice(line + lo, hi - lo), dx.Slice(xRow + lo + shift, hi - lo));
                        }
                        else
                        {
                            for (int ow = lo; ow < hi; ow++) dx[xRow + ow * g.SW + shift] += src[line + ow];
                        }
                    }
                }
            }
        }

        /// <summary>Convolution forward by im2col and a matrix product: Y[F, P] = b + W[F, T] Cols[T, P] (b may be empty).</summary>
        public static void ConvForwardColumns<TShape>(in TShape g, ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> x, Span<float> y, Span<float> cols)
            where TShape : struct, IConvShape
        {
            int positions = g.OD * g.OH * g.OW, taps = g.C * g.KD * g.KH * g.KW;
            Im2Col(g, x, cols);
            for (int f = 0; f < g.F; f++) y.Slice(f * positions, positions).Fill(b.IsEmpty ? 0f : b[f]);
            Gemm.Multiply(false, false, g.F, positions, taps, w, taps, cols, positions, y, positions, accumulate: true);
        }

        /// <summary>Weight gradient by im2col: dW[F, T] += dY[F, P] Cols[T, P]^T.</summary>
        public static void ConvWeightGradientColumns<TShape>(in TShape g, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dw, Span<float> cols)
            where TShape : struct, IConvShape
        {
            int positions = g.OD * g.OH * g.OW, taps = g.C * g.KD * g.KH * g.KW;
            Im2Col(g, x, cols);
            Gemm.Multiply(false, true, g.F, taps, positions, dy, positions, cols, positions, dw, taps, accumulate: true);
        }

        /// <summary>Input gradient by columns: dCols[T, P] = W[F, T]^T dY[F, P], then scattered into dx (overwritten).</summary>
        public static void ConvBackwardInputColumns<TShape>(in TShape g, ReadOnlySpan<float> w, ReadOnlySpan<float> dy, Span<float> dx, Span<float> cols)
            where TShape : struct, IConvShape
        {
            int positions = g.OD * g.OH * g.OW, taps = g.C * g.KD * g.KH * g.KW;
            Gemm.Multiply(true, false, taps, positions, g.F, w, taps, dy, positions, cols, positions, accumulate: false);
            dx.Slice(0, g.InputLength).Clear();
            Col2ImAdd(g, cols, dx);
        }
    }
}
