using System;
using System.Collections.Generic;
using System.Linq;
using NetGen.Tests.Parity;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>
    /// Issue 20, section 4.9: HessianVectorProduct (the R-operator through the generated passes) and Hessian on every network
    /// of the gradient checks, which together hold every layer kind, activation and loss: checked against central
    /// differences of the generated gradients (ComputeGradients in inference mode) along the direction, and the Hessian
    /// against the products with unit vectors and its own transpose.
    /// </summary>
    public class SecondOrderTests
    {
        public static TheoryData<int, string> Networks() => InputGradientTests.Networks();

        /// <summary>The compiled networks of <see cref="Source"/>.</summary>
        internal static System.Reflection.Assembly Assembly => InputGradientTests.Compiled(3);

        /// <summary>
        /// The kinds, losses and options the gradient-check suites do not hold: normalization, the layers that act only in
        /// training, penalties, frozen layers, class weights and label smoothing, several heads, outputs read by other layers
        /// (whose losses take the activations), and a weight-normalized layer (no second-order passes).
        /// </summary>
        internal const string Source = @"using NetGen;
namespace More
{
    [Network(2, 5, 5)] [Conv(3, k: 3, act: Act.Tanh)] [BatchNorm] [Activation(Act.ELU)] [Flatten] [Dense(3, Act.Softmax)] public partial class ConvBatchNorm { }
    [Network(4)] [Dense(6)] [BatchNorm(eps: 1e-3, momentum: 0.2)] [Activation(Act.Sigmoid)] [Dense(2)] public partial class DenseBatchNorm { }
    [Network(6)] [Dense(5)] [LayerNorm] [Activation(Act.Tanh)] [Dense(3, Act.Softmax)] public partial class HiddenLayerNorm { }
    [Network(6)] [LayerNorm] [Dense(2, Act.Softplus)] public partial class InputLayerNorm { }
    [Network(2, 4, 4)] [Conv(2, k: 3, p: 1)] [LayerNorm] [Activation(Act.GELU)] [GlobalAvgPool] [Dense(2)] public partial class ConvLayerNorm { }
    [Network(4)] [Dense(5, Act.SELU)] [AlphaDropout(0.1)] [Dropout(0.3)] [GaussianNoise(0.2)] [Identity] [Dense(3, Act.Sigmoid)] public partial class TrainingOnly { }
    [Network(3)] [Dense(4, Act.Tanh, L2 = 0.1, L1 = 0.05, WeightElimination = 0.2, W0 = 0.5)] [Dense(2)] public partial class Penalized { }
    [Network(3)] [Dense(4, Act.Tanh, Trainable = false)] [Dense(4, Act.SiLU)] [Dense(2, Act.Softmax)] public partial class Frozen { }
    [Network(3, LabelSmoothing = 0.2, ClassWeights = new[] { 0.5, 2.0, 1.0 })] [Dense(5, Act.Tanh)] [Dense(3, Act.Softmax)] public partial class Smoothed { }
    [Network(3, LabelSmoothing = 0.2, ClassWeights = new[] { 0.5, 2.0, 1.0 })] [Dense(5, Act.Tanh)] [Dense(3, Act.LogSoftmax)] public partial class SmoothedLog { }
    [Network(4)] [Dense(6, Act.Tanh, Name = ""trunk"")] [Dense(3, Act.Softmax, Name = ""digit"", Output = true)] [Dense(2, Act.Sigmoid, From = ""trunk"", Name = ""flags"", LossWeight = 0.5)] public partial class TwoHeads { }
    [Network(4)] [Dense(3, Act.Sigmoid, Name = ""p"", Output = true)] [Dense(2, Act.Softmax)] public partial class ReadSigmoid { }
    [Network(4)] [Dense(3, Act.Softmax, Name = ""q"", Output = true)] [Dense(2, Act.Softsign)] public partial class ReadSoftmax { }
    [Network(4)] [Dense(3, Act.LogSoftmax, Name = ""r"", Output = true)] [Dense(2, Act.Hardswish)] public partial class ReadLogSoftmax { }
    [Network(3, Loss = Loss.Huber, HuberDelta = 0.5)] [Dense(4, Act.Sigmoid)] [Dense(2)] public partial class Huber { }
    [Network(3)] [Dense(4, Act.ELU, WeightNorm = true)] [Dense(2)] public partial class WeightNormed { }
    [Network(3)] [Dense(2, L2 = 0.05)] public partial class OneDense { }
    [Network(3)] [Dense(3, Act.Softmax)] public partial class OneSoftmax { }
    [Network(3)] [Dense(2, Act.Sigmoid)] public partial class OneSigmoid { }
    [Network(2, 4, 4)] [Conv(2, k: 3, p: 1)] [MaxPool(2)] public partial class OneConv { }
    [Network(3)] [Dense(4, Act.Tanh)] [Dense(2)] public partial class TwoDense { }
    [Network(4)] [Dense(3)] public partial class Linear { }
    [Network(2, 3)] [BatchNorm] public partial class OneBatchNorm { }
    [Network(2, 3)] [PReLU(perChannel: true)] public partial class OnePReLU { }
    [Network(5)] [LayerNorm] public partial class OneLayerNorm { }
    [Network(3)] [Dense(4)] [LayerNorm] [Dense(2)] public partial class DenseLayerNorm { }
    [Network(1, 4, 4)] [Conv(2, k: 3, p: 1)] [AvgPool(2, 2, 1)] [Dense(2)] public partial class PaddedAverage { }
}
";

        private static INetwork Create(int assembly, string type, int seed)
        {
            var net = InputGradientTests.Create(assembly, type, seed);
            net.Mode = NetworkMode.Inference; // ComputeGradients then differentiates the function the second-order passes do

            // biases start at 0, so a unit whose inputs are all 0 (a dead ReLU below it) sits exactly on a kink, where a
            // central difference gives half the one-sided slope: move every parameter a little off such points
            var random = new Random(seed);
            var parameters = net.Parameters;
            for (int i = 0; i < parameters.Length; i++) parameters[i] += (float)(random.NextDouble() - 0.5) * 0.1f;
            var buffers = net.Buffers; // batch normalization's running means and variances
            for (int i = 0; i < buffers.Length; i++) buffers[i] = (float)(0.5 + random.NextDouble());
            return net;
        }

        /// <summary>Whether parameter <paramref name="index"/> of network <paramref name="type"/> is a constant: More.Frozen's first layer (3 x 4 + 4 values).</summary>
        internal static bool Frozen(string type, int index) => type == "More.Frozen" && index < 16;

        /// <summary>Whether the network has second-order passes; if not, its members say which layer and why.</summary>
        private static bool Supported(INetwork net, float[] x, float[] t, int batch)
        {
            try
            {
                net.HessianVectorProduct(x, t, batch, new float[net.ParameterCount], new float[net.ParameterCount]);
                return true;
            }
            catch (NotSupportedException error)
            {
                Assert.Contains("has no second-order passes: ", error.Message);
                Assert.Contains("is weight-normalized", error.Message); // the one network without them
                return false;
            }
        }

        /// <summary>Targets the network's losses accept: one-hot rows for cross-entropies over several classes, 0/1 for binary ones, values else.</summary>
        private static float[] Targets(INetwork net, int batch, Random random)
        {
            var t = new float[batch * net.OutputLength];
            foreach (var head in net.Heads)
            {
                for (int n = 0; n < batch; n++)
                {
                    var row = new Span<float>(t, n * net.OutputLength + head.Offset, head.Length);
                    if (head.Loss == Loss.CrossEntropy) row[random.Next(head.Length)] = 1f;
                    else if (head.Loss == Loss.BinaryCrossEntropy) for (int k = 0; k < row.Length; k++) row[k] = random.Next(2);
                    else for (int k = 0; k < row.Length; k++) row[k] = (float)(random.NextDouble() * 2 - 1);
                }
            }

            return t;
        }

        [Theory]
        [MemberData(nameof(Networks))]
        public void Hessian_vector_products_match_central_differences_of_the_gradients(int assembly, string type)
        {
            var net = Create(assembly, type, seed: 17);
            const int batch = 3;
            var random = new Random(type.Length * 13 + assembly);
            var x = Enumerable.Range(0, batch * net.InputLength).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var t = Targets(net, batch, random);
            if (!Supported(net, x, t, batch)) return;
            var before = net.Parameters.ToArray();
            var w = net.Parameters.ToArray();
            double[] Gradient(float[] v, double h)
            {
                for (int i = 0; i < w.Length; i++) net.Parameters[i] = (float)(w[i] + h * v[i]);
                net.ComputeGradients(x, t, batch);
                w.CopyTo(net.Parameters);
                return net.Gradients.ToArray().Select(g => (double)g).ToArray();
            }

            // a dense random direction and three unit vectors (columns of H): an L1 loss's or a ReLU's kink that a step
            // crosses spoils a whole direction, and a single parameter moves fewer pre-activations than all of them at once
            // (a frozen layer's parameters are constants: the direction does not move them)
            var directions = new List<float[]> { Enumerable.Range(0, net.ParameterCount).Select(i => Frozen(type, i) ? 0f : (float)(random.NextDouble() * 2 - 1)).ToArray() };
            for (int k = 0; k < 3; k++)
            {
                var unit = new float[net.ParameterCount];
                int j;
                do j = random.Next(unit.Length); while (Frozen(type, j));
                unit[j] = 1f;
                directions.Add(unit);
            }

            int checkedEntries = 0, entries = 0;
            foreach (var v in directions)
            {
                var hv = new float[net.ParameterCount];
                net.HessianVectorProduct(x, t, batch, v, hv);
                Assert.Equal(before, net.Parameters.ToArray());

                // central differences at two step sizes: where they disagree the steps cross a kink (ReLU, max, clipping)
                // and the entry is skipped
                double coarseStep = 2e-3, fineStep = 5e-4;
                var plusCoarse = Gradient(v, coarseStep);
                var minusCoarse = Gradient(v, -coarseStep);
                var plusFine = Gradient(v, fineStep);
                var minusFine = Gradient(v, -fineStep);
                double scale = Math.Max(1e-3, hv.Max(value => Math.Abs((double)value)));
                entries += hv.Length;
                for (int i = 0; i < hv.Length; i++)
                {
                    double coarse = (plusCoarse[i] - minusCoarse[i]) / (2 * coarseStep), fine = (plusFine[i] - minusFine[i]) / (2 * fineStep);
                    if (Math.Abs(coarse - fine) > 5e-3 * scale + 1e-4) continue;
                    checkedEntries++;
                    Assert.True(Math.Abs(hv[i] - fine) <= 1e-2 * scale + 2e-4, $"{type}: (Hv)[{i}] = {hv[i]:R}, central difference {fine:R} (coarse {coarse:R}, scale {scale:R})");
                }
            }

            // a third: a 3-d map into a PReLU puts many values near its kink
            Assert.True(checkedEntries >= entries / 3, $"{type}: only {checkedEntries} of {entries} entries away from kinks");
        }

        /// <summary>PyTorch's torch.autograd.functional.hvp and .hessian in float64, eval mode (tests/fixtures/make_fixtures.py --hessian).</summary>
        [Theory]
        [InlineData("hessian_cnn")]
        [InlineData("hessian_mlp")]
        public void Hessian_vector_products_and_Hessians_match_PyTorch(string name)
        {
            var fixture = Fixture.Load(name);
            INetwork net = name == "hessian_cnn" ? new HessianCnn() : new HessianMlp();
            fixture.Floats("parameters").CopyTo(net.Parameters);
            fixture.Floats("buffers").CopyTo(net.Buffers);
            net.Mode = NetworkMode.Training; // the second-order passes run in inference mode whatever the mode
            var inputs = fixture.Floats("inputs");
            int batch = inputs.Length / net.InputLength, p = net.ParameterCount;
            var hv = new float[p];
            var hessian = new float[p * p];
            if (fixture.Has("labels"))
            {
                var labels = fixture.Ints("labels");
                net.HessianVectorProduct(inputs, labels, batch, fixture.Floats("direction"), hv);
                net.Hessian(inputs, labels, batch, hessian);
            }
            else
            {
                var targets = fixture.Floats("targets");
                net.HessianVectorProduct(inputs, targets, batch, fixture.Floats("direction"), hv);
                net.Hessian(inputs, targets, batch, hessian);
            }

            Close(fixture.Floats("hv"), hv, "Hv");
            Close(fixture.Floats("hessian"), hessian, "H");
        }

        private static void Close(float[] expected, float[] actual, string what)
        {
            Assert.Equal(expected.Length, actual.Length);
            float scale = Math.Max(1e-3f, expected.Max(Math.Abs));
            for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= 2e-5f * scale + 1e-6f, $"{what}[{i}]: NetGen {actual[i]:R}, PyTorch {expected[i]:R}");
        }

        /// <summary>The Hessian is symmetric and its columns are the products with unit vectors; a product is linear in the direction.</summary>
        [Fact]
        public void The_Hessian_is_symmetric_and_its_columns_are_products_with_unit_vectors()
        {
            var net = Create(3, "More.TwoHeads", seed: 3);
            var random = new Random(5);
            const int batch = 4;
            var x = Enumerable.Range(0, batch * net.InputLength).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var t = Targets(net, batch, random);
            int p = net.ParameterCount;
            var hessian = new float[p * p];
            net.Hessian(x, t, batch, hessian);
            float scale = hessian.Max(Math.Abs);
            Assert.True(scale > 0.01f);
            for (int i = 0; i < p; i++)
                for (int j = 0; j < i; j++)
                    Assert.True(Math.Abs(hessian[i * p + j] - hessian[j * p + i]) <= 1e-5f * scale, $"H[{i}, {j}] = {hessian[i * p + j]:R}, H[{j}, {i}] = {hessian[j * p + i]:R}");

            var v = Enumerable.Range(0, p).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var hv = new float[p];
            net.HessianVectorProduct(x, t, batch, v, hv);
            for (int i = 0; i < p; i++)
            {
                double sum = 0;
                for (int j = 0; j < p; j++) sum += (double)hessian[i * p + j] * v[j];
                Assert.True(Math.Abs(sum - hv[i]) <= 1e-4 * scale, $"(H v)[{i}] = {hv[i]:R}, rows of H times v {sum:R}");
            }
        }

        [Fact]
        public void Bad_arguments_and_networks_too_large_for_a_Hessian_get_clear_errors()
        {
            var net = new LeNet5(1);
            var error = Assert.Throws<NotSupportedException>(() => { net.Hessian(new float[784], new[] { 3 }, 1, new float[1]); });
            Assert.Contains("61706 x 61706", error.Message);
            Assert.Contains("46,340", error.Message);
            var length = Assert.Throws<ArgumentException>(() => { net.HessianVectorProduct(new float[784], new[] { 3 }, 1, new float[5], new float[LeNet5.ParameterCount]); });
            Assert.Contains("v", length.Message);
            Assert.Contains("61706", length.Message.Replace(",", ""));
            var labels = Assert.Throws<ArgumentOutOfRangeException>(() => { net.HessianVectorProduct(new float[784], new[] { 10 }, 1, new float[LeNet5.ParameterCount], new float[LeNet5.ParameterCount]); });
            Assert.Contains("label", labels.Message);
        }
    
        /// <summary>One layer before the loss: no cross terms to drop and no f'' (the loss's curvature is diagonal in the outputs), so LeCun's estimate is the Hessian's diagonal.</summary>
        [Theory]
        [InlineData("More.OneDense")]
        [InlineData("More.OneSoftmax")]
        [InlineData("More.OneSigmoid")]
        [InlineData("More.OneConv")]
        [InlineData("More.OneBatchNorm")]
        [InlineData("More.OnePReLU")]
        [InlineData("More.OneLayerNorm")]
        public void The_diagonal_of_one_layer_networks_is_the_Hessians(string type)
        {
            var net = Create(3, type, seed: 9);
            var random = new Random(type.Length);
            const int batch = 5;
            var x = Enumerable.Range(0, batch * net.InputLength).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var t = Targets(net, batch, random);
            int p = net.ParameterCount;
            var hessian = new float[p * p];
            net.Hessian(x, t, batch, hessian);
            var diagonal = new float[p];
            net.HessianDiagonal(x, t, batch, diagonal);
            float scale = Math.Max(1e-3f, diagonal.Max(Math.Abs));
            for (int i = 0; i < p; i++) Assert.True(Math.Abs(diagonal[i] - hessian[i * p + i]) <= 1e-5f * scale, $"{type}: estimate {diagonal[i]:R}, H[{i}, {i}] = {hessian[i * p + i]:R}");
        }

        /// <summary>
        /// Dense(4, tanh) -> Dense(2), squared error, against LeCun's recursion written out in double (MATH.md 8.7, Gauss-Newton
        /// form): q = 2 / (batch outputs) at the outputs, q_s = tanh'(s)^2 sum_k W_kj^2 q_k below, H_ww = q x^2.
        /// </summary>
        [Fact]
        public void The_diagonal_follows_LeCuns_recursion()
        {
            var net = Create(3, "More.TwoDense", seed: 4);
            var random = new Random(21);
            const int batch = 3;
            var x = Enumerable.Range(0, batch * 3).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var t = Targets(net, batch, random);
            var diagonal = new float[net.ParameterCount];
            net.HessianDiagonal(x, t, batch, diagonal);

            var w = net.Parameters.ToArray().Select(v => (double)v).ToArray(); // W1 [4, 3] at 0, b1 at 12, W2 [2, 4] at 16, b2 at 24
            var expected = new double[w.Length];
            double q = 2.0 / (batch * 2);
            for (int n = 0; n < batch; n++)
            {
                var hidden = new double[4];
                for (int j = 0; j < 4; j++)
                {
                    double s = w[12 + j];
                    for (int m = 0; m < 3; m++) s += w[j * 3 + m] * x[n * 3 + m];
                    hidden[j] = Math.Tanh(s);
                }

                for (int k = 0; k < 2; k++)
                {
                    for (int j = 0; j < 4; j++) expected[16 + k * 4 + j] += q * hidden[j] * hidden[j];
                    expected[24 + k] += q;
                }

                for (int j = 0; j < 4; j++)
                {
                    double derivative = 1 - hidden[j] * hidden[j];
                    double qs = derivative * derivative * (w[16 + j] * w[16 + j] + w[20 + j] * w[20 + j]) * q;
                    for (int m = 0; m < 3; m++) expected[j * 3 + m] += qs * x[n * 3 + m] * x[n * 3 + m];
                    expected[12 + j] += qs;
                }
            }

            for (int i = 0; i < w.Length; i++) Assert.True(Math.Abs(diagonal[i] - expected[i]) <= 1e-5 * Math.Max(1, Math.Abs(expected[i])), $"H_ii[{i}] = {diagonal[i]:R}, recursion {expected[i]:R}");
        }

        /// <summary>
        /// Layer normalization's step (its Jacobian is dense within a sample): Dense(4) -> LayerNorm -> Dense(2), squared error,
        /// against the recursion with LayerNorm's Jacobian J_ij = gamma_i (1/sigma) (delta_ij - (1 + x_hat_i x_hat_j) / n)
        /// written out in double, for the first Dense layer's weights.
        /// </summary>
        [Fact]
        public void The_diagonal_through_layer_normalization_follows_its_Jacobian()
        {
            var net = Create(3, "More.DenseLayerNorm", seed: 6);
            var random = new Random(2);
            const int batch = 3;
            var x = Enumerable.Range(0, batch * 3).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var t = Targets(net, batch, random);
            var diagonal = new float[net.ParameterCount];
            net.HessianDiagonal(x, t, batch, diagonal);

            var w = net.Parameters.ToArray().Select(v => (double)v).ToArray(); // W1 [4, 3] at 0, b1 at 12, gamma at 16, beta at 20, W2 [2, 4] at 24, b2 at 32
            var expected = new double[16];
            double q = 2.0 / (batch * 2);
            for (int n = 0; n < batch; n++)
            {
                var h = new double[4];
                for (int j = 0; j < 4; j++)
                {
                    h[j] = w[12 + j];
                    for (int m = 0; m < 3; m++) h[j] += w[j * 3 + m] * x[n * 3 + m];
                }

                double mean = h.Average(), invStd = 1 / Math.Sqrt(h.Select(v => (v - mean) * (v - mean)).Average() + 1e-5);
                var xhat = h.Select(v => (v - mean) * invStd).ToArray();
                var qs = Enumerable.Range(0, 4).Select(i => (w[24 + i] * w[24 + i] + w[28 + i] * w[28 + i]) * q).ToArray(); // LayerNorm's outputs
                for (int j = 0; j < 4; j++)
                {
                    double qh = 0;
                    for (int i = 0; i < 4; i++)
                    {
                        double jacobian = w[16 + i] * invStd * ((i == j ? 1 : 0) - (1 + xhat[i] * xhat[j]) / 4);
                        qh += jacobian * jacobian * qs[i];
                    }

                    for (int m = 0; m < 3; m++) expected[j * 3 + m] += qh * x[n * 3 + m] * x[n * 3 + m];
                    expected[12 + j] += qh;
                }
            }

            for (int i = 0; i < 16; i++) Assert.True(Math.Abs(diagonal[i] - expected[i]) <= 1e-4 * Math.Max(1e-2, Math.Abs(expected[i])), $"H_ii[{i}] = {diagonal[i]:R}, recursion {expected[i]:R}");
        }

        [Fact]
        public void A_kind_without_a_step_in_LeCuns_recursion_is_named()
        {
            var net = Create(3, "More.PaddedAverage", seed: 1);
            var error = Assert.Throws<NotSupportedException>(() => { net.HessianDiagonal(new float[16], new float[2], 1, new float[net.ParameterCount]); });
            Assert.Contains("padded AvgPool", error.Message);
        }
    }

    /// <summary>The network of the hessian_cnn fixture: convolution, tanh, batch normalization (running statistics), max pooling, layer normalization, softmax.</summary>
    [Network(1, 6, 6)]
    [Conv(2, k: 3, act: Act.Tanh)]
    [BatchNorm]
    [MaxPool(2)]
    [LayerNorm]
    [Dense(3, Act.Softmax)]
    public partial class HessianCnn
    {
    }

    /// <summary>The network of the hessian_mlp fixture: GELU (pre-activations), a sigmoid layer with an L2 penalty, squared error.</summary>
    [Network(4)]
    [Dense(5, Act.GELU)]
    [Dense(4, Act.Sigmoid, L2 = 0.01)]
    [Dense(2)]
    public partial class HessianMlp
    {
    }
}
