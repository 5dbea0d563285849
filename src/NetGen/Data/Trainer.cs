using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;

namespace NetGen
{
    /// <summary>How <see cref="Trainer.Fit"/> trains.</summary>
    public sealed class TrainingOptions
    {
        /// <summary>Epochs (passes over the training set); early stopping may end sooner.</summary>
        public int Epochs { get; set; } = 10;

        /// <summary>Samples per update; the last batch of an epoch may be smaller (section 7.3: ceil(N/B) updates per epoch).</summary>
        public int BatchSize { get; set; } = 32;

        /// <summary>Seed of the shuffling.</summary>
        public int Seed { get; set; }

        /// <summary>A learning-rate schedule stepped after each epoch (after each update with <see cref="ScheduleEveryBatch"/>), or null.</summary>
        public LearningRateSchedule? Schedule { get; set; }

        /// <summary>Whether <see cref="Schedule"/> steps after every update (warm-up, one-cycle) instead of every epoch.</summary>
        public bool ScheduleEveryBatch { get; set; }

        /// <summary>Cuts the learning rate when the validation loss (the training loss without validation data) stops improving, stepped after each epoch; or null.</summary>
        public ReduceOnPlateau? Plateau { get; set; }

        /// <summary>Early stopping on the validation loss (the training loss without validation data), or null; the best parameters are restored at the end.</summary>
        public EarlyStopping? EarlyStopping { get; set; }

        /// <summary>Receives a report after every update and at the end of every epoch.</summary>
        public IProgress<TrainingProgress>? Progress { get; set; }

        /// <summary>
        /// How each epoch draws its samples (section 8.11): <see cref="Sampling.Shuffled"/> (every sample once, in a new order,
        /// the default) or <see cref="Sampling.WithReplacement"/> (N draws uniformly at random, so about 37 % of the samples are
        /// left out of an epoch and others come twice: the bootstrap behind bagging).
        /// </summary>
        public Sampling Sampling { get; set; } = Sampling.Shuffled;

        /// <summary>
        /// Random label-preserving transformations of every training mini-batch (section 8.10; shifts, flips, rotations, noise),
        /// drawn from a stream of <see cref="Seed"/>, or null. The datasets are not changed, and evaluation sees the images as they are.
        /// </summary>
        public Augmentation? Augmentation { get; set; }

        /// <summary>
        /// The processes training this network together (data-parallel; NetGen.Distributed's MpiWorld), or null for one
        /// process. Every process runs Fit with the same data, options and seed and so draws the same order of samples; each
        /// global batch of <see cref="BatchSize"/> x Size samples is cut into equal shards, process r training on the r-th (the
        /// epoch's order is padded with its first samples to a multiple of Size, as PyTorch's DistributedSampler does). The
        /// optimizer must average the gradients (NetGen.Distributed's DataParallel); after every step the network's buffers
        /// (batch normalization's running statistics) are averaged too. Losses and accuracies are reduced over the processes
        /// (each evaluates a contiguous shard of the evaluation data, weighted by its size; so are the heads' values and the
        /// metrics, exact for means such as the MAE), and only process 0 reports <see cref="Progress"/>.
        /// </summary>
        public IProcessGroup? World { get; set; }

        /// <summary>Whether each epoch's record carries <see cref="INetwork.LayerStatistics()"/> of its last batch (<see cref="EpochRecord.LayerStatistics"/>).</summary>
        public bool LayerStatistics { get; set; }

        /// <summary>How many training samples (at most) are evaluated at each epoch's end for the training accuracy.</summary>
        public int TrainingEvaluationLimit { get; set; } = 10_000;

        /// <summary>
        /// Standardized regression targets (section 4.10.3 applied to the outputs; <see cref="Standardizer.FitTargets"/>), or
        /// null: the network trains on (t - mean) / std, so its outputs are in standard units and <see cref="Standardizer.Inverse"/>
        /// maps them back. The losses the Trainer reports (training and validation) are the standardized ones the network
        /// minimizes; each head's mean absolute error and the <see cref="Metrics"/> are in the data's units, computed on the
        /// inverted outputs against the targets as given. Save it with the weights by <see cref="Standardizer.SaveWithModel"/>.
        /// </summary>
        public Standardizer? TargetStandardizer { get; set; }

