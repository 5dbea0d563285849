using System;
using System.IO;
using System.Linq;
using NetGen.Tests.Parity;
using System.Reflection;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>Issue 18's training controls: frozen layers (Trainable = false).</summary>
    public class TrainingControlTests
    {
        private const string Source = @"using NetGen;
namespace Controls
{
    [Network(1, 6, 6)]
    [Conv(3, k: 3, act: Act.ReLU, Trainable = false)]
    [BatchNorm(Trainable = false)]
    [Dense(8, Act.GELU)]
    [Dense(4, Act.Softmax, Trainable = false, WeightNorm = true)]
    public partial class PartlyFrozen { }

    [Network(1, 6, 6)]
    [Conv(3, k: 3, act: Act.ReLU)]
    [BatchNorm]
    [Dense(8, Act.GELU)]
    [Dense(4, Act.Softmax, WeightNorm = true)]
    public partial class AllTrainable { }
}
";

        private static readonly Lazy<Assembly> Compiled = new Lazy<Assembly>(() => TestCompiler.CompileAndLoad(Source));

        // conv 3*1*3*3 + 3 = 30; batch norm 3 + 3 = 6; dense 8*48 + 8 = 392; dense with weight norm g 4, v 4*8, bias 4 = 40
        private const int Conv = 30, Norm = 6, Hidden = 392, Head = 40;

        private static (float[] Inputs, int[] Labels) Batch(int batch, int seed)
        {
            var random = new Random(seed);
            var inputs = Enumerable.Range(0, batch * 36).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var labels = Enumerable.Range(0, batch).Select(_ => random.Next(4)).ToArray();
            return (inputs, labels);
        }

        public static TheoryData<string> Optimizers => new TheoryData<string> { "sgd", "adamw" };

        [Theory]
        [MemberData(nameof(Optimizers))]
        public void Frozen_layers_stay_bit_identical_through_steps_with_weight_decay_while_the_others_train(string kind)
        {
            var net = TestCompiler.Create(Compiled.Value, "Controls.PartlyFrozen", seed: 5);
            Assert.Equal(Conv + Norm + Hidden + Head, net.ParameterCount);
            var before = net.Parameters.ToArray();
            IOptimizer optimizer = kind == "sgd" ? new Sgd(0.1f, momentum: 0.9f, weightDecay: 0.05f) : new AdamW(0.01f, weightDecay: 0.1f);
            for (int step = 0; step < 5; step++)
            {
                var (inputs, labels) = Batch(6, step);
                net.TrainStep(inputs, labels, 6, optimizer);
            }

            var after = net.Parameters.ToArray();
            Assert.Equal(before.Take(Conv + Norm), after.Take(Conv + Norm));                  // bit for bit
            Assert.Equal(before.Skip(Conv + Norm + Hidden), after.Skip(Conv + Norm + Hidden));
            int changed = Enumerable.Range(Conv + Norm, Hidden).Count(i => before[i] != after[i]);
            Assert.True(changed > Hidden / 2, $"only {changed} of the trainable dense layer's {Hidden} parameters changed");
        }

        /// <summary>
        /// A file from PyTorch with a 5-class head, no 0.bias and an extra tensor (tests/fixtures/make_weight_files.py):
        /// non-strict loading takes 0.weight and reports the rest as load_state_dict(strict=False) would (PyTorch refuses
        /// the mismatched shapes; NetGen reports them and keeps its own).
        /// </summary>
        [Fact]
        public void A_non_strict_load_takes_the_matching_tensors_and_reports_the_rest()
        {
            var fixture = Fixture.Load("weights_transfer");
            string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "weights_transfer.safetensors");
            var net = new TanhSoftmax(3);
            var before = net.Parameters.ToArray();
            var report = net.Load(path, strict: false);
            Assert.Equal(new[] { "0.weight" }, report.Loaded);
            Assert.Equal(new[] { "0.bias" }, report.Missing);
            Assert.Equal(new[] { "extra.weight" }, report.Unexpected);
            Assert.Equal(new[] { "2.weight: [3, 8] here, [5, 8] in the file", "2.bias: [3] here, [5] in the file" }, report.Mismatched);
            var after = net.Parameters.ToArray();
            Assert.Equal(fixture.Floats("0.weight"), after.Take(32));           // 0.weight [8, 4]: PyTorch's values
            Assert.Equal(before.Skip(32), after.Skip(32));                       // 0.bias, 2.weight, 2.bias: unchanged

            // strict, the same file is refused whole and changes nothing
            var strict = new TanhSoftmax(3);
            var error = Assert.Throws<InvalidDataException>(() => strict.Load(path));
            Assert.Contains("missing tensor '0.bias'", error.Message);
            Assert.Contains("unexpected tensor 'extra.weight'", error.Message);
            Assert.Equal(before, strict.Parameters.ToArray());
        }

        [Fact]
        public void A_non_strict_load_of_a_truncated_file_changes_nothing()
        {
            string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "weights_transfer.safetensors");
            var bytes = File.ReadAllBytes(path);
            var net = new TanhSoftmax(3);
            var before = net.Parameters.ToArray();
            using var truncated = new MemoryStream(bytes, 0, bytes.Length - 4);
            Assert.Throws<InvalidDataException>(() => SafeTensors.Load(net, truncated, strict: false));
            Assert.Equal(before, net.Parameters.ToArray());
        }

        [Theory]
        [InlineData(0f)]
        [InlineData(-1f)]
        [InlineData(float.NaN)]
        [InlineData(float.PositiveInfinity)]
        public void ClipGradNorm_refuses_a_max_norm_that_is_not_positive_and_finite(float maxNorm)
        {
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ClipGradNorm(new Sgd(0.1f), maxNorm));
            Assert.Contains("Expected maxNorm > 0 and finite, but got", error.Message);
        }

        [Fact]
        public void ClipGradNorm_scales_to_the_max_norm_only_above_it()
        {
            var inner = new Sgd(1f);
            var clip = new ClipGradNorm(inner, 5f);
            var parameters = new float[2];
            clip.Step(parameters, new[] { 3f, 3.9f }); // norm 4.92: below, passed on as it is
            Assert.False(clip.LastClipped);
            Assert.Equal(new[] { -3f, -3.9f }, parameters);
            clip.Step(parameters, new[] { 6f, 8f }); // norm 10: halved
            Assert.True(clip.LastClipped);
            Assert.Equal(10f, clip.LastNorm);
            Assert.Equal(-6f, parameters[0], 4);
            Assert.Equal(-7.9f, parameters[1], 4);
        }

        [Fact]
        public void Frozen_layers_have_no_gradient_and_the_others_the_same_as_without_freezing()
        {
            var frozen = TestCompiler.Create(Compiled.Value, "Controls.PartlyFrozen", seed: 5);
            var free = TestCompiler.Create(Compiled.Value, "Controls.AllTrainable", seed: 5);
            frozen.Parameters.CopyTo(free.Parameters);
            var (inputs, labels) = Batch(5, 9);
            float a = frozen.ComputeGradients(inputs, labels, 5);
            float b = free.ComputeGradients(inputs, labels, 5);
            Assert.Equal(b, a);
            var g = frozen.Gradients.ToArray();
            var reference = free.Gradients.ToArray();
            Assert.All(g.Take(Conv + Norm).Concat(g.Skip(Conv + Norm + Hidden)), v => Assert.Equal(0f, v));
            Assert.Equal(reference.Skip(Conv + Norm).Take(Hidden), g.Skip(Conv + Norm).Take(Hidden));
            Assert.Contains(reference.Take(Conv), v => v != 0f); // the conv would have had a gradient
        }
    }
}
