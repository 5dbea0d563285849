using System;

namespace NetGen
{
    public static partial class Kernels
    {
        /// <summary>
        /// Alpha dropout for SELU networks (section 10.4): a dropped unit becomes alpha' = -lambda alpha, then y = a x' + b with
        /// q = 1 - rate, a = (q + alpha'^2 q (1 - q))^-1/2, b = -a (1 - q) alpha', which keeps mean 0 and variance 1; mask receives dy/dx (a or 0).
        /// </summary>
        public static void AlphaDropout(ReadOnlySpan<float> x, Span<float> y, Span<float> mask, float rate, Rng rng)
        {
            const double alphaPrime = -SeluLambdaExact * SeluAlphaExact;
            double q = 1.0 - rate;
            float a = (float)(1.0 / Math.Sqrt(q + alphaPrime * alphaPrime * q * (1 - q)));
            float b = (float)(-a * (1 - q) * alphaPrime);
            float dropped = (float)(a * alphaPrime) + b;
            for (int i = 0; i < x.Length; i++)
            {
                bool kept = rng.NextDouble() >= rate;
                if (!mask.IsEmpty) mask[i] = kept ? a : 0f;
                y[i] = kept ? a * x[i] + b : dropped;
            }
        }
    }
}