        /// <summary>Metrics computed at each epoch's end on the validation set (the training evaluation set without one), into <see cref="EpochRecord.Metrics"/>.</summary>
        public IList<Metric> Metrics { get; } = new List<Metric>();
    }

    /// <summary>How the Trainer draws an epoch's samples (section 8.11).</summary>
    public enum Sampling
    {
        /// <summary>Every sample once per epoch, shuffled (sampling without replacement).</summary>
        Shuffled = 0,

        /// <summary>N samples per epoch drawn uniformly with replacement (a bootstrap sample).</summary>
        WithReplacement = 1,
    }

    /// <summary>
    /// A metric over a whole evaluation set: <c>Compute(outputs, targets, count)</c> gets the network's outputs (count *
    /// OutputLength, inference mode) and the set's targets (count * TargetLength), or its labels as floats (count values).
    /// </summary>
    public sealed class Metric
    {
        /// <summary>A metric named <paramref name="name"/>.</summary>
        public Metric(string name, Func<float[], float[], int, double> compute)
        {
            Name = Guard.NotNull(name, nameof(name));
            Compute = Guard.NotNull(compute, nameof(compute));
        }

        /// <summary>The metric's name, its key in <see cref="EpochRecord.Metrics"/>.</summary>
        public string Name { get; }

        /// <summary>The function: (outputs, targets or labels, count) to the metric's value.</summary>
        public Func<float[], float[], int, double> Compute { get; }

        /// <summary>Mean absolute error over every output whose target is present (not NaN), as torchmetrics' MeanAbsoluteError; NaN for labels.</summary>
        public static Metric MeanAbsoluteError { get; } = new Metric("mae", (outputs, targets, count) =>
        {
            if (targets.Length != outputs.Length) return double.NaN;
            double sum = 0;
            int present = 0;
            for (int i = 0; i < outputs.Length; i++)
            {
                if (float.IsNaN(targets[i])) continue;
                sum += Math.Abs(outputs[i] - targets[i]);
                present++;
            }

            return present == 0 ? double.NaN : sum / present;
        });
    }

    /// <summary>
    /// One output head's data loss (its own loss, as the network trains it, without class weights or label smoothing), its
    /// accuracy (cross-entropy: arg max against the target's; binary cross-entropy: each output against 0.5; NaN for
    /// regression) and its mean absolute error (regression heads; NaN otherwise), over the targets present.
    /// </summary>
    public sealed record HeadEvaluation(string Name, double Loss, double Accuracy, double MeanAbsoluteError);

    /// <summary>A report during training: after an update (<see cref="Epoch"/> ends null) or at an epoch's end.</summary>
    public sealed record TrainingProgress(int Epoch, int Epochs, int Update, int UpdatesPerEpoch, double Loss, double SamplesPerSecond, EpochRecord? EpochEnd);

    /// <summary>
    /// One epoch's learning-curve point. <see cref="Seconds"/> is the training (the updates) alone;
    /// <see cref="EvaluationSeconds"/> the end-of-epoch evaluation of the training accuracy and the validation set.
    /// </summary>
    public sealed record EpochRecord(int Epoch, double TrainLoss, double TrainAccuracy, double ValidationLoss, double ValidationAccuracy, double Seconds, double LearningRate, double EvaluationSeconds = 0)
    {
        /// <summary>Each output head's loss and accuracy on the validation set (the training evaluation set without one).</summary>
        public IReadOnlyList<HeadEvaluation> Heads { get; init; } = Array.Empty<HeadEvaluation>();

        /// <summary>The values of TrainingOptions.Metrics on the validation set (the training evaluation set without one), by name.</summary>
        public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

        /// <summary>The layers' statistics after the epoch's last batch, where <see cref="TrainingOptions.LayerStatistics"/> asked for them; else empty.</summary>
        public IReadOnlyList<LayerStatistics> LayerStatistics { get; init; } = Array.Empty<LayerStatistics>();

        /// <summary>The epoch's wall time: training and evaluation.</summary>
        public double TotalSeconds => Seconds + EvaluationSeconds;
    }

