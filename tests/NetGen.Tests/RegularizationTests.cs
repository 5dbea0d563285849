using System;
using System.Linq;
using Xunit;

namespace NetGen.Tests
{
    [Network(20)]
    [Dense(20, Act.Tanh)]
    [Dropout(0.3)]
    [Dense(3, Act.Softmax)]
    public partial class DropoutNet { }

    [Network(12)]
    [Dense(10, Act.Tanh)] // smooth: SELU's kink at 0 would spoil the central differences, not the gradient
    [AlphaDropout(0.2)]
    [Dense(3, Act.Softmax)]
    public partial class AlphaDropoutNet { }

    [Network(12)]
    [Dense(10, Act.Tanh)]
    [GaussianNoise(0.3)]
    [Dense(3, Act.Softmax)]
    public partial class NoiseNet { }

    [Network(12)]
    [Dense(10, Act.Tanh)]
    [Identity]
    [Dense(3, Act.Softmax)]
    public partial class IdentityNet { }

    [Network(2, 4, 3)]
    [Conv(3, k: 2, act: Act.Tanh)]
    [Flatten]
    [Dense(3, Act.Softmax)]
    public partial class FlattenNet { }

    [Network(1000)]
    [AlphaDropout(0.2)]
    public partial class AlphaDropoutOnly { }

    [Network(1000)]
    [Dropout(0.25)]
    public partial class DropoutOnly { }

    [Network(1000)]
    [GaussianNoise(0.5)]
    public partial class NoiseOnly { }

    /// <summary>A self-normalizing network (section 10.4, figure 10.7): SELU, LeCun normal weights, alpha dropout, 8 layers of 256.</summary>
    [Network(256)]
    [Dense(256, Act.SELU)] [AlphaDropout(0.05)]
    [Dense(256, Act.SELU)] [AlphaDropout(0.05)]
    [Dense(256, Act.SELU)] [AlphaDropout(0.05)]
    [Dense(256, Act.SELU)] [AlphaDropout(0.05)]
    [Dense(256, Act.SELU)] [AlphaDropout(0.05)]
    [Dense(256, Act.SELU)] [AlphaDropout(0.05)]
    [Dense(256, Act.SELU)] [AlphaDropout(0.05)]
    [Dense(256, Act.SELU)]
    public partial class SelfNormalizing { }

    [Network(4)]
    [Dense(3, Act.Tanh, L2 = 0.1, L1 = 0.05, WeightElimination = 0.2, W0 = 0.5)]
    [Dense(2)]
    public partial class Penalized { }

    [Network(4)]
    [Dense(3, Act.Tanh)]
    [Dense(2)]
    public partial class Unpenalized { }

    [Network(4)]
    [Dense(3, Act.Tanh, WeightNoise = 0.3)]
    [Dense(2)]
    public partial class NoisyWeights { }

    /// <summary>Dropout, alpha dropout, noise, weight penalties, Monte-Carlo dropout, early stopping (chapter 8, section 10.4).</summary>
    public class RegularizationTests
    {
        private static float[] Normal(int n, int seed)
        {
            var rng = new Rng(seed);
            return Enumerable.Range(0, n).Select(_ => (float)rng.NextNormal()).ToArray();
        }

        private static (double Mean, double Variance) Moments(float[] values)
        {
            double mean = values.Average(v => (double)v);
            return (mean, values.Average(v => (v - mean) * (v - mean)));
        }

        [Fact]
        public void Dropout_drops_the_rate_and_scales_the_rest_in_training_only()
        {
            var net = new DropoutOnly { Mode = NetworkMode.Training };
            var x = Enumerable.Repeat(1f, 1000).ToArray();
            var y = new float[1000];
            int dropped = 0;
            for (int pass = 0; pass < 20; pass++)
            {
                net.Forward(x, y);
                Assert.All(y, v => Assert.True(v == 0f || Math.Abs(v - 1 / 0.75f) < 1e-6, $"{v}"));
                dropped += y.Count(v => v == 0f);
            }

            // 20,000 Bernoulli(0.25) draws: mean 0.25, standard error 0.003
            Assert.InRange(dropped / 20000.0, 0.25 - 0.015, 0.25 + 0.015);
            net.Mode = NetworkMode.Auto;
            net.Forward(x, y);
            Assert.Equal(x, y); // inference: identity
        }

