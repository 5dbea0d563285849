using System;
using System.Linq;
using NetGen.Tests.Parity;
using Xunit;

namespace NetGen.Tests
{
    [Network(4)]
    [Dense(3, Act.Tanh, Init = Init.Constant, InitScale = 0.5, BiasInit = 0.25)]
    [Dense(2, Act.Sigmoid, Init = Init.HeUniform, Gain = 0.5)]
    public partial class ConstantInit { }

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

        public static TheoryData<Init, double> Variances => new TheoryData<Init, double>
        {
            // fan-in J = 300, fan-out I = 100, gain 1.5, scale 0.2: the variance each formula gives
            { Init.Uniform, 0.2 * 0.2 / 3 },
            { Init.Normal, 0.2 * 0.2 },
            { Init.TruncatedNormal, 0.2 * 0.2 * 0.773729 }, // truncated at +-2 sigma: variance 0.7737 sigma^2 (deviation 0.8796 sigma)
            { Init.LeCunNormal, 1.5 / 300 },
            { Init.LeCunUniform, 1.5 / 300 },
            { Init.GlorotNormal, 1.5 * 2 / 400.0 },
            { Init.GlorotUniform, 1.5 * 2 / 400.0 },
            { Init.HeNormal, 1.5 * 2 / 300.0 },
            { Init.HeUniform, 1.5 * 2 / 300.0 },
        };

        [Theory]
        [MemberData(nameof(Variances))]
        public void Every_initializer_has_the_variance_of_its_formula(Init init, double variance)
        {
            var w = new float[400_000];
            Initializers.Initialize(w, init, 300, 100, new Rng((int)init), scale: 0.2, gain: 1.5);
            AssertMoments(w, 0, variance);
            if (init == Init.TruncatedNormal) Assert.All(w, v => Assert.InRange(v, -0.4f, 0.4f));
            if (init == Init.HeUniform) Assert.All(w, v => Assert.InRange(v, -Math.Sqrt(9.0 / 300), Math.Sqrt(9.0 / 300)));
        }

        [Fact]
        public void Constant_initialization_and_bias_values_reach_the_generated_network()
        {
            var net = new ConstantInit();
            Assert.All(net.Parameters.Slice(0, 12).ToArray(), v => Assert.Equal(0.5f, v));
            Assert.All(net.Parameters.Slice(12, 3).ToArray(), v => Assert.Equal(0.25f, v));
            var w2 = net.Parameters.Slice(15, 6).ToArray();
            double limit = Math.Sqrt(6 * 0.5 / 3); // He uniform, gain 0.5, fan-in 3: U(-1, 1)
            Assert.All(w2, v => Assert.InRange(v, -limit, limit));
            Assert.NotEqual(w2[0], w2[1]);
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
