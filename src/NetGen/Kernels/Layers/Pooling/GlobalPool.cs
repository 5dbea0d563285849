using System;

namespace NetGen
{
    public static partial class Kernels
    {
        // ---- global pooling: one value per channel plane (the planes of every sample one after the other) ----

        /// <summary>y[p] = the mean of plane p of <paramref name="x"/> (planes of <paramref name="size"/> values, summed in double), as nn.AdaptiveAvgPool*d(1).</summary>
        public static void GlobalAvgPool(ReadOnlySpan<float> x, Span<float> y, int size)
        {
            int planes = x.Length / size;
            for (int p = 0; p < planes; p++)
            {
                double sum = 0;
                var plane = x.Slice(p * size, size);
                for (int i = 0; i < size; i++) sum += plane[i];
                y[p] = (float)(sum / size);
            }
        }

        /// <summary>dL/dx = dL/dy[p] / size at every value of plane p (written).</summary>
        public static void GlobalAvgPoolBackward(ReadOnlySpan<float> delta, Span<float> inputDelta, int size)
        {
            int planes = inputDelta.Length / size;
            float scale = 1f / size;
            for (int p = 0; p < planes; p++) inputDelta.Slice(p * size, size).Fill(delta[p] * scale);
        }

        /// <summary>y[p] = the maximum of plane p of <paramref name="x"/>; a NaN is the maximum, as PyTorch's max pooling.</summary>
        public static void GlobalMaxPool(ReadOnlySpan<float> x, Span<float> y, int size)
        {
            int planes = x.Length / size;
            for (int p = 0; p < planes; p++) y[p] = x[p * size + ArgMax(x.Slice(p * size, size))];
        }

        /// <summary>dL/dx = dL/dy[p] at plane p's (first) maximum, 0 elsewhere (written), the maximum found again in <paramref name="x"/>.</summary>
        public static void GlobalMaxPoolBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> delta, Span<float> inputDelta, int size)
        {
            int planes = x.Length / size;
            inputDelta.Slice(0, planes * size).Clear();
            for (int p = 0; p < planes; p++) inputDelta[p * size + ArgMax(x.Slice(p * size, size))] = delta[p];
        }

        /// <summary>The R-operator's forward step: R{y}[p] = R{x} at plane p's (first) maximum of <paramref name="x"/>.</summary>
        public static void GlobalMaxPoolTangent(ReadOnlySpan<float> x, ReadOnlySpan<float> rx, Span<float> ry, int size)
        {
            int planes = x.Length / size;
            for (int p = 0; p < planes; p++) ry[p] = rx[p * size + ArgMax(x.Slice(p * size, size))];
        }

        /// <summary>The index of the first maximum (the first NaN, where there is one).</summary>
        private static int ArgMax(ReadOnlySpan<float> values)
        {
            int best = 0;
            for (int i = 0; i < values.Length; i++)
            {
                if (float.IsNaN(values[i])) return i;
                if (values[i] > values[best]) best = i;
            }

            return best;
        }
    }
}
