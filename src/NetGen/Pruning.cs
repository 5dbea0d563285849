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
