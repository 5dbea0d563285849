using System;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetGen
{
    public static partial class Kernels
    {
        private const float LeakySlope = 0.01f;
        /// <summary>SELU's lambda and alpha (eq. 10.3), in double; the activation kernels use them as floats.</summary>
        private const double SeluLambdaExact = 1.0507009873554805, SeluAlphaExact = 1.6732632423543772;
        private const float SeluLambda = (float)SeluLambdaExact;
        private const float SeluAlpha = (float)SeluAlphaExact;

        // ---- activations (in place on the pre-activations) -------------------------------------

        /// <summary>a = 1 / (1 + e^-s).</summary>
        public static void Sigmoid(Span<float> s)
        {
            for (int i = 0; i < s.Length; i++) s[i] = 1f / (1f + MathF.Exp(-s[i]));
        }

        /// <summary>a = tanh(s).</summary>
        public static void Tanh(Span<float> s)
        {
            for (int i = 0; i < s.Length; i++) s[i] = MathF.Tanh(s[i]);
        }

        /// <summary>a = max(0, s).</summary>
        public static void ReLU(Span<float> s)
        {
            int i = 0;
            if (Vector.IsHardwareAccelerated)
            {
                var v = MemoryMarshal.Cast<float, Vector<float>>(s);
                for (int j = 0; j < v.Length; j++) v[j] = Vector.Max(v[j], Vector<float>.Zero);
                i = v.Length * Vector<float>.Count;
            }

            for (; i < s.Length; i++) s[i] = s[i] > 0f ? s[i] : 0f;
        }

        /// <summary>a = s for s &gt; 0, alpha s otherwise (alpha: the negative slope, 0.01 by default).</summary>
        public static void LeakyReLU(Span<float> s, float alpha = LeakySlope)
        {
            for (int i = 0; i < s.Length; i++) s[i] = s[i] > 0f ? s[i] : alpha * s[i];
        }

        /// <summary>a = s for s &gt; 0, alpha (e^s - 1) otherwise (alpha 1 by default).</summary>
        public static void ELU(Span<float> s, float alpha = 1f)
        {
            for (int i = 0; i < s.Length; i++) s[i] = s[i] > 0f ? s[i] : alpha * (MathF.Exp(s[i]) - 1f);
        }

        /// <summary>a = lambda s for s &gt; 0, lambda alpha (e^s - 1) otherwise.</summary>
        public static void SELU(Span<float> s)
        {
            for (int i = 0; i < s.Length; i++) s[i] = s[i] > 0f ? SeluLambda * s[i] : SeluLambda * SeluAlpha * (MathF.Exp(s[i]) - 1f);
        }

        /// <summary>Softmax over the span, shifted by its maximum for stability.</summary>
        public static void Softmax(Span<float> s)
        {
            float max = float.NegativeInfinity;
            for (int i = 0; i < s.Length; i++) if (s[i] > max) max = s[i];
            float sum = 0f;
            for (int i = 0; i < s.Length; i++)
            {
                float e = MathF.Exp(s[i] - max);
                s[i] = e;
                sum += e;
            }

            float inv = 1f / sum;
            for (int i = 0; i < s.Length; i++) s[i] *= inv;
        }

        /// <summary>a = s Phi(s) = s (1 + erf(s / sqrt 2)) / 2 (computed in double).</summary>
        public static void GELU(Span<float> s)
        {
            for (int i = 0; i < s.Length; i++)
            {
                double x = s[i];
                s[i] = (float)(0.5 * x * (1 + Erf(x * InvSqrt2)));
            }
        }

        /// <summary>a = s sigma(s).</summary>
        public static void SiLU(Span<float> s)
        {
            for (int i = 0; i < s.Length; i++) s[i] = s[i] / (1f + MathF.Exp(-s[i]));
        }

        /// <summary>a = ln(1 + e^s), or s where s &gt; 20 (PyTorch's threshold, beta 1); computed in double.</summary>
        public static void Softplus(Span<float> s)
        {
            for (int i = 0; i < s.Length; i++)
            {
                if (s[i] > SoftplusThreshold) continue;
                s[i] = (float)Log1p(Math.Exp(s[i]));
            }
        }

        /// <summary>a = s / (1 + |s|).</summary>
        public static void Softsign(Span<float> s)
        {
            for (int i = 0; i < s.Length; i++) s[i] = s[i] / (1f + MathF.Abs(s[i]));
        }

        /// <summary>a = min(max(0, s), 6).</summary>
        public static void ReLU6(Span<float> s)
        {
            for (int i = 0; i < s.Length; i++) s[i] = s[i] > 0f ? (s[i] < 6f ? s[i] : 6f) : 0f;
        }

        /// <summary>a = 0 for s &lt;= -3, s for s &gt;= 3, s (s + 3) / 6 between.</summary>
        public static void Hardswish(Span<float> s)
        {
            for (int i = 0; i < s.Length; i++)
            {
                float x = s[i];
                s[i] = x <= -3f ? 0f : x >= 3f ? x : x * (x + 3f) / 6f;
            }
        }

        /// <summary>a = 0 for s &lt;= -3, 1 for s &gt;= 3, s / 6 + 1/2 between.</summary>
        public static void Hardsigmoid(Span<float> s)
        {
            for (int i = 0; i < s.Length; i++)
            {
                float x = s[i];
                s[i] = x <= -3f ? 0f : x >= 3f ? 1f : x / 6f + 0.5f;
            }
        }

        /// <summary>a = -1 for s &lt; 0, +1 for s &gt; 0, s itself at 0 and NaN (as torch.sign: sign(0) = 0, NaN stays NaN).</summary>
        public static void Sign(Span<float> s)
        {
            for (int i = 0; i < s.Length; i++) s[i] = s[i] > 0f ? 1f : s[i] < 0f ? -1f : s[i];
        }

        /// <summary>a_k = s_k - ln sum_j e^(s_j) over the span, shifted by its maximum (the sum in double).</summary>
        public static void LogSoftmax(Span<float> s)
        {
            double logSum = LogSumExp(s);
            for (int i = 0; i < s.Length; i++) s[i] = (float)(s[i] - logSum);
        }

        /// <summary>ln sum_j e^(s_j), shifted by the maximum for stability, the sum in double (log-softmax, and cross-entropy from logits).</summary>
        private static double LogSumExp(ReadOnlySpan<float> s)
        {
            float max = float.NegativeInfinity;
            for (int i = 0; i < s.Length; i++) if (s[i] > max) max = s[i];
            double sum = 0;
            for (int i = 0; i < s.Length; i++) sum += Math.Exp(s[i] - max);
            return max + Math.Log(sum);
        }

        // ---- activation derivatives: delta *= f'(s), computed from the activations a = f(s) ----

        /// <summary>delta *= a (1 - a).</summary>
        public static void SigmoidBackward(ReadOnlySpan<float> a, Span<float> delta)
        {
            for (int i = 0; i < delta.Length; i++) delta[i] *= a[i] * (1f - a[i]);
        }

        /// <summary>delta *= 1 - a^2.</summary>
        public static void TanhBackward(ReadOnlySpan<float> a, Span<float> delta)
        {
            for (int i = 0; i < delta.Length; i++) delta[i] *= 1f - a[i] * a[i];
        }

        /// <summary>delta *= (a &gt; 0 ? 1 : 0).</summary>
        public static void ReLUBackward(ReadOnlySpan<float> a, Span<float> delta)
        {
            int i = 0, n = delta.Length;
            if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
            {
                var va = MemoryMarshal.Cast<float, Vector<float>>(a.Slice(0, n));
                var vd = MemoryMarshal.Cast<float, Vector<float>>(delta);
                for (int j = 0; j < vd.Length; j++) vd[j] = Vector.ConditionalSelect(Vector.GreaterThan(va[j], Vector<float>.Zero), vd[j], Vector<float>.Zero);
                i = vd.Length * Vector<float>.Count;
            }

            for (; i < n; i++) if (!(a[i] > 0f)) delta[i] = 0f;
        }

        /// <summary>delta *= (a &gt; 0 ? 1 : alpha); a &gt; 0 exactly where s &gt; 0 for alpha &gt;= 0.</summary>
        public static void LeakyReLUBackward(ReadOnlySpan<float> a, Span<float> delta, float alpha = LeakySlope)
        {
            for (int i = 0; i < delta.Length; i++) if (!(a[i] > 0f)) delta[i] *= alpha;
        }

        /// <summary>delta *= (a &gt; 0 ? 1 : a + alpha), since alpha e^s = a + alpha for s &lt;= 0.</summary>
        public static void ELUBackward(ReadOnlySpan<float> a, Span<float> delta, float alpha = 1f)
        {
            for (int i = 0; i < delta.Length; i++) if (!(a[i] > 0f)) delta[i] *= a[i] + alpha;
        }

        /// <summary>delta *= (a &gt; 0 ? lambda : a + lambda alpha), since lambda alpha e^s = a + lambda alpha for s &lt;= 0.</summary>
        public static void SELUBackward(ReadOnlySpan<float> a, Span<float> delta)
        {
            for (int i = 0; i < delta.Length; i++) delta[i] *= a[i] > 0f ? SeluLambda : a[i] + SeluLambda * SeluAlpha;
        }

        /// <summary>delta_i = a_i (delta_i - sum_k delta_k a_k), the softmax Jacobian (eq. A.18) applied to delta.</summary>
        public static void SoftmaxBackward(ReadOnlySpan<float> a, Span<float> delta)
        {
            float dot = 0f;
            for (int i = 0; i < delta.Length; i++) dot += delta[i] * a[i];
            for (int i = 0; i < delta.Length; i++) delta[i] = a[i] * (delta[i] - dot);
        }

        /// <summary>delta *= sigma(s) = 1 - e^-a (Softplus's derivative from its output), or 1 where a &gt; 20.</summary>
        public static void SoftplusBackward(ReadOnlySpan<float> a, Span<float> delta)
        {
            for (int i = 0; i < delta.Length; i++)
            {
                if (a[i] > SoftplusThreshold) continue;
                double x = a[i];
                delta[i] = (float)(delta[i] * (x < 1e-5 ? x - 0.5 * x * x : 1 - Math.Exp(-x)));
            }
        }

        /// <summary>delta *= 1 / (1 + |s|)^2 = (1 - |a|)^2.</summary>
        public static void SoftsignBackward(ReadOnlySpan<float> a, Span<float> delta)
        {
            for (int i = 0; i < delta.Length; i++)
            {
                float r = 1f - MathF.Abs(a[i]);
                delta[i] *= r * r;
            }
        }

        /// <summary>delta *= (0 &lt; s &lt; 6 ? 1 : 0), read from 0 &lt; a &lt; 6 (PyTorch's derivative is 0 at both kinks).</summary>
        public static void ReLU6Backward(ReadOnlySpan<float> a, Span<float> delta)
        {
            for (int i = 0; i < delta.Length; i++) if (!(a[i] > 0f && a[i] < 6f)) delta[i] = 0f;
        }

        /// <summary>delta *= (-3 &lt; s &lt; 3 ? 1/6 : 0), read from 0 &lt; a &lt; 1.</summary>
        public static void HardsigmoidBackward(ReadOnlySpan<float> a, Span<float> delta)
        {
            for (int i = 0; i < delta.Length; i++) delta[i] = a[i] > 0f && a[i] < 1f ? delta[i] / 6f : 0f;
        }

        /// <summary>delta = 0: sign's derivative is 0 wherever it exists (torch.sign's gradient is zero everywhere).</summary>
        public static void SignBackward(ReadOnlySpan<float> a, Span<float> delta) => delta.Clear();

        /// <summary>delta_i -= e^(a_i) sum_k delta_k: the log-softmax Jacobian applied to delta.</summary>
        public static void LogSoftmaxBackward(ReadOnlySpan<float> a, Span<float> delta)
        {
            double sum = 0;
            for (int i = 0; i < delta.Length; i++) sum += delta[i];
            for (int i = 0; i < delta.Length; i++) delta[i] = (float)(delta[i] - Math.Exp(a[i]) * sum);
        }

        // ---- derivatives from the pre-activations s (kept in training): the activations that cannot be inverted ----

        /// <summary>delta *= Phi(s) + s phi(s), the GELU's derivative (computed in double).</summary>
        public static void GELUBackward(ReadOnlySpan<float> s, Span<float> delta)
        {
            for (int i = 0; i < delta.Length; i++)
            {
                double x = s[i];
                double cdf = 0.5 * (1 + Erf(x * InvSqrt2));
                double pdf = Math.Exp(-0.5 * x * x) * InvSqrt2Pi;
                delta[i] = (float)(delta[i] * (cdf + x * pdf));
            }
        }

        /// <summary>delta *= sigma(s) (1 + s (1 - sigma(s))), the SiLU's derivative.</summary>
        public static void SiLUBackward(ReadOnlySpan<float> s, Span<float> delta)
        {
            for (int i = 0; i < delta.Length; i++)
            {
                float x = s[i];
                float sig = 1f / (1f + MathF.Exp(-x));
                delta[i] *= sig * (1f + x * (1f - sig));
            }
        }

        /// <summary>delta *= 0 for s &lt; -3, s / 3 + 1/2 for -3 &lt;= s &lt;= 3, 1 above (PyTorch's one-sided choices at the kinks).</summary>
        public static void HardswishBackward(ReadOnlySpan<float> s, Span<float> delta)
        {
            for (int i = 0; i < delta.Length; i++)
            {
                float x = s[i];
                delta[i] = x < -3f ? 0f : x <= 3f ? delta[i] * (x / 3f + 0.5f) : delta[i];
            }
        }

        // ---- second order (section 4.9): the R-operator's terms of an activation a = f(s) ----

        /// <summary>
        /// Adds f''(s) r_s delta to <paramref name="rDelta"/>: the term of R{dL/ds} = f'(s) R{dL/da} + f''(s) R{s} dL/da that
        /// the activation's curvature gives, with dL/da in <paramref name="delta"/> and R{s} in <paramref name="rs"/>.
        /// <paramref name="from"/> holds what the activation's backward kernel reads: s for GELU, SiLU and Hardswish, else a.
        /// Softmax and log-softmax take one sample. The piecewise linear activations (ReLU, LeakyReLU, ReLU6, Hardsigmoid)
        /// have f'' = 0 almost everywhere and add nothing.
        /// </summary>
        public static void ActCurvature(Act act, ReadOnlySpan<float> from, ReadOnlySpan<float> rs, ReadOnlySpan<float> delta, Span<float> rDelta, float alpha = 1f)
        {
            if (act == Act.Softmax || act == Act.LogSoftmax)
            {
                SampleCurvature(act, from, rs, delta, rDelta);
                return;
            }

            for (int i = 0; i < rDelta.Length; i++)
            {
                double v = from[i], second;
                switch (act)
                {
                    case Act.Sigmoid: second = v * (1 - v) * (1 - 2 * v); break;
                    case Act.Tanh: second = -2 * v * (1 - v * v); break;
                    case Act.ELU: second = v > 0 ? 0 : v + alpha; break;
                    case Act.SELU: second = v > 0 ? 0 : v + SeluLambdaExact * SeluAlphaExact; break;
                    case Act.Softplus:
                        double d = v > SoftplusThreshold ? 1 : v < 1e-5 ? v - 0.5 * v * v : 1 - Math.Exp(-v);
                        second = d * (1 - d);
                        break;
                    case Act.Softsign:
                        double r = 1 - Math.Abs(v);
                        second = -2 * Math.Sign(v) * r * r * r;
                        break;
                    case Act.GELU: second = Math.Exp(-0.5 * v * v) * InvSqrt2Pi * (2 - v * v); break;
                    case Act.SiLU:
                        double sig = 1 / (1 + Math.Exp(-v));
                        second = sig * (1 - sig) * (2 + v * (1 - 2 * sig));
                        break;
                    case Act.Hardswish: second = v > -3 && v < 3 ? 1.0 / 3 : 0; break;
                    default: second = 0; break;
                }

                rDelta[i] += (float)(second * rs[i] * delta[i]);
            }
        }

        /// <summary>
        /// Softmax (a = y): R{J} delta = R{y} (delta - y.delta) - y (R{y}.delta) with R{y} = y (r_s - y.r_s); log-softmax (a = log y):
        /// -R{y} sum(delta).
        /// </summary>
        private static void SampleCurvature(Act act, ReadOnlySpan<float> from, ReadOnlySpan<float> rs, ReadOnlySpan<float> delta, Span<float> rDelta)
        {
            int n = rDelta.Length;
            double yr = 0, yd = 0, sum = 0;
            for (int i = 0; i < n; i++)
            {
                double y = act == Act.Softmax ? from[i] : Math.Exp(from[i]);
                yr += y * rs[i];
                yd += y * delta[i];
                sum += delta[i];
            }

            double ryd = 0;
            for (int i = 0; i < n; i++)
            {
                double y = act == Act.Softmax ? from[i] : Math.Exp(from[i]);
                ryd += y * (rs[i] - yr) * delta[i];
            }

            for (int i = 0; i < n; i++)
            {
                double y = act == Act.Softmax ? from[i] : Math.Exp(from[i]);
                double ry = y * (rs[i] - yr);
                rDelta[i] += (float)(act == Act.Softmax ? ry * (delta[i] - yd) - y * ryd : -ry * sum);
            }
        }

        /// <summary>values = J values for log-softmax's Jacobian J = I - 1 y^T (one sample, a = log y): r_i - sum_k y_k r_k, the R-operator's forward step.</summary>
        public static void LogSoftmaxTangent(ReadOnlySpan<float> logA, Span<float> values)
        {
            double dot = 0;
            for (int i = 0; i < values.Length; i++) dot += Math.Exp(logA[i]) * values[i];
            for (int i = 0; i < values.Length; i++) values[i] = (float)(values[i] - dot);
        }

        private const float SoftplusThreshold = 20f;
        private const double InvSqrt2 = 0.70710678118654752440, InvSqrt2Pi = 0.39894228040143267794;

        /// <summary>ln(1 + x) for x &gt;= 0, accurate where x is small (ln(1 + x) in double loses x's digits below 1e-4).</summary>
        private static double Log1p(double x) => x < 1e-4 ? x * (1 - x * (0.5 - x / 3)) : Math.Log(1 + x);

        /// <summary>
        /// The error function to double precision's last digits: its Taylor series 2/sqrt(pi) sum (-1)^n x^(2n+1) / (n! (2n+1))
        /// below |x| = 2, above it 1 - erfc(x) with erfc from its continued fraction (evaluated from the tail), and +-1 past 6.
        /// </summary>
        internal static double Erf(double x)
        {
            double ax = Math.Abs(x);
            if (ax >= 6) return Math.Sign(x);
            if (ax < 2)
            {
                double x2 = x * x, term = x, sum = x;
                for (int n = 1; n < 60; n++)
                {
                    term *= -x2 / n;
                    double add = term / (2 * n + 1);
                    sum += add;
                    if (Math.Abs(add) < 1e-17 * Math.Abs(sum)) break;
                }

                return sum * 1.12837916709551257390; // 2 / sqrt(pi)
            }

            // erfc(x) = e^(-x^2) / sqrt(pi) * 1 / (x + (1/2) / (x + 1 / (x + (3/2) / (x + 2 / (x + ...)))))
            double fraction = ax;
            for (int k = 60; k >= 1; k--) fraction = ax + k * 0.5 / fraction;
            double erfc = Math.Exp(-ax * ax) * 0.56418958354775628695 / fraction; // 1 / sqrt(pi)
            return x > 0 ? 1 - erfc : erfc - 1;
        }
    }
}
