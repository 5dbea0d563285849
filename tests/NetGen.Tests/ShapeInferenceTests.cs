using System.Linq;
using NetGen.Generator.Layers;
using NetGen.Generator.Model;
using Xunit;
using GenAct = NetGen.Generator.Model.Act;
using GenPadding = NetGen.Generator.Model.Padding;

namespace NetGen.Tests
{
    /// <summary>
    /// The convolution arithmetic of appendix E, relationship by relationship and figure by figure (MATH.md), on the
    /// shared shape inference: output sizes, and the diagnostic each invalid case gets.
    /// </summary>
    public class ShapeInferenceTests
    {
        private static NetworkPlan Infer(int[] input, params LayerSpec[] layers)
            => ShapeInference.Infer(new NetworkSpec(
                null,
                EquatableArray<TypeDeclarationSpec>.Empty,
                new TypeDeclarationSpec("class", "N", "", true),
                "N",
                new EquatableArray<int>(input),
                true,
                NetGen.Generator.Model.Loss.Auto,
                new EquatableArray<LayerSpec>(layers),
                false,
                false));

        private static readonly WeightSpec Weights = new WeightSpec(true, NetGen.Generator.Model.Init.Auto, 0.01, 1.0, 0.0, 0.0, 0.0, 0.0, 0.2, false, 0.0);

        private static WindowSpec Window(int k, int s, int p, int d = 1, int a = 0, GenPadding padding = GenPadding.Explicit, int[]? kernelSize = null)
            => new WindowSpec(k, kernelSize is null ? EquatableArray<int>.Empty : new EquatableArray<int>(kernelSize), s, p, d, a, padding, true);

        private static LayerSpec Conv(int k, int s = 1, int p = 0, int d = 1, GenPadding padding = GenPadding.Explicit, int filters = 1, int[]? kernelSize = null)
            => new LayerSpec(ConvLayer.Instance, "Conv", GenAct.Identity, 0, new ConvOptions(filters, Window(k, s, p, d, padding: padding, kernelSize: kernelSize), Weights));

        private static LayerSpec Transposed(int k, int s = 1, int p = 0, int a = 0)
            => new LayerSpec(ConvTransposeLayer.Instance, "ConvTranspose", GenAct.Identity, 0, new ConvOptions(1, Window(k, s, p, a: a), Weights));

        private static LayerSpec Pool(int k, int s, int p = 0, bool average = false)
            => new LayerSpec(average ? AvgPoolLayer.Instance : MaxPoolLayer.Instance, average ? "AvgPool" : "MaxPool", GenAct.Identity, 0, new PoolOptions(Window(k, s, p)));

        private static LayerSpec Dense(int units, GenAct act)
            => new LayerSpec(DenseLayer.Instance, "Dense", act, 0, new DenseOptions(units, Weights));

