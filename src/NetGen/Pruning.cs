using System;
using System.Collections.Generic;
using System.Linq;

namespace NetGen
{
    /// <summary>Whether a pruning fraction applies to all prunable weights together or to each weight tensor alone.</summary>
    public enum PruningScope
    {
        /// <summary>The fraction of all prunable weights, ranked together (PyTorch's <c>prune.global_unstructured</c>).</summary>
        Global = 0,

        /// <summary>The fraction of each weight tensor, ranked within it (PyTorch's <c>prune.l1_unstructured</c> per module).</summary>
        PerLayer = 1,
    }

    /// <summary>
    /// Pruning (section 8.7): weights removed from a trained network, set to 0 and kept there through <see cref="INetwork.Masks"/>
    /// (TrainStep and ComputeGradients hold a masked parameter and its gradient at exactly 0). The prunable weights are the
    /// weight matrices and kernels of dense and convolutional layers (tensors named ".weight" with two or more axes), not
    /// biases, normalization scales or PReLU slopes. Fractions count the weights already pruned: pruning 0.8 after 0.5
    /// prunes 30 % more.
    /// </summary>
    public static class Pruning
    {
        /// <summary>The prunable weight tensors of <paramref name="network"/>.</summary>
        public static IReadOnlyList<TensorInfo> Prunable(INetwork network)
        {
            Guard.NotNull(network, nameof(network));
            return network.Tensors.Where(t => t.Store == TensorStore.Parameters && t.Name.EndsWith(".weight", StringComparison.Ordinal) && t.Shape.Count >= 2).ToList();
        }

        /// <summary>The fraction of the prunable weights whose mask is 0.</summary>
        public static double Sparsity(INetwork network)
        {
            var tensors = Prunable(network);
            var masks = network.Masks;
            long total = 0, pruned = 0;
            foreach (var t in tensors)
            {
                total += t.Length;
                foreach (float m in masks.Slice(t.Offset, t.Length)) pruned += m == 0f ? 1 : 0;
            }

            return total == 0 ? 0 : (double)pruned / total;
        }

        /// <summary>
        /// Magnitude pruning (section 8.7; OBD's rule with all H_ii equal): masks the weights of smallest |w| until
        /// <paramref name="fraction"/> of the prunable weights are pruned (ties by position). Returns how many were newly pruned.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="fraction"/> is outside [0, 1].</exception>
        public static int Magnitude(INetwork network, double fraction, PruningScope scope = PruningScope.Global)
        {
            Guard.NotNull(network, nameof(network));
            var parameters = network.Parameters.ToArray();
            return Prune(network, fraction, scope, i => Math.Abs(parameters[i]));
        }

        /// <summary>
        /// Optimal Brain Damage (section 8.7, eq. 8.27-8.32): masks the weights of least saliency H_ii w_i^2 / 2, H_ii being
        /// <see cref="INetwork.HessianDiagonal(ReadOnlySpan{float}, ReadOnlySpan{float}, int, Span{float})"/>'s estimate on the
        /// given data, until <paramref name="fraction"/> of the prunable weights are pruned. Retrain after (the notes' advice).
        /// Returns how many were newly pruned.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="fraction"/> is outside [0, 1].</exception>
        /// <exception cref="NotSupportedException">A layer has no step in LeCun's recursion (the network's HessianDiagonal says which).</exception>
        public static int OptimalBrainDamage(INetwork network, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batch, double fraction, PruningScope scope = PruningScope.Global)
        {
            Guard.NotNull(network, nameof(network));
            var diagonal = new float[network.ParameterCount];
            network.HessianDiagonal(inputs, targets, batch, diagonal);
            return Damage(network, diagonal, fraction, scope);
        }

        /// <summary>As <see cref="OptimalBrainDamage(INetwork, ReadOnlySpan{float}, ReadOnlySpan{float}, int, double, PruningScope)"/> with class labels.</summary>
        public static int OptimalBrainDamage(INetwork network, ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, int batch, double fraction, PruningScope scope = PruningScope.Global)
        {
            Guard.NotNull(network, nameof(network));
            var diagonal = new float[network.ParameterCount];
            network.HessianDiagonal(inputs, labels, batch, diagonal);
            return Damage(network, diagonal, fraction, scope);
        }

