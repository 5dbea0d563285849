using System;

namespace NetGen
{
    public static partial class Kernels
    {
        /// <summary>Gaussian noise on activations (section 8.2): y = x + N(0, std^2).</summary>
        public static void GaussianNoise(ReadOnlySpan<float> x, Span<float> y, float std, Rng rng)
        {
            for (int i = 0; i < x.Length; i++) y[i] = x[i] + (float)(std * rng.NextNormal());
        }
    }
}