    /// <summary>A network's loss, accuracy and confusion matrix (rows: true class, columns: predicted) on a dataset.</summary>
    public sealed record Evaluation(double Loss, double Accuracy, int[,] Confusion)
    {
        /// <summary>Each output head's loss and accuracy (see <see cref="HeadEvaluation"/>).</summary>
        public IReadOnlyList<HeadEvaluation> Heads { get; init; } = Array.Empty<HeadEvaluation>();

        /// <summary>The metrics asked for, by name.</summary>
        public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();
    }

    /// <summary>
    /// Trains a network with mini-batches drawn without replacement (section 4.10), epoch after epoch, reporting progress
    /// and returning the learning curves (training and validation loss and accuracy per epoch), as Keras' fit does.
    /// </summary>
    public sealed class Trainer
    {
        private readonly INetwork _network;
        private readonly IOptimizer _optimizer;
        private readonly TrainingOptions _options;

        /// <summary>A trainer for <paramref name="network"/> with <paramref name="optimizer"/>.</summary>
        public Trainer(INetwork network, IOptimizer optimizer, TrainingOptions? options = null)
        {
            _network = Guard.NotNull(network, nameof(network));
            _optimizer = Guard.NotNull(optimizer, nameof(optimizer));
            _options = options ?? new TrainingOptions();
            if (_options.Epochs < 1) throw new ArgumentOutOfRangeException(nameof(options), $"Expected Epochs >= 1, but got {_options.Epochs}.");
            if (_options.BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(options), $"Expected BatchSize >= 1, but got {_options.BatchSize}.");
        }