        private static int Damage(INetwork network, float[] diagonal, double fraction, PruningScope scope)
        {
            var parameters = network.Parameters.ToArray();
            return Prune(network, fraction, scope, i => 0.5 * diagonal[i] * parameters[i] * parameters[i]);
        }

        /// <summary>The most parameters <see cref="OptimalBrainSurgeon"/> takes: its inverse Hessian holds their square in doubles (128 MiB).</summary>
        public const int MaxSurgeonParameters = 4096;

        /// <summary>
        /// Optimal Brain Surgeon (section 8.7, eq. 8.33-8.42): removes <paramref name="count"/> weights one at a time (from all
        /// prunable weights together, or <paramref name="count"/> from each tensor with <see cref="PruningScope.PerLayer"/>),
        /// each time the weight q of least saliency w_q^2 / (2 [H^-1]_qq) (eq. 8.40), and moves every other parameter by
        /// dw = -(w_q / [H^-1]_qq) H^-1 e_q (eq. 8.39, 8.42), q itself to exactly 0; then q leaves the inverse
        /// (H^-1 -= H^-1 e_q e_q^T H^-1 / [H^-1]_qq), so later steps keep it at 0. H^-1 is Hassibi and Stork's recursion over
        /// the outer products of the outputs' parameter gradients X_nk = dy_k(x_n)/dw (<see cref="INetwork.ParameterGradients"/>),
        /// H^-1 &lt;- H^-1 - H^-1 X X^T H^-1 / (N + X^T H^-1 X) from H^-1 = I / <paramref name="alpha"/>: the inverse of
        /// (1/N) sum X X^T + alpha I, the Hessian of the squared error at a minimum (where the residuals vanish, so the
        /// targets do not enter; they are checked for their length). Frozen and already pruned parameters stay where they are.
        /// Returns how many were pruned.
        /// </summary>
        /// <exception cref="NotSupportedException">The network has more than <see cref="MaxSurgeonParameters"/> parameters.</exception>
        public static int OptimalBrainSurgeon(INetwork network, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batch, int count, PruningScope scope = PruningScope.Global, double alpha = 1e-6)
        {
            Guard.NotNull(network, nameof(network));
            Guard.Batch(batch);
            Guard.BatchLength(nameof(inputs), batch, network.InputLength, inputs.Length);
            Guard.BatchLength(nameof(targets), batch, network.OutputLength, targets.Length);
            if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, $"Expected a count >= 0, but got {count}.");
            if (!(alpha > 0)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, $"Expected alpha > 0 (Hassibi and Stork use 1e-8 to 1e-4), but got {alpha}.");
            int q = network.ParameterCount;
            if (q > MaxSurgeonParameters)
            {
                throw new NotSupportedException($"{network.GetType().Name} has {q} parameters; Optimal Brain Surgeon's inverse Hessian holds their square, and it takes at most {MaxSurgeonParameters}. Use OptimalBrainDamage or Magnitude.");
            }

            var inverse = InverseHessian(network, inputs, batch, alpha);
            var masks = network.Masks;
            var parameters = network.Parameters;
            var prunable = Prunable(network);
            for (int i = 0; i < q; i++) if (masks[i] == 0f) Remove(inverse, q, i); // already pruned: a constant 0
            var groups = scope == PruningScope.Global
                ? new[] { prunable.SelectMany(t => Enumerable.Range(t.Offset, t.Length)).ToArray() }
                : prunable.Select(t => Enumerable.Range(t.Offset, t.Length).ToArray()).ToArray();
            int pruned = 0;
            foreach (var group in groups)
            {
                for (int step = 0; step < count; step++)
                {
                    int chosen = -1;
                    double least = double.PositiveInfinity;
                    foreach (int i in group)
                    {
                        double diagonal = inverse[(long)i * q + i];
                        if (masks[i] == 0f || !(diagonal > 0)) continue;
                        double saliency = parameters[i] * (double)parameters[i] / (2 * diagonal);
                        if (saliency < least)
                        {
                            least = saliency;
                            chosen = i;
                        }
                    }

                    if (chosen < 0) break; // every weight of the group is pruned
                    double factor = parameters[chosen] / inverse[(long)chosen * q + chosen];
                    for (int i = 0; i < q; i++) if (masks[i] != 0f) parameters[i] -= (float)(factor * inverse[(long)i * q + chosen]);
                    parameters[chosen] = 0f;
                    masks[chosen] = 0f;
                    Remove(inverse, q, chosen);
                    pruned++;
                }
            }

