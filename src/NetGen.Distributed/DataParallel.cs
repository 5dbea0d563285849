using System;

namespace NetGen.Distributed
{
    /// <summary>
    /// Data-parallel training (as PyTorch's DistributedDataParallel): an optimizer that replaces the gradients by their mean
    /// over the processes of <see cref="World"/> (deterministic, the same bits on every process), then lets the inner
    /// optimizer step. Every process starts from the same parameters (the same seed, or <see cref="IProcessGroup.Broadcast"/>
    /// from one), so all keep bit-identical parameters. With equal shards of b samples on n processes a step equals one
    /// process's step on the n b samples together, up to float rounding.
    /// </summary>
    public sealed class DataParallel : IWrappingOptimizer
    {
        private float[] _mean = Array.Empty<float>();

        /// <summary>Wraps <paramref name="inner"/> for the processes of <paramref name="world"/>.</summary>
        public DataParallel(IOptimizer inner, IProcessGroup world)
        {
            Inner = inner ?? throw new ArgumentNullException(nameof(inner));
            World = world ?? throw new ArgumentNullException(nameof(world));
        }

        /// <summary>The optimizer that steps on the averaged gradients.</summary>
        public IOptimizer Inner { get; }

        /// <summary>The processes the gradients are averaged over.</summary>
        public IProcessGroup World { get; }

        /// <inheritdoc/>
        public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
        {
            if (gradients.Length != parameters.Length) throw new ArgumentException($"Expected gradients.Length == parameters.Length = {parameters.Length}, but got {gradients.Length}.", nameof(gradients));
            if (_mean.Length != gradients.Length) _mean = new float[gradients.Length];
            gradients.CopyTo(_mean);
            World.Average(_mean);
            Inner.Step(parameters, _mean);
        }
    }
}
