using System;

namespace NetGen
{
    public static partial class Kernels
    {
        // ---- dropout (eq. 8.17-8.20) and alpha dropout (section 10.4) ---------------------------------------

        /// <summary>Inverted dropout: each unit kept with probability 1 - rate and scaled by 1 / (1 - rate), else 0; mask (unless empty) receives the factor.</summary>
        public static void Dropout(ReadOnlySpan<float> x, Span<float> y, Span<float> mask, float rate, Rng rng)
        {
            float keep = 1f / (1f - rate);
            for (int i = 0; i < x.Length; i++)
            {
                float m = rng.NextDouble() >= rate ? keep : 0f;
                if (!mask.IsEmpty) mask[i] = m;
                y[i] = x[i] * m;
            }
        }

        /// <summary>dx = dy * mask (the factor each unit was multiplied by).</summary>
        public static void MaskBackward(ReadOnlySpan<float> mask, ReadOnlySpan<float> dy, Span<float> dx)
        {
            for (int i = 0; i < dy.Length; i++) dx[i] = dy[i] * mask[i];
        }
    }
}
