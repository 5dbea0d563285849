using System;

namespace NetGen
{
    public static partial class Kernels
    {
        // ---- parametric ReLU: slope w[c] for the values of channel c (planes of `plane` values, channels cycling) ----

        /// <summary>y = x for x &gt; 0, w[c] x otherwise, c = (i / plane) mod w.Length: samples one after the other.</summary>
        public static void PReLU(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> w, int plane)
        {
            for (int i = 0; i < x.Length; i++)
            {
                float v = x[i];
                y[i] = v > 0f ? v : w[i / plane % w.Length] * v;
            }
        }

        /// <summary>
        /// PReLU's backward pass, as PyTorch's: dL/dw[c] += sum of delta x over the values x &lt;= 0 of channel c; dL/dx = delta
        /// for x &gt; 0, w[c] delta otherwise (written; skipped where <paramref name="inputDelta"/> is empty).
        /// </summary>
        public static void PReLUBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> delta, Span<float> inputDelta, ReadOnlySpan<float> w, Span<float> wGradient, int plane)
        {
            bool input = !inputDelta.IsEmpty;
            for (int i = 0; i < x.Length; i++)
            {
                int c = i / plane % w.Length;
                float v = x[i];
                if (v > 0f)
                {
                    if (input) inputDelta[i] = delta[i];
                    continue;
                }

                wGradient[c] += delta[i] * v;
                if (input) inputDelta[i] = w[c] * delta[i];
            }
        }

        /// <summary>
        /// The R-operator's forward step: R{y} = R{x} for x &gt; 0, w[c] R{x} + v[c] x otherwise (<paramref name="v"/> the
        /// direction's slopes).
        /// </summary>
        public static void PReLUTangent(ReadOnlySpan<float> x, ReadOnlySpan<float> rx, Span<float> ry, ReadOnlySpan<float> w, ReadOnlySpan<float> v, int plane)
        {
            for (int i = 0; i < x.Length; i++)
            {
                int c = i / plane % w.Length;
                ry[i] = x[i] > 0f ? rx[i] : w[c] * rx[i] + v[c] * x[i];
            }
        }

        /// <summary>
        /// The terms of PReLU's second-order backward step that <see cref="PReLUBackward"/> on R{delta} leaves out: R{dL/dx} +=
        /// v[c] delta and R{dL/dw[c]} += sum of delta R{x}, both over the values x &lt;= 0.
        /// </summary>
        public static void PReLUTangentBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> rx, ReadOnlySpan<float> delta, Span<float> rInputDelta, ReadOnlySpan<float> v, Span<float> rwGradient, int plane)
        {
            for (int i = 0; i < x.Length; i++)
            {
                if (x[i] > 0f) continue;
                int c = i / plane % v.Length;
                rwGradient[c] += delta[i] * rx[i];
                if (!rInputDelta.IsEmpty) rInputDelta[i] += v[c] * delta[i];
            }
        }

        /// <summary>HessianDiagonal's step (LeCun's recursion): q_x = q for x &gt; 0, w[c]^2 q otherwise (written, skipped where empty); H_w[c] += q x^2 over x &lt;= 0.</summary>
        public static void PReLUDiagonal(ReadOnlySpan<float> x, ReadOnlySpan<float> q, Span<float> qx, ReadOnlySpan<float> w, Span<float> hw, int plane)
        {
            for (int i = 0; i < x.Length; i++)
            {
                int c = i / plane % w.Length;
                if (x[i] > 0f)
                {
                    if (!qx.IsEmpty) qx[i] = q[i];
                    continue;
                }

                hw[c] += q[i] * x[i] * x[i];
                if (!qx.IsEmpty) qx[i] = w[c] * w[c] * q[i];
            }
        }
    }
}
