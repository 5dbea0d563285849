using System;

namespace NetGen
{
    /// <summary>Whether a network computes as in training (dropout and noise active) or inference.</summary>
    public enum NetworkMode
    {
        /// <summary>Forward infers, ComputeGradients trains (the default, as the generated class's contract says).</summary>
        Auto = 0,
        /// <summary>Both train: Forward also drops units and adds noise (Monte-Carlo dropout, section 8.4).</summary>
        Training = 1,
        /// <summary>Both infer: ComputeGradients uses no dropout or noise and the running batch-norm statistics (PyTorch's eval()).</summary>
        Inference = 2,
    }

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

        /// <summary>dx = dy * mask (the factor each unit was multiplied by).</summary>
        public static void MaskBackward(ReadOnlySpan<float> mask, ReadOnlySpan<float> dy, Span<float> dx)
        {
            for (int i = 0; i < dy.Length; i++) dx[i] = dy[i] * mask[i];
        }

        /// <summary>Gaussian noise in place (section 8.2, on weights): w += N(0, std^2).</summary>
        public static void AddNoise(Span<float> w, float std, Rng rng)
        {
            for (int i = 0; i < w.Length; i++) w[i] += (float)(std * rng.NextNormal());
        }

        /// <summary>Gaussian noise on activations (section 8.2): y = x + N(0, std^2).</summary>
        public static void GaussianNoise(ReadOnlySpan<float> x, Span<float> y, float std, Rng rng)
        {
            for (int i = 0; i < x.Length; i++) y[i] = x[i] + (float)(std * rng.NextNormal());
        }

        // ---- penalties on a layer's weights (chapter 8): add to the gradient, return the penalty -----------------

        /// <summary>L2 (eq. 8.4): returns (lambda / 2) ||w||^2 and adds lambda w to g.</summary>
        public static double L2Penalty(ReadOnlySpan<float> w, Span<float> g, float lambda)
        {
            double sum = 0;
            for (int i = 0; i < w.Length; i++)
            {
                sum += (double)w[i] * w[i];
                g[i] += lambda * w[i];
            }

            return 0.5 * lambda * sum;
        }

        /// <summary>L1 (eq. 8.10): returns lambda ||w||_1 and adds lambda sign(w) to g.</summary>
        public static double L1Penalty(ReadOnlySpan<float> w, Span<float> g, float lambda)
        {
            double sum = 0;
            for (int i = 0; i < w.Length; i++)
            {
                sum += Math.Abs(w[i]);
                g[i] += lambda * Math.Sign(w[i]);
            }

            return lambda * sum;
        }

        /// <summary>Weight elimination (eq. 8.11): returns lambda sum (w^2/w0^2) / (1 + w^2/w0^2) and adds its derivative lambda (2 w / w0^2) / (1 + w^2/w0^2)^2 to g.</summary>
        public static double WeightEliminationPenalty(ReadOnlySpan<float> w, Span<float> g, float lambda, float w0)
        {
            double sum = 0, inv = 1.0 / ((double)w0 * w0);
            for (int i = 0; i < w.Length; i++)
            {
                double r = w[i] * (double)w[i] * inv;
                sum += r / (1 + r);
                g[i] += (float)(lambda * 2 * w[i] * inv / ((1 + r) * (1 + r)));
            }

            return lambda * sum;
        }

        // ---- normalization (chapter 10) -----------------------------------------------------------------

