using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>
    /// Concurrency and determinism: Forward from many threads gives the single-threaded results; training one instance
    /// from two threads is refused; seeded training is bit-identical across runs, processes and thread counts.
    /// </summary>
    [Collection(ParallelismTests.Collection)]
    public class ReliabilityTests
    {
        [Theory]
        [InlineData("LeNet5")]
        [InlineData("ResidualCnn")]
        [InlineData("TwoHeads")]
        [InlineData("BatchNormConv")]
        public void Forward_from_eight_threads_gives_exactly_the_single_threaded_results(string type)
        {
            var net = (INetwork)Activator.CreateInstance(Type.GetType("NetGen.Tests.Parity." + type, throwOnError: true)!, 1)!;
            const int samples = 8, calls = 10_000;
            var rng = new Random(2);
            var inputs = Enumerable.Range(0, samples * net.InputLength).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            var single = new float[samples * net.OutputLength];
            for (int s = 0; s < samples; s++) net.Forward(inputs.AsSpan(s * net.InputLength, net.InputLength), single.AsSpan(s * net.OutputLength, net.OutputLength));
            var batched = new float[samples * net.OutputLength];
            net.Forward(inputs, batched, samples);

            int mismatches = 0;
            using var start = new Barrier(8);
            var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
            {
                var output = new float[net.OutputLength];
                var outputs = new float[samples * net.OutputLength];
                start.SignalAndWait();
                for (int call = 0; call < calls; call++)
                {
                    int s = (call + t) % samples;
                    if (call % 100 == 0)
                    {
                        net.Forward(inputs, outputs, samples); // the batched overload, interleaved
                        if (!outputs.AsSpan().SequenceEqual(batched)) Interlocked.Increment(ref mismatches);
                        continue;
                    }

                    net.Forward(inputs.AsSpan(s * net.InputLength, net.InputLength), output);
                    if (!output.AsSpan().SequenceEqual(single.AsSpan(s * net.OutputLength, net.OutputLength))) Interlocked.Increment(ref mismatches);
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            Assert.Equal(0, mismatches);
        }

        /// <summary>An optimizer that holds its step until released, so a second thread arrives while the first trains.</summary>
        private sealed class Held : IOptimizer
        {
            public readonly ManualResetEventSlim Entered = new ManualResetEventSlim(), Release = new ManualResetEventSlim();

            public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
            {
                Entered.Set();
                Release.Wait();
            }
        }

        [Fact]
        public async Task Training_one_instance_from_two_threads_is_refused_and_changes_nothing()
        {
            var net = new Parity.LeNet5(1);
            var x = new float[2 * Parity.LeNet5.InputLength];
            var labels = new[] { 3, 7 };
            var held = new Held();
            var first = Task.Run(() => net.TrainStep(x, labels, 2, held));
            Assert.True(held.Entered.Wait(TimeSpan.FromSeconds(30)));
            var parameters = net.Parameters.ToArray();
            var gradients = net.Gradients.ToArray();
            var adam = new Adam();

            var e = await Assert.ThrowsAsync<InvalidOperationException>(() => Task.Run(() => net.TrainStep(x, labels, 2, adam)));
            Assert.Contains("LeNet5 is being trained on another thread", e.Message);
            await Assert.ThrowsAsync<InvalidOperationException>(() => Task.Run(() => net.ComputeGradients(x, labels, 2)));
            await Assert.ThrowsAsync<InvalidOperationException>(() => Task.Run(() => net.ComputeLoss(x, labels, 2)));
            Assert.Equal(parameters, net.Parameters.ToArray());
            Assert.Equal(gradients, net.Gradients.ToArray());
            Assert.Equal(0, adam.Steps); // the refused step never reached the optimizer

            held.Release.Set();
            await first;
            net.TrainStep(x, labels, 2, adam); // released: training goes on, on any thread
            Assert.Equal(1, adam.Steps);
        }

        [Fact]
        public void Seeded_training_with_dropout_is_bit_identical_across_runs_thread_counts_and_processes()
        {
            int threads = Parallelism.MaxDegreeOfParallelism;
            try
            {
                Parallelism.MaxDegreeOfParallelism = 1;
                var one = NetGen.Samples.Reproducibility.Run(steps: 200);
                var again = NetGen.Samples.Reproducibility.Run(steps: 200);
                Parallelism.MaxDegreeOfParallelism = 2;
                var two = NetGen.Samples.Reproducibility.Run(steps: 200);
                Assert.Equal(one, again);
                Assert.Equal(one, two);

                // another process (the samples' reproduce command), with the 256-bit kernels where this one uses 512-bit ones
                string dll = Path.Combine(AppContext.BaseDirectory, "NetGen.Samples.dll");
                foreach (var avx512 in new[] { "1", "0" })
                {
                    var start = new ProcessStartInfo("dotnet", new[] { dll, "reproduce" }) { RedirectStandardOutput = true, UseShellExecute = false };
                    start.Environment["DOTNET_EnableAVX512F"] = avx512;
                    using var process = Process.Start(start)!;
                    string output = process.StandardOutput.ReadToEnd();
                    Assert.True(process.WaitForExit(120_000));
                    Assert.Equal(0, process.ExitCode);
                    Assert.Contains($"parameter checksum {one.Checksum:x16}", output);
                }
            }
            finally
            {
                Parallelism.MaxDegreeOfParallelism = threads;
            }
        }
    
        [Fact]
        public void Opt_in_input_checks_name_the_first_non_finite_value_and_change_nothing()
        {
            var net = new Parity.TanhSoftmax(1);
            var x = new float[3 * 4];
            x[6] = float.PositiveInfinity;
            var y = new float[3 * 3];
            var adam = new Adam();
            var before = net.Parameters.ToArray();
            bool previous = NumericChecks.Inputs;
            try
            {
                NumericChecks.Inputs = false;
                net.Forward(x, new float[9], 3); // off by default: no check, no exception

                NumericChecks.Inputs = true;
                var e = Assert.Throws<ArgumentException>(() => net.TrainStep(x, y, 3, adam));
                Assert.Equal("Expected finite inputs, but inputs[6] (sample 1, value 2) is +infinity. (Parameter 'inputs')", e.Message);
                x[6] = float.NaN;
                Assert.Contains("inputs[6] (sample 1, value 2) is NaN", Assert.Throws<ArgumentException>(() => net.Forward(x, new float[9], 3)).Message);
                Assert.Contains("input[2] (sample 0, value 2) is NaN", Assert.Throws<ArgumentException>(() => net.Forward(x.AsSpan(4, 4).ToArray(), new float[3])).Message);
                x[6] = 0;
                y[4] = float.NaN; // a missing label: allowed
                net.ComputeGradients(x, y, 3);
                y[5] = float.NegativeInfinity;
                Assert.Contains("targets[5] (sample 1, value 2) is -infinity", Assert.Throws<ArgumentException>(() => net.TrainStep(x, y, 3, adam)).Message);
                Assert.Equal(before, net.Parameters.ToArray());
                Assert.Equal(0, adam.Steps);
            }
            finally
            {
                NumericChecks.Inputs = previous;
            }
        }

        [Fact]
        public void Anomaly_mode_names_the_first_layer_producing_NaN_or_infinity()
        {
            bool previous = NumericChecks.Anomalies;
            var x = Enumerable.Range(0, 2 * Parity.LeNet5.InputLength).Select(i => (float)Math.Sin(i)).ToArray();
            var labels = new[] { 1, 2 };
            try
            {
                // forward: a NaN weight in the second convolution
                var net = new Parity.LeNet5(1);
                net.Parameters[200] = float.NaN; // 3.weight (the layer named conv3)
                var sgd = new Sgd(0.1f, momentum: 0.9f);
                NumericChecks.Anomalies = false;
                net.ComputeGradients(x, labels, 2); // off: the NaN flows through silently
                NumericChecks.Anomalies = true;
                var before = net.Parameters.ToArray();
                var e = Assert.Throws<ArithmeticException>(() => net.TrainStep(x, labels, 2, sgd));
                Assert.StartsWith("Anomaly: NaN in the output of layer conv3 (sample 0, value ", e.Message);
                Assert.Contains("in the forward pass", e.Message);
                Assert.Equal(before.Select(BitConverter.SingleToInt32Bits), net.Parameters.ToArray().Select(BitConverter.SingleToInt32Bits));
                Assert.Equal(0, sgd.Steps);

                // backward: the forward pass is finite (dense1's outputs are all 1e-30, so dense2's huge weights give 4.8e9), but
                // d(loss)/d(output of dense1) = W2^T delta overflows
                var mlp = new Parity.ReluEluSigmoid(1);
                var p = mlp.Parameters;
                p.Slice(0, 80).Clear(); // dense1 weights 0 ...
                p.Slice(80, 16).Fill(1e-30f); // ... and biases 1e-30: ReLU outputs 1e-30
                p.Slice(96, 128).Fill(3e38f); // dense2 weights
                p.Slice(224, 8).Fill(1f); // dense2 biases: ELU in its linear part
                p.Slice(232, 8).Fill(100f); // dense3 weights
                var inputs = new float[2 * 5];
                e = Assert.Throws<ArithmeticException>(() => mlp.ComputeGradients(inputs, new float[] { 0, 1 }, 2));
                Assert.StartsWith("Anomaly: ", e.Message);
                Assert.Contains("infinity in d(loss)/d(output) (from dense2) of layer dense1", e.Message);
                Assert.Contains("in the backward pass", e.Message);
            }
            finally
            {
                NumericChecks.Anomalies = previous;
            }
        }
    }
}
