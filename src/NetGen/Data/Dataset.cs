using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;

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

    /// <summary>Standardization to mean 0, variance 1 per input value (section 4.10.3) or per regression target, fitted on training data only.</summary>
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

        /// <summary>Fits means and deviations of the inputs of <paramref name="train"/>.</summary>
        public static Standardizer Fit(Dataset train)
        {
            Guard.NotNull(train, nameof(train));
            return Of(train.Inputs, train.InputLength, train.Count);
        }

        /// <summary>
        /// Fits means and deviations of the targets of <paramref name="train"/> (regression, as scikit-learn's
        /// TransformedTargetRegressor with a StandardScaler): give it to <see cref="TrainingOptions.TargetStandardizer"/>, which
        /// trains on (t - mean) / std, and map the network's outputs back with <see cref="Inverse"/>. Targets that are NaN
        /// (missing) are left out of the statistics.
        /// </summary>
        /// <exception cref="ArgumentException">The data have labels, not targets.</exception>
        public static Standardizer FitTargets(Dataset train)
        {
            Guard.NotNull(train, nameof(train));
            if (train.Targets == null) throw new ArgumentException("Expected a dataset with targets (regression), but it has class labels; a target standardizer scales target values.", nameof(train));
            return Of(train.Targets, train.TargetLength, train.Count);
        }

        /// <summary>Per-column mean and deviation (population, as StandardScaler) of <paramref name="count"/> rows of <paramref name="width"/> values, NaN skipped.</summary>
        private static Standardizer Of(float[] values, int width, int count)
        {
            var sum = new double[width];
            var present = new int[width];
            for (int n = 0; n < count; n++)
            {
                for (int j = 0; j < width; j++)
                {
                    float v = values[n * width + j];
                    if (float.IsNaN(v)) continue;
                    sum[j] += v;
                    present[j]++;
                }
            }

            var m = new float[width];
            var s = new float[width];
            for (int j = 0; j < width; j++)
            {
                double mean = present[j] > 0 ? sum[j] / present[j] : 0, squares = 0;
                for (int n = 0; n < count; n++)
                {
                    float v = values[n * width + j];
                    if (!float.IsNaN(v)) squares += (v - mean) * (v - mean);
                }

                m[j] = (float)mean;
                double std = present[j] > 0 ? Math.Sqrt(squares / present[j]) : 0;
                s[j] = std > 1e-12 ? (float)std : 1f;
            }

            return new Standardizer(m, s);
        }

        /// <summary>A copy of <paramref name="data"/> with its targets standardized, (t - mean) / std (NaN stays NaN: a missing target).</summary>
        /// <exception cref="ArgumentException">The data have labels, or another number of targets than the standardizer was fitted on.</exception>
        public Dataset TransformTargets(Dataset data)
        {
            var targets = StandardizedTargets(data); // checks first
            return new Dataset((float[])data.Inputs.Clone(), targets, data.InputLength, data.TargetLength);
        }

        /// <summary>The standardized targets of <paramref name="data"/> alone (the Trainer's evaluation needs no copy of the inputs).</summary>
        internal float[] StandardizedTargets(Dataset data)
        {
            Guard.NotNull(data, nameof(data));
            if (data.Targets == null) throw new ArgumentException("Expected a dataset with targets (regression), but it has class labels.", nameof(data));
            if (data.TargetLength != Mean.Length)
                throw new ArgumentException($"The dataset has {data.TargetLength} targets per sample, but the standardizer was fitted on {Mean.Length}.", nameof(data));
            var targets = new float[data.Targets.Length];
            Transform(data.Targets, targets);
            return targets;
        }

        /// <summary>
        /// The inverse map, x = z std + mean per value: a target standardizer's way back from the network's outputs to the
        /// data's units. <paramref name="standardized"/> holds one or more samples; <paramref name="outputs"/> (the same length;
        /// may be the same memory) receives the result.
        /// </summary>
        /// <exception cref="ArgumentException">The lengths differ, or are not a multiple of the sample length.</exception>
        public void Inverse(ReadOnlySpan<float> standardized, Span<float> outputs)
        {
            int width = Mean.Length;
            if (standardized.Length % width != 0)
                throw new ArgumentException($"Expected standardized.Length to be a multiple of the {width} values per sample the standardizer was fitted on, but got {standardized.Length}.", nameof(standardized));
            Guard.Length(nameof(outputs), standardized.Length, outputs.Length);
            for (int start = 0; start < standardized.Length; start += width)
            {
                for (int j = 0; j < width; j++) outputs[start + j] = standardized[start + j] * Std[j] + Mean[j];
            }
        }

        /// <summary>A standardized copy of <paramref name="data"/>.</summary>
        public Dataset Transform(Dataset data)
        {
            Guard.NotNull(data, nameof(data));
            if (data.InputLength != Mean.Length)
                throw new ArgumentException($"The dataset has {data.InputLength} input values per sample, but the standardizer was fitted on {Mean.Length}.", nameof(data));
            var inputs = new float[data.Inputs.Length];
            Transform(data.Inputs, inputs);
            return data.Labels != null
                ? new Dataset(inputs, (int[])data.Labels.Clone(), data.InputLength, data.Classes)
                : new Dataset(inputs, (float[])data.Targets!.Clone(), data.InputLength, data.TargetLength);
        }

        /// <summary>
        /// Standardizes samples as they come, for inference: <paramref name="inputs"/> holds one or more samples of
        /// <see cref="Mean"/>.Length values each; <paramref name="outputs"/> (the same length; may be the same memory) receives
        /// (x - mean) / std per value.
        /// </summary>
        /// <exception cref="ArgumentException">The lengths differ, or are not a multiple of the sample length.</exception>
        public void Transform(ReadOnlySpan<float> inputs, Span<float> outputs)
        {
            int width = Mean.Length;
            if (inputs.Length % width != 0)
                throw new ArgumentException($"Expected inputs.Length to be a multiple of the {width} values per sample the standardizer was fitted on, but got {inputs.Length}.", nameof(inputs));
            Guard.Length(nameof(outputs), inputs.Length, outputs.Length);
            for (int start = 0; start < inputs.Length; start += width)
            {
                for (int j = 0; j < width; j++) outputs[start + j] = (inputs[start + j] - Mean[j]) / Std[j];
            }
        }

        /// <summary>Writes the means and deviations as a small JSON file (atomically), so what a model was trained on travels with it.</summary>
        public void Save(string path) => AtomicFile.Write(path, Save);

        /// <summary>Writes <c>{"mean": [...], "std": [...]}</c> to <paramref name="stream"/> (floats round-trip exactly).</summary>
        public void Save(Stream stream)
        {
            Guard.NotNull(stream, nameof(stream));
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            json.WriteStartObject();
            json.WriteStartArray("mean");
            foreach (float m in Mean) json.WriteNumberValue(m);
            json.WriteEndArray();
            json.WriteStartArray("std");
            foreach (float s in Std) json.WriteNumberValue(s);
            json.WriteEndArray();
            json.WriteEndObject();
        }

        /// <summary>The key under which <see cref="SaveWithModel"/> keeps a target standardizer in a safetensors file's metadata.</summary>
        public const string TargetsMetadataKey = "netgen.target_standardizer";

        /// <summary>
        /// Saves <paramref name="network"/> to the safetensors file <paramref name="path"/> (atomically, as
        /// <see cref="INetwork.Save(string)"/>) with this target standardizer in the header's metadata, so the scale of the
        /// outputs travels with the weights: <see cref="LoadFromModel"/> reads it back, and <c>network.Load(path)</c> and
        /// PyTorch's <c>load_file</c> read the weights as from any other file.
        /// </summary>
        public void SaveWithModel(INetwork network, string path)
        {
            using var json = new MemoryStream();
            Save(json);
            SafeTensors.Save(network, path, new Dictionary<string, string> { [TargetsMetadataKey] = Encoding.UTF8.GetString(json.ToArray()) });
        }

        /// <summary>The target standardizer saved in the safetensors file at <paramref name="path"/> by <see cref="SaveWithModel"/>, or null when the file has none.</summary>
        /// <exception cref="InvalidDataException">The file is not a safetensors file, or its standardizer is malformed.</exception>
        public static Standardizer? LoadFromModel(string path)
        {
            if (!SafeTensors.ReadMetadata(path).TryGetValue(TargetsMetadataKey, out var json)) return null;
            return Load(new MemoryStream(Encoding.UTF8.GetBytes(json)));
        }

        /// <summary>Reads a file written by <see cref="Save(string)"/>.</summary>
        /// <exception cref="InvalidDataException">The file is not such a file: not JSON, arrays missing or of different lengths, a value not finite, a deviation not positive.</exception>
        public static Standardizer Load(string path)
        {
            using var stream = File.OpenRead(AtomicFile.FullPath(path));
            return Load(stream);
        }

        /// <summary>Reads what <see cref="Save(Stream)"/> wrote, validating everything.</summary>
        /// <exception cref="InvalidDataException">See <see cref="Load(string)"/>.</exception>
        public static Standardizer Load(Stream stream)
        {
            Guard.NotNull(stream, nameof(stream));
            try
            {
                using var document = JsonDocument.Parse(stream);
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"Expected a JSON object with \"mean\" and \"std\", but got a {root.ValueKind}.");
                float[] Read(string name)
                {
                    if (!root.TryGetProperty(name, out var array) || array.ValueKind != JsonValueKind.Array) throw new InvalidDataException($"Expected an array \"{name}\", but the file has none.");
                    var values = new float[array.GetArrayLength()];
                    int i = 0;
                    foreach (var item in array.EnumerateArray())
                    {
                        if (item.ValueKind != JsonValueKind.Number || !item.TryGetSingle(out float value) || !float.IsFinite(value))
                            throw new InvalidDataException($"Expected finite numbers in \"{name}\", but {name}[{i}] is {item.GetRawText()}.");
                        values[i++] = value;
                    }

                    return values;
                }

                var mean = Read("mean");
                var std = Read("std");
                if (mean.Length == 0 || mean.Length != std.Length) throw new InvalidDataException($"Expected \"mean\" and \"std\" of one length above 0, but got {mean.Length} and {std.Length}.");
                int bad = Array.FindIndex(std, v => !(v > 0));
                if (bad >= 0) throw new InvalidDataException($"Expected positive deviations, but std[{bad}] is {std[bad].ToString(CultureInfo.InvariantCulture)}.");
                return new Standardizer(mean, std);
            }
            catch (JsonException e)
            {
                throw new InvalidDataException("The file is not a standardizer's JSON: " + e.Message, e);
            }
        }
    }
}
