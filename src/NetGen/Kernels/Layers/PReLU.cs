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
    }
}
