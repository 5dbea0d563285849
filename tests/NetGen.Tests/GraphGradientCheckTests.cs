using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>
    /// Finite-difference checks of graph networks: Add, Concat, a layer read by three layers (its delta is the sum of
    /// three), and multi-head losses (eq. 8.21) with loss weights, missing (NaN) labels, and outputs that later layers
    /// read (their losses then take probabilities). The reference is <see cref="GraphReference"/>, a plain double
    /// implementation of the graph's equations; tolerances as <see cref="GradientCheckTests"/>.
    /// </summary>
    public class GraphGradientCheckTests
    {
        internal const string Source = @"using NetGen;
namespace Graphs
{
    [Network(3)]
    [Dense(4, Act.Tanh, Name = ""hub"")]
    [Dense(4, Act.ELU)]
    [Add(""hub"", Name = ""sum"")]
    [Dense(4, Act.Sigmoid, From = ""hub"")]
    [Concat(""sum"")]
    [Dense(3, Act.Softmax)]
    public partial class FanOut { }

    [Network(3)]
    [Dense(5, Act.Tanh, Name = ""trunk"")]
    [Dense(3, Act.Softmax, Name = ""cls"", Output = true, LossWeight = 0.6)]
    [Dense(2, Act.Sigmoid, From = ""trunk"", Name = ""tags"", Output = true, LossWeight = 1.5)]
    [Concat(""cls"")]
    [Dense(2, Act.Tanh)]
    public partial class Heads { }

    [Network(3)]
    [Dense(5, Act.GELU, Name = ""trunk"")]
    [Dense(3, Act.LogSoftmax, Name = ""cls"", Output = true)]
    [Concat(""trunk"")]
    [Dense(2, Act.SiLU)]
    public partial class LogHead { }

    [Network(4)]
    [Dense(4, Act.LeakyReLU, Name = ""a"")]
    [Add(Act.SELU, ""a"", ""input"")]
    [Dense(1, Act.Sigmoid, Name = ""result"")]
    public partial class DoubleShortcut { }
}
";

        private static readonly Lazy<Assembly> Compiled = new Lazy<Assembly>(() => TestCompiler.CompileAndLoad(Source));

        private const int Batch = 5;

        private static GraphReference.Node Dense(int units, Act act, params int[] inputs) => new GraphReference.Node("Dense", units, act, inputs);

        [Fact]
        public void Add_concat_and_a_layer_read_by_three_match_finite_differences()
        {
            var nodes = new[]
            {
                Dense(4, Act.Tanh, -1),                                   // hub
                Dense(4, Act.ELU, 0),                                     // read by: dense2 ...
                new GraphReference.Node("Add", 0, Act.Identity, 1, 0),   // ... sum (hub again) ...
                Dense(4, Act.Sigmoid, 0),                                 // ... and dense4
                new GraphReference.Node("Concat", 0, Act.Identity, 3, 2),
                Dense(3, Act.Softmax, 4) with { Head = true, Loss = Loss.CrossEntropy },
            };
            var random = new Random(11);
            var targets = new float[Batch * 3];
            for (int n = 0; n < Batch; n++) targets[n * 3 + random.Next(3)] = 1f;
            Check("Graphs.FanOut", nodes, 3, targets, random);
        }

        [Fact]
        public void Three_heads_with_weights_missing_labels_and_read_outputs_match_finite_differences()
        {
            var nodes = new[]
            {
                Dense(5, Act.Tanh, -1),                                                                          // trunk
                Dense(3, Act.Softmax, 0) with { Head = true, Loss = Loss.CrossEntropy, Weight = 0.6 },               // cls, read by the concat
                Dense(2, Act.Sigmoid, 0) with { Head = true, Loss = Loss.BinaryCrossEntropy, Weight = 1.5 },         // tags, read by the concat
                new GraphReference.Node("Concat", 0, Act.Identity, 2, 1),
                Dense(2, Act.Tanh, 3) with { Head = true, Loss = Loss.MeanSquaredError },                             // squared error through tanh
            };
            var random = new Random(12);
            var targets = new float[Batch * 7];
            for (int n = 0; n < Batch; n++)
            {
                var row = targets.AsSpan(n * 7, 7);
                row[random.Next(3)] = 1f;
                row[3] = random.Next(2);
                row[4] = (float)random.NextDouble();
                row[5] = (float)(random.NextDouble() * 2 - 1);
                row[6] = (float)(random.NextDouble() * 2 - 1);
            }

            targets.AsSpan(1 * 7, 3).Fill(float.NaN); // sample 1 has no class label
            targets[2 * 7 + 4] = float.NaN;            // sample 2 lacks one tag
            targets[4 * 7 + 5] = float.NaN;            // sample 4 lacks one score
            Check("Graphs.Heads", nodes, 3, targets, random);
        }

        [Fact]
        public void A_log_softmax_head_read_by_another_layer_matches_finite_differences()
        {
            var nodes = new[]
            {
                Dense(5, Act.GELU, -1),                                                          // trunk
                Dense(3, Act.LogSoftmax, 0) with { Head = true, Loss = Loss.CrossEntropy },      // cls: the negative log-likelihood of its log-probabilities
                new GraphReference.Node("Concat", 0, Act.Identity, 1, 0),
                Dense(2, Act.SiLU, 2) with { Head = true, Loss = Loss.MeanSquaredError },
            };
            var random = new Random(15);
            var targets = new float[Batch * 5];
            for (int n = 0; n < Batch; n++)
            {
                targets[n * 5 + random.Next(3)] = 1f;
                targets[n * 5 + 3] = (float)(random.NextDouble() * 2 - 1);
                targets[n * 5 + 4] = (float)(random.NextDouble() * 2 - 1);
            }

            Check("Graphs.LogHead", nodes, 3, targets, random);
        }

        [Fact]
        public void Add_of_several_names_including_the_input_matches_finite_differences()
        {
            var nodes = new[]
            {
                Dense(4, Act.LeakyReLU, -1),
                new GraphReference.Node("Add", 0, Act.SELU, 0, 0, -1), // previous + a + input: a counted twice
                Dense(1, Act.Sigmoid, 1) with { Head = true, Loss = Loss.BinaryCrossEntropy },
            };
            var random = new Random(13);
            var targets = Enumerable.Range(0, Batch).Select(_ => (float)random.Next(2)).ToArray();
            Check("Graphs.DoubleShortcut", nodes, 4, targets, random);
        }

        [Fact]
        public void A_head_with_no_labels_in_the_batch_contributes_nothing()
        {
            var net = TestCompiler.Create(Compiled.Value, "Graphs.Heads", seed: 4);
            var random = new Random(14);
            var inputs = Enumerable.Range(0, Batch * 3).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var targets = new float[Batch * 7];
            for (int n = 0; n < Batch; n++)
            {
                targets.AsSpan(n * 7, 3).Fill(float.NaN);
                targets[n * 7 + 3] = 1f;
                targets[n * 7 + 4] = 0f;
            }

            float loss = net.ComputeGradients(inputs, targets, Batch);
            var gradients = net.Gradients.ToArray();
            Assert.False(float.IsNaN(loss));
            // cls (parameters 20..37: weight 3x5, bias 3) has no label: no gradient reaches it through its loss, but the
            // concat still reads its probabilities, so the squared-error head's gradient does.
            Assert.Contains(gradients.Skip(20).Take(18), g => g != 0f);

            // Without the squared-error head's targets and the class labels, cls gets no gradient at all.
            for (int n = 0; n < Batch; n++) targets.AsSpan(n * 7 + 5, 2).Fill(float.NaN);
            net.ComputeGradients(inputs, targets, Batch);
            Assert.All(net.Gradients.ToArray().Skip(20).Take(18), g => Assert.Equal(0f, g));
        }

        [Fact]
        public void Labels_on_a_network_with_several_outputs_are_refused_with_the_layout_to_use()
        {
            var net = TestCompiler.Create(Compiled.Value, "Graphs.Heads", seed: 4);
            var error = Assert.Throws<NotSupportedException>(() => net.ComputeGradients(new float[3], new[] { 1 }, 1));
            Assert.Contains("3 outputs (cls, tags, dense5)", error.Message);
            Assert.Equal(7, net.OutputLength);
        }

        private static void Check(string type, GraphReference.Node[] nodes, int inputLength, float[] targets, Random random)
        {
            var net = TestCompiler.Create(Compiled.Value, type, seed: 1);
            Assert.Equal(GraphReference.ParameterCount(nodes, inputLength), net.ParameterCount);
            var p = net.Parameters;
            for (int i = 0; i < p.Length; i++) p[i] = (float)(random.NextDouble() * 2 - 1);
            var parameters = net.Parameters.ToArray().Select(v => (double)v).ToArray();
            var inputs = Enumerable.Range(0, Batch * inputLength).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();

            float loss = net.ComputeGradients(inputs, targets, Batch);
            double expected = GraphReference.Loss(parameters, nodes, inputs, inputLength, targets, Batch);
            Assert.True(Math.Abs(loss - expected) <= 1e-5 * Math.Abs(expected) + 1e-7, $"loss {loss} vs reference {expected}");

            var numeric = ReferenceNetwork.NumericGradient(parameters, q => GraphReference.Loss(q, nodes, inputs, inputLength, targets, Batch));
            GradientCheckTests.AssertGradientsMatch(net.Gradients.ToArray(), numeric);
        }
    }

    /// <summary>
    /// A plain double implementation of dense graph networks: Dense (s = W x + b, W [out, in]), Add (sum of inputs), Concat
    /// (inputs end to end), each followed by its activation; the loss is the sum over heads of weight times the head's mean
    /// over its labels present (cross-entropy: rows without NaN; binary cross-entropy and squared error: non-NaN targets).
    /// </summary>
    internal static class GraphReference
    {
        internal sealed record Node(string Kind, int Units, Act Act, params int[] Inputs)
        {
            public bool Head { get; init; }

            public Loss Loss { get; init; }

            public double Weight { get; init; } = 1.0;
        }

        public static int ParameterCount(Node[] nodes, int inputLength)
        {
            var sizes = Sizes(nodes, inputLength);
            int count = 0;
            for (int i = 0; i < nodes.Length; i++)
            {
                if (nodes[i].Kind == "Dense") count += nodes[i].Units * (Size(sizes, nodes[i].Inputs[0], inputLength) + 1);
            }

            return count;
        }

        private static int Size(int[] sizes, int input, int inputLength) => input < 0 ? inputLength : sizes[input];

        private static int[] Sizes(Node[] nodes, int inputLength)
        {
            var sizes = new int[nodes.Length];
            for (int i = 0; i < nodes.Length; i++)
            {
                var node = nodes[i];
                sizes[i] = node.Kind == "Dense" ? node.Units
                    : node.Kind == "Add" ? Size(sizes, node.Inputs[0], inputLength)
                    : node.Inputs.Sum(j => Size(sizes, j, inputLength));
            }

            return sizes;
        }

        public static double Loss(double[] p, Node[] nodes, float[] inputs, int inputLength, float[] targets, int batch)
        {
            var sizes = Sizes(nodes, inputLength);
            int outputs = nodes.Where(n => n.Head).Sum(n => sizes[Array.IndexOf(nodes, n)]);
            var sums = new double[nodes.Length];
            var counts = new int[nodes.Length];
            for (int s = 0; s < batch; s++)
            {
                var x = inputs.Skip(s * inputLength).Take(inputLength).Select(v => (double)v).ToArray();
                var values = new double[nodes.Length][];
                double[] Value(int j) => j < 0 ? x : values[j];
                int offset = 0, targetOffset = 0;
                for (int i = 0; i < nodes.Length; i++)
                {
                    var node = nodes[i];
                    double[] z;
                    if (node.Kind == "Dense")
                    {
                        var input = Value(node.Inputs[0]);
                        z = new double[node.Units];
                        int bias = offset + node.Units * input.Length;
                        for (int o = 0; o < node.Units; o++)
                        {
                            double sum = p[bias + o];
                            for (int k = 0; k < input.Length; k++) sum += p[offset + o * input.Length + k] * input[k];
                            z[o] = sum;
                        }

                        offset = bias + node.Units;
                    }
                    else if (node.Kind == "Add")
                    {
                        z = new double[sizes[i]];
                        foreach (int j in node.Inputs)
                        {
                            for (int k = 0; k < z.Length; k++) z[k] += Value(j)[k];
                        }
                    }
                    else
                    {
                        z = node.Inputs.SelectMany(j => Value(j)).ToArray();
                    }

                    values[i] = ReferenceNetwork.Activate(node.Act, z);
                    if (!node.Head) continue;
                    var a = values[i];
                    var y = targets.Skip(s * outputs + targetOffset).Take(a.Length).ToArray();
                    targetOffset += a.Length;
                    if (node.Loss == NetGen.Loss.CrossEntropy)
                    {
                        if (y.Any(float.IsNaN)) continue;
                        counts[i]++;
                        for (int k = 0; k < a.Length; k++) sums[i] -= y[k] * (node.Act == Act.LogSoftmax ? a[k] : Math.Log(a[k]));
                        continue;
                    }

                    for (int k = 0; k < a.Length; k++)
                    {
                        if (float.IsNaN(y[k])) continue;
                        counts[i]++;
                        sums[i] += node.Loss == NetGen.Loss.BinaryCrossEntropy
                            ? -(y[k] * Math.Log(a[k]) + (1 - y[k]) * Math.Log(1 - a[k]))
                            : (a[k] - y[k]) * (a[k] - y[k]);
                    }
                }
            }

            double total = 0;
            for (int i = 0; i < nodes.Length; i++)
            {
                if (nodes[i].Head && counts[i] > 0) total += nodes[i].Weight * sums[i] / counts[i];
            }

            return total;
        }
    }
}
