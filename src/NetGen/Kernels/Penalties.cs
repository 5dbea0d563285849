using System;

namespace NetGen
{
    public static partial class Kernels
    {
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

        /// <summary>L2's second order: its Hessian is lambda I, so hv += lambda v.</summary>
        public static void L2PenaltyTangent(ReadOnlySpan<float> w, ReadOnlySpan<float> v, Span<float> hv, float lambda)
        {
            for (int i = 0; i < w.Length; i++) hv[i] += lambda * v[i];
        }

        /// <summary>Weight elimination's second order (diagonal): hv += lambda (2 / w0^2) (1 - 3 r) / (1 + r)^3 v, r = w^2 / w0^2.</summary>
        public static void WeightEliminationPenaltyTangent(ReadOnlySpan<float> w, ReadOnlySpan<float> v, Span<float> hv, float lambda, float w0)
        {
            double inv = 1.0 / ((double)w0 * w0);
            for (int i = 0; i < w.Length; i++)
            {
                double r = w[i] * (double)w[i] * inv;
                hv[i] += (float)(lambda * 2 * inv * (1 - 3 * r) / ((1 + r) * (1 + r) * (1 + r)) * v[i]);
            }
        }
    }
}
