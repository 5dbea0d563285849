using System;

namespace NetGen
{
    /// <summary>Monte-Carlo dropout (section 8.4): the mean and spread of many stochastic forward passes.</summary>
    public static class MonteCarlo
    {
        /// <summary>
        /// Runs <paramref name="passes"/> forward passes of one sample with dropout and noise active (training mode) and writes
        /// each output's mean and standard deviation; the network's mode is restored afterwards.
        /// </summary>
        public static void Predict(INetwork network, ReadOnlySpan<float> input, Span<float> mean, Span<float> std, int passes)
        {
            Guard.NotNull(network, nameof(network));
            if (passes < 2) throw new ArgumentOutOfRangeException(nameof(passes), $"Expected passes >= 2, but got {passes}.");
            Guard.Length(nameof(input), network.InputLength, input.Length);
            Guard.Length(nameof(mean), network.OutputLength, mean.Length);
            Guard.Length(nameof(std), network.OutputLength, std.Length);
            var mode = network.Mode;
            var output = new float[network.OutputLength];
            var sum = new double[output.Length];
            var squares = new double[output.Length];
            try
            {
                network.Mode = NetworkMode.Training;
                for (int pass = 0; pass < passes; pass++)
                {
                    network.Forward(input, output);
                    for (int k = 0; k < output.Length; k++)
                    {
                        sum[k] += output[k];
                        squares[k] += (double)output[k] * output[k];
                    }
                }
            }
            finally
            {
                network.Mode = mode;
            }

            for (int k = 0; k < output.Length; k++)
            {
                double m = sum[k] / passes;
                mean[k] = (float)m;
                std[k] = (float)Math.Sqrt(Math.Max(0, (squares[k] - passes * m * m) / (passes - 1)));
            }
        }
    }

    /// <summary>
    /// Early stopping (section 8.8): remembers the parameters with the best validation metric and says when it has not
    /// improved for <see cref="Patience"/> epochs.
    /// </summary>
    public sealed class EarlyStopping
    {
        private float[]? _best, _bestBuffers;
        private long[]? _bestCounters;

        /// <summary>Stops after <paramref name="patience"/> epochs without an improvement larger than <paramref name="minDelta"/>; lower is better unless <paramref name="higherIsBetter"/>.</summary>
        public EarlyStopping(int patience, double minDelta = 0, bool higherIsBetter = false)
        {
            if (patience < 1) throw new ArgumentOutOfRangeException(nameof(patience), $"Expected patience >= 1, but got {patience}.");
            if (!(minDelta >= 0)) throw new ArgumentOutOfRangeException(nameof(minDelta), $"Expected minDelta >= 0, but got {minDelta}.");
            Patience = patience;
            MinDelta = minDelta;
            HigherIsBetter = higherIsBetter;
        }

        /// <summary>Epochs without improvement before stopping.</summary>
        public int Patience { get; }

        /// <summary>Smallest change that counts as an improvement.</summary>
        public double MinDelta { get; }

        /// <summary>Whether a larger metric is better (accuracy) rather than a smaller one (loss).</summary>
        public bool HigherIsBetter { get; }

        /// <summary>The best metric so far (NaN before the first report).</summary>
        public double Best { get; private set; } = double.NaN;

        /// <summary>The epoch (counted from 1) of the best metric.</summary>
        public int BestEpoch { get; private set; }

        /// <summary>Epochs reported so far.</summary>
        public int Epoch { get; private set; }

        /// <summary>Whether the patience has run out.</summary>
        public bool ShouldStop => Epoch - BestEpoch >= Patience;

        /// <summary>Reports an epoch's validation metric; keeps a copy of <paramref name="parameters"/> when it is the best. Returns <see cref="ShouldStop"/>.</summary>
        public bool Report(double metric, ReadOnlySpan<float> parameters)
        {
            if (double.IsNaN(metric)) throw new ArgumentException("Expected a metric, but got NaN.", nameof(metric));
            Epoch++;
            bool better = double.IsNaN(Best) || (HigherIsBetter ? metric > Best + MinDelta : metric < Best - MinDelta);
            if (better)
            {
                Best = metric;
                BestEpoch = Epoch;
                if (_best is null || _best.Length != parameters.Length) _best = new float[parameters.Length];
                parameters.CopyTo(_best);
            }

            return ShouldStop;
        }

        /// <summary>
        /// Reports an epoch's validation metric; keeps a copy of the network's whole state (parameters, batch normalization's
        /// running statistics and counters) when it is the best. Returns <see cref="ShouldStop"/>.
        /// </summary>
        public bool Report(double metric, INetwork network)
        {
            Guard.NotNull(network, nameof(network));
            int before = BestEpoch;
            bool stop = Report(metric, network.Parameters);
            if (BestEpoch != before)
            {
                if (_bestBuffers is null || _bestBuffers.Length != network.Buffers.Length) _bestBuffers = new float[network.Buffers.Length];
                if (_bestCounters is null || _bestCounters.Length != network.Counters.Length) _bestCounters = new long[network.Counters.Length];
                network.Buffers.CopyTo(_bestBuffers);
                network.Counters.CopyTo(_bestCounters);
            }

            return stop;
        }

        /// <summary>Restores the state <see cref="Report(double, INetwork)"/> kept at the best epoch: parameters, running statistics, counters.</summary>
        public void RestoreBest(INetwork network)
        {
            Guard.NotNull(network, nameof(network));
            RestoreBest(network.Parameters);
            if (_bestBuffers is null || _bestCounters is null) throw new InvalidOperationException("The best epoch was reported with parameters only; report the network to keep its running statistics too.");
            Guard.Length("network.Buffers", _bestBuffers.Length, network.Buffers.Length);
            _bestBuffers.CopyTo(network.Buffers);
            _bestCounters.CopyTo(network.Counters);
        }

        /// <summary>A new instance with the same settings and no epochs reported (for another training run).</summary>
        public EarlyStopping Fresh() => new EarlyStopping(Patience, MinDelta, HigherIsBetter);

        /// <summary>Copies the best parameters back into <paramref name="parameters"/>.</summary>
        public void RestoreBest(Span<float> parameters)
        {
            if (_best is null) throw new InvalidOperationException("No epoch has been reported yet.");
            Guard.Length(nameof(parameters), _best.Length, parameters.Length);
            _best.CopyTo(parameters);
        }
    }
}
