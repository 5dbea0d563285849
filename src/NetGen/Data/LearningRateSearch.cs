using System;
using System.Collections.Generic;
using System.Linq;

namespace NetGen
{
    /// <summary>One learning rate tried: the loss it reached (NaN or infinite when training diverged).</summary>
    public sealed record LearningRateTrial(double LearningRate, double Loss)
    {
        /// <summary>Whether training at this rate diverged: a loss that is not finite, or above the loss before training.</summary>
        public bool Diverged { get; init; }
    }

    /// <summary>What a learning-rate search tried and the rate it suggests.</summary>
    /// <param name="Method">"grid" or "range test".</param>
    /// <param name="Trials">Each rate tried, in the order tried, with its loss.</param>
    /// <param name="Suggested">The suggested learning rate.</param>
    /// <param name="InitialLoss">The loss before any training (the same network state every trial starts from).</param>
    public sealed record LearningRateSearchResult(string Method, IReadOnlyList<LearningRateTrial> Trials, double Suggested, double InitialLoss);

    /// <summary>
    /// Choosing the learning rate (section 4.10.5): the notes' way, a short run per rate on a logarithmic grid from high to
    /// low judged on a validation set (<see cref="Grid"/>), and the exponential learning-rate range test, one pass with the
    /// rate growing every update (<see cref="RangeTest"/>, as fastai's lr_find). Both leave the network as they found it:
    /// parameters, running statistics and counters are restored after every trial.
    /// </summary>
    public static class LearningRateSearch
    {
        /// <summary>
        /// Trains a fresh optimizer from <paramref name="createOptimizer"/> at each rate of the grid from <paramref name="highest"/>
        /// down to <paramref name="lowest"/> (<paramref name="perDecade"/> rates per factor of 10), each from the same starting
        /// state for the epochs, batch size, seed, sampling, augmentation and target standardizer of <paramref name="options"/>
        /// (default: one epoch of 32), and records the data loss on <paramref name="validation"/> (on <paramref name="train"/> without it). A rate diverged when
        /// that loss is not finite or above the loss before training. Suggests the rate with the lowest loss among those that
        /// did not diverge.
        /// </summary>
        /// <exception cref="ArgumentException">The rates, the grid or the data are not valid; or every rate diverged.</exception>
        public static LearningRateSearchResult Grid(INetwork network, Func<float, IOptimizer> createOptimizer, Dataset train, Dataset? validation = null,
            TrainingOptions? options = null, double highest = 1, double lowest = 1e-4, int perDecade = 3)
        {
            Guard.NotNull(network, nameof(network));
            Guard.NotNull(createOptimizer, nameof(createOptimizer));
            Guard.NotNull(train, nameof(train));
            if (!(lowest > 0) || !(highest >= lowest) || double.IsInfinity(highest))
                throw new ArgumentOutOfRangeException(nameof(highest), $"Expected 0 < lowest <= highest < infinity, but got lowest {lowest} and highest {highest}.");
            if (perDecade < 1) throw new ArgumentOutOfRangeException(nameof(perDecade), perDecade, $"Expected perDecade >= 1, but got {perDecade}.");
            options ??= new TrainingOptions { Epochs = 1 };
            var judged = validation ?? train;
            var start = NetworkState.Of(network);
            double initial = Trainer.Evaluate(network, judged, null, 256, options.TargetStandardizer).Loss;
            int count = (int)Math.Floor(Math.Log10(highest / lowest) * perDecade + 1e-9) + 1;
            var trials = new List<LearningRateTrial>();
            try
            {
                for (int i = 0; i < count; i++)
                {
                    double rate = highest * Math.Pow(10, -(double)i / perDecade);
                    var trial = new TrainingOptions { Epochs = options.Epochs, BatchSize = options.BatchSize, Seed = options.Seed, Sampling = options.Sampling, Augmentation = options.Augmentation, TargetStandardizer = options.TargetStandardizer };
                    double loss;
                    try
                    {
                        new Trainer(network, createOptimizer((float)rate), trial).Fit(train);
                        loss = Trainer.Evaluate(network, judged, null, 256, options.TargetStandardizer).Loss;
                    }
                    catch (ArithmeticException)
                    {
                        loss = double.NaN; // anomaly mode (NumericChecks.Anomalies) saw the divergence first
                    }

                    trials.Add(new LearningRateTrial(rate, loss) { Diverged = !double.IsFinite(loss) || loss > initial });
                    start.Restore(network);
                }
            }
            finally
            {
                start.Restore(network);
            }

            var best = trials.Where(t => !t.Diverged).OrderBy(t => t.Loss).FirstOrDefault()
                ?? throw new ArgumentException($"Every learning rate from {highest} down to {lowest} diverged (losses {string.Join(", ", trials.Select(t => t.Loss.ToString("G3", System.Globalization.CultureInfo.InvariantCulture)))}, {initial:G3} before training); try lower rates.", nameof(lowest));
            return new LearningRateSearchResult("grid", trials, best.LearningRate, initial);
        }

