using System;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetGen
{
    /// <summary>
    /// Vectorized kernels called by generated networks with every size passed as a literal.
    /// Not meant to be called directly; the generated code is their documentation.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static partial class Kernels
    {
        private const float LeakySlope = 0.01f;
        /// <summary>SELU's lambda and alpha (eq. 10.3), in double; the activation kernels use them as floats.</summary>
        private const double SeluLambdaExact = 1.0507009873554805, SeluAlphaExact = 1.6732632423543772;
        private const float SeluLambda = (float)SeluLambdaExact;
        private const float SeluAlpha = (float)SeluAlphaExact;

        // ---- linear algebra ------------------------------------------------------------------

        /// <summary>Sum of a[i] * b[i].</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
        {
            int n = a.Length;
            int i = 0;
            float sum = 0f;
            if (System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated && n >= 32)
            {
                // two 512-bit accumulators of fused multiply-adds
                ref float ra = ref MemoryMarshal.GetReference(a);
                ref float rb = ref MemoryMarshal.GetReference(b.Slice(0, n));
                var acc0 = System.Runtime.Intrinsics.Vector512<float>.Zero;
                var acc1 = System.Runtime.Intrinsics.Vector512<float>.Zero;
                for (; i + 32 <= n; i += 32)
                {
                    acc0 = System.Runtime.Intrinsics.X86.Avx512F.FusedMultiplyAdd(System.Runtime.Intrinsics.Vector512.LoadUnsafe(ref ra, (nuint)i), System.Runtime.Intrinsics.Vector512.LoadUnsafe(ref rb, (nuint)i), acc0);
                    acc1 = System.Runtime.Intrinsics.X86.Avx512F.FusedMultiplyAdd(System.Runtime.Intrinsics.Vector512.LoadUnsafe(ref ra, (nuint)(i + 16)), System.Runtime.Intrinsics.Vector512.LoadUnsafe(ref rb, (nuint)(i + 16)), acc1);
                }

                if (i + 16 <= n)
                {
                    acc0 = System.Runtime.Intrinsics.X86.Avx512F.FusedMultiplyAdd(System.Runtime.Intrinsics.Vector512.LoadUnsafe(ref ra, (nuint)i), System.Runtime.Intrinsics.Vector512.LoadUnsafe(ref rb, (nuint)i), acc0);
                    i += 16;
                }

                sum = System.Runtime.Intrinsics.Vector512.Sum(acc0 + acc1);
            }
            else if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
            {
                var va = MemoryMarshal.Cast<float, Vector<float>>(a);
                var vb = MemoryMarshal.Cast<float, Vector<float>>(b.Slice(0, n));
                Vector<float> acc0 = Vector<float>.Zero, acc1 = Vector<float>.Zero;
                int j = 0;
                for (; j + 1 < va.Length; j += 2)
                {
                    acc0 += va[j] * vb[j];
                    acc1 += va[j + 1] * vb[j + 1];
                }

                if (j < va.Length) acc0 += va[j] * vb[j];
                sum = Vector.Dot(acc0 + acc1, Vector<float>.One);
                i = va.Length * Vector<float>.Count;
            }

            for (; i < n; i++) sum += a[i] * b[i];
            return sum;
        }

        /// <summary>y[i] += alpha * x[i].</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Axpy(float alpha, ReadOnlySpan<float> x, Span<float> y)
        {
            int n = x.Length;
            int i = 0;
            if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
            {
                var vx = MemoryMarshal.Cast<float, Vector<float>>(x);
                var vy = MemoryMarshal.Cast<float, Vector<float>>(y.Slice(0, n));
                var va = new Vector<float>(alpha);
                for (int j = 0; j < vx.Length; j++) vy[j] += va * vx[j];
                i = vx.Length * Vector<float>.Count;
            }

            for (; i < n; i++) y[i] += alpha * x[i];
        }

        /// <summary>Dense forward for one sample: y[o] = b[o] + sum_i w[o, i] x[i] (w is [outSize, inSize]; b empty when the layer has no bias).</summary>
        public static void DenseForward(ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> x, Span<float> y, int inSize, int outSize)
        {
            x = x.Slice(0, inSize);
            for (int o = 0; o < outSize; o++)
            {
                float s = Dot(w.Slice(o * inSize, inSize), x);
                y[o] = b.IsEmpty ? s : s + b[o];
            }
        }

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

        // ---- losses: per sample, returning the unscaled loss and writing the scaled output delta ----

        /// <summary>
        /// Softmax + cross-entropy from the logits (table 4.1): turns <paramref name="logits"/> into probabilities,
        /// returns -sum_k y_k log a_k (computed stably in double) and writes delta = scale (a - y). A target row holding
        /// NaN is a missing label: it contributes nothing (loss and delta 0).
        /// </summary>
        public static double SoftmaxCrossEntropy(Span<float> logits, ReadOnlySpan<float> target, Span<float> delta, float scale)
        {
            float max = float.NegativeInfinity;
            for (int i = 0; i < logits.Length; i++) if (logits[i] > max) max = logits[i];
            double sum = 0;
            for (int i = 0; i < logits.Length; i++) sum += Math.Exp(logits[i] - max);
            double logSum = max + Math.Log(sum);
            bool missing = HasNaN(target);
            double loss = 0;
            for (int i = 0; i < logits.Length; i++)
            {
                double logA = logits[i] - logSum;
                float a = (float)Math.Exp(logA);
                logits[i] = a;
                if (missing)
                {
                    delta[i] = 0f;
                    continue;
                }

                if (target[i] != 0f) loss -= target[i] * logA;
                delta[i] = scale * (a - target[i]);
            }

            return loss;
        }

        /// <summary>
        /// Sigmoid + binary cross-entropy from the logits (table 4.1): turns <paramref name="logits"/> into probabilities,
        /// returns sum_k softplus(s_k) - y_k s_k (= -y log a - (1 - y) log(1 - a), stably) and writes delta = scale (a - y).
        /// A NaN target is a missing label: it contributes nothing.
        /// </summary>
        public static double SigmoidBinaryCrossEntropy(Span<float> logits, ReadOnlySpan<float> target, Span<float> delta, float scale)
        {
            double loss = 0;
            for (int i = 0; i < logits.Length; i++)
            {
                double s = logits[i];
                float a = 1f / (1f + MathF.Exp(-logits[i]));
                logits[i] = a;
                if (float.IsNaN(target[i]))
                {
                    delta[i] = 0f;
                    continue;
                }

                loss += Math.Max(s, 0.0) - s * target[i] + Math.Log(1.0 + Math.Exp(-Math.Abs(s)));
                delta[i] = scale * (a - target[i]);
            }

            return loss;
        }

        /// <summary>
        /// Squared error: returns sum_k (a_k - y_k)^2 and writes delta = 2 scale (a - y), the derivative with respect to a.
        /// A NaN target is a missing label: it contributes nothing.
        /// </summary>
        public static double SquaredError(ReadOnlySpan<float> output, ReadOnlySpan<float> target, Span<float> delta, float scale)
        {
            double loss = 0;
            float twice = 2f * scale;
            for (int i = 0; i < delta.Length; i++)
            {
                if (float.IsNaN(target[i]))
                {
                    delta[i] = 0f;
                    continue;
                }

                float diff = output[i] - target[i];
                loss += (double)diff * diff;
                delta[i] = twice * diff;
            }

            return loss;
        }

        /// <summary>Writes the target for a class label: one-hot over the outputs, or the label itself (0 or 1) for a single output.</summary>
        public static void LabelToTarget(int label, Span<float> target)
        {
            if (target.Length == 1)
            {
                target[0] = label;
                return;
            }

            target.Clear();
            target[label] = 1f;
        }
    }
}
