using System;
using BenchmarkDotNet.Attributes;

namespace NetGen.Benchmarks
{
    /// <summary>
    /// LeNet-5 layer by layer (one thread), each kernel the generated BatchForward and Backward call, on the shapes and in
    /// the order they call them (issue 17's per-layer table): forward, weight gradient (with the bias gradient) and input
    /// gradient, at batch 1 and 64. <see cref="Shapes"/> picks the convolutions' instantiation: the generated code's
    /// literal shape structs, or the same shapes held in fields (<see cref="ConvGeometry"/>, the general instantiation).
    /// Multiply-adds per sample, forward: conv1 117,600, conv3 240,000, dense5 48,000, dense6 10,080, dense7 840; each
    /// gradient (weights, inputs) as many again.
    /// </summary>
    public class LayerBenchmarks
    {
        private static readonly ConvGeometry Conv1 = ConvGeometry.Of(default(LeNetShapes.Conv1));
        private static readonly ConvGeometry Conv3 = ConvGeometry.Of(default(LeNetShapes.Conv3));

        /// <summary>The batch: 1 (single-sample latency) or 64 (throughput).</summary>
        [Params(1, 64)]
        public int Batch { get; set; }

        /// <summary>"Literal": the generated shape structs; "Fields": <see cref="ConvGeometry"/>.</summary>
        [Params("Literal", "Fields")]
        public string Shapes { get; set; } = "Literal";

        private readonly float[] _p = new float[61706];
        private readonly float[] _g = new float[61706];
        private float[] _x = Array.Empty<float>(), _conv1 = Array.Empty<float>(), _pool2 = Array.Empty<float>(), _conv3 = Array.Empty<float>();
        private float[] _pool4 = Array.Empty<float>(), _dense5 = Array.Empty<float>(), _dense6 = Array.Empty<float>(), _dense7 = Array.Empty<float>();
        private float[] _dPool2 = Array.Empty<float>(), _dConv1 = Array.Empty<float>(), _dConv3 = Array.Empty<float>(), _dPool4 = Array.Empty<float>();
        private float[] _dDense5 = Array.Empty<float>(), _dDense6 = Array.Empty<float>(), _dDense7 = Array.Empty<float>();
        private readonly float[] _scratch = new float[Math.Max(Kernels.ImplicitConvScratchLength(Conv1), Kernels.ImplicitConvScratchLength(Conv3)) + 4 * 2400];
        private bool _literal;

        [GlobalSetup]
        public void Setup()
        {
            _literal = Shapes == "Literal";
            int n = Batch;
            _x = new float[n * 784]; _conv1 = new float[n * 4704]; _pool2 = new float[n * 1176]; _conv3 = new float[n * 1600];
            _pool4 = new float[n * 400]; _dense5 = new float[n * 120]; _dense6 = new float[n * 84]; _dense7 = new float[n * 10];
            _dConv1 = new float[n * 4704]; _dPool2 = new float[n * 1176]; _dConv3 = new float[n * 1600]; _dPool4 = new float[n * 400];
            _dDense5 = new float[n * 120]; _dDense6 = new float[n * 84]; _dDense7 = new float[n * 10];
            var random = new Random(2);
            for (int i = 0; i < _p.Length; i++) _p[i] = (float)(random.NextDouble() - 0.5) * 0.2f;
            for (int i = 0; i < _x.Length; i++) _x[i] = (float)random.NextDouble();
            for (int i = 0; i < _dDense7.Length; i++) _dDense7[i] = (float)(random.NextDouble() - 0.5);
            Forward();
            Backward();
        }

        /// <summary>Every layer's forward in order, as BatchForward runs them (without the generated pass around them).</summary>
        [Benchmark]
        public void Forward()
        {
            Conv1Forward();
            Pool2();
            Conv3Forward();
            Pool4();
            Dense5();
            Dense6();
            Dense7();
        }

        /// <summary>Every layer's backward in order, as Backward runs them.</summary>
        [Benchmark]
        public void Backward()
        {
            Dense7Backward();
            Dense6Backward();
            Dense5Backward();
            Pool4Backward();
            Conv3WeightGradient();
            Conv3InputGradient();
            Pool2Backward();
            Conv1WeightGradient();
        }

