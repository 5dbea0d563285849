using System;
using System.Numerics;
using System.Runtime.Intrinsics;

namespace NetGen
{
    public static partial class Kernels
    {
        // Max pooling with non-overlapping 2x2 windows and no padding, the common case the emitter selects from the
        // constant shapes: whole batches at once (the samples' channels are consecutive H x W planes), without the general
        // kernel's bounds checks. The same semantics as MaxPoolForward/MaxPoolBackward, as PyTorch's max_pool2d: a NaN
        // propagates, and the backward pass sends the delta to the first maximum in scan order. The forward pass takes the
        // maximum branch-free (MathF.Max), which picks the same value (of two zeros, +0).

        /// <summary>y = the maximum of each 2x2 window of <paramref name="planes"/> planes of <paramref name="height"/> x <paramref name="width"/> values (outputs floor(h/2) x floor(w/2)).</summary>
        public static void MaxPool2x2Forward(ReadOnlySpan<float> x, Span<float> y, int planes, int height, int width)
        {
            int oh = height / 2, ow = width / 2;
            for (int c = 0; c < planes; c++)
            {
                var plane = x.Slice(c * height * width, height * width);
                var output = y.Slice(c * oh * ow, oh * ow);
                for (int r = 0; r < oh; r++)
                {
                    var top = plane.Slice(2 * r * width, width);
                    var bottom = plane.Slice((2 * r + 1) * width, width);
                    var line = output.Slice(r * ow, ow);
                    for (int q = 0; q < ow; q++)
                    {
                        line[q] = MathF.Max(MathF.Max(top[2 * q], top[2 * q + 1]), MathF.Max(bottom[2 * q], bottom[2 * q + 1]));
                    }
                }
            }
        }

        /// <summary>dx = 0, then each window's maximum (as <see cref="MaxPool2x2Forward"/> picks it) receives its output's delta.</summary>
        public static void MaxPool2x2Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, int planes, int height, int width)
        {
            int oh = height / 2, ow = width / 2;
            dx.Slice(0, planes * height * width).Clear();
            for (int c = 0; c < planes; c++)
            {
                int offset = c * height * width;
                var plane = x.Slice(offset, height * width);
                var deltas = dy.Slice(c * oh * ow, oh * ow);
                for (int r = 0; r < oh; r++)
                {
                    int topRow = 2 * r * width;
                    for (int q = 0; q < ow; q++)
                    {
                        int i = topRow + 2 * q;
                        float a = plane[i], b = plane[i + 1], c2 = plane[i + width], d = plane[i + width + 1];
                        float max = MathF.Max(MathF.Max(a, b), MathF.Max(c2, d));
                        // the first of the window's values equal to its maximum, without data-dependent branches (ties are
                        // common after a ReLU); no value equals a NaN maximum, and then the first NaN is searched for
                        uint equal = Vector128.Equals(Vector128.Create(a, b, c2, d), Vector128.Create(max)).ExtractMostSignificantBits();
                        int pick = equal != 0 ? BitOperations.TrailingZeroCount(equal) : Window(a, b, c2, d);

                        dx[offset + i + (pick & 1) + (pick >> 1) * width] = deltas[r * ow + q]; // windows do not overlap
                    }
                }
            }
        }

        /// <summary>Which of a window's four values (scan order) is its maximum: the first of equal ones, the first NaN.</summary>
        private static int Window(float a, float b, float c, float d)
        {
            if (float.IsNaN(a)) return 0;
            int best = 0;
            float max = a;
            if (b > max || float.IsNaN(b))
            {
                if (float.IsNaN(b)) return 1;
                best = 1;
                max = b;
            }

            if (c > max || float.IsNaN(c))
            {
                if (float.IsNaN(c)) return 2;
                best = 2;
                max = c;
            }

            if (d > max || float.IsNaN(d)) return 3;
            return best;
        }
    }
}
