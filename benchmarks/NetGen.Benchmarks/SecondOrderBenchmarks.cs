using System;
using BenchmarkDotNet.Attributes;
using NetGen;

namespace NetGen.Benchmarks
{
    /// <summary>
    /// Second derivatives (issue 20) of LeNet-5 at batch 64, one thread: a Hessian-vector product by the R-operator and LeCun's
    /// diagonal, beside ComputeGradients, the backward pass they build on. benchmarks/pytorch_peers.py times PyTorch's
    /// torch.autograd.functional.hvp (double backward through autograd) on the same work.
    /// </summary>
    [MemoryDiagnoser]
    public class SecondOrderBenchmarks
    {
        private readonly LeNet5 _net = new LeNet5();
        private float[] _inputs = Array.Empty<float>();
        private int[] _labels = Array.Empty<int>();
        private float[] _direction = Array.Empty<float>();
        private float[] _result = Array.Empty<float>();

        [GlobalSetup]
        public void Setup()
        {
            Parallelism.MaxDegreeOfParallelism = 1;
            var rng = new Rng(3);
            _inputs = new float[64 * LeNet5.InputLength];
            for (int i = 0; i < _inputs.Length; i++) _inputs[i] = (float)rng.NextDouble();
            _labels = new int[64];
            for (int i = 0; i < _labels.Length; i++) _labels[i] = rng.NextInt(LeNet5.OutputLength);
            _direction = new float[LeNet5.ParameterCount];
            for (int i = 0; i < _direction.Length; i++) _direction[i] = (float)rng.NextDouble() - 0.5f;
            _result = new float[LeNet5.ParameterCount];
        }

        [Benchmark(Baseline = true)]
        public float ComputeGradients_batch64() => _net.ComputeGradients(_inputs, _labels, 64);

        [Benchmark]
        public void HessianVectorProduct_batch64() => _net.HessianVectorProduct(_inputs, _labels, 64, _direction, _result);

        [Benchmark]
        public void HessianDiagonal_batch64() => _net.HessianDiagonal(_inputs, _labels, 64, _result);
    }
}
