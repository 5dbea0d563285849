using System;
using BenchmarkDotNet.Attributes;
using NetGen;

namespace NetGen.Benchmarks
{
    /// <summary>The 784-512-256-10 MLP of the performance goals (issue 9).</summary>
    [Network(1, 28, 28)]
    [Dense(512, Act.ReLU)]
    [Dense(256, Act.ReLU)]
    [Dense(10, Act.Softmax)]
    public partial class Mlp512 { }

    /// <summary>LeNet-5 exactly as the README declares it (section 6.9).</summary>
    [Network(1, 28, 28)]
    [Conv(6, k: 5, p: 2, act: Act.ReLU)] [MaxPool(2)]
    [Conv(16, k: 5, act: Act.ReLU)] [MaxPool(2)]
    [Dense(120, Act.ReLU)] [Dense(84, Act.ReLU)] [Dense(10, Act.Softmax)]
    public partial class LeNet5 { }

    /// <summary>
    /// Inference (batch 1 and 64) and one training step (batch 64; SGD with momentum, and Adam) of a classifier for 28x28
    /// images, single-threaded. Multiply-adds per sample forward: MLP 784*512 + 512*256 + 256*10 = 535,040; LeNet-5
    /// 117,600 + 240,000 + 58,920 = 416,520. benchmarks/pytorch_peers.py times PyTorch on the same work.
    /// </summary>
    [MemoryDiagnoser]
    [GenericTypeArguments(typeof(Mlp512))]
    [GenericTypeArguments(typeof(LeNet5))]
    public class NetworkBenchmarks<TNetwork>
        where TNetwork : INetwork, new()
    {
        private readonly TNetwork _net = new TNetwork();
        private readonly Sgd _sgd = new Sgd(lr: 0.01f, momentum: 0.9f);
        private readonly Adam _adam = new Adam(lr: 1e-3f);
        private float[] _inputs = Array.Empty<float>();
        private float[] _outputs = Array.Empty<float>();
        private int[] _labels = Array.Empty<int>();

        /// <summary>Parallelism.MaxDegreeOfParallelism: one thread, or both cores of the project's machine.</summary>
        [Params(1, 2)]
        public int Threads { get; set; }

        [GlobalSetup]
        public void Setup()
        {
            Parallelism.MaxDegreeOfParallelism = Threads;
            var rng = new Rng(3);
            _inputs = new float[64 * _net.InputLength];
            for (int i = 0; i < _inputs.Length; i++) _inputs[i] = (float)rng.NextDouble();
            _outputs = new float[64 * _net.OutputLength];
            _labels = new int[64];
            for (int i = 0; i < _labels.Length; i++) _labels[i] = rng.NextInt(_net.OutputLength);
        }

        [Benchmark]
        public void Forward_batch1() => _net.Forward(_inputs.AsSpan(0, _net.InputLength), _outputs.AsSpan(0, _net.OutputLength));

        [Benchmark]
        public void Forward_batch64() => _net.Forward(_inputs, _outputs, 64);

        [Benchmark]
        public float TrainStep_batch64() => _net.TrainStep(_inputs, _labels, 64, _sgd);

        [Benchmark]
        public float TrainStep_batch64_Adam() => _net.TrainStep(_inputs, _labels, 64, _adam);
    }
}