        /// <summary>Trains on <paramref name="train"/>, evaluating on <paramref name="validation"/> (if any) after each epoch.</summary>
        public IReadOnlyList<EpochRecord> Fit(Dataset train, Dataset? validation = null)
        {
            Guard.NotNull(train, nameof(train));
            Check(_network, train, nameof(train));
            if (validation != null) Check(_network, validation, nameof(validation));
            var scale = _options.TargetStandardizer;
            var original = train;
            if (scale != null)
            {
                if (train.Targets == null) throw new ArgumentException("TrainingOptions.TargetStandardizer scales regression targets, but the dataset 'train' has class labels.", nameof(train));
                if (validation != null && validation.Targets == null) throw new ArgumentException("TrainingOptions.TargetStandardizer scales regression targets, but the dataset 'validation' has class labels.", nameof(validation));
                train = scale.TransformTargets(train); // checks the number of targets (the network's outputs, by Check)
            }

            var augmentation = _options.Augmentation;
            if (augmentation != null && augmentation.Length != train.InputLength)
                throw new ArgumentException($"TrainingOptions.Augmentation transforms images of ({augmentation.Channels}, {augmentation.Height}, {augmentation.Width}) = {augmentation.Length} values, but the dataset 'train' has {train.InputLength} input values per sample.", nameof(train));
            var world = _options.World;
            int ranks = world?.Size ?? 1, rank = world?.Rank ?? 0;
            if (ranks < 1 || rank < 0 || rank >= ranks) throw new ArgumentException($"Expected TrainingOptions.World with 0 <= Rank < Size, but got rank {rank} of {ranks}.", nameof(train));
            int length = (train.Count + ranks - 1) / ranks * ranks; // the epoch's order, padded to whole shards
            var augmentationRng = new Rng(_options.Seed, 10 + 1000L * rank);
            var history = new List<EpochRecord>();
            var rng = new Rng(_options.Seed, 7);
            int batch = Math.Min(_options.BatchSize, length / ranks);
            int updates = (length + batch * ranks - 1) / (batch * ranks);
            var inputs = new float[batch * train.InputLength];
            var labels = train.Labels != null ? new int[batch] : null;
            var targets = train.Targets != null ? new float[batch * train.TargetLength] : null;
            Dataset evaluationSet = original.Count <= _options.TrainingEvaluationLimit ? original : original.Subset(new ArraySegment<int>(original.Permutation(new Rng(_options.Seed, 8)), 0, _options.TrainingEvaluationLimit));
            for (int epoch = 1; epoch <= _options.Epochs; epoch++)
            {
                var watch = Stopwatch.StartNew();
                var order = _options.Sampling == Sampling.WithReplacement ? Draw(train.Count, rng) : train.Permutation(rng);
                double lossSum = 0;
                for (int update = 0; update < updates; update++)
                {
                    int global = update * batch * ranks, n = Math.Min(batch * ranks, length - global) / ranks, start = global + rank * n;
                    for (int i = 0; i < n; i++)
                    {
                        int s = order[(start + i) % train.Count];
                        train.Input(s).CopyTo(inputs.AsSpan(i * train.InputLength));
                        if (labels != null) labels[i] = train.Labels![s];
                        else train.Targets.AsSpan(s * train.TargetLength, train.TargetLength).CopyTo(targets.AsSpan(i * train.TargetLength));
                    }

                    augmentation?.Apply(inputs.AsSpan(0, n * train.InputLength), n, augmentationRng);
                    float loss = labels != null
                        ? _network.TrainStep(inputs.AsSpan(0, n * train.InputLength), labels.AsSpan(0, n), n, _optimizer)
                        : _network.TrainStep(inputs.AsSpan(0, n * train.InputLength), targets.AsSpan(0, n * train.TargetLength), n, _optimizer);
                    lossSum += loss * n;
                    if (ranks > 1 && _network.Buffers.Length > 0) world!.Average(_network.Buffers); // running statistics kept equal
                    if (_options.ScheduleEveryBatch) _options.Schedule?.Step();
                    if (rank == 0) _options.Progress?.Report(new TrainingProgress(epoch, _options.Epochs, update + 1, updates, loss, (global + n * ranks) / Math.Max(1e-9, watch.Elapsed.TotalSeconds), null));
                }

                double seconds = watch.Elapsed.TotalSeconds;
                var layers = _options.LayerStatistics ? _network.LayerStatistics() : Array.Empty<LayerStatistics>(); // before evaluation reuses the storage
                watch.Restart();
                var trainEvaluation = Shared(evaluationSet, validation == null ? _options.Metrics : null, scale);
                var validationEvaluation = validation != null ? Shared(validation, _options.Metrics, scale) : null;
                double evaluationSeconds = watch.Elapsed.TotalSeconds;
                double lr = Optimizer.Rated(_optimizer)?.Lr ?? double.NaN;
                double trainLoss = ranks > 1 ? world!.Average(lossSum) * ranks / length : lossSum / train.Count;
                var record = new EpochRecord(epoch, trainLoss, trainEvaluation.Accuracy, validationEvaluation?.Loss ?? double.NaN, validationEvaluation?.Accuracy ?? double.NaN, seconds, lr, evaluationSeconds)
                {
                    Heads = (validationEvaluation ?? trainEvaluation).Heads,
                    Metrics = (validationEvaluation ?? trainEvaluation).Metrics,
                    LayerStatistics = layers,
                };
                history.Add(record);
                if (rank == 0) _options.Progress?.Report(new TrainingProgress(epoch, _options.Epochs, updates, updates, record.TrainLoss, length / Math.Max(1e-9, seconds), record));
                if (!_options.ScheduleEveryBatch) _options.Schedule?.Step();
                _options.Plateau?.Step(validationEvaluation?.Loss ?? record.TrainLoss);
                if (_options.EarlyStopping != null && _options.EarlyStopping.Report(validationEvaluation?.Loss ?? record.TrainLoss, _network)) break;
            }

            if (_options.EarlyStopping != null && _options.EarlyStopping.Epoch > 0) _options.EarlyStopping.RestoreBest(_network);
            return history;
        }

