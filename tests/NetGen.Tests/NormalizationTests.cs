using System;
using System.Linq;
using NetGen.Tests.Parity;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>
    /// Batch and layer normalization against PyTorch (fixtures): in training mode the loss, the gradients and the updated
    /// running statistics; then in inference mode the outputs and the gradients (PyTorch's eval()).
    /// </summary>
    public class NormalizationTests
    {
        public static TheoryData<string> Fixtures => new TheoryData<string> { "batchnorm_dense", "batchnorm_conv", "layernorm_dense", "layernorm_conv" };

        /// <summary>The networks the finite-difference checks of this class run.</summary>
        internal static readonly Type[] CheckedNetworks = { typeof(BatchNormTanh), typeof(LayerNormTanh) };

        internal static INetwork Network(string name) => name switch
        {
            "batchnorm_dense" => new BatchNormDense(),
            "batchnorm_conv" => new BatchNormConv(),
            "layernorm_dense" => new LayerNormDense(),
            "layernorm_conv" => new LayerNormConv(),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };

        private static float Gradients(INetwork net, Fixture fixture, float[] inputs, int batch)
            => fixture.Has("labels") ? net.ComputeGradients(inputs, fixture.Ints("labels"), batch) : net.ComputeGradients(inputs, fixture.Floats("targets"), batch);

        [Theory]
        [MemberData(nameof(Fixtures))]
        public void Training_and_inference_match_PyTorch(string name)
        {
            var fixture = Fixture.Load(name);
            var net = Network(name);
            int batch = fixture.Int("batch");
            fixture.Floats("parameters").AsSpan().CopyTo(net.Parameters);
            var inputs = fixture.Floats("inputs");

            float trainLoss = Gradients(net, fixture, inputs, batch);
            ParityTests.AssertClose(new[] { (float)fixture.Double("train_loss") }, new[] { trainLoss }, "training loss");
            ParityTests.AssertClose(fixture.Floats("train_gradients"), net.Gradients.ToArray(), "training gradients");
            var buffers = fixture.Floats("buffers");
            Assert.Equal(buffers.Length, net.Buffers.Length);
            if (buffers.Length > 0) ParityTests.AssertClose(buffers, net.Buffers.ToArray(), "running statistics");

            var outputs = new float[batch * net.OutputLength];
            net.Forward(inputs, outputs, batch);
            ParityTests.AssertClose(fixture.Floats("eval_outputs"), outputs, "inference outputs");

            net.Mode = NetworkMode.Inference;
            var before = net.Buffers.ToArray();
            float evalLoss = Gradients(net, fixture, inputs, batch);
            ParityTests.AssertClose(new[] { (float)fixture.Double("eval_loss") }, new[] { evalLoss }, "inference loss");
            ParityTests.AssertClose(fixture.Floats("eval_gradients"), net.Gradients.ToArray(), "inference gradients");
            Assert.Equal(before, net.Buffers.ToArray());
        }

        [Fact]
        public void Batch_norm_starts_with_unit_scale_and_running_variance_one()
        {
            var net = new BatchNormDense();
            Assert.All(net.Parameters.Slice(56, 8).ToArray(), v => Assert.Equal(1f, v)); // gamma after Dense(8)'s 48 + 8
            Assert.All(net.Parameters.Slice(64, 8).ToArray(), v => Assert.Equal(0f, v)); // beta
            Assert.Equal(Enumerable.Repeat(0f, 8).Concat(Enumerable.Repeat(1f, 8)), net.Buffers.ToArray());
        }

        [Fact]
        public void Weight_normalization_starts_with_g_equal_to_the_norm_of_v()
        {
            var net = new WeightNormDense(seed: 4);
            Assert.Equal(6 + 30 + 6 + 18 + 3, WeightNormDense.ParameterCount); // g, v, bias; then the plain layer
            var p = net.Parameters.ToArray();
            for (int r = 0; r < 6; r++)
            {
                double norm = Math.Sqrt(p.Skip(6 + r * 5).Take(5).Sum(v => (double)v * v));
                Assert.Equal(norm, p[r], 5);
            }
        }

        [Fact]
        public void Batch_norm_refuses_one_value_per_channel_in_training()
        {
            var net = new BatchNormDense();
            var e = Assert.Throws<ArgumentException>(() => net.ComputeGradients(new float[6], new[] { 1 }, 1));
            Assert.Contains("batch * positions = 1 * 1 = 1", e.Message);
            net.Mode = NetworkMode.Inference;
            net.ComputeGradients(new float[6], new[] { 1 }, 1); // running statistics work for one sample
        }

        /// <summary>
        /// Finite differences of a double reference of x -> Dense -> BatchNorm (batch statistics, eq. 10.4-10.7) -> tanh ->
        /// Dense -> squared error, against the generated backward pass (eq. 10.12).
        /// </summary>
        [Fact]
        public void Batch_norm_gradients_match_finite_differences()
        {
            var net = new BatchNormTanh();
            var random = new Random(3);
            const int batch = 5;
            var inputs = Enumerable.Range(0, batch * 3).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var targets = Enumerable.Range(0, batch * 2).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var p = net.Parameters;
            for (int i = 0; i < p.Length; i++) p[i] = (float)(random.NextDouble() * 2 - 1);
            var parameters = net.Parameters.ToArray().Select(v => (double)v).ToArray();
            float loss = net.ComputeGradients(inputs, targets, batch);
            Assert.Equal(Reference(parameters, inputs, targets, batch), loss, 5);
            GradientCheckTests.AssertGradientsMatch(net.Gradients.ToArray(), ReferenceNetwork.NumericGradient(parameters, q => Reference(q, inputs, targets, batch)));
        }

        private static double Reference(double[] p, float[] inputs, float[] targets, int batch)
        {
            // Dense(4): W [4, 3] at 0, b at 12; BatchNorm: gamma at 16, beta at 20; Dense(2): W [2, 4] at 24, b at 32
            var s = new double[batch, 4];
            for (int n = 0; n < batch; n++)
                for (int o = 0; o < 4; o++)
                {
                    s[n, o] = p[12 + o];
                    for (int i = 0; i < 3; i++) s[n, o] += p[o * 3 + i] * inputs[n * 3 + i];
                }

            var h = new double[batch, 4];
            for (int o = 0; o < 4; o++)
            {
                double mean = Enumerable.Range(0, batch).Average(n => s[n, o]);
                double variance = Enumerable.Range(0, batch).Average(n => (s[n, o] - mean) * (s[n, o] - mean));
                for (int n = 0; n < batch; n++) h[n, o] = Math.Tanh(p[16 + o] * (s[n, o] - mean) / Math.Sqrt(variance + 1e-5) + p[20 + o]);
            }

            double loss = 0;
            for (int n = 0; n < batch; n++)
                for (int k = 0; k < 2; k++)
                {
                    double y = p[32 + k];
                    for (int o = 0; o < 4; o++) y += p[24 + k * 4 + o] * h[n, o];
                    loss += (y - targets[n * 2 + k]) * (y - targets[n * 2 + k]);
                }

            return loss / (batch * 2);
        }

        [Fact]
        public void Layer_norm_gradients_match_finite_differences()
        {
            var net = new LayerNormTanh();
            var random = new Random(4);
            const int batch = 3;
            var inputs = Enumerable.Range(0, batch * 3).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var targets = Enumerable.Range(0, batch * 2).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var p = net.Parameters;
            for (int i = 0; i < p.Length; i++) p[i] = (float)(random.NextDouble() * 2 - 1);
            var parameters = net.Parameters.ToArray().Select(v => (double)v).ToArray();
            float loss = net.ComputeGradients(inputs, targets, batch);
            Func<double[], double> reference = q =>
            {
                double total = 0;
                for (int n = 0; n < batch; n++)
                {
                    // Dense(4) at 0/12, LayerNorm gamma at 16, beta at 20 over the 4 units, tanh, Dense(2) at 24/32
                    var s = Enumerable.Range(0, 4).Select(o => q[12 + o] + Enumerable.Range(0, 3).Sum(i => q[o * 3 + i] * inputs[n * 3 + i])).ToArray();
                    double mean = s.Average(), variance = s.Average(v => (v - mean) * (v - mean));
                    var h = Enumerable.Range(0, 4).Select(o => Math.Tanh(q[16 + o] * (s[o] - mean) / Math.Sqrt(variance + 1e-5) + q[20 + o])).ToArray();
                    for (int k = 0; k < 2; k++)
                    {
                        double y = q[32 + k] + Enumerable.Range(0, 4).Sum(o => q[24 + k * 4 + o] * h[o]);
                        total += (y - targets[n * 2 + k]) * (y - targets[n * 2 + k]);
                    }
                }

                return total / (batch * 2);
            };
            Assert.Equal(reference(parameters), loss, 5);
            GradientCheckTests.AssertGradientsMatch(net.Gradients.ToArray(), ReferenceNetwork.NumericGradient(parameters, reference));
        }
    }

    [Network(3)]
    [Dense(4)]
    [BatchNorm]
    [Activation(Act.Tanh)]
    [Dense(2)]
    public partial class BatchNormTanh { }

    [Network(3)]
    [Dense(4)]
    [LayerNorm]
    [Activation(Act.Tanh)]
    [Dense(2)]
    public partial class LayerNormTanh { }
}
