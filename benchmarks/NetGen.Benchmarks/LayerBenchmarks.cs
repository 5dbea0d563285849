using System;
using BenchmarkDotNet.Attributes;

namespace NetGen.Benchmarks
{
    /// <summary>
    /// LeNet-5's batched inference (batch 64, one thread) layer by layer: each kernel the generated BatchForward calls,
    /// on the shapes and in the order it calls them (issue 17's per-layer table). Multiply-adds per sample: conv1
    /// 117,600, conv3 240,000, dense5 48,000, dense6 10,080, dense7 840.
    /// </summary>
    public class LayerBenchmarks
    {
        private const int Batch = 64;

        private static readonly ConvGeometry Conv1 = new ConvGeometry(channels: 1, filters: 6, input: (1, 28, 28), output: (1, 28, 28),
            kernel: (1, 5, 5), stride: (1, 1, 1), padding: (0, 2, 2), dilation: (1, 1, 1));

        private static readonly ConvGeometry Conv3 = new ConvGeometry(channels: 6, filters: 16, input: (1, 14, 14), output: (1, 10, 10),
            kernel: (1, 5, 5), stride: (1, 1, 1), padding: (0, 0, 0), dilation: (1, 1, 1));

        private readonly float[] _p = new float[61706];
        private readonly float[] _x = new float[Batch * 784];
        private readonly float[] _conv1 = new float[Batch * 4704];
        private readonly float[] _pool2 = new float[Batch * 1176];
        private readonly float[] _conv3 = new float[Batch * 1600];
        private readonly float[] _pool4 = new float[Batch * 400];
        private readonly float[] _dense5 = new float[Batch * 120];
        private readonly float[] _dense6 = new float[Batch * 84];
        private readonly float[] _dense7 = new float[Batch * 10];
        private readonly float[] _scratch = new float[Math.Max(Kernels.ImplicitConvScratchLength(Conv1), Kernels.ImplicitConvScratchLength(Conv3))];

        [GlobalSetup]
        public void Setup()
        {
            var random = new Random(2);
            for (int i = 0; i < _p.Length; i++) _p[i] = (float)(random.NextDouble() - 0.5) * 0.2f;
            for (int i = 0; i < _x.Length; i++) _x[i] = (float)random.NextDouble();
            All();
        }

        /// <summary>Every layer in order, as BatchForward runs them (without the generated pass around them).</summary>
        [Benchmark]
        public void All()
        {
            Conv1Forward();
            Pool2();
            Conv3Forward();
            Pool4();
            Dense5();
            Dense6();
            Dense7();
        }

        [Benchmark]
        public void Conv1Forward()
        {
            Kernels.ConvImplicitBatch(in Conv1, false, _p.AsSpan(0, 150), _p.AsSpan(150, 6), _x, _conv1, Batch, _scratch);
            Kernels.ReLU(_conv1);
        }

        [Benchmark]
        public void Pool2() => Kernels.MaxPool2x2Forward(_conv1, _pool2, Batch * 6, 28, 28);

        [Benchmark]
        public void Conv3Forward()
        {
            Kernels.ConvImplicitBatch(in Conv3, false, _p.AsSpan(156, 2400), _p.AsSpan(2556, 16), _pool2, _conv3, Batch, _scratch);
            Kernels.ReLU(_conv3);
        }

        [Benchmark]
        public void Pool4() => Kernels.MaxPool2x2Forward(_conv3, _pool4, Batch * 16, 10, 10);

        [Benchmark]
        public void Dense5()
        {
            Kernels.DenseForwardBatch(_p.AsSpan(2572, 48000), _p.AsSpan(50572, 120), _pool4, _dense5, Batch, 400, 120);
            Kernels.ReLU(_dense5);
        }

        [Benchmark]
        public void Dense6()
        {
            Kernels.DenseForwardBatch(_p.AsSpan(50692, 10080), _p.AsSpan(60772, 84), _dense5, _dense6, Batch, 120, 84);
            Kernels.ReLU(_dense6);
        }

        [Benchmark]
        public void Dense7()
        {
            Kernels.DenseForwardBatch(_p.AsSpan(60856, 840), _p.AsSpan(61696, 10), _dense6, _dense7, Batch, 84, 10);
            for (int n = 0; n < Batch; n++) Kernels.Softmax(_dense7.AsSpan(n * 10, 10));
        }
    }
}
