using System;
using System.Linq;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>
    /// The two algorithms the emitter chooses between compute the same numbers: direct loops (used where the im2col
    /// matrix would be too large) against im2col + matrix products (checked by the gradient and PyTorch tests).
    /// </summary>
    [Collection(ParallelismTests.Collection)] // some tests set Parallelism.MaxDegreeOfParallelism, which the other classes of the collection read
    public class ConvKernelTests
    {
        public static TheoryData<int, int, int, int, int, int, int> Geometries => new TheoryData<int, int, int, int, int, int, int>
        {
            // channels, filters, height, width, kernel, stride, padding (dilation 1 and 2 each)
            { 1, 6, 12, 12, 5, 1, 2 },
            { 3, 4, 9, 7, 3, 2, 1 },
            { 2, 3, 8, 8, 3, 1, 0 },
            { 2, 2, 10, 6, 2, 3, 1 },
            { 3, 5, 7, 9, 3, 1, 0 },
        };

        [Theory]
        [MemberData(nameof(Geometries))]
        public void Direct_and_im2col_kernels_agree(int c, int f, int h, int w, int k, int s, int p)
        {
            foreach (int d in new[] { 1, 2 })
            {
                int oh = (h + 2 * p - d * (k - 1) - 1) / s + 1, ow = (w + 2 * p - d * (k - 1) - 1) / s + 1;
                var g = new ConvGeometry(c, f, (1, h, w), (1, oh, ow), (1, k, k), (1, s, s), (0, p, p), (1, d, d));
                var random = new Random(c * 100 + f * 10 + k + d);
                float[] Random(int n) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
                var x = Random(g.InputLength);
                var weights = Random(f * c * k * k);
                var bias = Random(f);
                var dy = Random(g.OutputLength);
                var columns = new float[g.C * g.KD * g.KH * g.KW * g.OD * g.OH * g.OW]; // taps x output positions

                var y1 = new float[g.OutputLength];
                var y2 = new float[g.OutputLength];
                Kernels.ConvForward(g, weights, bias, x, y1);
                Kernels.ConvForwardColumns(g, weights, bias, x, y2, columns);
                AssertClose(y1, y2);
                if (s == 1)
                {
                    // the shifted-rows product over the padded input, with a scratch of exactly the size it asks for
                    var y3 = new float[g.OutputLength];
                    var scratch = new float[Kernels.ImplicitConvScratchLength(g)];
                    Kernels.ConvForwardImplicit(g, weights, bias, x, y3, scratch);
                    AssertClose(y1, y3);

                    // the batch's weight gradient at once: three samples, summed, added to what dw held
                    var xs = Random(3 * g.InputLength);
                    var dys = Random(3 * g.OutputLength);
                    var expected = Random(weights.Length);
                    var actual = expected.ToArray();
                    for (int n = 0; n < 3; n++) Kernels.ConvWeightGradient(g, xs.AsSpan(n * g.InputLength, g.InputLength), dys.AsSpan(n * g.OutputLength, g.OutputLength), expected);
                    Kernels.ConvWeightGradientImplicit(g, xs, dys, actual, 3, scratch);
                    AssertClose(expected, actual);
                    Assert.Throws<ArgumentException>(() => Kernels.ConvWeightGradientImplicit(g, xs, dys, actual, 3, new float[1]));

                    // the input gradient with whole-row additions on the padded grid
                    var dx3 = Random(g.InputLength);
                    Kernels.ConvBackwardInputImplicit(g, weights, dy, dx3, scratch);
                    var dxDirect = new float[g.InputLength];
                    Kernels.ConvBackwardInput(g, weights, dy, dxDirect);
                    AssertClose(dxDirect, dx3);
                }

                var dw1 = new float[weights.Length];
                var dw2 = new float[weights.Length];
                Kernels.ConvWeightGradient(g, x, dy, dw1);
                Kernels.ConvWeightGradientColumns(g, x, dy, dw2, columns);
                AssertClose(dw1, dw2);

                var dx1 = Random(g.InputLength);
                var dx2 = Random(g.InputLength);
                Kernels.ConvBackwardInput(g, weights, dy, dx1);
                Kernels.ConvBackwardInputColumns(g, weights, dy, dx2, columns);
                AssertClose(dx1, dx2);
            }
        }

        /// <summary>
        /// Long rows (a 28x28 map, LeNet-5's first layer; maps of 20x20 and 18x18 with several channels, filters and taps that
        /// do not fill the 4x6 and 2x3 blocks) take the weight gradient's lane-sum kernel: every vector width gives the same
        /// bits, and the sums agree with the direct loops.
        /// </summary>
        [Theory]
        [InlineData(1, 6, 28, 5, 2)]
        [InlineData(3, 4, 20, 3, 1)]
        [InlineData(2, 7, 18, 3, 0)]
        public void The_lane_sum_weight_gradient_gives_the_same_bits_on_every_vector_path(int c, int f, int size, int k, int p)
        {
            int o = size + 2 * p - k + 1;
            var g = new ConvGeometry(c, f, (1, size, size), (1, o, o), (1, k, k), (1, 1, 1), (0, p, p), (1, 1, 1));
            var random = new Random(size);
            float[] Random(int n) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            const int batch = 9; // chunks of 2, 2, 2 and 3 samples
            var xs = Random(batch * g.InputLength);
            var dys = Random(batch * g.OutputLength);
            var start = Random(f * c * k * k);
            var expected = start.ToArray();
            for (int n = 0; n < batch; n++) Kernels.ConvWeightGradient(g, xs.AsSpan(n * g.InputLength, g.InputLength), dys.AsSpan(n * g.OutputLength, g.OutputLength), expected);

            float[]? first = null;
            var saved = Gemm.Path;
            try
            {
                foreach (var path in new[] { VectorPath.Vector512, VectorPath.Vector256, VectorPath.Scalar })
                {
                    Gemm.Path = path;
                    var actual = start.ToArray();
                    Kernels.ConvWeightGradientImplicit(g, xs, dys, actual, batch, new float[Kernels.ImplicitConvScratchLength(g)]);
                    AssertClose(expected, actual, tolerance: 1e-4f); // sums of thousands of products in another order

                    if (first is null) first = actual;
                    else Assert.Equal(first.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
                }
            }
            finally
            {
                Gemm.Path = saved;
            }
        }

        /// <summary>A dilated, strided 2-D convolution with literal sizes (the direct and im2col kernels' shape).</summary>
        private readonly struct Strided : IConvShape
        {
            public int C => 3; public int F => 5;
            public int ID => 1; public int IH => 11; public int IW => 9;
            public int OD => 1; public int OH => 4; public int OW => 3;
            public int KD => 1; public int KH => 3; public int KW => 3;
            public int SD => 1; public int SH => 2; public int SW => 2;
            public int PD => 0; public int PH => 1; public int PW => 0;
            public int DD => 1; public int DH => 2; public int DW => 2;
            public int InputLength => 297; public int OutputLength => 60;
        }

        /// <summary>
        /// Generated code calls the kernels with a layer's literal shape struct, so the JIT compiles them for that layer alone;
        /// the field-held <see cref="ConvGeometry"/> of the same shape is the general instantiation. Every kernel gives the
        /// same bits through both, on every vector path, for a batch of 5 (the LeNet-5 conv1 shape takes the lane-sum weight
        /// gradient, the strided one the direct loops and im2col).
        /// </summary>
        [Fact]
        public void Literal_shape_instantiations_give_the_same_bits_as_the_general_one()
        {
            var saved = Gemm.Path;
            try
            {
                foreach (var path in new[] { VectorPath.Vector512, VectorPath.Vector256, VectorPath.Scalar })
                {
                    Gemm.Path = path;
                    CompareInstantiations(default(LeNetShapes.Conv1), implicitKernels: true);
                    CompareInstantiations(default(Strided), implicitKernels: false);
                }
            }
            finally
            {
                Gemm.Path = saved;
            }
        }

        /// <summary>
        /// A batch of 70 (four blocks of 16 samples side by side, 6 samples alone) through the batch kernels gives every sample
        /// the same bits as the one-sample kernels, forward (with and without the fused ReLU) and input gradient, on every
        /// vector path and with one or two threads (which split the batch elsewhere); the batch's weight gradient (blocks of
        /// each chunk of samples, then the rest one by one) agrees with the direct loops and does not depend on the threads.
        /// </summary>
        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        public void Sample_blocks_give_each_sample_the_bits_of_the_one_sample_kernels(int threads)
        {
            Assert.True(Kernels.UsesBlocks(default(LeNetShapes.Conv1)));
            Assert.True(Kernels.UsesBlocks(default(LeNetShapes.Conv3)));
            // a block of 16 samples of 64 filters over 112 x 112 would take 13 M values: per sample
            Assert.False(Kernels.UsesBlocks(new ConvGeometry(3, 64, (1, 112, 112), (1, 112, 112), (1, 3, 3), (1, 1, 1), (0, 1, 1), (1, 1, 1))));
            CheckBlocks(default(LeNetShapes.Conv1), threads); // padded
            CheckBlocks(default(LeNetShapes.Conv3), threads);
        }

        private static void CheckBlocks<TShape>(TShape g, int threads)
            where TShape : struct, IConvShape
        {
            const int batch = 70; // the weight gradient's 4 chunks: 17 or 18 samples, a block and the rest
            var random = new Random(37);
            float[] Random(int n) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var x = Random(batch * g.InputLength);
            var dy = Random(batch * g.OutputLength);
            var w = Random(g.F * g.C * g.KH * g.KW);
            var b = Random(g.F);
            var scratch = new float[Kernels.ImplicitConvScratchLength(g)];
            var savedPath = Gemm.Path;
            int savedThreads = Parallelism.MaxDegreeOfParallelism;
            try
            {
                Parallelism.MaxDegreeOfParallelism = threads;
                foreach (var path in new[] { VectorPath.Vector512, VectorPath.Vector256, VectorPath.Scalar })
                {
                    Gemm.Path = path;
                    foreach (bool relu in new[] { false, true })
                    {
                        var expected = new float[batch * g.OutputLength];
                        for (int n = 0; n < batch; n++) Kernels.ConvForwardImplicit(g, w, b, x.AsSpan(n * g.InputLength, g.InputLength), expected.AsSpan(n * g.OutputLength, g.OutputLength), scratch, relu);
                        var actual = new float[expected.Length];
                        Kernels.ConvImplicitBatch(g, false, w, b, x, actual, batch, scratch, relu);
                        Assert.True(expected.Select(BitConverter.SingleToInt32Bits).SequenceEqual(actual.Select(BitConverter.SingleToInt32Bits)), $"{path} forward, relu {relu}");
                        if (relu) Assert.Contains(0f, actual);
                    }

                    var dxExpected = new float[batch * g.InputLength];
                    for (int n = 0; n < batch; n++) Kernels.ConvBackwardInputImplicit(g, w, dy.AsSpan(n * g.OutputLength, g.OutputLength), dxExpected.AsSpan(n * g.InputLength, g.InputLength), scratch);
                    var dxActual = new float[dxExpected.Length];
                    Kernels.ConvImplicitBatch(g, true, w, default, dy, dxActual, batch, scratch);
                    Assert.True(dxExpected.Select(BitConverter.SingleToInt32Bits).SequenceEqual(dxActual.Select(BitConverter.SingleToInt32Bits)), $"{path} input gradient");

                    // the weight gradient sums blocks in another order: close to the direct loops, and the same bits for 1 and 2 threads
                    var dwExpected = new float[w.Length];
                    for (int n = 0; n < batch; n++) Kernels.ConvWeightGradient(g, x.AsSpan(n * g.InputLength, g.InputLength), dy.AsSpan(n * g.OutputLength, g.OutputLength), dwExpected);
                    var dwByThreads = new[] { 1, 2 }.Select(t =>
                    {
                        Parallelism.MaxDegreeOfParallelism = t;
                        var dw = new float[w.Length];
                        Kernels.ConvWeightGradientImplicit(g, x, dy, dw, batch, new float[Kernels.ImplicitConvScratchLength(g)]);
                        return dw;
                    }).ToArray();
                    Parallelism.MaxDegreeOfParallelism = threads;
                    AssertClose(dwExpected, dwByThreads[0], tolerance: 1e-4f);
                    Assert.True(dwByThreads[0].Select(BitConverter.SingleToInt32Bits).SequenceEqual(dwByThreads[1].Select(BitConverter.SingleToInt32Bits)), $"{path} weight gradient, 1 and 2 threads");
                }
            }
            finally
            {
                Gemm.Path = savedPath;
                Parallelism.MaxDegreeOfParallelism = savedThreads;
            }
        }

        private static void CompareInstantiations<TShape>(TShape literal, bool implicitKernels)
            where TShape : struct, IConvShape
        {
            var fields = ConvGeometry.Of(literal);
            Assert.Equal((literal.InputLength, literal.OutputLength), (fields.InputLength, fields.OutputLength));
            const int batch = 5;
            var random = new Random(literal.F);
            float[] Random(int n) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var x = Random(batch * literal.InputLength);
            var dy = Random(batch * literal.OutputLength);
            var w = Random(literal.F * literal.C * literal.KH * literal.KW);
            var b = Random(literal.F);
            int taps = literal.C * literal.KH * literal.KW, columnsLength = taps * literal.OH * literal.OW;
            var scratch = new float[Math.Max(Kernels.ImplicitConvScratchLength(fields), columnsLength) + 4 * w.Length];

            // each kernel through the literal shape (a) and the fields (b): outputs, weight gradients, input gradients
            var runs = new (string Name, Action<float[]> Literal, Action<float[]> Fields, int Length)[]
            {
                ("direct forward", o => Kernels.ConvForward(literal, w, b, x.AsSpan(0, literal.InputLength), o), o => Kernels.ConvForward(fields, w, b, x.AsSpan(0, literal.InputLength), o), literal.OutputLength),
                ("direct weight gradient", o => Kernels.ConvWeightGradient(literal, x.AsSpan(0, literal.InputLength), dy.AsSpan(0, literal.OutputLength), o), o => Kernels.ConvWeightGradient(fields, x.AsSpan(0, literal.InputLength), dy.AsSpan(0, literal.OutputLength), o), w.Length),
                ("direct input gradient", o => Kernels.ConvBackwardInput(literal, w, dy.AsSpan(0, literal.OutputLength), o), o => Kernels.ConvBackwardInput(fields, w, dy.AsSpan(0, literal.OutputLength), o), literal.InputLength),
                ("im2col forward", o => Kernels.ConvForwardColumns(literal, w, b, x.AsSpan(0, literal.InputLength), o, scratch), o => Kernels.ConvForwardColumns(fields, w, b, x.AsSpan(0, literal.InputLength), o, scratch), literal.OutputLength),
                ("im2col weight gradient", o => Kernels.ConvWeightGradientColumns(literal, x.AsSpan(0, literal.InputLength), dy.AsSpan(0, literal.OutputLength), o, scratch), o => Kernels.ConvWeightGradientColumns(fields, x.AsSpan(0, literal.InputLength), dy.AsSpan(0, literal.OutputLength), o, scratch), w.Length),
                ("im2col input gradient", o => Kernels.ConvBackwardInputColumns(literal, w, dy.AsSpan(0, literal.OutputLength), o, scratch), o => Kernels.ConvBackwardInputColumns(fields, w, dy.AsSpan(0, literal.OutputLength), o, scratch), literal.InputLength),
            };
            if (implicitKernels)
            {
                runs = runs.Concat(new (string, Action<float[]>, Action<float[]>, int)[]
                {
                    ("shifted-rows forward, batch", o => Kernels.ConvImplicitBatch(literal, false, w, b, x, o, batch, scratch), o => Kernels.ConvImplicitBatch(fields, false, w, b, x, o, batch, scratch), batch * literal.OutputLength),
                    ("shifted-rows input gradient, batch", o => Kernels.ConvImplicitBatch(literal, true, w, default, dy, o, batch, scratch), o => Kernels.ConvImplicitBatch(fields, true, w, default, dy, o, batch, scratch), batch * literal.InputLength),
                    ("shifted-rows weight gradient, batch", o => Kernels.ConvWeightGradientImplicit(literal, x, dy, o, batch, scratch), o => Kernels.ConvWeightGradientImplicit(fields, x, dy, o, batch, scratch), w.Length),
                }).ToArray();
            }

            foreach (var (name, viaLiteral, viaFields, length) in runs)
            {
                var a = new float[length];
                var c = new float[length];
                viaLiteral(a);
                viaFields(c);
                Assert.True(a.Any(v => v != 0f), name + " wrote nothing");
                Assert.True(a.Select(BitConverter.SingleToInt32Bits).SequenceEqual(c.Select(BitConverter.SingleToInt32Bits)), $"{Gemm.Path} {name}: the literal shape's result differs from the general one");
            }
        }

        private static void AssertClose(float[] expected, float[] actual, float tolerance = 1e-5f)
        {
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * (1 + Math.Abs(expected[i])), $"[{i}]: direct {expected[i]}, im2col {actual[i]}");
            }
        }

        [Theory]
        [InlineData(3, 8, 8, 17)]
        [InlineData(2, 5, 7, 17)] // odd sizes: the last row and column are not read
        [InlineData(2, 20, 23, 17)] // rows of 11 outputs: 8 vectorized, 3 one by one
        [InlineData(6, 28, 28, 301)] // LeNet-5's first pool: most groups of 8 windows vectorized, a few with a NaN left to the scalar loop
        [InlineData(3, 21, 35, 1_000_000)] // no NaN: every group of 8 vectorized, an odd column and row left out
        public void The_2x2_max_pool_kernel_equals_the_general_one_with_ties_and_NaN(int planes, int h, int w, int nanEvery)
        {
            var random = new Random(planes * 10 + h);
            // values from a small set, so windows tie (often all four: the first in scan order takes the delta); some NaN
            var x = Enumerable.Range(0, planes * h * w).Select(i => i % nanEvery == 5 ? float.NaN : (float)random.Next(3)).ToArray();
            var g = new PoolGeometry(planes, (1, h, w), (1, h / 2, w / 2), (1, 2, 2), (1, 2, 2), (0, 0, 0));
            var general = new float[planes * (h / 2) * (w / 2)];
            var fast = new float[general.Length];
            Kernels.MaxPoolForward(g, x, general);
            Kernels.MaxPool2x2Forward(x, fast, planes, h, w);
            Assert.Equal(general, fast);

            var dy = Enumerable.Range(0, general.Length).Select(_ => (float)random.NextDouble()).ToArray();
            var dxGeneral = Enumerable.Repeat(7f, x.Length).ToArray();
            var dxFast = Enumerable.Repeat(-3f, x.Length).ToArray(); // both overwrite dx
            Kernels.MaxPoolBackward(g, x, dy, dxGeneral);
            Kernels.MaxPool2x2Backward(x, dy, dxFast, planes, h, w);
            Assert.Equal(dxGeneral, dxFast);

            // with the ReLU derivative folded in (x read as a ReLU's outputs; windows whose maximum is 0 or NaN pass 0):
            // the same as the ReLU's own backward kernel after it
            Kernels.ReLUBackward(x, dxGeneral);
            var dxFolded = Enumerable.Repeat(5f, x.Length).ToArray();
            Kernels.MaxPool2x2Backward(x, dy, dxFolded, planes, h, w, relu: true);
            Assert.Equal(dxGeneral, dxFolded);
            Assert.Contains(dxFast, v => v != 0f && !dxFolded.Contains(v)); // some window's maximum was 0: the fold changed it
        }
    }
}