            return pruned;
        }

        /// <summary>Hassibi and Stork's recursion: (1/N sum_n sum_k X_nk X_nk^T + alpha I)^-1, one outer product at a time, in double.</summary>
        private static double[] InverseHessian(INetwork network, ReadOnlySpan<float> inputs, int batch, double alpha)
        {
            int q = network.ParameterCount, outputs = network.OutputLength;
            var inverse = new double[(long)q * q];
            for (int i = 0; i < q; i++) inverse[(long)i * q + i] = 1 / alpha;
            var seed = new float[outputs];
            var gradientsBefore = network.Gradients.ToArray();
            var hx = new double[q];
            for (int n = 0; n < batch; n++)
            {
                var sample = inputs.Slice(n * network.InputLength, network.InputLength);
                for (int k = 0; k < outputs; k++)
                {
                    Array.Clear(seed);
                    seed[k] = 1f;
                    network.ParameterGradients(sample, seed, 1);
                    var x = network.Gradients;
                    double denominator = batch;
                    for (int i = 0; i < q; i++)
                    {
                        double sum = 0;
                        long row = (long)i * q;
                        for (int j = 0; j < q; j++) sum += inverse[row + j] * x[j];
                        hx[i] = sum;
                        denominator += x[i] * sum;
                    }

                    for (int i = 0; i < q; i++)
                    {
                        if (hx[i] == 0) continue;
                        double scale = hx[i] / denominator;
                        long row = (long)i * q;
                        for (int j = 0; j < q; j++) inverse[row + j] -= scale * hx[j];
                    }
                }
            }

            gradientsBefore.CopyTo(network.Gradients); // Gradients as the caller left them
            return inverse;
        }

        /// <summary>H^-1 &lt;- H^-1 - H^-1 e_r e_r^T H^-1 / [H^-1]_rr: the inverse of H without row and column r, zero-padded.</summary>
        private static void Remove(double[] inverse, int q, int r)
        {
            double pivot = inverse[(long)r * q + r];
            if (pivot == 0) return;
            var column = new double[q];
            for (int i = 0; i < q; i++) column[i] = inverse[(long)i * q + r];
            for (int i = 0; i < q; i++)
            {
                if (column[i] == 0) continue;
                double scale = column[i] / pivot;
                long row = (long)i * q;
                for (int j = 0; j < q; j++) inverse[row + j] -= scale * column[j];
            }
        }

        /// <summary>Masks the lowest-saliency prunable weights until <paramref name="fraction"/> of them (in <paramref name="scope"/>) are pruned; pruned ones rank first.</summary>
        internal static int Prune(INetwork network, double fraction, PruningScope scope, Func<int, double> saliency)
        {
            if (!(fraction >= 0 && fraction <= 1)) throw new ArgumentOutOfRangeException(nameof(fraction), fraction, $"Expected a fraction in [0, 1], but got {fraction}.");
            var tensors = Prunable(network);
            var groups = scope == PruningScope.Global
                ? new[] { tensors.SelectMany(t => Enumerable.Range(t.Offset, t.Length)).ToArray() }
                : tensors.Select(t => Enumerable.Range(t.Offset, t.Length).ToArray()).ToArray();
            var masks = network.Masks;
            var parameters = network.Parameters;
            int newly = 0;
            var mask = masks.ToArray(); // as it was: the groups do not overlap
            foreach (var group in groups)
            {
                int count = (int)Math.Round(fraction * group.Length, MidpointRounding.AwayFromZero);
                var order = group.OrderBy(i => mask[i] == 0f ? 0 : 1).ThenBy(saliency).ThenBy(i => i).Take(count);
                foreach (int i in order)
                {
                    if (masks[i] != 0f) newly++;
                    masks[i] = 0f;
                    parameters[i] = 0f;
                }
            }

            return newly;
        }
    }
}
