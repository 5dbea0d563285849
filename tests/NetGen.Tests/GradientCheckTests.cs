using System;
using System.Linq;
using System.Reflection;
using System.Text;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>
    /// Finite-difference gradient checks: for every activation x every loss x bias on/off, the generated network's
    /// <c>Gradients</c> (float) equal the central-difference gradient of <see cref="ReferenceNetwork"/> (double) over
    /// every parameter, within a relative tolerance of 1e-3 plus an absolute floor of 1e-4 times the largest gradient.
    /// </summary>
    public class GradientCheckTests
    {
        private const double RelativeTolerance = 1e-3;
        private const double AbsoluteFloor = 1e-4;
        private const int Batch = 4, InputLength = 3, Outputs = 3;

        private static readonly Act[] Acts = (Act[])Enum.GetValues(typeof(Act));
        private static readonly Loss[] Losses = { Loss.MeanSquaredError, Loss.BinaryCrossEntropy, Loss.CrossEntropy, Loss.L1, Loss.Huber };

        private static readonly Lazy<Assembly> Compiled = new Lazy<Assembly>(() => TestCompiler.CompileAndLoad(Source()));

        private static Act OutputAct(Act act, Loss loss) => loss == Loss.CrossEntropy ? Act.Softmax : loss == Loss.BinaryCrossEntropy ? Act.Sigmoid : act;

        /// <summary>Two hidden dense layers with the activation under test and an output layer that fits the loss (for squared error, the activation under test again).</summary>
        private static RefLayer[] Layers(Act act, Loss loss, bool bias)
            => new[] { RefLayer.Dense(5, act, bias), RefLayer.Dense(4, act, bias), RefLayer.Dense(Outputs, OutputAct(act, loss), bias) };

        /// <summary>The activation under test as a layer of its own, then softmax as a layer of its own (cross-entropy).</summary>
        private static RefLayer[] ActivationLayers(Act act)
            => new[] { RefLayer.Dense(5), RefLayer.Activation(act), RefLayer.Dense(Outputs), RefLayer.Activation(Act.Softmax) };

        private static string Name(Act act, Loss loss, bool bias) => $"Net_{act}_{loss}_{(bias ? "Bias" : "NoBias")}";

        internal static string Source()
        {
            var text = new StringBuilder("using NetGen;\nnamespace Grid\n{\n");
            foreach (var act in Acts)
            {
                foreach (var loss in Losses)
                {
                    foreach (bool bias in new[] { true, false })
                    {
                        string b = bias ? "" : ", Bias = false";
                        text.Append($"[Network({InputLength}, Loss = Loss.{loss})] [Dense(5, Act.{act}{b})] [Dense(4, Act.{act}{b})] [Dense({Outputs}, Act.{OutputAct(act, loss)}{b})] public partial class {Name(act, loss, bias)} {{ }}\n");
                    }
                }

                text.Append($"[Network({InputLength})] [Dense(5)] [Activation(Act.{act})] [Dense({Outputs})] [Activation(Act.Softmax)] public partial class Layer_{act} {{ }}\n");
            }

            return text.Append("}\n").ToString();
        }

        /// <summary>Every activation, loss and bias choice, on every vector width this machine runs.</summary>
        public static TheoryData<Act, Loss, bool, VectorPath> Grid()
        {
            var data = new TheoryData<Act, Loss, bool, VectorPath>();
            foreach (var act in Acts)
                foreach (var loss in Losses)
                    foreach (bool bias in new[] { true, false })
                        foreach (var path in VectorPaths.Available())
                            data.Add(act, loss, bias, path);
            return data;
        }

        [Theory]
        [MemberData(nameof(Grid))]
        public void Gradients_match_finite_differences(Act act, Loss loss, bool bias, VectorPath path) => VectorPaths.With(path, () =>
        {
            var net = TestCompiler.Create(Compiled.Value, "Grid." + Name(act, loss, bias), seed: 7);
            Check(net, Layers(act, loss, bias), loss, seed: (int)act * 10 + (int)loss);
        });

        [Theory]
        [MemberData(nameof(Activations))]
        public void Activation_layers_match_finite_differences(Act act)
        {
            var net = TestCompiler.Create(Compiled.Value, "Grid.Layer_" + act, seed: 3);
            Check(net, ActivationLayers(act), Loss.CrossEntropy, seed: 100 + (int)act);
        }

        public static TheoryData<Act> Activations()
        {
            var data = new TheoryData<Act>();
            foreach (var act in Acts) data.Add(act);
            return data;
        }

        private static void Check(INetwork net, RefLayer[] layers, Loss loss, int seed)
        {
            var random = new Random(seed);
            var inputs = Enumerable.Range(0, Batch * InputLength).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
            var targets = Targets(random, loss, Outputs);
            Check(net, new[] { InputLength }, layers, loss, inputs, targets, Batch, random);
        }

        /// <summary>
        /// Sets random parameters, then compares the network's loss with the reference's and its gradients with the
        /// reference's central differences over every parameter.
        /// </summary>
        internal static void Check(INetwork net, int[] inputShape, RefLayer[] layers, Loss loss, float[] inputs, float[] targets, int batch, Random random, double scale = 1.0)
        {
            ReferenceNetwork.Forward(new double[net.ParameterCount], new double[net.InputLength], inputShape, layers, out int count);
            Assert.Equal(count, net.ParameterCount);

            // Random parameters with unit-scale weights and biases, so every activation's nonlinear range is used.
            var p = net.Parameters;
            for (int i = 0; i < p.Length; i++) p[i] = (float)((random.NextDouble() * 2 - 1) * scale);
            var parameters = net.Parameters.ToArray().Select(v => (double)v).ToArray();

            float lossValue = net.ComputeGradients(inputs, targets, batch);
            double expectedLoss = ReferenceNetwork.Loss(parameters, inputs, targets, batch, inputShape, layers, loss);
            Assert.True(Math.Abs(lossValue - expectedLoss) <= 1e-5 * Math.Abs(expectedLoss) + 1e-7, $"loss {lossValue} vs reference {expectedLoss}");

            var numeric = ReferenceNetwork.NumericGradient(parameters, q => ReferenceNetwork.Loss(q, inputs, targets, batch, inputShape, layers, loss));
            AssertGradientsMatch(net.Gradients.ToArray(), numeric);
        }

        /// <summary>Generated gradients against finite differences: within 1e-3 relative plus 1e-4 of the largest gradient.</summary>
        internal static void AssertGradientsMatch(float[] analytic, double[] numeric)
        {
            Assert.Equal(numeric.Length, analytic.Length);
            double floor = AbsoluteFloor * numeric.Max(Math.Abs);
            for (int i = 0; i < numeric.Length; i++)
            {
                double error = Math.Abs(analytic[i] - numeric[i]);
                Assert.True(error <= RelativeTolerance * Math.Abs(numeric[i]) + floor,
                    $"parameter {i}: generated {analytic[i]:R}, finite differences {numeric[i]:R}");
            }
        }

        internal static float[] Targets(Random random, Loss loss, int outputs, int batch = Batch)
        {
            var targets = new float[batch * outputs];
            for (int n = 0; n < batch; n++)
            {
                var row = targets.AsSpan(n * outputs, outputs);
                if (loss == Loss.CrossEntropy)
                {
                    // a probability distribution (PyTorch accepts such soft targets)
                    double sum = 0;
                    for (int k = 0; k < outputs; k++) sum += row[k] = (float)random.NextDouble() + 0.1f;
                    for (int k = 0; k < outputs; k++) row[k] = (float)(row[k] / sum);
                }
                else if (loss == Loss.BinaryCrossEntropy)
                {
                    for (int k = 0; k < outputs; k++) row[k] = (float)random.NextDouble();
                }
                else
                {
                    for (int k = 0; k < outputs; k++) row[k] = (float)(random.NextDouble() * 2 - 1);
                }
            }

            return targets;
        }

        private static readonly Lazy<Assembly> Issue18 = new Lazy<Assembly>(() => TestCompiler.CompileAndLoad(@"using NetGen;
namespace Options
{
    [Network(3)] [Dense(5, Act.LeakyReLU, Alpha = 0.3)] [Dense(4, Act.ELU, Alpha = 0.6)] [Dense(3)] public partial class Alphas { }
    [Network(3, LabelSmoothing = 0.2, ClassWeights = new[] { 0.5, 2.0, 1.0 })] [Dense(5, Act.Tanh)] [Dense(3, Act.Softmax)] public partial class Smoothed { }
    [Network(3, LabelSmoothing = 0.2, ClassWeights = new[] { 0.5, 2.0, 1.0 })] [Dense(5, Act.Tanh)] [Dense(3, Act.LogSoftmax)] public partial class SmoothedLog { }
}
"));

        [Fact]
        public void Alpha_on_LeakyReLU_and_ELU_matches_finite_differences()
        {
            var net = TestCompiler.Create(Issue18.Value, "Options.Alphas", seed: 2);
            var layers = new[] { RefLayer.Dense(5, Act.LeakyReLU) with { Alpha = 0.3 }, RefLayer.Dense(4, Act.ELU) with { Alpha = 0.6 }, RefLayer.Dense(Outputs) };
            Check(net, layers, Loss.MeanSquaredError, seed: 181);
        }

        /// <summary>
        /// Label smoothing and class weights against the definition of nn.CrossEntropyLoss(weight, label_smoothing) with class
        /// indices, written out here: sum_n sum_k w_k y'_k (-log a_k) / sum_n w[label_n], y' = (1 - eps) y + eps / K.
        /// </summary>
        [Theory]
        [InlineData("Options.Smoothed")]
        [InlineData("Options.SmoothedLog")]
        public void Label_smoothing_and_class_weights_match_finite_differences(string type)
        {
            var net = TestCompiler.Create(Issue18.Value, type, seed: 3);
            var random = new Random(182);
            var p = net.Parameters;
            for (int i = 0; i < p.Length; i++) p[i] = (float)(random.NextDouble() * 2 - 1);
            var parameters = net.Parameters.ToArray().Select(v => (double)v).ToArray();
            const int batch = 6;
            var inputs = Enumerable.Range(0, batch * InputLength).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
            var labels = Enumerable.Range(0, batch).Select(_ => random.Next(Outputs)).ToArray();
            double[] weights = { 0.5, 2.0, 1.0 };
            const double eps = 0.2;
            var layers = new[] { RefLayer.Dense(5, Act.Tanh), RefLayer.Dense(Outputs, Act.Softmax) };
            double Reference(double[] q)
            {
                double total = 0, divisor = 0;
                for (int n = 0; n < batch; n++)
                {
                    var a = ReferenceNetwork.Forward(q, inputs.Skip(n * InputLength).Take(InputLength).Select(v => (double)v).ToArray(), new[] { InputLength }, layers);
                    for (int k = 0; k < Outputs; k++) total -= weights[k] * ((1 - eps) * (k == labels[n] ? 1 : 0) + eps / Outputs) * Math.Log(a[k]);
                    divisor += weights[labels[n]];
                }

                return total / divisor;
            }

            float loss = net.ComputeGradients(inputs, labels, batch);
            double expected = Reference(parameters);
            Assert.True(Math.Abs(loss - expected) <= 1e-5 * expected, $"loss {loss} vs reference {expected}");
            AssertGradientsMatch(net.Gradients.ToArray(), ReferenceNetwork.NumericGradient(parameters, Reference));
        }

        [Fact]
        public void Labels_give_the_same_loss_and_gradients_as_one_hot_targets()
        {
            var net = TestCompiler.Create(Compiled.Value, "Grid." + Name(Act.Tanh, Loss.CrossEntropy, true), seed: 1);
            var random = new Random(5);
            var inputs = Enumerable.Range(0, Batch * InputLength).Select(_ => (float)random.NextDouble()).ToArray();
            int[] labels = { 2, 0, 1, 2 };
            var oneHot = new float[Batch * Outputs];
            for (int n = 0; n < Batch; n++) oneHot[n * Outputs + labels[n]] = 1f;

            float fromTargets = net.ComputeGradients(inputs, oneHot, Batch);
            var gradients = net.Gradients.ToArray();
            float fromLabels = net.ComputeGradients(inputs, labels, Batch);
            Assert.Equal(fromTargets, fromLabels);
            Assert.Equal(gradients, net.Gradients.ToArray());
        }
    }
}
