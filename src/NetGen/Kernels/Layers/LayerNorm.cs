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

        /// <summary>
        /// The R-operator's forward step for one sample: R{y} = v_gamma x_hat + v_beta + gamma R{x_hat}, with R{x_hat} =
        /// (1/sigma)(R{x} - mean(R{x}) - x_hat mean(x_hat R{x})).
        /// </summary>
        public static void LayerNormTangent(ReadOnlySpan<float> x, ReadOnlySpan<float> rx, Span<float> ry, ReadOnlySpan<float> gamma, ReadOnlySpan<float> vGamma, ReadOnlySpan<float> vBeta, float eps)
        {
            Moments(x, eps, out float mean, out float invStd);
            TangentMoments(x, rx, mean, invStd, out double meanR, out double meanXhatR);
            for (int i = 0; i < x.Length; i++)
            {
                double xhat = (x[i] - mean) * invStd;
                double rxhat = invStd * (rx[i] - meanR - xhat * meanXhatR);
                ry[i] = (float)(vGamma[i] * xhat + vBeta[i] + gamma[i] * rxhat);
            }
        }

        /// <summary>
        /// The terms of layer normalization's second-order backward step for one sample that <see cref="LayerNormBackward"/> on
        /// R{dy} leaves out, with g = dy gamma and dx = (1/sigma)(g - mean(g) - x_hat mean(g x_hat)): R{dgamma} += dy R{x_hat};
        /// R{dx} += (1/sigma)(G - mean(G) - x_hat mean(G x_hat)) for G = dy v_gamma, plus R{1/sigma} sigma dx (R{1/sigma} =
        /// -mean(x_hat R{x}) / sigma^2), minus
        /// (1/sigma)(R{x_hat} mean(g x_hat) + x_hat mean(g R{x_hat})).
        /// </summary>
        public static void LayerNormTangentBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> rx, ReadOnlySpan<float> dy, Span<float> rdx, ReadOnlySpan<float> gamma, ReadOnlySpan<float> vGamma, Span<float> rdGamma, float eps)
        {
            Moments(x, eps, out float mean, out float invStd);
            TangentMoments(x, rx, mean, invStd, out double meanR, out double meanXhatR);
            int n = x.Length;
            double sumG = 0, sumGXhat = 0, sumV = 0, sumVXhat = 0, sumGRxhat = 0;
            for (int i = 0; i < n; i++)
            {
                double xhat = (x[i] - mean) * invStd;
                double rxhat = invStd * (rx[i] - meanR - xhat * meanXhatR);
                double g = dy[i] * gamma[i], v = dy[i] * vGamma[i];
                rdGamma[i] += (float)(dy[i] * rxhat);
                sumG += g;
                sumGXhat += g * xhat;
                sumV += v;
                sumVXhat += v * xhat;
                sumGRxhat += g * rxhat;
            }

            if (rdx.IsEmpty) return;
            double meanG = sumG / n, meanGXhat = sumGXhat / n, meanV = sumV / n, meanVXhat = sumVXhat / n, meanGRxhat = sumGRxhat / n;
            for (int i = 0; i < n; i++)
            {
                double xhat = (x[i] - mean) * invStd;
                double rxhat = invStd * (rx[i] - meanR - xhat * meanXhatR);
                double g = dy[i] * gamma[i], v = dy[i] * vGamma[i];
                double direction = invStd * (v - meanV - xhat * meanVXhat);
                double scale = -invStd * invStd * meanXhatR * (g - meanG - xhat * meanGXhat); // R{1/sigma} = -mean(x_hat R{x}) / sigma^2
                double normalized = -invStd * (rxhat * meanGXhat + xhat * meanGRxhat);
                rdx[i] += (float)(direction + scale + normalized);
            }
        }

        /// <summary>
        /// HessianDiagonal's step (LeCun's recursion) for one sample: with c_i = gamma_i^2 q_i and ds_i/dx_j = gamma_i (1/sigma)
        /// (delta_ij - (1 + x_hat_i x_hat_j) / n), q_x_j = sum_i (ds_i/dx_j)^2 q_i = (1/sigma^2) (c_j (1 - 2 (1 + x_hat_j^2) / n)
        /// + (S0 + 2 x_hat_j S1 + x_hat_j^2 S2) / n^2), S_k = sum_i c_i x_hat_i^k (written; skipped where empty); H_gamma +=
        /// q x_hat^2, H_beta += q.
        /// </summary>
        public static void LayerNormDiagonal(ReadOnlySpan<float> x, ReadOnlySpan<float> q, Span<float> qx, ReadOnlySpan<float> gamma, Span<float> hGamma, Span<float> hBeta, float eps)
        {
            Moments(x, eps, out float mean, out float invStd);
            int n = x.Length;
            double s0 = 0, s1 = 0, s2 = 0;
            for (int i = 0; i < n; i++)
            {
                double xhat = (x[i] - mean) * invStd, c = gamma[i] * (double)gamma[i] * q[i];
                hGamma[i] += (float)(q[i] * xhat * xhat);
                hBeta[i] += q[i];
                s0 += c;
                s1 += c * xhat;
                s2 += c * xhat * xhat;
            }

            if (qx.IsEmpty) return;
            double r2 = (double)invStd * invStd, n2 = (double)n * n;
            for (int j = 0; j < n; j++)
            {
                double xhat = (x[j] - mean) * invStd, c = gamma[j] * (double)gamma[j] * q[j];
                qx[j] = (float)(r2 * (c * (1 - 2 * (1 + xhat * xhat) / n) + (s0 + 2 * xhat * s1 + xhat * xhat * s2) / n2));
            }
        }

        /// <summary>mean(R{x}) and mean(x_hat R{x}) of one sample.</summary>
        private static void TangentMoments(ReadOnlySpan<float> x, ReadOnlySpan<float> rx, float mean, float invStd, out double meanR, out double meanXhatR)
        {
            double sum = 0, dot = 0;
            for (int i = 0; i < x.Length; i++)
            {
                sum += rx[i];
                dot += (x[i] - mean) * invStd * (double)rx[i];
            }

            meanR = sum / x.Length;
            meanXhatR = dot / x.Length;
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
