using System;

namespace NetGen
{
    public static partial class Kernels
    {
        /// <summary>Copies the <paramref name="ranges"/> of <paramref name="parameters"/> one after the other into <paramref name="kept"/> (frozen layers, before a step).</summary>
        public static void KeepRanges(ReadOnlySpan<float> parameters, (int Offset, int Length)[] ranges, Span<float> kept)
        {
            int at = 0;
            foreach (var (offset, length) in ranges)
            {
                parameters.Slice(offset, length).CopyTo(kept.Slice(at, length));
                at += length;
            }
        }

        /// <summary>Writes what <see cref="KeepRanges"/> kept back into the <paramref name="ranges"/> of <paramref name="parameters"/>.</summary>
        public static void RestoreRanges(Span<float> parameters, (int Offset, int Length)[] ranges, ReadOnlySpan<float> kept)
        {
            int at = 0;
            foreach (var (offset, length) in ranges)
            {
                kept.Slice(at, length).CopyTo(parameters.Slice(offset, length));
                at += length;
            }
        }

        /// <summary>squares[i] = x[i]^2 (HessianDiagonal's squared weights and inputs).</summary>
        public static void Square(ReadOnlySpan<float> x, Span<float> squares)
        {
            for (int i = 0; i < x.Length; i++) squares[i] = x[i] * x[i];
        }

        /// <summary>
        /// values[i] *= mask[i] where the mask has 0 (pruning, section 8.7): pruned values become exactly 0, kept ones stay
        /// bit for bit. An empty mask (nothing pruned yet) does nothing.
        /// </summary>
        public static void ApplyMask(Span<float> values, ReadOnlySpan<float> mask)
        {
            if (mask.IsEmpty) return;
            if (mask.Length != values.Length) throw new ArgumentException($"Expected a mask of {values.Length} values, but got {mask.Length}.", nameof(mask));
            for (int i = 0; i < values.Length; i++)
            {
                if (mask[i] == 0f) values[i] = 0f;
            }
        }

        /// <summary>Gaussian noise in place (section 8.2, on weights): w += N(0, std^2).</summary>
        public static void AddNoise(Span<float> w, float std, Rng rng)
        {
            for (int i = 0; i < w.Length; i++) w[i] += (float)(std * rng.NextNormal());
        }

        // ---- weight normalization (eq. 10.16-10.17) -------------------------------------------------------

        /// <summary>w = g v / ||v|| for each of the <paramref name="rows"/> rows of v (one per output, PyTorch's dim 0).</summary>
        public static void WeightNorm(ReadOnlySpan<float> g, ReadOnlySpan<float> v, Span<float> w, int rows)
        {
            int width = v.Length / rows;
            for (int r = 0; r < rows; r++)
            {
                var row = v.Slice(r * width, width);
                float scale = g[r] / (float)Math.Sqrt(Dot(row, row));
                var dst = w.Slice(r * width, width);
                for (int i = 0; i < width; i++) dst[i] = scale * row[i];
            }
        }

        /// <summary>g = ||v|| per row: the initial g that leaves the initial weight unchanged.</summary>
        public static void RowNorms(ReadOnlySpan<float> v, Span<float> g, int rows)
        {
            int width = v.Length / rows;
            for (int r = 0; r < rows; r++)
            {
                var row = v.Slice(r * width, width);
                g[r] = (float)Math.Sqrt(Dot(row, row));
            }
        }

        /// <summary>
        /// From the gradient dw of the effective weight: dg += (dw . v) / ||v||, dv += (g / ||v||)(dw - (dg / ||v||) v) per row (eq. 10.17).
        /// </summary>
        public static void WeightNormBackward(ReadOnlySpan<float> g, ReadOnlySpan<float> v, ReadOnlySpan<float> dw, Span<float> dg, Span<float> dv, int rows)
        {
            int width = v.Length / rows;
            for (int r = 0; r < rows; r++)
            {
                var row = v.Slice(r * width, width);
                var grad = dw.Slice(r * width, width);
                float norm = (float)Math.Sqrt(Dot(row, row));
                float gradG = Dot(grad, row) / norm;
                dg[r] += gradG;
                float scale = g[r] / norm, shrink = gradG / norm;
                var dst = dv.Slice(r * width, width);
                for (int i = 0; i < width; i++) dst[i] += scale * (grad[i] - shrink * row[i]);
            }
        }
    }
}
