using System;
using System.IO;

namespace NetGen
{
    /// <summary>
    /// Sets an optimizer's learning rate per epoch from its initial one, as <c>torch.optim.lr_scheduler</c> does:
    /// call <see cref="Step"/> after each epoch. The epoch count is its whole state (<see cref="SaveState"/>).
    /// </summary>
    public abstract class LearningRateSchedule
    {
        private readonly Optimizer _optimizer;

        /// <summary>A schedule for <paramref name="optimizer"/>, starting from its current learning rate.</summary>
        protected LearningRateSchedule(Optimizer optimizer)
        {
            _optimizer = Guard.NotNull(optimizer, nameof(optimizer));
            BaseLr = optimizer.Lr;
        }

        /// <summary>The learning rate at epoch 0.</summary>
        public float BaseLr { get; }

        /// <summary>Epochs completed.</summary>
        public int Epoch { get; private set; }

        /// <summary>The learning rate for <paramref name="epoch"/>.</summary>
        public abstract float LearningRate(int epoch);

        /// <summary>Ends an epoch: advances the count and sets the optimizer's learning rate for the next.</summary>
        public void Step()
        {
            Epoch++;
            _optimizer.Lr = LearningRate(Epoch);
        }

        /// <summary>Writes the epoch count.</summary>
        public void SaveState(Stream stream)
        {
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            writer.Write(GetType().Name);
            writer.Write(Epoch);
        }

        /// <summary>Restores the epoch count and the optimizer's learning rate for it.</summary>
        /// <exception cref="InvalidDataException">The stream holds no state of this schedule type.</exception>
        public void LoadState(Stream stream)
        {
            using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            try
            {
                string type = reader.ReadString();
                if (type != GetType().Name) throw new InvalidDataException($"Expected the state of a {GetType().Name}, but got one of a {type}.");
                int epoch = reader.ReadInt32();
                if (epoch < 0) throw new InvalidDataException($"Expected an epoch >= 0, but got {epoch}.");
                Epoch = epoch;
                _optimizer.Lr = LearningRate(epoch);
            }
            catch (EndOfStreamException e)
            {
                throw new InvalidDataException("The schedule state is truncated.", e);
            }
        }
    }

    /// <summary>Step decay (figure 7.7), as <c>StepLR</c>: lr = baseLr * gamma^floor(epoch / stepSize); gamma 0.1 drops it by 10.</summary>
    public sealed class StepDecay : LearningRateSchedule
    {
        /// <summary>Multiplies the learning rate by <paramref name="gamma"/> every <paramref name="stepSize"/> epochs.</summary>
        public StepDecay(Optimizer optimizer, int stepSize, float gamma = 0.1f)
            : base(optimizer)
        {
            if (stepSize < 1) throw new ArgumentOutOfRangeException(nameof(stepSize), $"Expected stepSize >= 1, but got {stepSize}.");
            StepSize = stepSize;
            Gamma = gamma;
        }

        /// <summary>Epochs between drops.</summary>
        public int StepSize { get; }

        /// <summary>Factor of each drop.</summary>
        public float Gamma { get; }

        /// <inheritdoc />
        public override float LearningRate(int epoch) => (float)(BaseLr * Math.Pow(Gamma, epoch / StepSize));
    }

    /// <summary>Cosine annealing, as <c>CosineAnnealingLR</c>: lr = etaMin + (baseLr - etaMin)(1 + cos(pi epoch / tMax)) / 2.</summary>
    public sealed class CosineAnnealing : LearningRateSchedule
    {
        /// <summary>Anneals from the optimizer's learning rate to <paramref name="etaMin"/> over <paramref name="tMax"/> epochs.</summary>
        public CosineAnnealing(Optimizer optimizer, int tMax, float etaMin = 0f)
            : base(optimizer)
        {
            if (tMax < 1) throw new ArgumentOutOfRangeException(nameof(tMax), $"Expected tMax >= 1, but got {tMax}.");
            TMax = tMax;
            EtaMin = etaMin;
        }

        /// <summary>Half period in epochs.</summary>
        public int TMax { get; }

        /// <summary>Smallest learning rate.</summary>
        public float EtaMin { get; }

        /// <inheritdoc />
        public override float LearningRate(int epoch) => (float)(EtaMin + (BaseLr - EtaMin) * (1 + Math.Cos(Math.PI * epoch / TMax)) / 2);
    }
}

