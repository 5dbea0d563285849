using System;
using System.Collections.Generic;

namespace NetGen
{
    /// <summary>Which of a network's state spans holds a tensor.</summary>
    public enum TensorStore
    {
        /// <summary><see cref="INetwork.Parameters"/>: weights and biases, trained by gradients.</summary>
        Parameters,

        /// <summary><see cref="INetwork.Buffers"/>: batch normalization's running mean and variance.</summary>
        Buffers,

        /// <summary><see cref="INetwork.Counters"/>: batch normalization's <c>num_batches_tracked</c> (a 64-bit integer, shape []).</summary>
        Counters,

        /// <summary>
        /// <see cref="INetwork.Masks"/>: a pruned weight's mask (section 8.7), in weight files as PyTorch's
        /// <c>torch.nn.utils.prune</c> keeps it: <c>name_mask</c> beside <c>name_orig</c> instead of <c>name</c>.
        /// </summary>
        Masks,
    }

    /// <summary>
    /// What a non-strict load did (<see cref="SafeTensors.Load(INetwork, System.IO.Stream, bool)"/>), as PyTorch's
    /// <c>load_state_dict(strict=False)</c> returns its missing and unexpected keys.
    /// </summary>
    public sealed class TensorLoadReport
    {
        /// <summary>The network's tensors that were read from the file.</summary>
        public List<string> Loaded { get; } = new List<string>();

        /// <summary>The network's tensors the file does not have (left as they were).</summary>
        public List<string> Missing { get; } = new List<string>();

        /// <summary>The file's tensors the network does not have (not read).</summary>
        public List<string> Unexpected { get; } = new List<string>();

        /// <summary>Tensors of both whose shapes differ, as "name: [here] here, [file] in the file" (left as they were).</summary>
        public List<string> Mismatched { get; } = new List<string>();

        /// <summary>One line per list, for a log.</summary>
        public override string ToString()
            => $"loaded {Loaded.Count}; missing: {Join(Missing)}; unexpected: {Join(Unexpected)}; mismatched: {Join(Mismatched)}";

        private static string Join(List<string> names) => names.Count == 0 ? "none" : string.Join(", ", names);
    }

    /// <summary>How <see cref="SafeTensors.Load(INetwork, System.IO.Stream, TensorMatching)"/> pairs a file's tensors with the network's.</summary>
    public enum TensorMatching
    {
        /// <summary>By name, as PyTorch's <c>load_state_dict(strict=True)</c>: every name present once, nothing else.</summary>
        ByName,

        /// <summary>
        /// By order and shape, for modules whose attribute names differ (<c>conv1.weight</c> where NetGen says <c>0.weight</c>):
        /// each of the network's tensors, in <c>state_dict()</c> order, takes the first unused tensor of the file (in the order
        /// of its data) with the same shape. Same-shaped tensors are therefore taken in the file's order.
        /// </summary>
        ByOrder,
    }

    /// <summary>
    /// One tensor of a network's state as PyTorch's <c>state_dict()</c> names it: where it lives (<see cref="Store"/>,
    /// <see cref="Offset"/>) and its shape in PyTorch's layout. Generated networks list theirs in
    /// <see cref="INetwork.Tensors"/>, in <c>state_dict()</c> order.
    /// </summary>
    public sealed class TensorInfo
    {
        private readonly int[] _shape;

        /// <summary>Describes a tensor of <paramref name="shape"/> at <paramref name="offset"/> in <paramref name="store"/>.</summary>
        /// <exception cref="ArgumentException">A dimension or the offset is negative.</exception>
        public TensorInfo(string name, TensorStore store, int offset, params int[] shape)
        {
            Name = Guard.NotNull(name, nameof(name));
            Guard.NotNull(shape, nameof(shape));
            if (offset < 0) throw new ArgumentOutOfRangeException(nameof(offset), $"Expected offset >= 0, but got {offset}.");
            long length = 1;
            foreach (int d in shape)
            {
                if (d < 0) throw new ArgumentException($"Expected every dimension >= 0, but got [{string.Join(", ", shape)}].", nameof(shape));
                length = checked(length * d);
            }

            Store = store;
            Offset = offset;
            _shape = (int[])shape.Clone();
            Length = checked((int)length);
        }

        /// <summary>The name in <c>state_dict()</c>, e.g. <c>0.weight</c>, <c>stem.bias</c>, <c>bn.running_mean</c>.</summary>
        public string Name { get; }

        /// <summary>The span that holds the values.</summary>
        public TensorStore Store { get; }

        /// <summary>Where the values start in that span.</summary>
        public int Offset { get; }

        /// <summary>The dimensions in PyTorch's layout (empty for a scalar).</summary>
        public IReadOnlyList<int> Shape => _shape;

        /// <summary>The number of values (1 for a scalar).</summary>
        public int Length { get; }

        /// <summary>The shape as PyTorch prints it, e.g. <c>[6, 1, 5, 5]</c>.</summary>
        public string ShapeText => "[" + string.Join(", ", _shape) + "]";

        /// <inheritdoc />
        public override string ToString() => Name + " " + ShapeText;
    }
}
