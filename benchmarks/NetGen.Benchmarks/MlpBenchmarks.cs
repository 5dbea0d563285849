using System;
using BenchmarkDotNet.Attributes;
using NetGen;

namespace NetGen.Benchmarks
{
    /// <summary>The 784-128-64-10 classifier of the snapshot tests.</summary>
    [Network(1, 28, 28)]
    [Dense(128, Act.ReLU)]
    [Dense(64, Act.ReLU)]
    [Dense(10, Act.Softmax)]
    public partial class MnistMlp { }

    /// <summary>
    /// Inference (batch 1 and 64) and one SGD training step (batch 64) of a 784-128-64-10 MLP, single-threaded.
    /// Multiply-adds per sample: 784*128 + 128*64 + 64*10 = 109,184 forward; a training step does about 3x that
    /// (forward, weight gradients, input deltas of layers 2 and 3). benchmarks/pytorch_mlp.py times PyTorch on the same work.
    /// </summary>
    [MemoryDiagnoser]
    public class MlpBenchmarks
    {
        private readonly MnistMlp _net = new MnistMlp(1);
        private readonly Sgd _sgd = new Sgd(lr: 0.01f, momentum: 0.9f);
        private float[] _inputs = Array.Empty<float>();
        private float[] _outputs = Array.Empty<float>();
        private int[] _labels = Array.Empty<int>();

        [GlobalSetup]
        public void Setup()
        {
            var rng = new Rng(3);
            _inputs = new float[64 * MnistMlp.InputLength];
            for (int i = 0; i < _inputs.Length; i++) _inputs[i] = (float)rng.NextDouble();
            _outputs = new float[64 * MnistMlp.OutputLength];
            _labels = new int[64];
            for (int i = 0; i < _labels.Length; i++) _labels[i] = rng.NextInt(10);
        }

        [Benchmark]
        public void Forward_batch1() => _net.Forward(_inputs.AsSpan(0, MnistMlp.InputLength), _outputs.AsSpan(0, MnistMlp.OutputLength));

        [Benchmark]
        public void Forward_batch64() => _net.Forward(_inputs, _outputs, 64);

        [Benchmark]
        public float TrainStep_batch64() => _net.TrainStep(_inputs, _labels, 64, _sgd);
    }
}