namespace NetGen
{
    /// <summary>
    /// Linear warm-up, then another schedule (or the base rate): lr = baseLr (startFactor + (1 - startFactor) t / warmupSteps)
    /// for t &lt; warmupSteps, then <c>then</c>'s rate at t - warmupSteps. As PyTorch's <c>SequentialLR(optimizer,
    /// [LinearLR(optimizer, start_factor, total_iters=warmupSteps), then], milestones=[warmupSteps])</c>. Step it per batch
    /// (TrainingOptions.ScheduleEveryBatch) or per epoch; it sets the starting rate when built.
    /// </summary>
    public sealed class LinearWarmup : LearningRateSchedule
    {
        /// <summary>
        /// Warms <paramref name="optimizer"/> up over <paramref name="warmupSteps"/> steps from startFactor times its rate;
        /// <paramref name="then"/> (built on the same optimizer before this one) takes over after.
        /// </summary>
        public LinearWarmup(Optimizer optimizer, int warmupSteps, float startFactor = 1f / 3f, LearningRateSchedule? then = null)
            : base(optimizer)
        {
            if (warmupSteps < 1) throw new ArgumentOutOfRangeException(nameof(warmupSteps), $"Expected warmupSteps >= 1, but got {warmupSteps}.");
            if (!(startFactor > 0f && startFactor <= 1f)) throw new ArgumentOutOfRangeException(nameof(startFactor), $"Expected 0 < startFactor <= 1, but got {startFactor}.");
            WarmupSteps = warmupSteps;
            StartFactor = startFactor;
            Then = then;
            optimizer.Lr = LearningRate(0);
        }

        /// <summary>Steps of the warm-up.</summary>
        public int WarmupSteps { get; }

        /// <summary>The first step's fraction of the base rate.</summary>
        public float StartFactor { get; }

        /// <summary>The schedule after the warm-up, or null (the base rate).</summary>
        public LearningRateSchedule? Then { get; }

        /// <inheritdoc />
        public override float LearningRate(int epoch)
            => epoch < WarmupSteps ? (float)(BaseLr * (StartFactor + (1.0 - StartFactor) * epoch / WarmupSteps))
                : Then?.LearningRate(epoch - WarmupSteps) ?? BaseLr;
    }

    /// <summary>How <see cref="OneCycle"/> moves between its rates.</summary>
    public enum AnnealStrategy
    {
        /// <summary>Half a cosine wave (PyTorch's 'cos', the default).</summary>
        Cos,

        /// <summary>A straight line ('linear').</summary>
        Linear,
    }

    /// <summary>
    /// The one-cycle policy, as PyTorch's <c>OneCycleLR(optimizer, max_lr, total_steps, pct_start, anneal_strategy,
    /// div_factor, final_div_factor, three_phase, cycle_momentum=False)</c>: from maxLr / divFactor up to maxLr over the
    /// first pctStart of the steps, then down to maxLr / divFactor / finalDivFactor. Step it after every batch, totalSteps
    /// times; it sets the starting rate when built. Momentum is not cycled.
    /// </summary>
    public sealed class OneCycle : LearningRateSchedule
    {
        private readonly (double End, double From, double To)[] _phases;

        /// <summary>A cycle of <paramref name="totalSteps"/> steps peaking at <paramref name="maxLr"/>.</summary>
        public OneCycle(Optimizer optimizer, float maxLr, int totalSteps, float pctStart = 0.3f, AnnealStrategy anneal = AnnealStrategy.Cos,
            float divFactor = 25f, float finalDivFactor = 1e4f, bool threePhase = false)
            : base(optimizer)
        {
            if (!(maxLr > 0f)) throw new ArgumentOutOfRangeException(nameof(maxLr), $"Expected maxLr > 0, but got {maxLr}.");
            if (totalSteps < 1) throw new ArgumentOutOfRangeException(nameof(totalSteps), $"Expected totalSteps >= 1, but got {totalSteps}.");
            if (!(pctStart >= 0f && pctStart <= 1f)) throw new ArgumentOutOfRangeException(nameof(pctStart), $"Expected 0 <= pctStart <= 1, but got {pctStart}.");
            if (!(divFactor > 0f)) throw new ArgumentOutOfRangeException(nameof(divFactor), $"Expected divFactor > 0, but got {divFactor}.");
            if (!(finalDivFactor > 0f)) throw new ArgumentOutOfRangeException(nameof(finalDivFactor), $"Expected finalDivFactor > 0, but got {finalDivFactor}.");
            MaxLr = maxLr;
            TotalSteps = totalSteps;
            Anneal = anneal;
            double initial = (double)maxLr / divFactor, min = initial / finalDivFactor, rise = (double)pctStart * totalSteps;
            _phases = threePhase
                ? new[] { (rise - 1, initial, (double)maxLr), (2 * rise - 2, (double)maxLr, initial), (totalSteps - 1.0, initial, min) }
                : new[] { (rise - 1, initial, (double)maxLr), (totalSteps - 1.0, (double)maxLr, min) };
            optimizer.Lr = LearningRate(0);
        }

        /// <summary>The peak rate.</summary>
        public float MaxLr { get; }

        /// <summary>The steps of the cycle.</summary>
        public int TotalSteps { get; }

        /// <summary>Cosine or linear.</summary>
        public AnnealStrategy Anneal { get; }

        /// <inheritdoc />
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="epoch"/> is past <see cref="TotalSteps"/>.</exception>
        public override float LearningRate(int epoch)
        {
            if (epoch > TotalSteps) throw new ArgumentOutOfRangeException(nameof(epoch), $"Expected at most totalSteps = {TotalSteps} steps of the cycle, but got step {epoch}.");
            double start = 0;
            for (int i = 0; i < _phases.Length; i++)
            {
                var (end, from, to) = _phases[i];
                if (epoch <= end || i == _phases.Length - 1)
                {
                    double pct = (epoch - start) / (end - start);
                    return (float)(Anneal == AnnealStrategy.Cos ? to + (from - to) / 2 * (Math.Cos(Math.PI * pct) + 1) : (to - from) * pct + from);
                }

                start = end;
            }

            throw new InvalidOperationException("unreachable");
        }
    }

