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