        /// <summary>
        /// <see cref="Evaluate(INetwork, Dataset, IEnumerable{Metric}, int, Standardizer)"/> on this process's contiguous shard of
        /// <paramref name="data"/> when a <see cref="TrainingOptions.World"/> of several processes is set, reduced over them
        /// (every value weighted by its shard's size; the confusion matrices summed), else on all of it.
        /// </summary>
        private Evaluation Shared(Dataset data, IEnumerable<Metric>? metrics, Standardizer? scale)
        {
            var world = _options.World;
            if (world == null || world.Size == 1) return Evaluate(_network, data, metrics, 256, scale);
            int from = (int)((long)data.Count * world.Rank / world.Size), to = (int)((long)data.Count * (world.Rank + 1) / world.Size), count = to - from;
            var local = count > 0 ? Evaluate(_network, data.Subset(Enumerable.Range(from, count).ToArray()), metrics, 256, scale) : null;
            double share = (double)count / data.Count * world.Size;
            double Mean(double value) => world.Average(count > 0 ? value * share : 0);
            int classes = data.Labels != null ? Math.Max(data.Classes, _network.OutputLength) : _network.OutputLength;
            var counts = new float[classes * classes];
            if (local != null) for (int i = 0; i < counts.Length; i++) counts[i] = local.Confusion[i / classes, i % classes];
            world.Average(counts);
            var confusion = new int[classes, classes];
            for (int i = 0; i < counts.Length; i++) confusion[i / classes, i % classes] = (int)Math.Round(counts[i] * world.Size);
            var heads = _network.Heads.Select((h, k) =>
            {
                var head = local?.Heads.Count > k ? local.Heads[k] : null;
                return new HeadEvaluation(h.Name, Mean(head?.Loss ?? 0), Mean(head?.Accuracy ?? 0), Mean(head?.MeanAbsoluteError ?? 0));
            }).ToArray();
            var values = new Dictionary<string, double>();
            foreach (var metric in metrics ?? Array.Empty<Metric>()) values[metric.Name] = Mean(local != null && local.Metrics.TryGetValue(metric.Name, out var v) ? v : 0);
            return new Evaluation(Mean(local?.Loss ?? 0), Mean(local?.Accuracy ?? 0), confusion) { Heads = heads, Metrics = values };
        }

        /// <summary>N indices drawn uniformly with replacement (section 8.11).</summary>
        private static int[] Draw(int count, Rng rng)
        {
            var order = new int[count];
            for (int i = 0; i < count; i++) order[i] = rng.NextInt(count);
            return order;
        }

        /// <summary>
        /// The data loss (in inference mode: no dropout, running batch-norm statistics; without weight penalties, as the notes'
        /// empirical risk, eq. 5.13), accuracy (arg max, or 0.5 for a single output) and confusion matrix on
        /// <paramref name="data"/>, through <see cref="INetwork.ComputeLoss(ReadOnlySpan{float}, ReadOnlySpan{int}, int, Span{float})"/>:
        /// one forward pass per batch gives both the loss and the predictions; no backward pass, the network's gradients left
        /// as they were.
        /// </summary>
        public static Evaluation Evaluate(INetwork network, Dataset data, int batchSize = 256) => Evaluate(network, data, null, batchSize);

        /// <summary>
        /// As <see cref="Evaluate(INetwork, Dataset, int)"/>, also each output head's loss and accuracy
        /// (<see cref="Evaluation.Heads"/>) and the <paramref name="metrics"/> over the whole set (<see cref="Evaluation.Metrics"/>).
        /// </summary>
        public static Evaluation Evaluate(INetwork network, Dataset data, IEnumerable<Metric>? metrics, int batchSize = 256) => Evaluate(network, data, metrics, batchSize, null);

