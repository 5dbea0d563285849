using System;

namespace NetGen
{
    public static partial class Kernels
    {
        // ---- padding (F.pad's modes) of `planes` channel planes of (depth, height, width), absent leading axes 1 ----

        /// <summary>
        /// Pads each of the planes of <paramref name="x"/> (each inDepth x inHeight x inWidth) by before/after per axis into
        /// <paramref name="y"/> (each outDepth x outHeight x outWidth = in + before + after), filled as <paramref name="mode"/> says.
        /// </summary>
        public static void PaddingForward(ReadOnlySpan<float> x, Span<float> y, int planes, int inDepth, int inHeight, int inWidth,
            int beforeDepth, int beforeHeight, int beforeWidth, int outDepth, int outHeight, int outWidth, PadMode mode)
        {
            int inPlane = inDepth * inHeight * inWidth, outPlane = outDepth * outHeight * outWidth;
            for (int p = 0; p < planes; p++)
            {
                var from = x.Slice(p * inPlane, inPlane);
                var to = y.Slice(p * outPlane, outPlane);
                for (int d = 0; d < outDepth; d++)
                {
                    int sd = PaddingSource(d - beforeDepth, inDepth, mode);
                    for (int h = 0; h < outHeight; h++)
                    {
                        int sh = PaddingSource(h - beforeHeight, inHeight, mode);
                        var row = to.Slice((d * outHeight + h) * outWidth, outWidth);
                        if (sd < 0 || sh < 0)
                        {
                            row.Clear();
                            continue;
                        }

                        var source = from.Slice((sd * inHeight + sh) * inWidth, inWidth);
                        for (int w = 0; w < outWidth; w++)
                        {
                            int sw = PaddingSource(w - beforeWidth, inWidth, mode);
                            row[w] = sw < 0 ? 0f : source[sw];
                        }
                    }
                }
            }
        }

        /// <summary>
        /// The padding's backward pass: each output delta added to the input value it was copied from (the mirrored, repeated
        /// or wrapped sources receive several), written into <paramref name="dx"/>.
        /// </summary>
        public static void PaddingBackward(ReadOnlySpan<float> dy, Span<float> dx, int planes, int inDepth, int inHeight, int inWidth,
            int beforeDepth, int beforeHeight, int beforeWidth, int outDepth, int outHeight, int outWidth, PadMode mode)
        {
            int inPlane = inDepth * inHeight * inWidth, outPlane = outDepth * outHeight * outWidth;
            dx.Slice(0, planes * inPlane).Clear();
            for (int p = 0; p < planes; p++)
            {
                var from = dy.Slice(p * outPlane, outPlane);
                var to = dx.Slice(p * inPlane, inPlane);
                for (int d = 0; d < outDepth; d++)
                {
                    int sd = PaddingSource(d - beforeDepth, inDepth, mode);
                    if (sd < 0) continue;
                    for (int h = 0; h < outHeight; h++)
                    {
                        int sh = PaddingSource(h - beforeHeight, inHeight, mode);
                        if (sh < 0) continue;
                        var row = from.Slice((d * outHeight + h) * outWidth, outWidth);
                        var target = to.Slice((sd * inHeight + sh) * inWidth, inWidth);
                        for (int w = 0; w < outWidth; w++)
                        {
                            int sw = PaddingSource(w - beforeWidth, inWidth, mode);
                            if (sw >= 0) target[sw] += row[w];
                        }
                    }
                }
            }
        }

        /// <summary>The input index an output at input index <paramref name="i"/> (negative or past the end: padding) copies, or -1 (a zero).</summary>
        private static int PaddingSource(int i, int n, PadMode mode)
        {
            if ((uint)i < (uint)n) return i;
            switch (mode)
            {
                case PadMode.Reflect:
                    return i < 0 ? -i : 2 * (n - 1) - i;
                case PadMode.Replicate:
                    return i < 0 ? 0 : n - 1;
                case PadMode.Circular:
                    return ((i % n) + n) % n;
                default:
                    return -1;
            }
        }
    }
}
