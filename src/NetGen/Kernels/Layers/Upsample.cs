using System;

namespace NetGen
{
    public static partial class Kernels
    {
        // ---- upsampling by an integer factor per axis of `planes` planes of (depth, height, width), absent axes 1 with factor 1 ----

        /// <summary>
        /// y = x upsampled: nearest (out o reads in o / factor), or linear per axis with align_corners=False (source
        /// (o + 1/2) / factor - 1/2, clamped at 0, between its two neighbours), as nn.Upsample.
        /// </summary>
        public static void UpsampleForward(ReadOnlySpan<float> x, Span<float> y, int planes, int inDepth, int inHeight, int inWidth, int scaleDepth, int scaleHeight, int scaleWidth, UpsampleMode mode)
        {
            y.Slice(0, planes * inDepth * scaleDepth * inHeight * scaleHeight * inWidth * scaleWidth).Clear();
            Upsample(x, y, planes, inDepth, inHeight, inWidth, scaleDepth, scaleHeight, scaleWidth, mode, backward: false);
        }

        /// <summary>The upsampling's backward pass: each output's delta back to the inputs it was made of, with their weights (written).</summary>
        public static void UpsampleBackward(ReadOnlySpan<float> dy, Span<float> dx, int planes, int inDepth, int inHeight, int inWidth, int scaleDepth, int scaleHeight, int scaleWidth, UpsampleMode mode)
        {
            dx.Slice(0, planes * inDepth * inHeight * inWidth).Clear();
            Upsample(dy, dx, planes, inDepth, inHeight, inWidth, scaleDepth, scaleHeight, scaleWidth, mode, backward: true);
        }

        private static void Upsample(ReadOnlySpan<float> a, Span<float> b, int planes, int inDepth, int inHeight, int inWidth, int scaleDepth, int scaleHeight, int scaleWidth, UpsampleMode mode, bool backward)
        {
            int outDepth = inDepth * scaleDepth, outHeight = inHeight * scaleHeight, outWidth = inWidth * scaleWidth;
            int inPlane = inDepth * inHeight * inWidth, outPlane = outDepth * outHeight * outWidth;
            for (int p = 0; p < planes; p++)
            {
                int small = p * inPlane, large = p * outPlane;
                for (int d = 0; d < outDepth; d++)
                {
                    var (d0, d1, wd) = Source(d, inDepth, scaleDepth, mode);
                    for (int h = 0; h < outHeight; h++)
                    {
                        var (h0, h1, wh) = Source(h, inHeight, scaleHeight, mode);
                        for (int w = 0; w < outWidth; w++)
                        {
                            var (w0, w1, ww) = Source(w, inWidth, scaleWidth, mode);
                            int o = large + (d * outHeight + h) * outWidth + w;
                            // the eight corners (d0|d1, h0|h1, w0|w1) with their weights; nearest has all weight on (d0, h0, w0)
                            for (int corner = 0; corner < 8; corner++)
                            {
                                float weight = ((corner & 4) != 0 ? wd : 1f - wd) * ((corner & 2) != 0 ? wh : 1f - wh) * ((corner & 1) != 0 ? ww : 1f - ww);
                                if (weight == 0f) continue;
                                int i = small + (((corner & 4) != 0 ? d1 : d0) * inHeight + ((corner & 2) != 0 ? h1 : h0)) * inWidth + ((corner & 1) != 0 ? w1 : w0);
                                if (backward) b[i] += weight * a[o];
                                else b[o] += weight * a[i];
                            }
                        }
                    }
                }
            }
        }

        /// <summary>An output index's two input neighbours and the second's weight (PyTorch's area_pixel_compute_source_index, align_corners=False).</summary>
        private static (int Low, int High, float Weight) Source(int o, int n, int scale, UpsampleMode mode)
        {
            if (mode == UpsampleMode.Nearest || scale == 1) return (Math.Min(o / scale, n - 1), 0, 0f);
            float source = (o + 0.5f) / scale - 0.5f;
            if (source < 0f) source = 0f;
            int low = (int)source;
            int high = low < n - 1 ? low + 1 : low;
            return (low, high, source - low);
        }
    }
}
