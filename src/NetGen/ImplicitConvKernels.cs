using System;

namespace NetGen
{
    public static partial class Kernels
    {
        // Convolutions with stride 1 as one matrix product over the zero-padded input, without im2col: with the output
        // laid out on the padded input's grid (each output row IWp wide, of which OW values are kept), row t = (c, kd, kh, kw)
        // of the column matrix is the padded input itself, starting at c*plane + kd*DD*IHp*IWp + kh*DH*IWp + kw*DW.
        // Y_ext[F, J] = W[F, T] X_shift[T, J] reads those rows in place; the kept outputs are then copied out with the bias.

        /// <summary>
        /// The scratch <see cref="ConvForwardImplicit"/> needs, in floats: the padded input (with slack for the last shifted
        /// row) and the output on the padded grid.
        /// </summary>
        public static int ImplicitConvScratchLength(in ConvGeometry g)
        {
            ImplicitLayout(g, out int padded, out int extended);
            return padded + g.F * extended;
        }

        private static void ImplicitLayout(in ConvGeometry g, out int padded, out int extended)
        {
            int idp = g.ID + 2 * g.PD, ihp = g.IH + 2 * g.PH, iwp = g.IW + 2 * g.PW, plane = idp * ihp * iwp;
            extended = ((g.OD - 1) * ihp + (g.OH - 1)) * iwp + g.OW;
            int lastRow = (g.C - 1) * plane + (g.KD - 1) * g.DD * ihp * iwp + (g.KH - 1) * g.DH * iwp + (g.KW - 1) * g.DW;
            padded = Math.Max(g.C * plane, lastRow + extended);
        }

        [ThreadStatic]
        private static int[]? t_shifts;

        /// <summary>Convolution forward (stride 1) as one matrix product over shifted rows of the padded input: y = b + w * x.</summary>
        public static void ConvForwardImplicit(in ConvGeometry g, ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> x, Span<float> y, Span<float> scratch)
        {
            if (g.SD != 1 || g.SH != 1 || g.SW != 1) throw new ArgumentException($"Expected stride 1, but got ({g.SD}, {g.SH}, {g.SW}).", nameof(g));
            ImplicitLayout(g, out int paddedLength, out int extended);
            if (scratch.Length < paddedLength + g.F * extended) throw new ArgumentException($"Expected scratch.Length >= {paddedLength + g.F * extended}, but got {scratch.Length}.", nameof(scratch));
            int idp = g.ID + 2 * g.PD, ihp = g.IH + 2 * g.PH, iwp = g.IW + 2 * g.PW, plane = idp * ihp * iwp;
            var padded = scratch.Slice(0, paddedLength);
            var output = scratch.Slice(paddedLength, g.F * extended);

            // the zero-padded input
            padded.Clear();
            for (int c = 0; c < g.C; c++)
            for (int d = 0; d < g.ID; d++)
            for (int h = 0; h < g.IH; h++)
            {
                x.Slice(((c * g.ID + d) * g.IH + h) * g.IW, g.IW).CopyTo(padded.Slice(c * plane + ((d + g.PD) * ihp + h + g.PH) * iwp + g.PW, g.IW));
            }

            // the shifted rows, one per tap
            int taps = g.C * g.KD * g.KH * g.KW;
            var shifts = t_shifts;
            if (shifts is null || shifts.Length < taps) t_shifts = shifts = new int[Math.Max(taps, 256)];
            int t = 0;
            for (int c = 0; c < g.C; c++)
            for (int kd = 0; kd < g.KD; kd++)
            for (int kh = 0; kh < g.KH; kh++)
            for (int kw = 0; kw < g.KW; kw++)
            {
                shifts[t++] = c * plane + kd * g.DD * ihp * iwp + kh * g.DH * iwp + kw * g.DW;
            }

            Gemm.MultiplyRows(false, g.F, extended, taps, w, taps, padded, shifts.AsSpan(0, taps), output, extended, accumulate: false);

            // the kept outputs, plus the bias
            for (int f = 0; f < g.F; f++)
            {
                float bias = b.IsEmpty ? 0f : b[f];
                for (int d = 0; d < g.OD; d++)
                for (int h = 0; h < g.OH; h++)
                {
                    var source = output.Slice(f * extended + (d * ihp + h) * iwp, g.OW);
                    var target = y.Slice(((f * g.OD + d) * g.OH + h) * g.OW, g.OW);
                    source.CopyTo(target);
                    if (bias != 0f) AddScalar(bias, target);
                }
            }
        }

        /// <summary>y[i] += value.</summary>
        private static void AddScalar(float value, Span<float> y)
        {
            int i = 0;
            if (System.Numerics.Vector.IsHardwareAccelerated && y.Length >= System.Numerics.Vector<float>.Count)
            {
                var v = new System.Numerics.Vector<float>(value);
                var vy = System.Runtime.InteropServices.MemoryMarshal.Cast<float, System.Numerics.Vector<float>>(y);
                for (int j = 0; j < vy.Length; j++) vy[j] += v;
                i = vy.Length * System.Numerics.Vector<float>.Count;
            }

            for (; i < y.Length; i++) y[i] += value;
        }
    }
}
