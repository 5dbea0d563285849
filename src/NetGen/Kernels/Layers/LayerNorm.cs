using System;

namespace NetGen
{
    public static partial class Kernels
    {
        /// <summary>Layer normalization (eq. 10.13-10.15) of one sample over all its units: y = gamma (x - mu) / sqrt(var + eps) + beta, gamma and beta per unit.</summary>
        public static void LayerNorm(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, float eps)
        {
            Moments(x, eps, out float mean, out float invStd);
            for (int i = 0; i < x.Length; i++) y[i] = gamma[i] * (x[i] - mean) * invStd + beta[i];
        }

        /// <summary>Layer normalization backward for one sample: dgamma += dy x_hat; dbeta += dy; dx = (1/sigma)(g - mean(g) - x_hat mean(g x_hat)) with g = dy gamma. dx may be empty.</summary>
        public static void LayerNormBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, ReadOnlySpan<float> gamma, Span<float> dGamma, Span<float> dBeta, float eps)
        {
            Moments(x, eps, out float mean, out float invStd);
            double sumG = 0, sumGXhat = 0;
            for (int i = 0; i < x.Length; i++)
            {
                float xhat = (x[i] - mean) * invStd;
                float g = dy[i] * gamma[i];
                dGamma[i] += dy[i] * xhat;
                dBeta[i] += dy[i];
                sumG += g;
                sumGXhat += g * xhat;
            }

            if (dx.IsEmpty) return;
            float meanG = (float)(sumG / x.Length), meanGXhat = (float)(sumGXhat / x.Length);
            for (int i = 0; i < x.Length; i++)
            {
                float xhat = (x[i] - mean) * invStd;
                dx[i] = invStd * (dy[i] * gamma[i] - meanG - xhat * meanGXhat);
            }
        }

        private static void Moments(ReadOnlySpan<float> x, float eps, out float mean, out float invStd)
        {
            double sum = 0;
            for (int i = 0; i < x.Length; i++) sum += x[i];
            double mu = sum / x.Length, squares = 0;
            for (int i = 0; i < x.Length; i++) squares += (x[i] - mu) * (x[i] - mu);
            mean = (float)mu;
            invStd = (float)(1.0 / Math.Sqrt(squares / x.Length + eps));
        }
    }
}
