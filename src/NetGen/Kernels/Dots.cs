using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetGen
{
    /// <summary>
    /// Many dot products of long rows at once: lane l (0..15) of the accumulator of row pair (t, f) adds x_t[j] d_f[j] for
    /// every j = l mod 16, in the order of j, by fused multiply-adds; the 16 lanes are summed in a fixed tree only when the
    /// caller asks. Every vector width computes exactly these lanes (one 512-bit vector, two 256-bit ones, or 16 floats),
    /// so every path gives the same bits. A convolution's weight gradient over a batch is this: x_t the padded input
    /// shifted by tap t, d_f the deltas of filter f on the padded grid, the lanes carried from sample to sample.
    /// </summary>
    internal static unsafe class Dots
    {
        /// <summary>
        /// lanes[(t * filters + f) * 16 + l] += the lane sums of x rows (starting at x + rows[t]) and d rows (d + f * ldd),
        /// over <paramref name="length"/> values (a multiple of 16).
        /// </summary>
        public static void Accumulate(float* x, ReadOnlySpan<int> rows, float* d, int ldd, int filters, int length, float* lanes)
        {
            if (length % 16 != 0) throw new ArgumentException($"Expected length to be a multiple of 16, but got {length}.", nameof(length));
            switch (Gemm.Effective)
            {
                case VectorPath.Vector512:
                    Blocks(x, rows, d, ldd, filters, length, lanes, 4, 6, &Block512);
                    break;
                case VectorPath.Vector256:
                    Blocks(x, rows, d, ldd, filters, length, lanes, 2, 3, &Block256);
                    break;
                default:
                    Scalar(x, rows, d, ldd, filters, length, lanes);
                    break;
            }
        }

        /// <summary>The sum of each row pair's 16 lanes, in a fixed tree: (l, l + 8), then (l, l + 4), (l, l + 2), (l, l + 1).</summary>
        public static float Reduce(float* lanes)
        {
            float* v = stackalloc float[16];
            for (int l = 0; l < 16; l++) v[l] = lanes[l];
            for (int half = 8; half >= 1; half /= 2)
            {
                for (int l = 0; l < half; l++) v[l] += v[l + half];
            }

            return v[0];
        }

        /// <summary>
        /// Row blocks of <paramref name="rowBlock"/> x <paramref name="filterBlock"/> pairs; a block's missing rows and filters
        /// repeat its first ones and accumulate into a discarded scratch, so the micro-kernel has no tails.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loops from the first call, not after tiering
        private static void Blocks(float* x, ReadOnlySpan<int> rows, float* d, int ldd, int filters, int length, float* lanes, int rowBlock, int filterBlock,
            delegate*<float**, float**, float**, int, void> kernel)
        {
            float** xs = stackalloc float*[rowBlock];
            float** ds = stackalloc float*[filterBlock];
            float** acc = stackalloc float*[rowBlock * filterBlock];
            float* discard = stackalloc float[rowBlock * filterBlock * 16];
            for (int t0 = 0; t0 < rows.Length; t0 += rowBlock)
            {
                for (int f0 = 0; f0 < filters; f0 += filterBlock)
                {
                    for (int i = 0; i < rowBlock; i++) xs[i] = x + rows[t0 + i < rows.Length ? t0 + i : t0];
                    for (int k = 0; k < filterBlock; k++) ds[k] = d + (long)(f0 + k < filters ? f0 + k : f0) * ldd;
                    for (int i = 0; i < rowBlock; i++)
                    {
                        for (int k = 0; k < filterBlock; k++)
                        {
                            bool real = t0 + i < rows.Length && f0 + k < filters;
                            acc[i * filterBlock + k] = real ? lanes + ((long)(t0 + i) * filters + f0 + k) * 16 : discard + (i * filterBlock + k) * 16;
                        }
                    }

                    kernel(xs, ds, acc, length);
                }
            }
        }

        /// <summary>4 rows x 6 filters, one 512-bit vector of 16 lanes each: 24 accumulators, 4 + 6 loads per 24 fused multiply-adds.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loops from the first call, not after tiering
        private static void Block512(float** xs, float** ds, float** c, int length)
        {
            float* x0 = xs[0], x1 = xs[1], x2 = xs[2], x3 = xs[3];
            float* d0 = ds[0], d1 = ds[1], d2 = ds[2], d3 = ds[3], d4 = ds[4], d5 = ds[5];
            Vector512<float> a00 = Vector512.Load(c[0]), a01 = Vector512.Load(c[1]), a02 = Vector512.Load(c[2]), a03 = Vector512.Load(c[3]), a04 = Vector512.Load(c[4]), a05 = Vector512.Load(c[5]);
            Vector512<float> a10 = Vector512.Load(c[6]), a11 = Vector512.Load(c[7]), a12 = Vector512.Load(c[8]), a13 = Vector512.Load(c[9]), a14 = Vector512.Load(c[10]), a15 = Vector512.Load(c[11]);
            Vector512<float> a20 = Vector512.Load(c[12]), a21 = Vector512.Load(c[13]), a22 = Vector512.Load(c[14]), a23 = Vector512.Load(c[15]), a24 = Vector512.Load(c[16]), a25 = Vector512.Load(c[17]);
            Vector512<float> a30 = Vector512.Load(c[18]), a31 = Vector512.Load(c[19]), a32 = Vector512.Load(c[20]), a33 = Vector512.Load(c[21]), a34 = Vector512.Load(c[22]), a35 = Vector512.Load(c[23]);
            for (int j = 0; j < length; j += 16)
            {
                Vector512<float> v0 = Vector512.Load(x0 + j), v1 = Vector512.Load(x1 + j), v2 = Vector512.Load(x2 + j), v3 = Vector512.Load(x3 + j);
                var e0 = Vector512.Load(d0 + j);
                a00 = Avx512F.FusedMultiplyAdd(v0, e0, a00); a10 = Avx512F.FusedMultiplyAdd(v1, e0, a10); a20 = Avx512F.FusedMultiplyAdd(v2, e0, a20); a30 = Avx512F.FusedMultiplyAdd(v3, e0, a30);
                var e1 = Vector512.Load(d1 + j);
                a01 = Avx512F.FusedMultiplyAdd(v0, e1, a01); a11 = Avx512F.FusedMultiplyAdd(v1, e1, a11); a21 = Avx512F.FusedMultiplyAdd(v2, e1, a21); a31 = Avx512F.FusedMultiplyAdd(v3, e1, a31);
                var e2 = Vector512.Load(d2 + j);
                a02 = Avx512F.FusedMultiplyAdd(v0, e2, a02); a12 = Avx512F.FusedMultiplyAdd(v1, e2, a12); a22 = Avx512F.FusedMultiplyAdd(v2, e2, a22); a32 = Avx512F.FusedMultiplyAdd(v3, e2, a32);
                var e3 = Vector512.Load(d3 + j);
                a03 = Avx512F.FusedMultiplyAdd(v0, e3, a03); a13 = Avx512F.FusedMultiplyAdd(v1, e3, a13); a23 = Avx512F.FusedMultiplyAdd(v2, e3, a23); a33 = Avx512F.FusedMultiplyAdd(v3, e3, a33);
                var e4 = Vector512.Load(d4 + j);
                a04 = Avx512F.FusedMultiplyAdd(v0, e4, a04); a14 = Avx512F.FusedMultiplyAdd(v1, e4, a14); a24 = Avx512F.FusedMultiplyAdd(v2, e4, a24); a34 = Avx512F.FusedMultiplyAdd(v3, e4, a34);
                var e5 = Vector512.Load(d5 + j);
                a05 = Avx512F.FusedMultiplyAdd(v0, e5, a05); a15 = Avx512F.FusedMultiplyAdd(v1, e5, a15); a25 = Avx512F.FusedMultiplyAdd(v2, e5, a25); a35 = Avx512F.FusedMultiplyAdd(v3, e5, a35);
            }

            a00.Store(c[0]); a01.Store(c[1]); a02.Store(c[2]); a03.Store(c[3]); a04.Store(c[4]); a05.Store(c[5]);
            a10.Store(c[6]); a11.Store(c[7]); a12.Store(c[8]); a13.Store(c[9]); a14.Store(c[10]); a15.Store(c[11]);
            a20.Store(c[12]); a21.Store(c[13]); a22.Store(c[14]); a23.Store(c[15]); a24.Store(c[16]); a25.Store(c[17]);
            a30.Store(c[18]); a31.Store(c[19]); a32.Store(c[20]); a33.Store(c[21]); a34.Store(c[22]); a35.Store(c[23]);
        }

        /// <summary>2 rows x 3 filters, two 256-bit vectors (lanes 0-7 and 8-15) each: 12 accumulators.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loops from the first call, not after tiering
        private static void Block256(float** xs, float** ds, float** c, int length)
        {
            float* x0 = xs[0], x1 = xs[1];
            float* d0 = ds[0], d1 = ds[1], d2 = ds[2];
            Vector256<float> a000 = Vector256.Load(c[0] + 0), a010 = Vector256.Load(c[1] + 0), a020 = Vector256.Load(c[2] + 0);
            Vector256<float> a001 = Vector256.Load(c[0] + 8), a011 = Vector256.Load(c[1] + 8), a021 = Vector256.Load(c[2] + 8);
            Vector256<float> a100 = Vector256.Load(c[3] + 0), a110 = Vector256.Load(c[4] + 0), a120 = Vector256.Load(c[5] + 0);
            Vector256<float> a101 = Vector256.Load(c[3] + 8), a111 = Vector256.Load(c[4] + 8), a121 = Vector256.Load(c[5] + 8);
            for (int j = 0; j < length; j += 16)
            {
                Vector256<float> v00 = Vector256.Load(x0 + j), v10 = Vector256.Load(x1 + j);
                var e00 = Vector256.Load(d0 + j);
                a000 = Gemm.MultiplyAdd(v00, e00, a000); a100 = Gemm.MultiplyAdd(v10, e00, a100);
                var e10 = Vector256.Load(d1 + j);
                a010 = Gemm.MultiplyAdd(v00, e10, a010); a110 = Gemm.MultiplyAdd(v10, e10, a110);
                var e20 = Vector256.Load(d2 + j);
                a020 = Gemm.MultiplyAdd(v00, e20, a020); a120 = Gemm.MultiplyAdd(v10, e20, a120);
                Vector256<float> v01 = Vector256.Load(x0 + j + 8), v11 = Vector256.Load(x1 + j + 8);
                var e01 = Vector256.Load(d0 + j + 8);
                a001 = Gemm.MultiplyAdd(v01, e01, a001); a101 = Gemm.MultiplyAdd(v11, e01, a101);
                var e11 = Vector256.Load(d1 + j + 8);
                a011 = Gemm.MultiplyAdd(v01, e11, a011); a111 = Gemm.MultiplyAdd(v11, e11, a111);
                var e21 = Vector256.Load(d2 + j + 8);
                a021 = Gemm.MultiplyAdd(v01, e21, a021); a121 = Gemm.MultiplyAdd(v11, e21, a121);
            }

            a000.Store(c[0] + 0); a010.Store(c[1] + 0); a020.Store(c[2] + 0);
            a001.Store(c[0] + 8); a011.Store(c[1] + 8); a021.Store(c[2] + 8);
            a100.Store(c[3] + 0); a110.Store(c[4] + 0); a120.Store(c[5] + 0);
            a101.Store(c[3] + 8); a111.Store(c[4] + 8); a121.Store(c[5] + 8);
        }

        /// <summary>The same lanes one float at a time.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loops from the first call, not after tiering
        private static void Scalar(float* x, ReadOnlySpan<int> rows, float* d, int ldd, int filters, int length, float* lanes)
        {
            for (int t = 0; t < rows.Length; t++)
            {
                float* xr = x + rows[t];
                for (int f = 0; f < filters; f++)
                {
                    float* dr = d + (long)f * ldd;
                    float* acc = lanes + ((long)t * filters + f) * 16;
                    for (int j = 0; j < length; j += 16)
                    {
                        for (int l = 0; l < 16; l++) acc[l] = MathF.FusedMultiplyAdd(xr[j + l], dr[j + l], acc[l]);
                    }
                }
            }
        }
    }
}