        /// <summary>
        /// As <see cref="Evaluate(INetwork, Dataset, IEnumerable{Metric}, int)"/> for a network trained on targets standardized by
        /// <paramref name="targets"/> (<see cref="TrainingOptions.TargetStandardizer"/>): <paramref name="data"/> holds the targets
        /// in the data's units; the loss is the standardized one, the heads' mean absolute errors and the metrics are in the
        /// data's units (outputs mapped back by <see cref="Standardizer.Inverse"/>). With null, the plain evaluation.
        /// </summary>
        public static Evaluation Evaluate(INetwork network, Dataset data, IEnumerable<Metric>? metrics, int batchSize, Standardizer? targets)
        {
            Guard.NotNull(network, nameof(network));
            Guard.NotNull(data, nameof(data));
            Check(network, data, nameof(data));
            if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), $"Expected batchSize >= 1, but got {batchSize}.");
            int classes = data.Labels != null ? Math.Max(data.Classes, network.OutputLength) : network.OutputLength;
            var confusion = new int[classes, classes];
            var metricList = metrics?.ToList() ?? new List<Metric>();
            // every sample's outputs where metrics read them all, else a batch's
            var outputs = new float[(metricList.Count > 0 ? data.Count : Math.Min(batchSize, data.Count)) * network.OutputLength];
            var heads = data.Labels == null ? network.Heads.Select(h => new HeadAccumulator(h)).ToList() : null;
            var given = data.Targets;
            var trained = targets?.StandardizedTargets(data) ?? given; // what the network was trained to output
            var inverted = new float[network.OutputLength];
            var mode = network.Mode;
            double loss = 0;
            int correct = 0;
            try
            {
                network.Mode = NetworkMode.Inference;
                for (int start = 0; start < data.Count; start += batchSize)
                {
                    int n = Math.Min(batchSize, data.Count - start);
                    var inputs = data.Inputs.AsSpan(start * data.InputLength, n * data.InputLength);
                    var batchOutputs = outputs.AsSpan(metricList.Count > 0 ? start * network.OutputLength : 0, n * network.OutputLength);
                    if (data.Labels == null)
                    {
                        int width = data.TargetLength;
                        loss += n * network.ComputeLoss(inputs, trained.AsSpan(start * width, n * width), n, batchOutputs);
                        for (int i = 0; i < n; i++)
                        {
                            var sample = batchOutputs.Slice(i * width, width);
                            if (targets != null) targets.Inverse(sample, inverted);
                            foreach (var head in heads!) head.Include(sample, trained.AsSpan((start + i) * width, width), targets != null ? inverted : sample, given.AsSpan((start + i) * width, width));
                        }

                        continue;
                    }

                    loss += n * network.ComputeLoss(inputs, data.Labels.AsSpan(start, n), n, batchOutputs);
                    for (int i = 0; i < n; i++)
                    {
                        int predicted = ClassOf(batchOutputs.Slice(i * network.OutputLength, network.OutputLength));
                        int truth = data.Labels[start + i];
                        confusion[truth, predicted]++;
                        if (predicted == truth) correct++;
                    }
                }
            }
            finally
            {
                network.Mode = mode;
            }

            var values = new Dictionary<string, double>();
            if (metricList.Count > 0)
            {
                var truth = data.Labels != null ? Array.ConvertAll(data.Labels, l => (float)l) : data.Targets!;
                targets?.Inverse(outputs, outputs); // the metrics speak the data's units
                foreach (var metric in metricList) values[metric.Name] = metric.Compute(outputs, truth, data.Count);
            }