        /// <summary>
        /// Batch normalization in training (eq. 10.4-10.7) over a [batch, channels * spatial] block: per channel the mean and
        /// biased variance over batch and positions normalize x; y = gamma x_hat + beta. Saves the mean and 1/sqrt(var + eps)
        /// for the backward pass and updates the running averages as PyTorch (momentum m: r = (1 - m) r + m s, the variance unbiased).
        /// </summary>
        public static void BatchNormTrain(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> running, Span<float> saved,
            int batch, int channels, int spatial, float eps, float momentum)
        {
            int m = batch * spatial;
            if (m < 2) throw new ArgumentException($"Batch normalization in training needs more than 1 value per channel (section 10.2), but got batch * positions = {batch} * {spatial} = {m}.", nameof(batch));
            int sample = channels * spatial;
            for (int c = 0; c < channels; c++)
            {
                double sum = 0;
                for (int n = 0; n < batch; n++)
                {
                    var row = x.Slice(n * sample + c * spatial, spatial);
                    for (int i = 0; i < spatial; i++) sum += row[i];
                }

                double mean = sum / m, squares = 0;
                for (int n = 0; n < batch; n++)
                {
                    var row = x.Slice(n * sample + c * spatial, spatial);
                    for (int i = 0; i < spatial; i++) squares += (row[i] - mean) * (row[i] - mean);
                }

                double variance = squares / m;
                float invStd = (float)(1.0 / Math.Sqrt(variance + eps));
                saved[c] = (float)mean;
                saved[channels + c] = invStd;
                running[c] = (float)((1 - momentum) * running[c] + momentum * mean);
                running[channels + c] = (float)((1 - momentum) * running[channels + c] + momentum * variance * m / (m - 1));
                float scale = gamma[c] * invStd, shift = beta[c] - (float)mean * scale;
                for (int n = 0; n < batch; n++)
                {
                    var src = x.Slice(n * sample + c * spatial, spatial);
                    var dst = y.Slice(n * sample + c * spatial, spatial);
                    for (int i = 0; i < spatial; i++) dst[i] = src[i] * scale + shift;
                }
            }
        }

        /// <summary>Batch normalization with the running statistics (inference), for one sample: y = gamma (x - mean) / sqrt(var + eps) + beta.</summary>
        public static void BatchNormInference(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> running, int channels, int spatial, float eps)
        {
            for (int c = 0; c < channels; c++)
            {
                float scale = gamma[c] / (float)Math.Sqrt(running[channels + c] + eps);
                float shift = beta[c] - running[c] * scale;
                var src = x.Slice(c * spatial, spatial);
                var dst = y.Slice(c * spatial, spatial);
                for (int i = 0; i < spatial; i++) dst[i] = src[i] * scale + shift;
            }
        }

        /// <summary>
        /// Batch normalization backward (eq. 10.12) over the batch, per channel with M = batch * spatial values:
        /// dgamma += sum dy x_hat; dbeta += sum dy; dx = gamma / sigma (dy - mean(dy) - x_hat mean(dy x_hat)). dx may be empty.
        /// </summary>
        public static void BatchNormBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, ReadOnlySpan<float> gamma, ReadOnlySpan<float> saved, Span<float> dGamma, Span<float> dBeta,
            int batch, int channels, int spatial)
        {
            int m = batch * spatial, sample = channels * spatial;
            for (int c = 0; c < channels; c++)
            {
                float mean = saved[c], invStd = saved[channels + c];
                double sumDy = 0, sumDyXhat = 0;
                for (int n = 0; n < batch; n++)
                {
                    int start = n * sample + c * spatial;
                    for (int i = 0; i < spatial; i++)
                    {
                        float xhat = (x[start + i] - mean) * invStd;
                        sumDy += dy[start + i];
                        sumDyXhat += dy[start + i] * xhat;
                    }
                }

                dGamma[c] += (float)sumDyXhat;
                dBeta[c] += (float)sumDy;
                if (dx.IsEmpty) continue;
                float k = gamma[c] * invStd, meanDy = (float)(sumDy / m), meanDyXhat = (float)(sumDyXhat / m);
                for (int n = 0; n < batch; n++)
                {
                    int start = n * sample + c * spatial;
                    for (int i = 0; i < spatial; i++)
                    {
                        float xhat = (x[start + i] - mean) * invStd;
                        dx[start + i] = k * (dy[start + i] - meanDy - xhat * meanDyXhat);
                    }
                }
            }
        }

        /// <summary>Backward of <see cref="BatchNormInference"/> for one sample (running statistics are constants): dx = dy gamma / sigma; dgamma += dy x_hat; dbeta += dy.</summary>
        public static void BatchNormInferenceBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, ReadOnlySpan<float> gamma, ReadOnlySpan<float> running, Span<float> dGamma, Span<float> dBeta,
            int channels, int spatial, float eps)
        {
            for (int c = 0; c < channels; c++)
            {
                float mean = running[c], invStd = 1f / (float)Math.Sqrt(running[channels + c] + eps);
                for (int i = c * spatial; i < (c + 1) * spatial; i++)
                {
                    dGamma[c] += dy[i] * (x[i] - mean) * invStd;
                    dBeta[c] += dy[i];
                    if (!dx.IsEmpty) dx[i] = dy[i] * gamma[c] * invStd;
                }
            }
        }

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