        [Fact]
        public void Alpha_dropout_keeps_mean_0_and_variance_1()
        {
            var net = new AlphaDropoutOnly { Mode = NetworkMode.Training };
            var all = new float[50 * 1000];
            for (int pass = 0; pass < 50; pass++) net.Forward(Normal(1000, pass), all.AsSpan(pass * 1000, 1000));
            var (mean, variance) = Moments(all);
            // 50,000 values: standard error of the mean 0.0045, of the variance about 0.0063 x sqrt(kurtosis - 1)
            Assert.InRange(mean, -0.02, 0.02);
            Assert.InRange(variance, 0.96, 1.04);
            Assert.True(all.Count(v => Math.Abs(v - all[0]) < 1e-6) < all.Length / 2);
        }

        [Fact]
        public void Gaussian_noise_adds_the_stated_deviation_in_training()
        {
            var net = new NoiseOnly { Mode = NetworkMode.Training };
            var y = new float[1000];
            net.Forward(new float[1000], y);
            var (mean, variance) = Moments(y);
            Assert.InRange(mean, -0.05, 0.05);
            Assert.InRange(variance, 0.25 * 0.9, 0.25 * 1.1);
            net.Mode = NetworkMode.Inference;
            net.Forward(new float[1000], y);
            Assert.All(y, v => Assert.Equal(0f, v));
        }

        /// <summary>The networks <see cref="Gradients_match_finite_differences_with_fixed_randomness"/> checks.</summary>
        internal static readonly Type[] CheckedNetworks = { typeof(DropoutNet), typeof(AlphaDropoutNet), typeof(NoiseNet), typeof(FlattenNet), typeof(IdentityNet) };

        public static TheoryData<string> Checked()
        {
            var data = new TheoryData<string>();
            foreach (var type in CheckedNetworks) data.Add(type.Name);
            return data;
        }

        /// <summary>
        /// With the random source reseeded before each pass, the masks and the noise are fixed: the gradient equals central
        /// differences of the loss computed by the network itself with that same randomness (float loss, h = 1e-2,
        /// tolerance 2 % plus 1e-4); and for the layers that draw, another seed gives other gradients.
        /// </summary>
        [Theory]
        [MemberData(nameof(Checked))]
        public void Gradients_match_finite_differences_with_fixed_randomness(string name)
        {
            var type = CheckedNetworks.Single(t => t.Name == name);
            var net = (INetwork)Activator.CreateInstance(type, 2)!;
            var inputs = Normal(4 * net.InputLength, 7);
            int[] labels = { 0, 2, 1, 2 };
            var randomness = type.GetProperty("Randomness");
            float Loss(int seed = 99)
            {
                randomness?.SetValue(net, new Rng(seed));
                return net.ComputeGradients(inputs, labels, 4);
            }

            Loss();
            var analytic = net.Gradients.ToArray();
            var p = net.Parameters;
            const float h = 1e-2f;
            int checkedCount = 0;
            for (int i = 0; i < p.Length; i += 3)
            {
                float keep = p[i];
                p[i] = keep + h;
                double up = Loss();
                p[i] = keep - h;
                double down = Loss();
                p[i] = keep;
                double numeric = (up - down) / (2 * h);
                Assert.True(Math.Abs(analytic[i] - numeric) <= 0.02 * Math.Abs(numeric) + 1e-4, $"{name} parameter {i}: {analytic[i]} vs {numeric}");
                checkedCount++;
            }

            Assert.True(checkedCount > 10);
            if (randomness is null) return;
            Loss(seed: 100);
            Assert.NotEqual(analytic, net.Gradients.ToArray());
        }

