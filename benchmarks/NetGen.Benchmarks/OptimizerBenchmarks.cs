using System;
using BenchmarkDotNet.Attributes;
using NetGen;

namespace NetGen.Benchmarks
{
    /// <summary>One optimizer step on 1,048,576 parameters, single-threaded; benchmarks/pytorch_optimizers.py times torch.optim on the same.</summary>
    [MemoryDiagnoser]
    public class OptimizerBenchmarks
    {
        private const int Length = 1 << 20;
        private float[] _parameters = Array.Empty<float>();
        private float[] _gradients = Array.Empty<float>();
        private IOptimizer _optimizer = new Sgd(0.01f);

        [Params("Sgd", "SgdMomentum", "Adam", "AdamW", "AdaGrad", "RmsProp", "AdaDelta", "Rprop", "DeltaBarDelta", "Quickprop")]
        public string Optimizer { get; set; } = "Sgd";

        [GlobalSetup]
        public void Setup()
        {
            var rng = new Rng(1);
            _parameters = new float[Length];
            _gradients = new float[Length];
            for (int i = 0; i < Length; i++)
            {
                _parameters[i] = (float)rng.NextNormal();
                _gradients[i] = (float)rng.NextNormal() * 1e-3f;
            }

            _optimizer = Optimizer switch
            {
                "Sgd" => new Sgd(0.01f),
                "SgdMomentum" => new Sgd(0.01f, momentum: 0.9f, weightDecay: 1e-4f),
                "Adam" => new Adam(),
                "AdamW" => new AdamW(),
                "AdaGrad" => new AdaGrad(),
                "RmsProp" => new RmsProp(),
                "AdaDelta" => new AdaDelta(),
                "Rprop" => new Rprop(),
                "DeltaBarDelta" => new DeltaBarDelta(),
                _ => new Quickprop(),
            };
            _optimizer.Step(_parameters, _gradients); // state sized on the first step
        }

        [Benchmark]
        public void Step() => _optimizer.Step(_parameters, _gradients);
    }
}
