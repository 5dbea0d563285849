using System;

namespace NetGen
{
    /// <summary>
    /// The processes that train one network together, data-parallel (each holds the same network and trains on its own shard
    /// of every batch): what <see cref="TrainingOptions.World"/> and an optimizer that averages gradients need of them.
    /// NetGen.Distributed's MpiWorld implements it over MPI; the core library has no native dependency.
    /// </summary>
    public interface IProcessGroup
    {
        /// <summary>This process's index, 0 to <see cref="Size"/> - 1.</summary>
        int Rank { get; }

        /// <summary>The number of processes.</summary>
        int Size { get; }

        /// <summary>Replaces <paramref name="values"/> on every process by their mean over the processes: the same bits on every process and in every run (a fixed reduction order).</summary>
        void Average(Span<float> values);

        /// <summary>The mean of <paramref name="value"/> over the processes, the same on every process.</summary>
        double Average(double value);

        /// <summary>Copies <paramref name="values"/> of process <paramref name="root"/> to every other process.</summary>
        void Broadcast(Span<float> values, int root);
    }
}
