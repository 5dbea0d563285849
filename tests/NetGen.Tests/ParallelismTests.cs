using System;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>Several threads give the same bits as one: every output of a split product is computed by one thread.</summary>
    [Collection(ParallelismTests.Collection)]
    public class ParallelismTests
    {
        /// <summary>The tests that change, or must not see changing, the process-wide Parallelism setting run one at a time.</summary>
        public const string Collection = "Parallelism setting";

        public static TheoryData<Type, VectorPath> Networks => VectorPaths.Each(new[] { typeof(NetGen.Tests.Parity.LeNet5), typeof(NetGen.Tests.Parity.ResidualCnn), typeof(NetGen.Tests.Parity.WeightNormDense) });

        /// <summary>Batch 64: LeNet-5's convolutions run in blocks of 16 samples, the products split across threads; on every vector width.</summary>
        [Theory]
        [MemberData(nameof(Networks))]
        public void Training_and_inference_are_bit_identical_for_any_thread_count(Type type, VectorPath path) => VectorPaths.With(path, () => BitIdentical(type));

        private static void BitIdentical(Type type)
        {
            float[] Run(int threads, out float[] outputs, out float loss)
            {
                var saved = Parallelism.MaxDegreeOfParallelism;
                try
                {
                    Parallelism.MaxDegreeOfParallelism = threads;
                    var net = (INetwork)Activator.CreateInstance(type, 3)!;
                    int batch = 64;
                    var random = new Random(2);
                    var inputs = new float[batch * net.InputLength];
                    for (int i = 0; i < inputs.Length; i++) inputs[i] = (float)random.NextDouble();
                    var targets = new float[batch * net.OutputLength];
                    for (int n = 0; n < batch; n++) targets[n * net.OutputLength + random.Next(net.OutputLength)] = 1f;
                    var adam = new Adam(lr: 1e-2f);
                    for (int step = 0; step < 3; step++) net.TrainStep(inputs, targets, batch, adam);
                    loss = net.ComputeGradients(inputs, targets, batch);
                    outputs = new float[batch * net.OutputLength];
                    net.Forward(inputs, outputs, batch);
                    return net.Gradients.ToArray();
                }
                finally
                {
                    Parallelism.MaxDegreeOfParallelism = saved;
                }
            }

            var one = Run(1, out var outputsOne, out float lossOne);
            foreach (int threads in new[] { 2, 3 })
            {
                var many = Run(threads, out var outputsMany, out float lossMany);
                Assert.Equal(lossOne, lossMany);
                Assert.Equal(one, many);
                Assert.Equal(outputsOne, outputsMany);
            }
        }

        [Fact]
        public void A_degree_below_one_is_refused()
        {
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => Parallelism.MaxDegreeOfParallelism = 0);
            Assert.Contains("Expected MaxDegreeOfParallelism >= 1, but got 0", error.Message);
            Assert.Equal(1, Parallelism.MaxDegreeOfParallelism);
        }
    }
}
