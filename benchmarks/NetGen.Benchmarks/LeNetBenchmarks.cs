using System;
using BenchmarkDotNet.Attributes;
using NetGen;

namespace NetGen.Benchmarks
{
    /// <summary>LeNet-5 exactly as DESIGN.md declares it (section 6.9).</summary>
    [Network(1, 28, 28)]
    [Conv(6, k: 5, p: 2, act: Act.ReLU)] [MaxPool(2)]
    [Conv(16, k: 5, act: Act.ReLU)] [MaxPool(2)]
    [Dense(120, Act.ReLU)] [Dense(84, Act.ReLU)] [Dense(10, Act.Softmax)]
    public partial class LeNet5 { }

    /// <summary>
    /// LeNet-5 inference (batch 1 and 64) and one SGD training step (batch 64), single-threaded. Multiply-adds per
    /// sample: conv1 6*28*28*25 = 117,600; conv3 16*10*10*150 = 240,000; dense 48,000 + 10,080 + 840: 416,520 forward.
    /// benchmarks/pytorch_lenet.py times PyTorch on the same work.
    /// </summary>
    [MemoryDiagnoser]
    public class LeNetBenchmarks
    {
        private readonly LeNet5 _net = new LeNet5(1);
        private readonly Sgd _sgd = new Sgd(lr: 0.01f, momentum: 0.9f);
        private float[] _inputs = Array.Empty<float>();
        private float[] _outputs = Array.Empty<float>();
        private int[] _labels = Array.Empty<int>();

        [GlobalSetup]
        public void Setup()
        {
            var rng = new Rng(3);
            _inputs = new float[64 * LeNet5.InputLength];
            for (int i = 0; i < _inputs.Length; i++) _inputs[i] = (float)rng.NextDouble();
            _outputs = new float[64 * LeNet5.OutputLength];
            _labels = new int[64];
            for (int i = 0; i < _labels.Length; i++) _labels[i] = rng.NextInt(10);
        }

        [Benchmark]
        public void Forward_batch1() => _net.Forward(_inputs.AsSpan(0, LeNet5.InputLength), _outputs.AsSpan(0, LeNet5.OutputLength));

        [Benchmark]
        public void Forward_batch64() => _net.Forward(_inputs, _outputs, 64);

        [Benchmark]
        public float TrainStep_batch64() => _net.TrainStep(_inputs, _labels, 64, _sgd);
    }
}