        /// <summary>
        /// PyTorch's F.dropout and F.alpha_dropout in training mode (fixture dropout_samples): every value PyTorch gives is
        /// one NetGen's kernel gives for that input, kept (a x + b: 1/(1 - p) x, or alpha dropout's affine map) or dropped
        /// (0, or alpha dropout's saturation value a alpha' + b), and the dropped share is near p in both.
        /// </summary>
        [Fact]
        public void Dropout_and_alpha_dropout_keep_and_drop_as_PyTorch_does()
        {
            var fixture = Fixture.Load("dropout_samples");
            var x = fixture.Floats("inputs");
            var rates = fixture["rates"].EnumerateArray().Select(e => e.GetSingle()).ToArray();
            for (int r = 0; r < rates.Length; r++)
            {
                foreach (var (kind, kernel) in new (string, Action<float[], float[], float[], float>)[]
                {
                    ("dropout", (a, y, m, p) => Kernels.Dropout(a, y, m, p, new Rng(3))),
                    ("alpha_dropout", (a, y, m, p) => Kernels.AlphaDropout(a, y, m, p, new Rng(3))),
                })
                {
                    var torch = fixture["" + kind][r].EnumerateArray().Select(e => e.GetSingle()).ToArray();
                    // NetGen's own kept map y = a x + b and dropped value, read off the kernel's output
                    var y = new float[x.Length];
                    var mask = new float[x.Length];
                    kernel(x, y, mask, rates[r]);
                    int i0 = Array.FindIndex(mask, m => m != 0), i1 = Array.FindIndex(mask, i0 + 1, m => m != 0), iDrop = Array.FindIndex(mask, m => m == 0);
                    double a = (y[i1] - y[i0]) / ((double)x[i1] - x[i0]), b = y[i0] - a * x[i0], dropped = y[iDrop];
                    int drops = 0;
                    for (int i = 0; i < x.Length; i++)
                    {
                        bool kept = Math.Abs(torch[i] - (a * x[i] + b)) <= 1e-5 * (1 + Math.Abs(torch[i]));
                        bool droppedHere = Math.Abs(torch[i] - dropped) <= 1e-5 * (1 + Math.Abs(dropped));
                        Assert.True(kept || droppedHere, $"{kind} p = {rates[r]}: PyTorch gives {torch[i]:R} for x = {x[i]:R}; NetGen keeps as {a * x[i] + b:R} or drops to {dropped:R}");
                        if (droppedHere && !kept) drops++;
                    }

                    Assert.InRange(drops / (double)x.Length, rates[r] - 0.05, rates[r] + 0.05);
                }
            }
        }

        [Fact]
        public void A_self_normalizing_network_keeps_mean_0_and_variance_1()
        {
            // Figure 10.7: standard normal inputs through 8 SELU layers of 256 (LeCun normal, alpha dropout active).
            var net = new SelfNormalizing(seed: 5) { Mode = NetworkMode.Training };
            const int batch = 100;
            var outputs = new float[batch * 256];
            net.Forward(Normal(batch * 256, 11), outputs, batch);
            var (mean, variance) = Moments(outputs);
            Assert.InRange(mean, -0.15, 0.15);
            Assert.InRange(variance, 0.8, 1.2);
        }