    /// <summary>Whether <see cref="ReduceOnPlateau"/> waits for the metric to fall (a loss) or to rise (an accuracy).</summary>
    public enum PlateauMode
    {
        /// <summary>Lower is better.</summary>
        Min,

        /// <summary>Higher is better.</summary>
        Max,
    }

    /// <summary>Whether <see cref="ReduceOnPlateau"/>'s threshold is relative to the best value or absolute.</summary>
    public enum ThresholdMode
    {
        /// <summary>Better means beyond best (1 -+ threshold).</summary>
        Rel,

        /// <summary>Better means beyond best -+ threshold.</summary>
        Abs,
    }

    /// <summary>
    /// Cuts the learning rate when a metric stops improving, as PyTorch's <c>ReduceLROnPlateau(optimizer, mode, factor,
    /// patience, threshold, threshold_mode, cooldown, min_lr, eps)</c>: after more than <c>patience</c> epochs without an
    /// improvement beyond the threshold, lr = max(lr factor, minLr) (a change below eps is skipped), then <c>cooldown</c>
    /// epochs of rest. Call <see cref="Step(double)"/> with the metric after each epoch (the Trainer does, with the
    /// validation loss, through TrainingOptions.Plateau).
    /// </summary>
    public sealed class ReduceOnPlateau
    {
        private readonly Optimizer _optimizer;
        private int _cooldownCounter;

        /// <summary>Watches a metric for <paramref name="optimizer"/>.</summary>
        public ReduceOnPlateau(Optimizer optimizer, PlateauMode mode = PlateauMode.Min, float factor = 0.1f, int patience = 10, float threshold = 1e-4f,
            ThresholdMode thresholdMode = ThresholdMode.Rel, int cooldown = 0, float minLr = 0f, float eps = 1e-8f)
        {
            _optimizer = Guard.NotNull(optimizer, nameof(optimizer));
            if (!(factor >= 0f && factor < 1f)) throw new ArgumentOutOfRangeException(nameof(factor), $"Expected 0 <= factor < 1, but got {factor}.");
            if (patience < 0) throw new ArgumentOutOfRangeException(nameof(patience), $"Expected patience >= 0, but got {patience}.");
            if (cooldown < 0) throw new ArgumentOutOfRangeException(nameof(cooldown), $"Expected cooldown >= 0, but got {cooldown}.");
            if (!(minLr >= 0f)) throw new ArgumentOutOfRangeException(nameof(minLr), $"Expected minLr >= 0, but got {minLr}.");
            Mode = mode;
            Factor = factor;
            Patience = patience;
            Threshold = threshold;
            ThresholdMode = thresholdMode;
            Cooldown = cooldown;
            MinLr = minLr;
            Eps = eps;
            Best = mode == PlateauMode.Min ? double.PositiveInfinity : double.NegativeInfinity;
        }

        /// <summary>Min or max.</summary>
        public PlateauMode Mode { get; }

        /// <summary>The factor a cut multiplies the rate by.</summary>
        public float Factor { get; }

        /// <summary>Epochs without improvement tolerated before a cut.</summary>
        public int Patience { get; }

        /// <summary>The least improvement that counts.</summary>
        public float Threshold { get; }

        /// <summary>Relative or absolute threshold.</summary>
        public ThresholdMode ThresholdMode { get; }

        /// <summary>Epochs of rest after a cut.</summary>
        public int Cooldown { get; }

        /// <summary>The lowest rate.</summary>
        public float MinLr { get; }

        /// <summary>The smallest change of the rate that is made.</summary>
        public float Eps { get; }

        /// <summary>The best metric so far.</summary>
        public double Best { get; private set; }

        /// <summary>Epochs since the last improvement.</summary>
        public int BadEpochs { get; private set; }

        /// <summary>Takes the epoch's metric; cuts the rate when it has not improved for more than Patience epochs.</summary>
        public void Step(double metric)
        {
            if (IsBetter(metric))
            {
                Best = metric;
                BadEpochs = 0;
            }
            else
            {
                BadEpochs++;
            }

            if (_cooldownCounter > 0)
            {
                _cooldownCounter--;
                BadEpochs = 0;
            }

            if (BadEpochs > Patience)
            {
                double old = _optimizer.Lr, cut = Math.Max(old * Factor, MinLr);
                if (old - cut > Eps) _optimizer.Lr = (float)cut;
                _cooldownCounter = Cooldown;
                BadEpochs = 0;
            }
        }

        private bool IsBetter(double a)
        {
            double t = Threshold;
            if (Mode == PlateauMode.Min) return ThresholdMode == ThresholdMode.Rel ? a < Best * (1 - t) : a < Best - t;
            return ThresholdMode == ThresholdMode.Rel ? a > Best * (t + 1) : a > Best + t;
        }
    }
}
