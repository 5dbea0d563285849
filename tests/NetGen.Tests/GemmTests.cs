using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>
    /// The matrix-product core on every vector path (forced, so each runs on this machine where it can), every
    /// transposition and both write modes, against a double reference; the paths agree bit for bit (each entry is the
    /// same chain of fused multiply-adds), and a row does not depend on how many rows are computed with it.
    /// </summary>
    public class GemmTests
    {
        /// <summary>The paths this machine can run.</summary>
        private static List<VectorPath> Available()
        {
            var paths = new List<VectorPath> { VectorPath.Scalar };
            if (System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated) paths.Add(VectorPath.Vector256);
            if (System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated) paths.Add(VectorPath.Vector512);
            return paths;
        }

        public static TheoryData<VectorPath> Paths() => new TheoryData<VectorPath>(Available());

        private static readonly (int M, int N, int K)[] Shapes =
        {
            (1, 1, 1), (8, 32, 16), (6, 16, 5), (7, 33, 3), (29, 6, 40), (25, 8, 13), (27, 7, 11), (13, 70, 29), (64, 10, 84), (16, 100, 150), (3, 5, 1), (9, 17, 0), (150, 16, 136), (13, 12, 7), (25, 9, 4),
            (6, 130, 25), (12, 64, 9), (5, 200, 7), // 6 x 64 tiles (rows fewer than 8-row tiles would leave idle): a column tail, two row tiles, a short one
        };

        private static float[] Random(Random random, int length) => Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();

        [Theory]
        [MemberData(nameof(Paths))]
        public void Products_match_a_double_reference(VectorPath path)
        {
            var random = new Random(5);
            var saved = Gemm.Path;
            try
            {
                Gemm.Path = path;
                Assert.Equal(path, Gemm.Effective);
                foreach (var (m, n, k) in Shapes)
                foreach (bool transA in new[] { false, true })
                foreach (bool transB in new[] { false, true })
                foreach (bool accumulate in new[] { false, true })
                {
                    // leading dimensions larger than needed, so strides are exercised
                    int lda = (transA ? m : k) + 3, ldb = (transB ? k : n) + 2, ldc = n + 5;
                    var a = Random(random, (transA ? k : m) * lda + 1);
                    var b = Random(random, (transB ? n : k) * ldb + 1);
                    var c = Random(random, m * ldc);
                    var expected = new double[m * n];
                    for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j++)
                    {
                        double sum = accumulate ? c[i * ldc + j] : 0;
                        for (int p = 0; p < k; p++) sum += (double)(transA ? a[p * lda + i] : a[i * lda + p]) * (transB ? b[j * ldb + p] : b[p * ldb + j]);
                        expected[i * n + j] = sum;
                    }

                    var padding = c.ToArray();
                    Gemm.Multiply(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
                    for (int i = 0; i < m; i++)
                    {
                        for (int j = 0; j < n; j++)
                        {
                            double error = Math.Abs(c[i * ldc + j] - expected[i * n + j]);
                            Assert.True(error <= 1e-5 * (k + 1), $"{path} {m}x{n}x{k} transA {transA} transB {transB} accumulate {accumulate}: C[{i}, {j}] = {c[i * ldc + j]}, expected {expected[i * n + j]}");
                        }

                        for (int j = n; j < ldc && i * ldc + j < c.Length; j++) Assert.Equal(padding[i * ldc + j], c[i * ldc + j]); // nothing outside C is written
                    }
                }
            }
            finally
            {
                Gemm.Path = saved;
            }
        }

        [Fact]
        public void Every_path_gives_the_same_bits_and_rows_do_not_depend_on_the_batch()
        {
            if (!System.Runtime.Intrinsics.X86.Fma.IsSupported) return; // the paths agree where every step is a fused multiply-add
            var random = new Random(6);
            int m = 29, n = 45, k = 77;
            var a = Random(random, m * k);
            var b = Random(random, n * k);
            var results = new List<float[]>();
            var saved = Gemm.Path;
            try
            {
                foreach (var path in Available())
                {
                    Gemm.Path = path;
                    var c = new float[m * n];
                    Gemm.Multiply(false, true, m, n, k, a, k, b, k, c, n, accumulate: false);
                    results.Add(c);

                    var single = new float[n]; // row 13 alone
                    Gemm.Multiply(false, true, 1, n, k, a.AsSpan(13 * k), k, b, k, single, n, accumulate: false);
                    Assert.Equal(c.AsSpan(13 * n, n).ToArray(), single);
                }
            }
            finally
            {
                Gemm.Path = saved;
            }

            Assert.True(results.Count >= 2, "at least the scalar and one vector path ran");
            foreach (var c in results.Skip(1)) Assert.Equal(results[0], c);
        }

        [Fact]
        public void Too_short_spans_are_refused_before_anything_is_written()
        {
            var c = new float[4];
            var error = Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, false, 2, 2, 3, new float[5], 3, new float[6], 2, c, 2, false));
            Assert.Contains("Expected a.Length >= 6, but got 5", error.Message);
            Assert.All(c, v => Assert.Equal(0f, v));
        }
    }
}