        [Fact]
        public void Penalties_add_their_derivatives_to_the_weight_gradients()
        {
            var penalized = new Penalized(seed: 3);
            var plain = new Unpenalized(seed: 3);
            Assert.Equal(plain.Parameters.ToArray(), penalized.Parameters.ToArray());
            var inputs = Normal(8, 1);
            var targets = Normal(4, 2);
            float withPenalty = penalized.ComputeGradients(inputs, targets, 2);
            float without = plain.ComputeGradients(inputs, targets, 2);
            var w = plain.Parameters.Slice(0, 12).ToArray();
            // eq. 8.4, 8.10, 8.11 with lambda 0.1, 0.05, 0.2 and w0 = 0.5
            double expectedPenalty = w.Sum(v => 0.05 * v * v + 0.05 * Math.Abs(v) + 0.2 * (v * v / 0.25) / (1 + v * v / 0.25));
            Assert.Equal(without + expectedPenalty, withPenalty, 5);
            for (int i = 0; i < 12; i++)
            {
                double r = w[i] * w[i] / 0.25;
                double derivative = 0.1 * w[i] + 0.05 * Math.Sign(w[i]) + 0.2 * (2 * w[i] / 0.25) / ((1 + r) * (1 + r));
                Assert.Equal(plain.Gradients[i] + derivative, penalized.Gradients[i], 5);
            }

            Assert.Equal(plain.Gradients.Slice(12).ToArray(), penalized.Gradients.Slice(12).ToArray()); // biases and the other layer: no penalty
        }

        [Fact]
        public void Weight_noise_perturbs_training_passes_only_and_passes_gradients_through()
        {
            var noisy = new NoisyWeights(seed: 3);
            var plain = new Unpenalized(seed: 3);
            var inputs = Normal(8, 1);
            var targets = Normal(4, 2);
            float clean = plain.ComputeGradients(inputs, targets, 2);
            noisy.Mode = NetworkMode.Inference;
            Assert.Equal(clean, noisy.ComputeGradients(inputs, targets, 2));
            Assert.Equal(plain.Gradients.ToArray(), noisy.Gradients.ToArray());
            noisy.Mode = NetworkMode.Auto;
            Assert.NotEqual(clean, noisy.ComputeGradients(inputs, targets, 2));

            // With the noise fixed (same seed), the gradient is that of the loss at the noisy weights: central differences agree.
            float Loss()
            {
                noisy.Randomness = new Rng(8);
                return noisy.ComputeGradients(inputs, targets, 2);
            }

            Loss();
            var analytic = noisy.Gradients.ToArray();
            var p = noisy.Parameters;
            for (int i = 0; i < p.Length; i++)
            {
                float keep = p[i];
                p[i] = keep + 1e-2f;
                double up = Loss();
                p[i] = keep - 1e-2f;
                double down = Loss();
                p[i] = keep;
                double numeric = (up - down) / 2e-2;
                Assert.True(Math.Abs(analytic[i] - numeric) <= 0.02 * Math.Abs(numeric) + 1e-4, $"parameter {i}: {analytic[i]} vs {numeric}");
            }
        }

        [Fact]
        public void Monte_Carlo_dropout_gives_a_spread_and_restores_the_mode()
        {
            var net = new DropoutNet(seed: 1);
            var input = Normal(20, 3);
            var mean = new float[3];
            var std = new float[3];
            MonteCarlo.Predict(net, input, mean, std, passes: 200);
            Assert.Equal(NetworkMode.Auto, net.Mode);
            Assert.All(std, s => Assert.True(s > 0));
            Assert.Equal(1.0, mean.Sum(), 3); // softmax outputs average to a distribution
            var deterministic = new float[3];
            net.Forward(input, deterministic);
            for (int k = 0; k < 3; k++) Assert.InRange(mean[k], deterministic[k] - 0.15, deterministic[k] + 0.15);
        }

        [Fact]
        public void Early_stopping_keeps_the_best_parameters_and_stops_after_the_patience()
        {
            var stop = new EarlyStopping(patience: 2);
            var p = new float[] { 1 };
            Assert.False(stop.Report(0.9, p));
            p[0] = 2;
            Assert.False(stop.Report(0.5, p)); // best
            p[0] = 3;
            Assert.False(stop.Report(0.6, p));
            p[0] = 4;
            Assert.True(stop.Report(0.55, p)); // two epochs without improvement
            stop.RestoreBest(p);
            Assert.Equal(2f, p[0]);
            Assert.Equal(2, stop.BestEpoch);
        }
    }
}