        private static readonly (string What, int I, LayerSpec Layer, int O, string Diagnostics)[] Rows =
        {
            // (what, input size i, layer, expected output size o per axis, expected diagnostics)
            ("rel. 1, fig. E.7: s=1, p=0", 4, Conv(3), 2, ""),
            ("rel. 2, fig. E.8: s=1, p=2", 5, Conv(4, p: 2), 6, ""),
            ("rel. 3, fig. E.9: half padding p=1", 5, Conv(3, p: 1), 5, ""),
            ("rel. 3: Padding.Same", 5, Conv(3, padding: GenPadding.Same), 5, ""),
            ("rel. 3: Padding.Same, dilated", 9, Conv(3, d: 3, padding: GenPadding.Same), 9, ""),
            ("rel. 4, fig. E.10: full padding p=2", 5, Conv(3, p: 2), 7, ""),
            ("rel. 4: Padding.Full", 5, Conv(3, padding: GenPadding.Full), 7, ""),
            ("rel. 5: Padding.Valid ignores p", 5, Conv(3, p: 4, padding: GenPadding.Valid), 3, ""),
            ("rel. 5, fig. E.11: s=2, p=0", 5, Conv(3, s: 2), 2, ""),
            ("rel. 6, fig. E.12: s=2, p=1", 5, Conv(3, s: 2, p: 1), 3, ""),
            ("rel. 6, fig. E.13: only padding past the last window, no diagnostic", 6, Conv(3, s: 2, p: 1), 3, ""),
            ("the standard downsampling convolution k3 s2 p1 on 32: nothing", 32, Conv(3, s: 2, p: 1), 16, ""),
            ("subsampling k1 s2 on 32: the info diagnostic, no warning", 32, Conv(1, s: 2), 16, "NG0022"),
            ("k3 s3 on 10: the last row is lost", 10, Conv(3, s: 3), 3, "NG0003"),
            ("dilated windows that overlap and lose the last row: k2 d3 s2 on 7", 7, Conv(2, s: 2, d: 3), 2, "NG0003"),
            ("dilated windows that reach the end: k2 d3 s2 on 8", 8, Conv(2, s: 2, d: 3), 3, ""),
            ("rel. 7: pooling", 5, Pool(3, 1), 3, ""),
            ("rel. 7: 2x2/2 pooling over 5 leaves the last row", 5, Pool(2, 2), 2, "NG0003"),
            ("rel. 7: 2x2/2 pooling over 5 with padding 1 reads every row", 5, Pool(2, 2, 1), 3, ""),
            ("pooling 1/2 subsamples: info", 6, Pool(1, 2), 3, "NG0022"),
            ("rel. 7: padded average pooling", 7, Pool(3, 2, 1, average: true), 4, ""),
            ("rel. 8, fig. E.15: transpose of E.7", 2, Transposed(3), 4, ""),
            ("rel. 9, fig. E.16: transpose of E.8", 6, Transposed(4, p: 2), 5, ""),
            ("rel. 10, fig. E.17: transpose of E.9", 5, Transposed(3, p: 1), 5, ""),
            ("rel. 11, fig. E.18: transpose of E.10", 7, Transposed(3, p: 2), 5, ""),
            ("rel. 12, fig. E.19: transpose of E.11", 2, Transposed(3, s: 2), 5, ""),
            ("rel. 13, fig. E.20: transpose of E.12", 3, Transposed(3, s: 2, p: 1), 5, ""),
            ("rel. 14, fig. E.21: transpose of E.13, a=1", 3, Transposed(3, s: 2, p: 1, a: 1), 6, ""),
            ("rel. 15, fig. E.22: dilation 2", 7, Conv(3, d: 2), 3, ""),
            ("kernel larger than the input", 5, Conv(7), 0, "NG0001"),
            ("kernel larger after dilation", 5, Conv(3, d: 3), 0, "NG0001"),
            ("floor of a negative numerator: i=2, k=3, s=2 gives 0", 2, Conv(3, s: 2), 0, "NG0001"),
            ("pooling window larger than the input", 2, Pool(3, 1), 0, "NG0001"),
            ("transposed output not positive", 1, Transposed(1, p: 1), 0, "NG0001"),
            ("stride 0", 5, Conv(3, s: 0), 0, "NG0002"),
            ("kernel 0", 5, Conv(0), 0, "NG0002"),
            ("dilation 0", 5, Conv(3, d: 0), 0, "NG0002"),
            ("negative padding", 5, Conv(3, p: -1), 0, "NG0002"),
            ("pooling padding over half the window", 5, Pool(3, 1, 2), 0, "NG0002"),
            ("output padding not below the stride", 3, Transposed(3, s: 2, a: 2), 0, "NG0002"),
            ("Same with an even kernel", 5, Conv(4, padding: GenPadding.Same), 0, "NG0011"),
            ("Same with stride 2", 5, Conv(3, s: 2, padding: GenPadding.Same), 0, "NG0011"),
            ("padding as large as the kernel: outputs of zeros only", 5, Conv(3, p: 3), 9, "NG0013"),
        };

        public static TheoryData<string> Sizes()
        {
            var data = new TheoryData<string>();
            foreach (var row in Rows) data.Add(row.What);
            return data;
        }

        [Theory]
        [MemberData(nameof(Sizes))]
        public void Output_size_or_diagnostic_follows_appendix_E(string what)
        {
            var (_, i, layer, o, diagnostics) = Rows.Single(r => r.What == what);
            var plan = Infer(new[] { 1, i, i }, layer);
            var ids = string.Join(",", plan.Problems.Select(p => p.Id).Distinct());
            Assert.Equal(diagnostics, ids);
            if (o > 0)
            {
                Assert.Equal(new[] { 1, o, o }, plan.Layers.Single().OutShape.ToArray());
            }
            else
            {
                Assert.True(plan.HasErrors);
            }
        }

