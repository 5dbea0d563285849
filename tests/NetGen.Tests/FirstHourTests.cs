using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using Xunit;

namespace NetGen.Tests.FirstHour
{
    /// <summary>The new user's network that crashed batched inference: dropout after a convolution.</summary>
    [Network(1, 8, 8)] [Conv(4, k: 3)] [Dropout(0.2)] [Dense(2)]
    public partial class ConvDrop { }

    /// <summary>1-D convolutions, pooling and both dropouts, so every kind runs in 1-D too.</summary>
    [Network(2, 40)]
    [Conv(4, k: 3, p: 1, act: Act.ELU)] [AlphaDropout(0.1)] [AvgPool(2)] [Conv(4, k: 3, act: Act.ReLU)] [MaxPool(2)]
    [Dropout(0.3)] [GaussianNoise(0.2)] [Dense(3, Act.Sigmoid)]
    public partial class Conv1dDrop { }

    /// <summary>Two heads after dropout: the chunked copy writes every head of every sample.</summary>
    [Network(6)]
    [Dense(12, Act.ReLU, Name = "trunk")] [Dropout(0.5)]
    [Dense(3, Act.Softmax, Name = "first", Output = true)]
    [Dense(2, From = "trunk")]
    public partial class TwoHeadsDrop { }
}

namespace NetGen.Tests
{
    /// <summary>
    /// The defects a new user met in the first hour (issue 15): batched inference must not depend on what was trained
    /// before, and a thread's inference storage stays bounded whatever the batch. In the Parallelism collection: large
    /// batches keep the shared helper threads busy, which would make another test's caller run (and size) the work itself.
    /// </summary>
    [Collection(ParallelismTests.Collection)]
    public class FirstHourTests
    {
        public static IEnumerable<object[]> Networks => new[]
        {
            new object[] { typeof(FirstHour.ConvDrop) },
            new object[] { typeof(FirstHour.Conv1dDrop) },
            new object[] { typeof(FirstHour.TwoHeadsDrop) },
            new object[] { typeof(Weights.EveryKind) }, // every layer kind in one network
            new object[] { typeof(Parity.LeNet5) },
        };

        private static float[] Random(int length, int seed)
        {
            var random = new Random(seed);
            var values = new float[length];
            for (int i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
            return values;
        }

        /// <summary>Batched Forward equals one Forward per sample, on a fresh instance (never trained) and on one loaded from a file.</summary>
        [Theory]
        [MemberData(nameof(Networks))]
        public void Batched_inference_equals_per_sample_inference_on_fresh_and_loaded_instances(Type type)
        {
            var fresh = (INetwork)Activator.CreateInstance(type, 3)!;
            AssertBatchedEqualsPerSample(fresh, "fresh");

            // a trained network's file, loaded into a new instance that has never run a batch
            var trained = (INetwork)Activator.CreateInstance(type, 4)!;
            int trainBatch = 2;
            var targets = new float[trainBatch * trained.OutputLength];
            for (int i = 0; i < targets.Length; i++) targets[i] = i % 2;
            for (int step = 0; step < 3; step++) trained.TrainStep(Random(trainBatch * trained.InputLength, step), targets, trainBatch, new Sgd(lr: 0.01f));
            using var file = new MemoryStream();
            trained.Save(file);
            file.Position = 0;
            var loaded = (INetwork)Activator.CreateInstance(type, 5)!;
            loaded.Load(file);
            AssertBatchedEqualsPerSample(loaded, "loaded");
        }

        private static void AssertBatchedEqualsPerSample(INetwork net, string which)
        {
            // 3 samples, and more samples than one chunk of batched inference holds for the smaller networks
            foreach (int batch in new[] { 3, 700 })
            {
                var inputs = Random(batch * net.InputLength, batch);
                var batched = new float[batch * net.OutputLength];
                net.Forward(inputs, batched, batch);
                var single = new float[batch * net.OutputLength];
                for (int n = 0; n < batch; n++) net.Forward(inputs.AsSpan(n * net.InputLength, net.InputLength), single.AsSpan(n * net.OutputLength, net.OutputLength));
                ParityTests.AssertClose(single, batched, which + " " + net.GetType().Name + ", batch " + batch, 1e-5);
            }
        }

        /// <summary>
        /// LeNet-5 at batch 1,024 used to keep 33 MB per thread for the life of the thread; batched inference now runs in
        /// chunks whose storage is at most 4 MiB (KernelChoices.InferenceBlockValues floats) plus small scratch.
        /// </summary>
        [Fact]
        public void Batched_inference_storage_per_thread_is_bounded_whatever_the_batch()
        {
            var net = new Parity.LeNet5(1);
            int batch = 1024;
            var inputs = Random(batch * Parity.LeNet5.InputLength, 7);
            var outputs = new float[batch * Parity.LeNet5.OutputLength];
            long allocated = 0;
            var thread = new Thread(() =>
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                net.Forward(inputs, outputs, batch);
                net.Forward(inputs, outputs, batch);
                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            });
            thread.Start();
            thread.Join();
            Assert.True(allocated <= 4.5 * 1024 * 1024, "batched inference of 1,024 samples allocated " + allocated + " bytes on its thread");

            // and the chunks give the per-sample results
            var single = new float[Parity.LeNet5.OutputLength];
            foreach (int n in new[] { 0, 129, 1023 })
            {
                net.Forward(inputs.AsSpan(n * Parity.LeNet5.InputLength, Parity.LeNet5.InputLength), single);
                ParityTests.AssertClose(single, outputs.AsSpan(n * Parity.LeNet5.OutputLength, Parity.LeNet5.OutputLength).ToArray(), "sample " + n, 1e-5);
            }
        }
    }
}