        [Benchmark]
        public void Conv1Forward()
        {
            if (_literal) Kernels.ConvImplicitBatch(default(LeNetShapes.Conv1), false, _p.AsSpan(0, 150), _p.AsSpan(150, 6), _x, _conv1, Batch, _scratch, relu: true);
            else Kernels.ConvImplicitBatch(in Conv1, false, _p.AsSpan(0, 150), _p.AsSpan(150, 6), _x, _conv1, Batch, _scratch, relu: true);
        }

        [Benchmark]
        public void Pool2() => Kernels.MaxPool2x2Forward(_conv1, _pool2, Batch * 6, 28, 28);

        [Benchmark]
        public void Conv3Forward()
        {
            if (_literal) Kernels.ConvImplicitBatch(default(LeNetShapes.Conv3), false, _p.AsSpan(156, 2400), _p.AsSpan(2556, 16), _pool2, _conv3, Batch, _scratch, relu: true);
            else Kernels.ConvImplicitBatch(in Conv3, false, _p.AsSpan(156, 2400), _p.AsSpan(2556, 16), _pool2, _conv3, Batch, _scratch, relu: true);
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

        /// <summary>dense7's weight, bias and input gradients (the loss's delta given).</summary>
        [Benchmark]
        public void Dense7Backward()
            => Kernels.DenseBackwardBatch(_p.AsSpan(60856, 840), _dense6, _dDense7, _g.AsSpan(60856, 840), _g.AsSpan(61696, 10), _dDense6, Batch, 84, 10);

        [Benchmark]
        public void Dense6Backward()
        {
            Kernels.ReLUBackward(_dense6, _dDense6);
            Kernels.DenseBackwardBatch(_p.AsSpan(50692, 10080), _dense5, _dDense6, _g.AsSpan(50692, 10080), _g.AsSpan(60772, 84), _dDense5, Batch, 120, 84);
        }

        [Benchmark]
        public void Dense5Backward()
        {
            Kernels.ReLUBackward(_dense5, _dDense5);
            Kernels.DenseBackwardBatch(_p.AsSpan(2572, 48000), _pool4, _dDense5, _g.AsSpan(2572, 48000), _g.AsSpan(50572, 120), _dPool4, Batch, 400, 120);
        }

        [Benchmark]
        public void Pool4Backward() => Kernels.MaxPool2x2Backward(_conv3, _dPool4, _dConv3, Batch * 16, 10, 10);

        /// <summary>conv3's ReLU derivative, weight gradient and bias gradient.</summary>
        [Benchmark]
        public void Conv3WeightGradient()
        {
            Kernels.ReLUBackward(_conv3, _dConv3);
            if (_literal) Kernels.ConvWeightGradientImplicit(default(LeNetShapes.Conv3), _pool2, _dConv3, _g.AsSpan(156, 2400), Batch, _scratch);
            else Kernels.ConvWeightGradientImplicit(in Conv3, _pool2, _dConv3, _g.AsSpan(156, 2400), Batch, _scratch);
            for (int n = 0; n < Batch; n++) Kernels.ChannelBiasGradient(_dConv3.AsSpan(n * 1600, 1600), _g.AsSpan(2556, 16), 100);
        }

        [Benchmark]
        public void Conv3InputGradient()
        {
            if (_literal) Kernels.ConvImplicitBatch(default(LeNetShapes.Conv3), true, _p.AsSpan(156, 2400), default, _dConv3, _dPool2, Batch, _scratch);
            else Kernels.ConvImplicitBatch(in Conv3, true, _p.AsSpan(156, 2400), default, _dConv3, _dPool2, Batch, _scratch);
        }

        [Benchmark]
        public void Pool2Backward() => Kernels.MaxPool2x2Backward(_conv1, _dPool2, _dConv1, Batch * 6, 28, 28);

        /// <summary>conv1's ReLU derivative, weight gradient and bias gradient (no input gradient: it reads the network's input).</summary>
        [Benchmark]
        public void Conv1WeightGradient()
        {
            Kernels.ReLUBackward(_conv1, _dConv1);
            if (_literal) Kernels.ConvWeightGradientImplicit(default(LeNetShapes.Conv1), _x, _dConv1, _g.AsSpan(0, 150), Batch, _scratch);
            else Kernels.ConvWeightGradientImplicit(in Conv1, _x, _dConv1, _g.AsSpan(0, 150), Batch, _scratch);
            for (int n = 0; n < Batch; n++) Kernels.ChannelBiasGradient(_dConv1.AsSpan(n * 4704, 4704), _g.AsSpan(150, 6), 784);
        }
    }
}