        [Fact]
        public void The_input_rank_decides_the_convolution_dimensions()
        {
            Assert.Equal(new[] { 1, 3 }, Infer(new[] { 2, 5 }, Conv(3)).Layers.Single().OutShape.ToArray());
            Assert.Equal(new[] { 1, 3, 4 }, Infer(new[] { 2, 5, 6 }, Conv(3)).Layers.Single().OutShape.ToArray());
            Assert.Equal(new[] { 1, 2, 3, 4 }, Infer(new[] { 2, 4, 5, 6 }, Conv(3)).Layers.Single().OutShape.ToArray());
            Assert.Equal(1 * 2 * 27 + 1, Infer(new[] { 2, 4, 5, 6 }, Conv(3)).ParameterCount);
        }

        [Fact]
        public void A_non_square_kernel_has_a_size_per_axis()
        {
            var layer = Conv(1, kernelSize: new[] { 3, 5 });
            var plan = Infer(new[] { 1, 7, 7 }, layer);
            Assert.Equal(new[] { 1, 5, 3 }, plan.Layers.Single().OutShape.ToArray());
            Assert.Equal("NG0002", Infer(new[] { 1, 7, 7 }, Conv(1, kernelSize: new[] { 3, 5, 5 })).Problems.Single().Id);
        }

        [Fact]
        public void Convolution_after_a_dense_layer_has_no_spatial_axes()
        {
            var dense = Dense(10, GenAct.ReLU);
            Assert.Equal("NG0012", Infer(new[] { 1, 8, 8 }, dense, Conv(3)).Problems.Single().Id);
            Assert.Equal("NG0012", Infer(new[] { 16 }, Pool(2, 2)).Problems.Single().Id);
        }

        [Fact]
        public void LeNet5_has_61706_parameters()
        {
            // Section 6.9: C1 156, C3 2,416, C5 48,120, F6 10,164, output 850.
            var plan = Infer(
                new[] { 1, 28, 28 },
                Conv(5, p: 2, filters: 6),
                Pool(2, 2),
                Conv(5, filters: 16),
                Pool(2, 2),
                Dense(120, GenAct.ReLU),
                Dense(84, GenAct.ReLU),
                Dense(10, GenAct.Softmax));
            Assert.Empty(plan.Problems);
            Assert.Equal(new[] { 156, 0, 2416, 0, 48120, 10164, 850 }, plan.Layers.Select(l => l.ParameterCount).ToArray());
            Assert.Equal(61706, plan.ParameterCount);
            Assert.Equal(61706, NetGen.Tests.Parity.LeNet5.ParameterCount);
            Assert.Equal(new[] { 16, 5, 5 }, plan.Layers[3].OutShape.ToArray());
        }

        [Fact]
        public void Messages_show_the_arithmetic()
        {
            var problem = Infer(new[] { 1, 5, 5 }, Conv(7)).Problems.First();
            Assert.Equal(new[] { "Conv", "1", "height, width: o = floor((5 + 2*0 - 7) / 1) + 1 = -1; kernel 7 exceeds padded input 5" }, problem.Args.ToArray());
            Assert.Equal("o = floor((5 + 2*0 - 3 - (3 - 1)*(3 - 1)) / 1) + 1 = -1; dilated kernel 7 exceeds padded input 5", Infer(new[] { 1, 5 }, Conv(3, d: 3)).Problems.Single().Args[2]);
            Assert.Equal("width: o = floor((3 + 2*0 - 4) / 1) + 1 = 0; kernel 4 exceeds padded input 3", Infer(new[] { 1, 8, 3 }, Conv(4)).Problems.Single().Args[2]);
            Assert.Equal("k", problem.Argument);

            var unused = Infer(new[] { 1, 5, 5 }, Pool(2, 2)).Problems.Single();
            // R = (p + i - 1) - ((o - 1)s + ke - 1) = 4 - ((2 - 1)*2 + 2 - 1) = 1
            Assert.Contains("height: the last of o = floor((5 + 2*0 - 2) / 2) + 1 = 2 windows ends at padded row (o - 1)s + ke - 1 = 3, the input's last is p + i - 1 = 4, so its last 1 row at the bottom is never read", unused.Args[2]);
            Assert.Contains("width:", unused.Args[2]);
            // p = 1 (at most k/2): o = 3 windows end at padded row 5 = p + i - 1; s = 1: o = 4 windows end at row 4
            Assert.Equal(new[] { "p=1", "s=1" }, unused.Fixes.ToArray());

            // i = 7, k = 3, s = 3: R = 6 - 5 = 1; p = 1: o = 3 windows end at 8 >= 7 = p + i - 1; s = 2: o = 3 windows end at 6 = 6.
            Assert.Equal(new[] { "p=1", "s=2" }, Infer(new[] { 1, 7, 7 }, Conv(3, s: 3)).Problems.Single().Fixes.ToArray());
        }
    }
}
