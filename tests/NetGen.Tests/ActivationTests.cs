using System;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>The activation kernels' special functions against independent values.</summary>
    public class ActivationTests
    {
        /// <summary>erf to 15 digits, as tabulated (Abramowitz and Stegun, table 7.1, and its extensions).</summary>
        [Theory]
        [InlineData(0.0, 0.0)]
        [InlineData(0.1, 0.1124629160182849)]
        [InlineData(0.5, 0.5204998778130465)]
        [InlineData(1.0, 0.8427007929497149)]
        [InlineData(1.5, 0.9661051464753108)]
        [InlineData(2.0, 0.9953222650189527)]
        [InlineData(2.5, 0.9995930479825550)]
        [InlineData(3.0, 0.9999779095030014)]
        [InlineData(4.0, 0.9999999845827421)]
        public void Erf_matches_the_table(double x, double erf)
        {
            Assert.Equal(erf, Kernels.Erf(x), 14);
            Assert.Equal(-erf, Kernels.Erf(-x), 14);
        }

        /// <summary>Across the series/continued-fraction seam at 2 and the cut at 6, against Simpson's rule on the integral.</summary>
        [Fact]
        public void Erf_matches_its_integral_everywhere()
        {
            for (double x = -7; x <= 7; x += 0.0625)
            {
                Assert.True(Math.Abs(Kernels.Erf(x) - ReferenceNetwork.Erf(x)) < 1e-13, $"erf({x})");
            }
        }

        /// <summary>Softplus of very negative inputs keeps its relative precision (ln(1 + e^s) is e^s there), and its derivative from the output too.</summary>
        [Fact]
        public void Softplus_keeps_small_values_precise()
        {
            var s = new[] { -30f, -15f, -5f, 0f, 5f, 19f, 25f };
            var a = (float[])s.Clone();
            Kernels.Softplus(a);
            var delta = new float[s.Length];
            delta.AsSpan().Fill(1f);
            Kernels.SoftplusBackward(a, delta);
            for (int i = 0; i < s.Length; i++)
            {
                double expected = s[i] > 20 ? s[i] : Math.Log(1 + Math.Exp(s[i]));
                if (s[i] < -10) expected = Math.Exp(s[i]); // ln(1 + x) = x to double precision there
                Assert.True(Math.Abs(a[i] - expected) <= 2e-7 * expected, $"softplus({s[i]}) = {a[i]:R}, expected {expected:R}");
                double sigmoid = s[i] > 20 ? 1 : 1 / (1 + Math.Exp(-s[i]));
                Assert.True(Math.Abs(delta[i] - sigmoid) <= 1e-6 * sigmoid, $"softplus'({s[i]}) = {delta[i]:R}, expected {sigmoid:R}");
            }
        }
    }
}