            double accuracy = data.Labels != null ? (double)correct / data.Count : double.NaN;
            var results = heads?.Select(h => h.Result()).ToArray() ?? new[] { new HeadEvaluation(network.Heads[0].Name, loss / data.Count, accuracy, double.NaN) };
            return new Evaluation(loss / data.Count, accuracy, confusion) { Heads = results, Metrics = values };
        }

        /// <summary>One head's loss (by the loss kernels the network trains with), accuracy and mean absolute error over the targets present, sample by sample.</summary>
        private sealed class HeadAccumulator
        {
            private readonly OutputHead _head;
            private readonly float[] _scratch;
            private double _loss, _absolute;
            private int _rows, _values, _correct;

            public HeadAccumulator(OutputHead head)
            {
                _head = head;
                _scratch = new float[head.Length];
            }

            /// <summary>
            /// Adds one sample: its outputs and targets as trained (the loss, the accuracy) and in the data's units (the mean
            /// absolute error; the same spans unless the targets were standardized), each the whole sample's: the head takes its slice.
            /// </summary>
            public void Include(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, ReadOnlySpan<float> dataOutputs, ReadOnlySpan<float> dataTargets)
            {
                var a = outputs.Slice(_head.Offset, _head.Length);
                var y = targets.Slice(_head.Offset, _head.Length);
                if (_head.Loss == Loss.CrossEntropy)
                {
                    foreach (float v in y) if (float.IsNaN(v)) return; // a missing label
                    _rows++;
                    _loss += _head.Activation == Act.LogSoftmax ? Kernels.NegativeLogLikelihood(a, y, _scratch, 0f) : Kernels.CrossEntropyOfProbabilities(a, y, _scratch, 0f);
                    if (ClassOf(a) == ClassOf(y)) _correct++;
                    return;
                }

                for (int k = 0; k < _head.Length; k++)
                {
                    if (float.IsNaN(y[k])) continue;
                    _values++;
                    _absolute += Math.Abs(dataOutputs[_head.Offset + k] - dataTargets[_head.Offset + k]);
                    if (_head.Loss == Loss.BinaryCrossEntropy && (a[k] > 0.5f) == (y[k] > 0.5f)) _correct++;
                }

                _loss += _head.Loss switch
                {
                    Loss.BinaryCrossEntropy => Kernels.BinaryCrossEntropyOfProbabilities(a, y, _scratch, 0f),
                    Loss.L1 => Kernels.AbsoluteError(a, y, _scratch, 0f),
                    Loss.Huber => Kernels.HuberError(a, y, _scratch, 0f, (float)_head.HuberDelta),
                    _ => Kernels.SquaredError(a, y, _scratch, 0f),
                };
            }

            public HeadEvaluation Result()
            {
                if (_head.Loss == Loss.CrossEntropy)
                    return new HeadEvaluation(_head.Name, _rows == 0 ? double.NaN : _loss / _rows, _rows == 0 ? double.NaN : (double)_correct / _rows, double.NaN);
                bool classifier = _head.Loss == Loss.BinaryCrossEntropy;
                return new HeadEvaluation(_head.Name, _values == 0 ? double.NaN : _loss / _values, classifier && _values > 0 ? (double)_correct / _values : double.NaN,
                    !classifier && _values > 0 ? _absolute / _values : double.NaN);
            }
        }

        /// <summary>
        /// The predicted class of each sample of <paramref name="inputs"/> (batch * InputLength values), as scikit-learn's
        /// predict: a batched inference pass, then <see cref="ClassOf"/> of each output.
        /// </summary>
        /// <exception cref="ArgumentException">The length of <paramref name="inputs"/> is not a multiple of the network's input length.</exception>
        public static int[] Predict(INetwork network, ReadOnlySpan<float> inputs)
        {
            Guard.NotNull(network, nameof(network));
            if (inputs.Length % network.InputLength != 0)
                throw new ArgumentException($"Expected inputs.Length to be a multiple of the network's {network.InputLength} input values per sample, but got {inputs.Length}.", nameof(inputs));
            int batch = inputs.Length / network.InputLength;
            var classes = new int[batch];
            if (batch == 0) return classes;
            var outputs = new float[batch * network.OutputLength];
            network.Forward(inputs, outputs, batch);
            for (int n = 0; n < batch; n++) classes[n] = ClassOf(outputs.AsSpan(n * network.OutputLength, network.OutputLength));
            return classes;
        }

        /// <summary>The class one output vector predicts: arg max, or output > 0.5 for a single (sigmoid) output.</summary>
        public static int ClassOf(ReadOnlySpan<float> output)
        {
            if (output.Length == 1) return output[0] > 0.5f ? 1 : 0;
            int best = 0;
            for (int k = 1; k < output.Length; k++) if (output[k] > output[best]) best = k;
            return best;
        }

        /// <summary>Throws unless <paramref name="data"/> has samples that fit <paramref name="network"/>, naming both sides.</summary>
        private static void Check(INetwork network, Dataset data, string name)
        {
            if (data.Count == 0) throw new ArgumentException($"The dataset '{name}' has no samples; expected at least one.", name);
            if (data.InputLength != network.InputLength)
                throw new ArgumentException($"The dataset '{name}' has {data.InputLength} input values per sample, but the network expects {network.InputLength}.", name);
            if (data.Targets != null && data.TargetLength != network.OutputLength)
                throw new ArgumentException($"The dataset '{name}' has {data.TargetLength} targets per sample, but the network has {network.OutputLength} outputs.", name);
            if (data.Labels != null && data.Classes > Math.Max(2, network.OutputLength))
                throw new ArgumentException($"The dataset '{name}' has {data.Classes} classes, but the network has {network.OutputLength} output{(network.OutputLength == 1 ? "" : "s")} ({(network.OutputLength == 1 ? "2 classes" : network.OutputLength + " classes")} at most).", name);
        }
    }

    /// <summary>L-fold cross-validation (eq. 5.14).</summary>
    public static class CrossValidation
    {
        /// <summary>
        /// Trains a fresh network with a fresh optimizer on all folds but one and measures its error on that fold, for each
        /// fold; returns the cross-validated error (eq. 5.14: the folds' losses summed over all N samples, divided by N) and
        /// each fold's error. With class labels the loss is the misclassification (the error rate); with targets it is the
        /// squared error, averaged over the outputs (as nn.MSELoss). Each fold gets its own copy of
        /// <paramref name="options"/>' early stopping; a schedule is bound to one optimizer, so pass one through the overload
        /// that builds the options per fold.
        /// </summary>
        /// <exception cref="ArgumentException"><paramref name="options"/> has a schedule.</exception>
        public static (double Error, double[] FoldErrors) ErrorRate(Dataset data, int folds, Func<INetwork> createNetwork, Func<IOptimizer> createOptimizer, TrainingOptions options, int seed = 0)
        {
            Guard.NotNull(options, nameof(options));
            if (options.Schedule != null)
                throw new ArgumentException("Expected options without a Schedule (a schedule steps the optimizer it was built for, not each fold's new one), but got one; build it per fold with the overload taking createOptions: optimizer => new TrainingOptions { Schedule = new CosineAnnealing((Optimizer)optimizer, ...) }.", nameof(options));
            return ErrorRate(data, folds, createNetwork, createOptimizer, _ => new TrainingOptions
            {
                Epochs = options.Epochs,
                BatchSize = options.BatchSize,
                Seed = options.Seed,
                EarlyStopping = options.EarlyStopping?.Fresh(),
                Progress = options.Progress,
                TrainingEvaluationLimit = options.TrainingEvaluationLimit,
            }, seed);
        }

        /// <summary>
        /// As the other overload, with the training options built per fold from that fold's optimizer
        /// (<paramref name="createOptions"/>), so schedules and early stopping start fresh in every fold.
        /// </summary>
        public static (double Error, double[] FoldErrors) ErrorRate(Dataset data, int folds, Func<INetwork> createNetwork, Func<IOptimizer> createOptimizer, Func<IOptimizer, TrainingOptions> createOptions, int seed = 0)
        {
            Guard.NotNull(data, nameof(data));
            Guard.NotNull(createNetwork, nameof(createNetwork));
            Guard.NotNull(createOptimizer, nameof(createOptimizer));
            Guard.NotNull(createOptions, nameof(createOptions));
            var errors = new List<double>();
            double weighted = 0;
            foreach (var (train, validation) in data.Folds(folds, seed))
            {
                var network = createNetwork();
                var optimizer = createOptimizer();
                new Trainer(network, optimizer, createOptions(optimizer)).Fit(train);
                double error = validation.Labels != null ? 1 - Trainer.Evaluate(network, validation).Accuracy : MeanSquaredError(network, validation);
                errors.Add(error);
                weighted += error * validation.Count;
            }

            return (weighted / data.Count, errors.ToArray());
        }

        /// <summary>The mean over samples and outputs of (output - target)^2, in inference.</summary>
        private static double MeanSquaredError(INetwork network, Dataset data)
        {
            var output = new float[network.OutputLength];
            var mode = network.Mode;
            double sum = 0;
            try
            {
                network.Mode = NetworkMode.Inference;
                for (int n = 0; n < data.Count; n++)
                {
                    network.Forward(data.Input(n), output);
                    var target = data.Targets.AsSpan(n * data.TargetLength, data.TargetLength);
                    for (int k = 0; k < output.Length; k++) sum += (double)(output[k] - target[k]) * (output[k] - target[k]);
                }
            }
            finally
            {
                network.Mode = mode;
            }

            return sum / ((double)data.Count * network.OutputLength);
        }
    }
}
