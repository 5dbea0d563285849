using System;
using System.Collections.Generic;

namespace NetGen
{
    /// <summary>
    /// Samples in memory: inputs (each <see cref="InputLength"/> values, C*H*W contiguous) with class labels or with
    /// target vectors. Splits, subsets and folds copy; nothing is shared between datasets.
    /// </summary>
    public sealed class Dataset
    {
        /// <summary>A classification dataset: <paramref name="labels"/> in [0, <paramref name="classes"/>).</summary>
        public Dataset(float[] inputs, int[] labels, int inputLength, int classes)
        {
            Inputs = Guard.NotNull(inputs, nameof(inputs));
            Labels = Guard.NotNull(labels, nameof(labels));
            if (inputLength < 1) throw new ArgumentOutOfRangeException(nameof(inputLength), $"Expected inputLength >= 1, but got {inputLength}.");
            if (classes < 2) throw new ArgumentOutOfRangeException(nameof(classes), $"Expected classes >= 2, but got {classes}.");
            if (inputs.Length != (long)labels.Length * inputLength)
                throw new ArgumentException($"Expected inputs.Length == samples * inputLength = {labels.Length} * {inputLength} = {(long)labels.Length * inputLength} (one input of {inputLength} values per label), but got {inputs.Length}.", nameof(inputs));
            for (int i = 0; i < labels.Length; i++)
            {
                if ((uint)labels[i] >= (uint)classes) throw new ArgumentOutOfRangeException(nameof(labels), $"Expected labels[{i}] in [0, {classes - 1}], but got {labels[i]}.");
            }

            InputLength = inputLength;
            Classes = classes;
            Count = labels.Length;
        }

        /// <summary>A regression (or multi-target) dataset: each sample has <paramref name="targetLength"/> targets.</summary>
        public Dataset(float[] inputs, float[] targets, int inputLength, int targetLength)
        {
            Inputs = Guard.NotNull(inputs, nameof(inputs));
            Targets = Guard.NotNull(targets, nameof(targets));
            if (inputLength < 1) throw new ArgumentOutOfRangeException(nameof(inputLength), $"Expected inputLength >= 1, but got {inputLength}.");
            if (targetLength < 1) throw new ArgumentOutOfRangeException(nameof(targetLength), $"Expected targetLength >= 1, but got {targetLength}.");
            if (inputs.Length % inputLength != 0) throw new ArgumentException($"Expected inputs.Length to be a multiple of {inputLength}, but got {inputs.Length}.", nameof(inputs));
            Count = inputs.Length / inputLength;
            if (targets.Length != (long)Count * targetLength)
                throw new ArgumentException($"Expected targets.Length == samples * targetLength = {Count} * {targetLength} = {(long)Count * targetLength} ({Count} samples of {inputLength} input values), but got {targets.Length}.", nameof(targets));
            InputLength = inputLength;
            TargetLength = targetLength;
        }

        /// <summary>Number of samples.</summary>
        public int Count { get; }

        /// <summary>Values per input.</summary>
        public int InputLength { get; }

        /// <summary>Values per target (0 for a classification dataset).</summary>
        public int TargetLength { get; }

        /// <summary>Number of classes (0 for a regression dataset).</summary>
        public int Classes { get; }

        /// <summary>All inputs, sample after sample.</summary>
        public float[] Inputs { get; }

        /// <summary>The class labels, or null.</summary>
        public int[]? Labels { get; }

        /// <summary>The targets, or null.</summary>
        public float[]? Targets { get; }

        /// <summary>Input <paramref name="index"/>.</summary>
        public ReadOnlySpan<float> Input(int index) => Inputs.AsSpan(index * InputLength, InputLength);

        /// <summary>The samples at <paramref name="indices"/>, in that order.</summary>
        public Dataset Subset(IReadOnlyList<int> indices)
        {
            var inputs = new float[indices.Count * InputLength];
            for (int i = 0; i < indices.Count; i++) Input(indices[i]).CopyTo(inputs.AsSpan(i * InputLength));
            if (Labels != null)
            {
                var labels = new int[indices.Count];
                for (int i = 0; i < indices.Count; i++) labels[i] = Labels[indices[i]];
                return new Dataset(inputs, labels, InputLength, Classes);
            }

            var targets = new float[indices.Count * TargetLength];
            for (int i = 0; i < indices.Count; i++) Targets.AsSpan(indices[i] * TargetLength, TargetLength).CopyTo(targets.AsSpan(i * TargetLength));
            return new Dataset(inputs, targets, InputLength, TargetLength);
        }

