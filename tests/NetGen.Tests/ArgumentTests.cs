using System;
using System.Linq;
using NetGen.Tests.Parity;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>Wrong span lengths, batch sizes and labels: an ArgumentException naming expected and actual values, and nothing written.</summary>
    public class ArgumentTests
    {
        private static void AssertMessage(ArgumentException e, string parameter, params string[] parts)
        {
            Assert.Equal(parameter, e.ParamName);
            foreach (var part in parts) Assert.Contains(part, e.Message);
        }

        [Fact]
        public void Forward_one_sample_checks_both_lengths()
        {
            var net = new TanhSoftmax();
            var output = new float[3] { 7, 7, 7 };
            AssertMessage(Assert.Throws<ArgumentException>(() => net.Forward(new float[5], output)), "input", "Expected input.Length == 4", "got 5");
            AssertMessage(Assert.Throws<ArgumentException>(() => net.Forward(new float[4], new float[2])), "output", "Expected output.Length == 3", "got 2");
            Assert.Equal(new float[] { 7, 7, 7 }, output);
        }

        [Fact]
        public void Forward_batch_checks_lengths_and_batch()
        {
            var net = new TanhSoftmax();
            var outputs = new float[6];
            AssertMessage(Assert.Throws<ArgumentException>(() => net.Forward(new float[7], outputs, 2)), "inputs", "batch * 4 = 2 * 4 = 8", "got 7");
            AssertMessage(Assert.Throws<ArgumentException>(() => net.Forward(new float[8], new float[5], 2)), "outputs", "= 6", "got 5");
            AssertMessage(Assert.Throws<ArgumentOutOfRangeException>(() => net.Forward(new float[0], new float[0], 0)), "batch", "Expected batch >= 1", "got 0");
            Assert.All(outputs, v => Assert.Equal(0f, v));
        }

        [Fact]
        public void ComputeGradients_checks_targets_and_labels_before_writing()
        {
            var net = new TanhSoftmax();
            net.ComputeGradients(new float[8], new[] { 0, 1 }, 2);
            var before = net.Gradients.ToArray();
            var parameters = net.Parameters.ToArray();
            AssertMessage(Assert.Throws<ArgumentException>(() => net.ComputeGradients(new float[8], new float[5], 2)), "targets", "= 6", "got 5");
            AssertMessage(Assert.Throws<ArgumentException>(() => net.ComputeGradients(new float[8], new[] { 0 }, 2)), "labels", "Expected labels.Length == 2", "got 1");
            AssertMessage(Assert.Throws<ArgumentOutOfRangeException>(() => net.ComputeGradients(new float[8], new[] { 0, 3 }, 2)), "labels", "labels[1] in [0, 2]", "got 3");
            AssertMessage(Assert.Throws<ArgumentOutOfRangeException>(() => net.TrainStep(new float[8], new[] { -1, 0 }, 2, new Sgd(0.1f))), "labels", "labels[0]", "got -1");
            Assert.Equal(before, net.Gradients.ToArray());
            Assert.Equal(parameters, net.Parameters.ToArray());
        }

        [Fact]
        public void A_single_output_takes_labels_0_and_1()
        {
            var net = new ReluEluSigmoid();
            float fromLabels = net.ComputeGradients(new float[10], new[] { 1, 0 }, 2);
            Assert.Equal(net.ComputeGradients(new float[10], new float[] { 1, 0 }, 2), fromLabels);
            AssertMessage(Assert.Throws<ArgumentOutOfRangeException>(() => net.ComputeGradients(new float[10], new[] { 2, 0 }, 2)), "labels", "in [0, 1]", "got 2");
        }

        [Fact]
        public void TrainStep_rejects_a_null_optimizer()
        {
            var net = new TanhSoftmax();
            Assert.Throws<ArgumentNullException>(() => net.TrainStep(new float[4], new[] { 0 }, 1, null!));
        }

        [Fact]
        public void Sgd_checks_its_arguments_and_gradient_length()
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(lr: -1f));
            Assert.Throws<ArgumentException>(() => new Sgd(lr: 0.1f, nesterov: true));
            var parameters = new float[] { 1, 2, 3 };
            var e = Assert.Throws<ArgumentException>(() => new Sgd(0.1f).Step(parameters, new float[2]));
            AssertMessage(e, "gradients", "Expected gradients.Length == 3", "got 2");
            Assert.Equal(new float[] { 1, 2, 3 }, parameters);
        }
    }
}

namespace NetGen.Tests
{
    public class ConcurrencyTests
    {
        /// <summary>Forward (one sample and batched) from several threads at once on one network gives the sequential results.</summary>
        [Fact]
        public void Forward_is_safe_from_several_threads()
        {
            var net = new NetGen.Tests.Parity.LeNet5(3);
            var rng = new Rng(2);
            var inputs = Enumerable.Range(0, 16 * 784).Select(_ => (float)rng.NextDouble()).ToArray();
            // batched and single-sample passes sum in different orders, so each is compared with itself
            var expectedBatch = new float[16 * 10];
            net.Forward(inputs, expectedBatch, 16);
            var expectedSingle = new float[16 * 10];
            for (int n = 0; n < 16; n++) net.Forward(inputs.AsSpan(n * 784, 784), expectedSingle.AsSpan(n * 10, 10));
            ParityTests.AssertClose(expectedBatch, expectedSingle, "batched vs single", 1e-5);
            var results = new float[8][];
            System.Threading.Tasks.Parallel.For(0, 8, new System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = 4 }, t =>
            {
                var outputs = new float[16 * 10];
                for (int rep = 0; rep < 5; rep++)
                {
                    if (t % 2 == 0) net.Forward(inputs, outputs, 16);
                    else for (int n = 0; n < 16; n++) net.Forward(inputs.AsSpan(n * 784, 784), outputs.AsSpan(n * 10, 10));
                }

                results[t] = outputs;
            });
            for (int t = 0; t < results.Length; t++) Assert.Equal(t % 2 == 0 ? expectedBatch : expectedSingle, results[t]);
        }
    }
}
