using System;

namespace NetGen
{
    public static partial class Kernels
    {
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

        /// <summary>
        /// HessianDiagonal's step (LeCun's recursion) for one sample in inference mode: q_x = q gamma^2 / (var + eps) (written;
        /// skipped where <paramref name="qx"/> is empty), H_gamma += q x_hat^2, H_beta += q.
        /// </summary>
        public static void BatchNormDiagonal(ReadOnlySpan<float> x, ReadOnlySpan<float> q, Span<float> qx, ReadOnlySpan<float> gamma, ReadOnlySpan<float> running, Span<float> hGamma, Span<float> hBeta,
            int channels, int spatial, float eps)
        {
            for (int c = 0; c < channels; c++)
            {
                float mean = running[c], invStd = 1f / (float)Math.Sqrt(running[channels + c] + eps);
                for (int i = c * spatial; i < (c + 1) * spatial; i++)
                {
                    float xhat = (x[i] - mean) * invStd, coefficient = gamma[c] * invStd;
                    hGamma[c] += q[i] * xhat * xhat;
                    hBeta[c] += q[i];
                    if (!qx.IsEmpty) qx[i] = q[i] * coefficient * coefficient;
                }
            }
        }
    }
}