        /// <summary>A random permutation of the sample indices (Fisher-Yates with <paramref name="rng"/>).</summary>
        public int[] Permutation(Rng rng)
        {
            var order = new int[Count];
            for (int i = 0; i < Count; i++) order[i] = i;
            for (int i = Count - 1; i > 0; i--)
            {
                int j = rng.NextInt(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }

            return order;
        }

        /// <summary>Shuffles (seeded) and splits into a training part of <paramref name="trainFraction"/> and the rest.</summary>
        public (Dataset Train, Dataset Test) Split(double trainFraction, int seed)
        {
            if (!(trainFraction > 0 && trainFraction < 1)) throw new ArgumentOutOfRangeException(nameof(trainFraction), $"Expected 0 < trainFraction < 1, but got {trainFraction}.");
            var order = Permutation(new Rng(seed));
            int train = (int)Math.Round(Count * trainFraction);
            return (Subset(new ArraySegment<int>(order, 0, train)), Subset(new ArraySegment<int>(order, train, Count - train)));
        }

        /// <summary>Shuffles (seeded) and splits into training, validation and test parts.</summary>
        public (Dataset Train, Dataset Validation, Dataset Test) Split(double trainFraction, double validationFraction, int seed)
        {
            if (!(trainFraction > 0 && validationFraction > 0 && trainFraction + validationFraction < 1))
                throw new ArgumentOutOfRangeException(nameof(validationFraction), $"Expected positive fractions with a sum below 1, but got {trainFraction} and {validationFraction}.");
            var order = Permutation(new Rng(seed));
            int train = (int)Math.Round(Count * trainFraction), validation = (int)Math.Round(Count * validationFraction);
            return (Subset(new ArraySegment<int>(order, 0, train)),
                Subset(new ArraySegment<int>(order, train, validation)),
                Subset(new ArraySegment<int>(order, train + validation, Count - train - validation)));
        }

        /// <summary>The L folds of L-fold cross-validation (eq. 5.14): each fold once as validation, the rest as training.</summary>
        public IEnumerable<(Dataset Train, Dataset Validation)> Folds(int folds, int seed)
        {
            if (folds < 2 || folds > Count) throw new ArgumentOutOfRangeException(nameof(folds), $"Expected 2 <= folds <= {Count}, but got {folds}.");
            var order = Permutation(new Rng(seed));
            for (int f = 0; f < folds; f++)
            {
                int start = (int)((long)Count * f / folds), end = (int)((long)Count * (f + 1) / folds);
                var train = new List<int>(Count - (end - start));
                for (int i = 0; i < Count; i++) if (i < start || i >= end) train.Add(order[i]);
                yield return (Subset(train), Subset(new ArraySegment<int>(order, start, end - start)));
            }
        }
    }

    /// <summary>Standardization to mean 0, variance 1 per input value (section 4.10), fitted on training data only.</summary>
    public sealed class Standardizer
    {
        private Standardizer(float[] mean, float[] std)
        {
            Mean = mean;
            Std = std;
        }

        /// <summary>Per-value means of the data it was fitted on.</summary>
        public float[] Mean { get; }

        /// <summary>Per-value standard deviations (1 where a value is constant).</summary>
        public float[] Std { get; }

        /// <summary>Fits means and deviations on <paramref name="train"/>.</summary>
        public static Standardizer Fit(Dataset train)
        {
            Guard.NotNull(train, nameof(train));
            int width = train.InputLength;
            var mean = new double[width];
            var squares = new double[width];
            for (int n = 0; n < train.Count; n++)
            {
                var x = train.Input(n);
                for (int j = 0; j < width; j++) mean[j] += x[j];
            }

            for (int j = 0; j < width; j++) mean[j] /= train.Count;
            for (int n = 0; n < train.Count; n++)
            {
                var x = train.Input(n);
                for (int j = 0; j < width; j++) squares[j] += (x[j] - mean[j]) * (x[j] - mean[j]);
            }

            var m = new float[width];
            var s = new float[width];
            for (int j = 0; j < width; j++)
            {
                m[j] = (float)mean[j];
                double std = Math.Sqrt(squares[j] / train.Count);
                s[j] = std > 1e-12 ? (float)std : 1f;
            }

            return new Standardizer(m, s);
        }

        /// <summary>A standardized copy of <paramref name="data"/>.</summary>
        public Dataset Transform(Dataset data)
        {
            Guard.NotNull(data, nameof(data));
            Guard.Length("data.InputLength", Mean.Length, data.InputLength);
            var inputs = (float[])data.Inputs.Clone();
            for (int i = 0; i < inputs.Length; i++)
            {
                int j = i % Mean.Length;
                inputs[i] = (inputs[i] - Mean[j]) / Std[j];
            }

            return data.Labels != null
                ? new Dataset(inputs, (int[])data.Labels.Clone(), data.InputLength, data.Classes)
                : new Dataset(inputs, (float[])data.Targets!.Clone(), data.InputLength, data.TargetLength);
        }
    }
}