        /// <summary>
        /// The learning-rate range test: <paramref name="steps"/> updates on seeded mini-batches of <paramref name="batchSize"/>
        /// with the rate growing geometrically from <paramref name="start"/> to <paramref name="end"/>, recording the training
        /// loss after each update smoothed by an exponential average (0.98, bias-corrected), until it passes 4 times its
        /// minimum. Suggests a tenth of the rate at the smoothed loss's minimum, the usual reading of the curve: the
        /// largest rate still well inside the region where the loss falls. One optimizer from
        /// <paramref name="createOptimizer"/> serves the whole run, its <see cref="Optimizer.Lr"/> set before every update.
        /// </summary>
        /// <exception cref="ArgumentException">The rates, steps or batch size are not valid, or the optimizer has no learning rate to set.</exception>
        public static LearningRateSearchResult RangeTest(INetwork network, Func<float, IOptimizer> createOptimizer, Dataset train,
            double start = 1e-6, double end = 1, int steps = 100, int batchSize = 32, int seed = 0)
        {
            Guard.NotNull(network, nameof(network));
            Guard.NotNull(createOptimizer, nameof(createOptimizer));
            Guard.NotNull(train, nameof(train));
            if (!(start > 0) || !(end > start) || double.IsInfinity(end))
                throw new ArgumentOutOfRangeException(nameof(end), $"Expected 0 < start < end < infinity, but got start {start} and end {end}.");
            if (steps < 2) throw new ArgumentOutOfRangeException(nameof(steps), steps, $"Expected steps >= 2, but got {steps}.");
            if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"Expected batchSize >= 1, but got {batchSize}.");
            var optimizer = createOptimizer((float)start);
            var rated = Optimizer.Rated(optimizer)
                ?? throw new ArgumentException($"Expected an optimizer with a learning rate (an Optimizer, or a wrapper such as ClipGradNorm around one), but got {optimizer.GetType().Name}.", nameof(createOptimizer));
            var state = NetworkState.Of(network);
            double initial = Trainer.Evaluate(network, train).Loss;
            var trials = new List<LearningRateTrial>();
            try
            {
                var rng = new Rng(seed, 9);
                int batch = Math.Min(batchSize, train.Count);
                var sample = new int[batch];
                double average = 0, lowest = double.PositiveInfinity;
                for (int step = 0; step < steps; step++)
                {
                    double rate = start * Math.Pow(end / start, (double)step / (steps - 1));
                    rated.Lr = (float)rate;
                    for (int i = 0; i < batch; i++) sample[i] = rng.NextInt(train.Count);
                    var data = train.Subset(sample);
                    float loss;
                    try
                    {
                        loss = data.Labels != null
                            ? network.TrainStep(data.Inputs, data.Labels, batch, optimizer)
                            : network.TrainStep(data.Inputs, data.Targets, batch, optimizer);
                    }
                    catch (ArithmeticException)
                    {
                        loss = float.NaN; // anomaly mode (NumericChecks.Anomalies) saw the divergence first
                    }

                    average = 0.98 * average + 0.02 * loss;
                    double smoothed = average / (1 - Math.Pow(0.98, step + 1));
                    bool diverged = !double.IsFinite(smoothed) || smoothed > 4 * lowest;
                    trials.Add(new LearningRateTrial(rate, smoothed) { Diverged = diverged });
                    if (diverged) break;
                    lowest = Math.Min(lowest, smoothed);
                }
            }
            finally
            {
                state.Restore(network);
            }

            var best = trials.Where(t => !t.Diverged).OrderBy(t => t.Loss).First();
            return new LearningRateSearchResult("range test", trials, best.LearningRate / 10, initial);
        }
    }

    /// <summary>A copy of a network's trained state (parameters, running statistics, counters) to put back later.</summary>
    internal sealed class NetworkState
    {
        private readonly float[] _parameters, _buffers;
        private readonly long[] _counters;

        private NetworkState(INetwork network)
        {
            _parameters = network.Parameters.ToArray();
            _buffers = network.Buffers.ToArray();
            _counters = network.Counters.ToArray();
        }

        public static NetworkState Of(INetwork network) => new NetworkState(network);

        public void Restore(INetwork network)
        {
            _parameters.CopyTo(network.Parameters);
            _buffers.CopyTo(network.Buffers);
            _counters.CopyTo(network.Counters);
        }
    }
}
