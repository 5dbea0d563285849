using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using NetGen.Tests.Parity;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>
    /// Issue 20, section 4.8: InputGradients (dL/dx for given dL/dy) and Jacobian (eq. 4.85) on every network of the gradient
    /// checks, which together hold every layer kind: checked against central differences of Forward (inference mode: dropout
    /// and noise off, batch normalization with its running statistics), and the Jacobian's rows against InputGradients.
    /// </summary>
    public class InputGradientTests
    {
        private static readonly Lazy<Assembly>[] Assemblies =
        {
            new Lazy<Assembly>(() => TestCompiler.CompileAndLoad(GradientCheckTests.Source())),
            new Lazy<Assembly>(() => TestCompiler.CompileAndLoad(ConvGradientCheckTests.Source)),
            new Lazy<Assembly>(() => TestCompiler.CompileAndLoad(GraphGradientCheckTests.Source)),
            new Lazy<Assembly>(() => TestCompiler.CompileAndLoad(SecondOrderTests.Source)),
        };

        public static TheoryData<int, string> Networks()
        {
            var data = new TheoryData<int, string>();
            for (int a = 0; a < Assemblies.Length; a++)
                foreach (var type in Assemblies[a].Value.GetTypes().Where(t => typeof(INetwork).IsAssignableFrom(t) && !t.IsAbstract).OrderBy(t => t.FullName))
                    data.Add(a, type.FullName!);
            return data;
        }

        /// <summary>Network <paramref name="type"/> of the gradient checks' assembly <paramref name="assembly"/>, seeded.</summary>
        internal static INetwork Create(int assembly, string type, int seed) => TestCompiler.Create(Assemblies[assembly].Value, type, seed);

        /// <summary>The compiled networks of the gradient-check assembly <paramref name="index"/>.</summary>
        internal static Assembly Compiled(int index) => Assemblies[index].Value;

        /// <summary>f(x) = sum_k dy_k y_k(x) over the batch, in double.</summary>
        private static double Objective(INetwork net, float[] x, float[] dy, int batch)
        {
            var y = new float[batch * net.OutputLength];
            net.Forward(x, y, batch);
            double sum = 0;
            for (int i = 0; i < y.Length; i++) sum += (double)dy[i] * y[i];
            return sum;
        }

        [Theory]
        [MemberData(nameof(Networks))]
        public void Input_gradients_match_central_differences_of_Forward(int assembly, string type)
        {
            var net = TestCompiler.Create(Assemblies[assembly].Value, type, seed: 11);
            const int batch = 2;
            var random = new Random(type.Length * 31 + assembly);
            var x = Enumerable.Range(0, batch * net.InputLength).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var dy = Enumerable.Range(0, batch * net.OutputLength).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var before = net.Parameters.ToArray();
            var gradientsBefore = net.Gradients.ToArray();
            var dx = new float[x.Length];
            net.InputGradients(x, dy, dx, batch);
            Assert.Equal(before, net.Parameters.ToArray());
            Assert.Equal(gradientsBefore, net.Gradients.ToArray()); // Gradients is left alone

            // one-sided differences from both sides: where they disagree the step crosses a kink (ReLU, max, clipping) and the
            // input is skipped; elsewhere their mean is the central difference (error h^2). A kink inside the step that passes
            // the test moves the mean by at most half the allowed disagreement, below the tolerance.
            double scale = Math.Max(1e-3, dx.Max(v => Math.Abs((double)v)));
            double center = Objective(net, x, dy, batch);
            int checkedInputs = 0;
            for (int i = 0; i < x.Length; i++)
            {
                double OneSided(float h)
                {
                    float keep = x[i];
                    x[i] = keep + h;
                    double moved = Objective(net, x, dy, batch);
                    x[i] = keep;
                    return (moved - center) / ((double)(keep + h) - keep);
                }

                // a step of 1e-2, else one of 2.5e-3 (curvature moves one-sided estimates by h f'', which a small scale may not absorb)
                double right = OneSided(1e-2f), left = OneSided(-1e-2f);
                if (Math.Abs(right - left) > 1.5e-2 * scale + 1e-4)
                {
                    right = OneSided(2.5e-3f);
                    left = OneSided(-2.5e-3f);
                    if (Math.Abs(right - left) > 1.5e-2 * scale + 1e-4) continue;
                }

                checkedInputs++;
                double central = (right + left) / 2;
                // Forward's float rounding (about 1e-7 of outputs near 1) over a step of 1e-2 gives an absolute floor
                Assert.True(Math.Abs(dx[i] - central) <= 1e-2 * scale + 1e-4, $"{type}: dL/dx[{i}] = {dx[i]:R}, central difference {central:R} (scale {scale:R})");
            }

            Assert.True(checkedInputs >= x.Length / 2, $"{type}: only {checkedInputs} of {x.Length} inputs away from kinks");
        }

        /// <summary>ParameterGradients (dL/dw for given dL/dy) against one-sided/central differences of Forward over up to 24 parameters of every network.</summary>
        [Theory]
        [MemberData(nameof(Networks))]
        public void Parameter_gradients_match_central_differences_of_Forward(int assembly, string type)
        {
            var net = TestCompiler.Create(Assemblies[assembly].Value, type, seed: 13);
            const int batch = 2;
            var random = new Random(type.Length * 17 + assembly);
            var x = Enumerable.Range(0, batch * net.InputLength).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var dy = Enumerable.Range(0, batch * net.OutputLength).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            net.ParameterGradients(x, dy, batch);
            var dw = net.Gradients.ToArray();
            double scale = Math.Max(1e-3, dw.Max(v => Math.Abs((double)v)));
            double center = Objective(net, x, dy, batch);
            int checkedParameters = 0;
            for (int i = 0; i < dw.Length; i++) if (SecondOrderTests.Frozen(type, i)) Assert.Equal(0f, dw[i]); // a frozen layer has no gradient, as in ComputeGradients
            var chosen = Enumerable.Range(0, dw.Length).Where(i => !SecondOrderTests.Frozen(type, i)).OrderBy(_ => random.Next()).Take(24).ToList();
            foreach (int i in chosen)
            {
                double OneSided(float h)
                {
                    float keep = net.Parameters[i];
                    net.Parameters[i] = keep + h;
                    double moved = Objective(net, x, dy, batch);
                    net.Parameters[i] = keep;
                    return (moved - center) / ((double)(keep + h) - keep);
                }

                // a weight moves many pre-activations at once (a convolution kernel), so kinks may sit on both sides of it:
                // the one-sided differences must agree at two step sizes, and the two central differences with each other
                double right = OneSided(2.5e-3f), left = OneSided(-2.5e-3f), fineRight = OneSided(6.25e-4f), fineLeft = OneSided(-6.25e-4f);
                double coarse = (right + left) / 2, fine = (fineRight + fineLeft) / 2;
                if (Math.Abs(right - left) > 1.5e-2 * scale + 1e-4 || Math.Abs(fineRight - fineLeft) > 1.5e-2 * scale + 1e-4 || Math.Abs(coarse - fine) > 5e-3 * scale + 1e-4) continue;
                checkedParameters++;
                double central = fine;
                Assert.True(Math.Abs(dw[i] - central) <= 1e-2 * scale + 1e-4, $"{type}: dL/dw[{i}] = {dw[i]:R}, central difference {central:R} (scale {scale:R})");
            }

            Assert.True(checkedParameters >= chosen.Count / 2, $"{type}: only {checkedParameters} of {chosen.Count} parameters away from kinks");
        }

        [Theory]
        [MemberData(nameof(Networks))]
        public void Jacobian_rows_are_the_input_gradients_of_each_output(int assembly, string type)
        {
            var net = TestCompiler.Create(Assemblies[assembly].Value, type, seed: 5);
            var random = new Random(type.Length);
            var x = Enumerable.Range(0, net.InputLength).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var jacobian = new float[net.OutputLength * net.InputLength];
            net.Jacobian(x, jacobian);
            var seed = new float[net.OutputLength];
            var row = new float[net.InputLength];
            for (int k = 0; k < net.OutputLength; k++)
            {
                Array.Clear(seed);
                seed[k] = 1f;
                net.InputGradients(x, seed, row, 1);
                for (int i = 0; i < row.Length; i++) Assert.True(Math.Abs(row[i] - jacobian[k * net.InputLength + i]) <= 1e-5f * Math.Max(1f, Math.Abs(row[i])), $"{type}: J[{k}, {i}] = {jacobian[k * net.InputLength + i]:R}, input gradient {row[i]:R}");
            }
        }

        /// <summary>PyTorch's torch.autograd.functional.jacobian and torch.autograd.grad in float64, eval mode (tests/fixtures/make_fixtures.py --jacobian).</summary>
        [Theory]
        [InlineData("jacobian_cnn")]
        [InlineData("jacobian_mlp")]
        public void Jacobians_and_input_gradients_match_PyTorch(string name)
        {
            var fixture = Fixture.Load(name);
            INetwork net = name == "jacobian_cnn" ? new JacobianCnn() : new JacobianMlp();
            fixture.Floats("parameters").CopyTo(net.Parameters);
            fixture.Floats("buffers").CopyTo(net.Buffers);
            net.Mode = NetworkMode.Training; // the derivatives are of the inference function whatever the mode

            var jacobian = new float[net.OutputLength * net.InputLength];
            net.Jacobian(fixture.Floats("input"), jacobian);
            Close(fixture.Floats("jacobian"), jacobian, "J");

            var inputs = fixture.Floats("inputs");
            var dx = new float[inputs.Length];
            net.InputGradients(inputs, fixture.Floats("output_gradients"), dx, 3);
            Close(fixture.Floats("input_gradients"), dx, "dL/dx");
        }

        private static void Close(float[] expected, float[] actual, string what)
        {
            Assert.Equal(expected.Length, actual.Length);
            float scale = Math.Max(1e-3f, expected.Max(Math.Abs));
            for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5f * scale + 1e-6f, $"{what}[{i}]: NetGen {actual[i]:R}, PyTorch {expected[i]:R}");
        }

        [Fact]
        public void Wrong_lengths_are_refused_with_the_expected_and_actual_lengths()
        {
            var net = new LeNet5(1);
            var error = Assert.Throws<ArgumentException>(() => { net.InputGradients(new float[784], new float[9], new float[784], 1); });
            Assert.Contains("outputGradients", error.Message);
            Assert.Contains("10", error.Message);
            Assert.Throws<ArgumentException>(() => { net.Jacobian(new float[784], new float[100]); });
        }
    }

    /// <summary>The network of the jacobian_cnn fixture: convolution, batch normalization (running statistics), max pooling, dropout, softmax.</summary>
    [Network(1, 6, 6)]
    [Conv(3, k: 3, p: 1)]
    [BatchNorm]
    [Activation(Act.ReLU)]
    [MaxPool(2)]
    [Dropout(0.3)]
    [Dense(4, Act.Softmax)]
    public partial class JacobianCnn
    {
    }

    /// <summary>The network of the jacobian_mlp fixture: GELU (pre-activations), tanh, a sigmoid output.</summary>
    [Network(5)]
    [Dense(6, Act.GELU)]
    [Dense(4, Act.Tanh)]
    [Dense(3, Act.Sigmoid)]
    public partial class JacobianMlp
    {
    }
}
