using System;
using System.Linq;
using NetGen.Tests.Parity;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>Seeded initialization: reproducible, with the moments of chapter 9's formulas, from a generator that is the published xoshiro256**.</summary>
    public class InitializationTests
    {
        [Fact]
        public void Same_seed_gives_identical_parameters_and_other_seeds_differ()
        {
            Assert.Equal(new TanhSoftmax(5).Parameters.ToArray(), new TanhSoftmax(5).Parameters.ToArray());
            Assert.NotEqual(new TanhSoftmax(5).Parameters.ToArray(), new TanhSoftmax(6).Parameters.ToArray());
            Assert.Equal(new TanhSoftmax(0).Parameters.ToArray(), new TanhSoftmax().Parameters.ToArray());
        }

        [Fact]
        public void Biases_start_at_zero()
        {
            var p = new TanhSoftmax(3).Parameters.ToArray();
            Assert.All(p.Skip(32).Take(8), v => Assert.Equal(0f, v)); // dense1 bias after its 8x4 weight
            Assert.All(p.Skip(40 + 24).Take(3), v => Assert.Equal(0f, v)); // dense2 bias after its 3x8 weight
        }

        [Fact]
        public void Xoshiro256StarStar_matches_the_reference_sequence()
        {
            // The reference implementation's first outputs from the state {1, 2, 3, 4}.
            var rng = Rng.FromState(1, 2, 3, 4);
            Assert.Equal(11520UL, rng.NextUInt64());
            Assert.Equal(0UL, rng.NextUInt64());
            Assert.Equal(1509978240UL, rng.NextUInt64());
            Assert.Equal(1215971899390074240UL, rng.NextUInt64());
        }

        [Fact]
        public void The_portable_logarithm_agrees_with_Math_Log()
        {
            var rng = new Rng(1);
            for (int i = 0; i < 10000; i++)
            {
                double x = Math.Pow(2, rng.NextUniform(-1070, 1020));
                double expected = Math.Log(x);
                Assert.True(Math.Abs(Rng.Log(x) - expected) <= 4e-16 * Math.Max(1, Math.Abs(expected)), $"log({x:R}) = {Rng.Log(x):R}, Math.Log {expected:R}");
            }
        }

        [Theory]
        [InlineData(784, 128)]
        [InlineData(30, 10)]
        public void Initializer_moments_match_chapter_9(int fanIn, int fanOut)
        {
            var w = new float[200_000];
            Initializers.HeNormal(w, fanIn, new Rng(11));
            AssertMoments(w, 0, 2.0 / fanIn);
            Initializers.LeCunNormal(w, fanIn, new Rng(12));
            AssertMoments(w, 0, 1.0 / fanIn);
            Initializers.GlorotUniform(w, fanIn, fanOut, new Rng(13));
            double limit = Math.Sqrt(6.0 / (fanIn + fanOut));
            AssertMoments(w, 0, limit * limit / 3);
            Assert.All(w, v => Assert.InRange(v, -limit, limit));
        }

        private static void AssertMoments(float[] w, double mean, double variance)
        {
            double m = w.Average(v => (double)v);
            double var = w.Average(v => (v - m) * (v - m));
            double se = Math.Sqrt(variance / w.Length);
            Assert.True(Math.Abs(m - mean) < 5 * se, $"mean {m}, expected {mean} +- {5 * se}");
            Assert.True(Math.Abs(var / variance - 1) < 0.02, $"variance {var}, expected {variance}");
        }
    }
}
