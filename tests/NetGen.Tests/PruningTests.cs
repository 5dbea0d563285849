using System;
using System.IO;
using System.Linq;
using NetGen.Tests.Parity;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>
    /// Issue 20, section 8.7: pruning masks. Magnitude pruning masks exactly the smallest |w| of the weight tensors (not biases),
    /// globally or per layer; a masked parameter and its gradient stay exactly 0 through ComputeGradients and every
    /// optimizer's steps; the ONNX export carries the zeros.
    /// </summary>
    public class PruningTests
    {
        private static (float[] X, int[] Labels) Data(int batch, int seed)
        {
            var random = new Random(seed);
            return (Enumerable.Range(0, batch * LeNet5.InputLength).Select(_ => (float)random.NextDouble()).ToArray(), Enumerable.Range(0, batch).Select(_ => random.Next(10)).ToArray());
        }

        /// <summary>OBD (eq. 8.32) masks the weights of least H_ii w_i^2 / 2, H_ii the network's HessianDiagonal, and no bias.</summary>
        [Theory]
        [InlineData(PruningScope.Global)]
        [InlineData(PruningScope.PerLayer)]
        public void Optimal_Brain_Damage_masks_the_weights_of_least_saliency(PruningScope scope)
        {
            var net = new LeNet5(3);
            var random = new Random(4);
            const int batch = 8;
            var x = Enumerable.Range(0, batch * LeNet5.InputLength).Select(_ => (float)random.NextDouble()).ToArray();
            var labels = Enumerable.Range(0, batch).Select(_ => random.Next(10)).ToArray();
            var diagonal = new float[LeNet5.ParameterCount];
            net.HessianDiagonal(x, labels, batch, diagonal);
            var w = net.Parameters.ToArray();
            Assert.True(diagonal.All(h => h >= 0)); // the Gauss-Newton form is never negative

            int pruned = Pruning.OptimalBrainDamage(net, x, labels, batch, 0.6, scope);
            var masks = net.Masks.ToArray();
            foreach (var tensor in net.Tensors.Where(t => t.Store == TensorStore.Parameters))
            {
                var indices = Enumerable.Range(tensor.Offset, tensor.Length).ToArray();
                if (!Pruning.Prunable(net).Contains(tensor))
                {
                    Assert.All(indices, i => Assert.Equal(1f, masks[i])); // biases stay
                    continue;
                }

                if (scope == PruningScope.PerLayer) Assert.Equal((int)Math.Round(0.6 * tensor.Length, MidpointRounding.AwayFromZero), indices.Count(i => masks[i] == 0f));
            }

            var weights = Pruning.Prunable(net).SelectMany(t => Enumerable.Range(t.Offset, t.Length)).ToArray();
            Assert.Equal((int)Math.Round(0.6 * weights.Length, MidpointRounding.AwayFromZero), pruned);
            double Saliency(int i) => 0.5 * diagonal[i] * w[i] * w[i];
            var groups = scope == PruningScope.Global ? new[] { weights } : Pruning.Prunable(net).Select(t => Enumerable.Range(t.Offset, t.Length).ToArray()).ToArray();
            foreach (var group in groups)
            {
                double highestPruned = group.Where(i => masks[i] == 0f).Max(Saliency), lowestKept = group.Where(i => masks[i] != 0f).Min(Saliency);
                Assert.True(highestPruned <= lowestKept, $"a pruned weight has saliency {highestPruned:R}, a kept one {lowestKept:R}");
            }
        }

        /// <summary>
        /// OBS on a linear network with squared error, whose Hessian is (2 / (N K)) sum X X^T exactly: the recursion's inverse
        /// is ((K / 2) H + alpha I)^-1, so OBS must choose the weights and move the parameters as the same steps on that
        /// matrix inverted directly (Gauss-Jordan) from the exact Hessian.
        /// </summary>
        [Fact]
        public void Optimal_Brain_Surgeon_matches_a_direct_computation_from_the_exact_Hessian()
        {
            var net = TestCompiler.Create(SecondOrderTests.Assembly, "More.Linear", 7);
            var random = new Random(8);
            const int batch = 6, count = 5;
            const double alpha = 1e-4;
            var x = Enumerable.Range(0, batch * 4).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var t = Enumerable.Range(0, batch * 3).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            int q = net.ParameterCount;
            var hessian = new float[q * q];
            net.Hessian(x, t, batch, hessian);
            var matrix = new double[q, q];
            for (int i = 0; i < q; i++)
                for (int j = 0; j < q; j++)
                    matrix[i, j] = 1.5 * hessian[i * q + j] + (i == j ? alpha : 0); // K / 2 = 3 / 2
            var inverse = Invert(matrix);
            var w = net.Parameters.ToArray().Select(v => (double)v).ToArray();
            var kept = Enumerable.Repeat(true, q).ToArray();
            var weights = Enumerable.Range(0, 12).ToArray(); // W [3, 4] at 0, the bias at 12
            for (int step = 0; step < count; step++)
            {
                int chosen = weights.Where(i => kept[i]).OrderBy(i => w[i] * w[i] / (2 * inverse[i, i])).First();
                double factor = w[chosen] / inverse[chosen, chosen];
                for (int i = 0; i < q; i++) if (kept[i]) w[i] -= factor * inverse[i, chosen];
                w[chosen] = 0;
                kept[chosen] = false;
                var column = Enumerable.Range(0, q).Select(i => inverse[i, chosen]).ToArray();
                double pivot = column[chosen];
                for (int i = 0; i < q; i++)
                    for (int j = 0; j < q; j++)
                        inverse[i, j] -= column[i] * column[j] / pivot;
            }

            Assert.Equal(count, Pruning.OptimalBrainSurgeon(net, x, t, batch, count, alpha: alpha));
            for (int i = 0; i < q; i++)
            {
                Assert.Equal(kept[i] ? 1f : 0f, net.Masks[i]);
                Assert.True(Math.Abs(net.Parameters[i] - w[i]) <= 1e-4 * Math.Max(1, Math.Abs(w[i])), $"w[{i}] = {net.Parameters[i]:R}, direct {w[i]:R}");
            }

            // a pruned weight stays 0 through a second call, which prunes others
            Assert.Equal(2, Pruning.OptimalBrainSurgeon(net, x, t, batch, 2, alpha: alpha));
            for (int i = 0; i < q; i++) if (!kept[i]) Assert.Equal(0f, net.Parameters[i]);
            Assert.Equal(7, net.Masks.ToArray().Count(m => m == 0f));
            Assert.Throws<NotSupportedException>(() => Pruning.OptimalBrainSurgeon(new LeNet5(1), new float[784], new float[10], 1, 1));
        }

        /// <summary>Gauss-Jordan elimination with partial pivoting, in double.</summary>
        private static double[,] Invert(double[,] a)
        {
            int n = a.GetLength(0);
            var m = (double[,])a.Clone();
            var inverse = new double[n, n];
            for (int i = 0; i < n; i++) inverse[i, i] = 1;
            for (int c = 0; c < n; c++)
            {
                int pivot = Enumerable.Range(c, n - c).OrderByDescending(r => Math.Abs(m[r, c])).First();
                for (int j = 0; j < n; j++)
                {
                    (m[c, j], m[pivot, j]) = (m[pivot, j], m[c, j]);
                    (inverse[c, j], inverse[pivot, j]) = (inverse[pivot, j], inverse[c, j]);
                }

                double d = m[c, c];
                for (int j = 0; j < n; j++)
                {
                    m[c, j] /= d;
                    inverse[c, j] /= d;
                }

                for (int r = 0; r < n; r++)
                {
                    if (r == c || m[r, c] == 0) continue;
                    double f = m[r, c];
                    for (int j = 0; j < n; j++)
                    {
                        m[r, j] -= f * m[c, j];
                        inverse[r, j] -= f * inverse[c, j];
                    }
                }
            }

            return inverse;
        }

        [Theory]
        [InlineData(PruningScope.Global)]
        [InlineData(PruningScope.PerLayer)]
        public void Magnitude_pruning_masks_the_smallest_weights_and_no_bias(PruningScope scope)
        {
            var net = new LeNet5(3);
            var before = net.Parameters.ToArray();
            var weights = Pruning.Prunable(net);
            Assert.Equal(new[] { "0.weight", "3.weight", "7.weight", "9.weight", "11.weight" }, weights.Select(t => t.Name));
            int pruned = Pruning.Magnitude(net, 0.6, scope);
            int total = weights.Sum(t => t.Length);

            // the direct computation: the 60 % smallest |w| of all weights (or of each tensor)
            var groups = scope == PruningScope.Global ? new[] { weights.SelectMany(t => Enumerable.Range(t.Offset, t.Length)).ToArray() } : weights.Select(t => Enumerable.Range(t.Offset, t.Length).ToArray()).ToArray();
            var expected = groups.SelectMany(g => g.OrderBy(i => Math.Abs(before[i])).ThenBy(i => i).Take((int)Math.Round(0.6 * g.Length, MidpointRounding.AwayFromZero))).ToHashSet();
            Assert.Equal(expected.Count, pruned);
            var masks = net.Masks.ToArray();
            var parameters = net.Parameters.ToArray();
            for (int i = 0; i < before.Length; i++)
            {
                bool masked = expected.Contains(i);
                Assert.Equal(masked ? 0f : 1f, masks[i]);
                Assert.Equal(masked ? 0f : before[i], parameters[i]);
            }

            Assert.Equal((double)expected.Count / total, Pruning.Sparsity(net), 12);
            // fractions count what is pruned already: 0.8 after 0.6 adds the next 20 % (of each group)
            int more = Pruning.Magnitude(net, 0.8, scope);
            Assert.Equal(groups.Sum(g => (int)Math.Round(0.8 * g.Length, MidpointRounding.AwayFromZero)) - expected.Count, more);
            Assert.Throws<ArgumentOutOfRangeException>(() => Pruning.Magnitude(net, 1.5));
        }

        public static TheoryData<string> Optimizers() => new TheoryData<string> { "sgd", "momentum", "adam", "adamw", "adagrad", "rmsprop", "adadelta", "rprop", "deltabardelta", "deltadelta", "quickprop", "clipped" };

        private static IOptimizer Make(string name) => name switch
        {
            "sgd" => new Sgd(lr: 0.05f),
            "momentum" => new Sgd(lr: 0.05f, momentum: 0.9f, weightDecay: 1e-2f),
            "adam" => new Adam(lr: 1e-2f),
            "adamw" => new AdamW(lr: 1e-2f, weightDecay: 0.1f),
            "adagrad" => new AdaGrad(lr: 0.05f),
            "rmsprop" => new RmsProp(lr: 1e-2f),
            "adadelta" => new AdaDelta(),
            "rprop" => new Rprop(),
            "deltabardelta" => new DeltaBarDelta(lr: 0.01f),
            "deltadelta" => new DeltaDelta(lr: 0.01f, gamma: 1e-4f),
            "quickprop" => new Quickprop(lr: 0.01f),
            _ => new ClipGradNorm(new Adam(lr: 1e-2f), maxNorm: 0.5f),
        };

        [Theory]
        [MemberData(nameof(Optimizers))]
        public void Masked_parameters_and_gradients_stay_exactly_zero_through_every_optimizer(string optimizer)
        {
            var net = new LeNet5(5);
            var (x, labels) = Data(8, 9);
            var step = Make(optimizer);
            net.TrainStep(x, labels, 8, step); // optimizer state from before the pruning (momentum, running averages)
            Pruning.Magnitude(net, 0.7);
            var masks = net.Masks.ToArray();
            var kept = net.Parameters.ToArray();
            for (int s = 0; s < 5; s++) net.TrainStep(x, labels, 8, step);
            var parameters = net.Parameters.ToArray();
            var gradients = net.Gradients.ToArray();
            int moved = 0;
            for (int i = 0; i < masks.Length; i++)
            {
                if (masks[i] == 0f)
                {
                    Assert.Equal(0f, parameters[i]);
                    Assert.Equal(0f, gradients[i]);
                }
                else if (parameters[i] != kept[i]) moved++;
            }

            Assert.True(moved > masks.Count(m => m != 0f) / 10, $"{optimizer}: only {moved} kept parameters trained"); // the others train on (some sit behind dead ReLUs)
        }

        /// <summary>
        /// Weight files keep the masks as PyTorch's torch.nn.utils.prune keeps them: a pruned weight is "name_orig" and
        /// "name_mask" instead of "name" (an unpruned one stays "name"); loading restores the masks, and training goes on with them.
        /// </summary>
        [Fact]
        public void Masks_round_trip_through_weight_files_as_PyTorchs_prune_writes_them()
        {
            var net = new LeNet5(6);
            Pruning.Magnitude(net, 0.7, PruningScope.PerLayer);
            net.Masks.Slice(Pruning.Prunable(net)[0].Offset, Pruning.Prunable(net)[0].Length).Fill(1f); // conv 0 unpruned again
            using var file = new MemoryStream();
            net.Save(file);
            var header = System.Text.Encoding.UTF8.GetString(file.ToArray(), 8, (int)BitConverter.ToInt64(file.ToArray(), 0));
            Assert.Contains("\"0.weight\"", header);
            Assert.DoesNotContain("\"0.weight_mask\"", header);
            foreach (string name in new[] { "3.weight", "7.weight", "9.weight", "11.weight" })
            {
                Assert.Contains("\"" + name + "_orig\"", header);
                Assert.Contains("\"" + name + "_mask\"", header);
                Assert.DoesNotContain("\"" + name + "\"", header);
            }

            var loaded = new LeNet5(99);
            file.Position = 0;
            loaded.Load(file);
            Assert.Equal(net.Parameters.ToArray(), loaded.Parameters.ToArray());
            Assert.Equal(net.Masks.ToArray(), loaded.Masks.ToArray());

            var (x, labels) = Data(8, 2);
            for (int s = 0; s < 3; s++) loaded.TrainStep(x, labels, 8, new Adam(lr: 1e-2f));
            var masks = loaded.Masks.ToArray();
            var parameters = loaded.Parameters.ToArray();
            Assert.All(Enumerable.Range(0, masks.Length).Where(i => masks[i] == 0f), i => Assert.Equal(0f, parameters[i]));

            // an unpruned file unprunes: the masks come from the file
            using var plain = new MemoryStream();
            new LeNet5(1).Save(plain);
            plain.Position = 0;
            loaded.Load(plain);
            Assert.All(loaded.Masks.ToArray(), m => Assert.Equal(1f, m));
        }

        [Fact]
        public void The_ONNX_export_carries_the_zeros_and_Forward_uses_them()
        {
            var net = new LeNet5(2);
            Pruning.Magnitude(net, 0.9);
            var (x, _) = Data(1, 4);
            var y = new float[10];
            net.Forward(x, y);
            using var stream = new MemoryStream();
            net.ExportOnnx(stream);
            var model = NetGen.Tool.Onnx.OnnxModel.Read(stream.ToArray());
            foreach (var t in Pruning.Prunable(net))
            {
                var exported = model.Graph.Initializers[t.Name].ToFloats();
                var masks = net.Masks.Slice(t.Offset, t.Length).ToArray();
                for (int i = 0; i < exported.Length; i++) Assert.True(masks[i] != 0f || exported[i] == 0f);
                Assert.True(exported.Count(v => v == 0f) >= masks.Count(m => m == 0f));
            }

            // Forward reads the zeros: the same outputs as a network whose weights were zeroed by hand
            var copy = new LeNet5(2);
            var parameters = copy.Parameters;
            var zeroed = net.Masks.ToArray();
            for (int i = 0; i < zeroed.Length; i++) if (zeroed[i] == 0f) parameters[i] = 0f;
            var expected = new float[10];
            copy.Forward(x, expected);
            Assert.Equal(expected, y);
        }
    }
}
