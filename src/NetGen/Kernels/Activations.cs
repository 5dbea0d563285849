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

        /// <summary>a = s for s &gt; 0, 0.01 s otherwise.</summary>
        public static void LeakyReLU(Span<float> s)
        {
            for (int i = 0; i < s.Length; i++) s[i] = s[i] > 0f ? s[i] : LeakySlope * s[i];
        }

        /// <summary>a = s for s &gt; 0, e^s - 1 otherwise.</summary>
        public static void ELU(Span<float> s)
        {
            for (int i = 0; i < s.Length; i++) s[i] = s[i] > 0f ? s[i] : MathF.Exp(s[i]) - 1f;
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

        /// <summary>delta *= (a &gt; 0 ? 1 : 0.01).</summary>
        public static void LeakyReLUBackward(ReadOnlySpan<float> a, Span<float> delta)
        {
            for (int i = 0; i < delta.Length; i++) if (!(a[i] > 0f)) delta[i] *= LeakySlope;
        }

        /// <summary>delta *= (a &gt; 0 ? 1 : a + 1), since e^s = a + 1 for s &lt;= 0.</summary>
        public static void ELUBackward(ReadOnlySpan<float> a, Span<float> delta)
        {
            for (int i = 0; i < delta.Length; i++) if (!(a[i] > 0f)) delta[i] *= a[i] + 1f;
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
    }
}
