using System;
using static System.FormattableString;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Spectre.Console;

namespace NetGen.Samples
{
    /// <summary>The samples a newcomer runs first: `dotnet run --project samples/NetGen.Samples -c Release [command]`.</summary>
    public static class Program
    {
        private const string FashionMnistFolder = "/usr/share/datasets/fashion-mnist";

        public static int Main(string[] args) => Run(args, Console.Out);

        /// <summary>Runs a sample, writing to <paramref name="output"/>; returns the exit code.</summary>
        public static int Run(string[] args, TextWriter output)
        {
            var options = SampleOptions.Parse(args, output);
            if (options is null) return 2;
            if (options.Help)
            {
                Help(output);
                return 0;
            }

            var samples = new Samples(options, output);
            if (options.Threads is not int wanted) return Dispatch(samples, options, output); // the process-wide setting stays as the caller has it

            int threads = Parallelism.MaxDegreeOfParallelism;
            Parallelism.MaxDegreeOfParallelism = wanted;
            try
            {
                return Dispatch(samples, options, output);
            }
            finally
            {
                Parallelism.MaxDegreeOfParallelism = threads;
            }
        }

        private static int Dispatch(Samples samples, SampleOptions options, TextWriter output)
        {
            switch (options.Command)
            {
                case "digits": return samples.DigitsCnn();
                case "lenet": return samples.LeNetDigits();
                case "modern": return samples.Modern();
                case "finetune": return samples.FineTune();
                case "saliency": return samples.Saliency();
                case "prune": return samples.Prune();
                case "dream": return samples.Dream();
                case "layers": return samples.Layers();
                case "lr-search": return samples.LearningRates();
                case "augment": return samples.Augment();
                case "complexity": return samples.Complexity();
                case "allreduce": return samples.AllreduceCost();
                case "bagging": return samples.Bagging();
                case "residual": return samples.Residual();
                case "multitask": return samples.MultiTask();
                case "xor": return samples.Xor();
                case "iris": return samples.Iris();
                case "breast-cancer": return samples.BreastCancer();
                case "snn": return samples.SelfNormalizing();
                case "fashion-mnist": return samples.FashionMnist(FashionMnistFolder);
                case "cv": return samples.CrossValidated();
                case "reproduce": return samples.Reproduce();
                default:
                    output.WriteLine(Invariant($"Unknown command '{options.Command}'."));
                    Help(output);
                    return 2;
            }
        }

        internal static void Help(TextWriter writer)
        {
            writer.WriteLine("NetGen samples: networks declared as attributes, compiled by the NetGen source generator.");
            writer.WriteLine();
            writer.WriteLine("usage: dotnet run --project samples/NetGen.Samples -c Release -- [command] [--epochs N] [--threads N] [--out DIR] [--no-progress]");
            writer.WriteLine();
            writer.WriteLine("commands:");
            writer.WriteLine("  digits         (default) a small CNN on the built-in 8x8 digits: test accuracy, confusion matrix, learning-curve PNG");
            writer.WriteLine("  lenet          LeNet-5 (section 6.9) on the built-in digits scaled to 28x28");
            writer.WriteLine("  modern         a MobileNet-style CNN on the same 28x28 digits: depthwise-separable convolutions, global average pooling, label smoothing,");
            writer.WriteLine("                 gradient clipping and a one-cycle schedule; its layer table and parameter count beside LeNet-5's");
            writer.WriteLine("  residual       a residual CNN (shortcut connections, section 4.6.1) on the built-in digits");
            writer.WriteLine("  dream          gradient ascent on the input of the digits CNN (section 4.8, fig. 4.11): an image each class is sure of, as a PNG");
            writer.WriteLine("  layers         LayerStatistics of 8 sigmoid and 8 SELU layers on the digits: vanishing gradients at a glance (fig. 10.1), as a PNG");
            writer.WriteLine("  augment        data augmentation (section 8.10): LeNet-5 on 150 of the 28x28 digits with and without random shifts, rotations and noise, as a PNG");
            writer.WriteLine("  complexity     training and test error against hidden units (fig. 5.3, 8.1) on a noisy curve (a regression, targets standardized), as a PNG");
            writer.WriteLine("  bagging        ten MLPs on bootstrap samples of 300 digits, their averaged probabilities against each alone, as a PNG");
            writer.WriteLine("  lr-search      choosing the learning rate (section 4.10.5) of the digits CNN: a log grid judged on validation data and the range test, as a PNG");
            writer.WriteLine("  prune          LeNet-5 on the digits pruned by magnitude and by Optimal Brain Damage to 50/80/90/95 % sparsity (section 8.7), retrained, as a PNG");
            writer.WriteLine("  saliency       the digits CNN's input gradients (section 4.8): which pixels move the predicted class, as a PNG");
            writer.WriteLine("  finetune       a CNN trained briefly in PyTorch (samples/pytorch/train_digits.py), imported by netgen import, fine-tuned here");
            writer.WriteLine("  multitask      two heads on one trunk (section 8.5): the digit and whether it is even, half the digit labels missing");
            writer.WriteLine("  xor            the 2-2-1 ReLU network of section 4.5 learning XOR");
            writer.WriteLine("  iris           softmax regression (section 4.4) on the built-in Iris data");
            writer.WriteLine("  breast-cancer  logistic regression (section 4.3) on the built-in breast-cancer data");
            writer.WriteLine("  snn            a self-normalizing network (SELU, alpha dropout; section 10.4) on the digits");
            writer.WriteLine("  fashion-mnist  LeNet-5 on Fashion-MNIST (Debian package dataset-fashion-mnist); data-parallel when started by mpiexec -n N");
            writer.WriteLine("  allreduce      under mpiexec -n N: what averaging LeNet-5's gradients costs per step, beside the step itself");
            writer.WriteLine("  cv             5-fold cross-validated error of the digits CNN (eq. 5.14)");
            writer.WriteLine("  reproduce      200 seeded training steps of LeNet-5 with dropout: a checksum of the parameters, equal on every run, machine and thread count");
            writer.WriteLine();
            writer.WriteLine("options:");
            writer.WriteLine("  --epochs N     epochs to train (each sample has its own default)");
            writer.WriteLine("  --out DIR      where learning-curve PNGs go (default: the current folder)");
            writer.WriteLine("  --threads N    threads the kernels may use (Parallelism.MaxDegreeOfParallelism; default 1, results identical for any N)");
            writer.WriteLine("  --no-progress  one line per epoch instead of a live progress bar");
            writer.WriteLine("  --help         this text");
        }
    }

    /// <summary>The command line.</summary>
    public sealed class SampleOptions
    {
        public string Command { get; private set; } = "digits";
        public int? Epochs { get; private set; }
        public int? Threads { get; private set; }
        public string OutputFolder { get; private set; } = ".";
        public bool NoProgress { get; private set; }
        public bool Help { get; private set; }

        public static SampleOptions? Parse(string[] args, TextWriter output)
        {
            var options = new SampleOptions();
            bool commandSeen = false;
            for (int i = 0; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "--help":
                    case "-h":
                    case "help":
                        options.Help = true;
                        break;
                    case "--no-progress":
                        options.NoProgress = true;
                        break;
                    case "--epochs":
                        if (i + 1 >= args.Length || !int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int epochs) || epochs < 1)
                        {
                            output.WriteLine("--epochs needs a positive number.");
                            return null;
                        }

                        options.Epochs = epochs;
                        i++;
                        break;
                    case "--threads":
                        if (i + 1 >= args.Length || !int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int threads) || threads < 1)
                        {
                            output.WriteLine("--threads needs a positive number.");
                            return null;
                        }

                        options.Threads = threads;
                        i++;
                        break;
                    case "--out":
                        if (i + 1 >= args.Length)
                        {
                            output.WriteLine("--out needs a folder.");
                            return null;
                        }

                        options.OutputFolder = args[++i];
                        break;
                    default:
                        if (args[i].StartsWith("-", StringComparison.Ordinal) || commandSeen)
                        {
                            output.WriteLine(Invariant($"Unknown argument '{args[i]}'."));
                            Program.Help(output);
                            return null;
                        }

                        options.Command = args[i];
                        commandSeen = true;
                        break;
                }
            }

            return options;
        }
    }

    /// <summary>The samples themselves.</summary>
    internal sealed class Samples
    {
        private readonly SampleOptions _options;
        private readonly TextWriter _output;

        public Samples(SampleOptions options, TextWriter output)
        {
            _options = options;
            _output = output;
        }

        private int Epochs(int fallback) => _options.Epochs ?? fallback;

        /// <summary>The default: a CNN on the built-in digits, 80 % for training (a tenth of it for validation), 20 % for the test.</summary>
        public int DigitsCnn()
        {
            var (train, validation, test) = BuiltInData.Digits().Split(0.72, 0.08, seed: 42);
            var net = new DigitsCnn(seed: 1);
            var adam = new Adam(lr: 2e-3f);
            var options = new TrainingOptions { Epochs = Epochs(15), BatchSize = 32, Seed = 1, Schedule = new CosineAnnealing(adam, Epochs(15), 1e-4f) };
            _output.WriteLine(Invariant($"Digits (8x8, built in): {train.Count} training, {validation.Count} validation, {test.Count} test images; CNN with {NetGen.Samples.DigitsCnn.ParameterCount:N0} parameters, Adam."));
            return Classify("digits CNN", net, adam, options, train, validation, test, "digits-learning-curve.png");
        }

        /// <summary>LeNet-5 on the digits scaled to 28x28 (each pixel a 3x3 block, padded by 2).</summary>
        public int LeNetDigits()
        {
            var (train, validation, test) = Upscale28(BuiltInData.Digits()).Split(0.72, 0.08, seed: 42);
            var net = new LeNet5(seed: 1);
            var sgd = new Sgd(lr: 0.02f, momentum: 0.9f);
            _output.WriteLine(Invariant($"LeNet-5 ({NetGen.Samples.LeNet5.ParameterCount:N0} parameters) on the digits at 28x28: {train.Count} training, {test.Count} test images; SGD with momentum."));
            return Classify("LeNet-5", net, sgd, new TrainingOptions { Epochs = Epochs(8), BatchSize = 32, Seed = 1 }, train, validation, test, "lenet-learning-curve.png");
        }

        /// <summary>
        /// The MobileNet-style CNN on the digits at 28x28, split as the LeNet-5 sample: Adam with gradient clipping and a one-cycle
        /// schedule stepped per update; prints its Summary() and its size beside LeNet-5's.
        /// </summary>
        public int Modern()
        {
            var (train, validation, test) = Upscale28(BuiltInData.Digits()).Split(0.72, 0.08, seed: 42);
            var net = new ModernDigits(seed: 1);
            var adam = new Adam(lr: 1e-3f);
            int epochs = Epochs(12), batch = 32, updates = (train.Count + batch - 1) / batch;
            var options = new TrainingOptions
            {
                Epochs = epochs, BatchSize = batch, Seed = 1,
                Schedule = new OneCycle(adam, maxLr: 0.01f, totalSteps: epochs * updates), ScheduleEveryBatch = true,
            };
            _output.WriteLine(net.Summary());
            _output.WriteLine(Invariant($"{ModernDigits.ParameterCount:N0} parameters against LeNet-5's {NetGen.Samples.LeNet5.ParameterCount:N0} (the `lenet` sample, same data); Adam, gradients clipped at norm 1, one-cycle learning rate up to 0.01."));
            return Classify("modern CNN", net, new ClipGradNorm(adam, maxNorm: 1f), options, train, validation, test, "modern-learning-curve.png");
        }

        /// <summary>
        /// From PyTorch to NetGen: samples/pytorch/train_digits.py trained a small CNN with batch normalization on the built-in
        /// digits for six epochs and exported it; <c>netgen import --add-softmax</c> wrote DigitsFromPyTorch (Imported/) and its
        /// weights. Here the imported model is evaluated as PyTorch left it, fine-tuned on the same training images, and
        /// evaluated again. The split is the script's: image i is a test image when i % 5 == 4.
        /// </summary>
        public int FineTune()
        {
            var data = BuiltInData.Digits();
            var train = data.Subset(Enumerable.Range(0, data.Count).Where(i => i % 5 != 4).ToArray());
            var test = data.Subset(Enumerable.Range(0, data.Count).Where(i => i % 5 == 4).ToArray());
            var net = new DigitsFromPyTorch();
            net.Load(Path.Combine(AppContext.BaseDirectory, "DigitsFromPyTorch.safetensors"));
            _output.WriteLine(Invariant($"DigitsFromPyTorch: {DigitsFromPyTorch.ParameterCount:N0} parameters imported from PyTorch; {train.Count} training, {test.Count} test images."));
            _output.WriteLine(net.Summary());
            var before = Trainer.Evaluate(net, test);
            _output.WriteLine(Invariant($"Before fine-tuning (as trained in PyTorch): test accuracy {before.Accuracy:P1}, loss {before.Loss:F4}"));

            var adam = new Adam(lr: 2e-3f);
            int epochs = Epochs(15);
            var options = new TrainingOptions { Epochs = epochs, BatchSize = 32, Seed = 1, Schedule = new CosineAnnealing(adam, epochs, 1e-4f) };
            options.Progress = new Reporter(p => { if (p.EpochEnd != null) _output.WriteLine(EpochLine(p.EpochEnd)); });
            new Trainer(net, adam, options).Fit(train);
            var after = Trainer.Evaluate(net, test);
            _output.WriteLine(Invariant($"After fine-tuning in NetGen ({epochs} epochs, Adam): test accuracy {after.Accuracy:P1}, loss {after.Loss:F4}"));
            _output.WriteLine(Invariant($"Test accuracy: {after.Accuracy:P1} ({test.Count} samples)"));
            return 0;
        }

        /// <summary>The digits CNN trained as the default sample (15 epochs of Adam, cosine annealing), for the saliency and dream samples.</summary>
        private (DigitsCnn Net, Dataset Train, Dataset Test) TrainedDigitsCnn()
        {
            var (train, validation, test) = BuiltInData.Digits().Split(0.72, 0.08, seed: 42);
            var net = new DigitsCnn(seed: 1);
            var adam = new Adam(lr: 2e-3f);
            int epochs = Epochs(15);
            new Trainer(net, adam, new TrainingOptions { Epochs = epochs, BatchSize = 32, Seed = 1, Schedule = new CosineAnnealing(adam, epochs, 1e-4f) }).Fit(train, validation);
            _output.WriteLine(Invariant($"Digits CNN trained for {epochs} epochs: test accuracy {Trainer.Evaluate(net, test).Accuracy:P1}."));
            return (net, train, test);
        }

        /// <summary>
        /// Saliency maps (section 4.8): the digits CNN, trained as the default sample, and for eight test digits the gradient
        /// of the predicted class's log-probability with respect to the pixels (one InputGradients pass seeded with 1/p there),
        /// drawn beside the digits. Jacobian gives all ten classes' gradients at once; the sample prints its row sums too.
        /// </summary>
        public int Saliency()
        {
            var (net, train, test) = TrainedDigitsCnn();

            var digits = new List<(float[] Image, float[] Saliency, string Caption)>();
            var probabilities = new float[NetGen.Samples.DigitsCnn.OutputLength];
            var jacobian = new float[NetGen.Samples.DigitsCnn.OutputLength * NetGen.Samples.DigitsCnn.InputLength];
            for (int n = 0; n < 8; n++)
            {
                var image = test.Input(n).ToArray();
                net.Forward(image, probabilities);
                int predicted = Array.IndexOf(probabilities, probabilities.Max());
                var seed = new float[probabilities.Length];
                seed[predicted] = 1f / probabilities[predicted]; // dL/dy for L = log p: the probability itself saturates near 1
                var saliency = new float[image.Length];
                net.InputGradients(image, seed, saliency, 1);
                net.Jacobian(image, jacobian);
                // the probabilities sum to 1 for every input, so the Jacobian's columns sum to 0 (a check on the whole Jacobian)
                double columnSum = Enumerable.Range(0, image.Length).Max(i => Math.Abs(Enumerable.Range(0, probabilities.Length).Sum(k => (double)jacobian[k * image.Length + i])));
                int strongest = Enumerable.Range(0, image.Length).OrderByDescending(i => Math.Abs(saliency[i])).First();
                _output.WriteLine(Invariant($"test digit {n}: label {test.Labels![n]}, predicted {predicted} (p = {probabilities[predicted]:F3}); most salient pixel (row {strongest / 8}, column {strongest % 8}), d log p / dx = {saliency[strongest]:F3}; largest Jacobian column sum {columnSum:E1}"));
                digits.Add((image, saliency, Invariant($"{test.Labels![n]} -> {predicted}")));
            }

            Directory.CreateDirectory(_options.OutputFolder);
            string path = Path.GetFullPath(Path.Combine(_options.OutputFolder, "saliency.png"));
            SaliencyMap.Save(digits, 8, path);
            _output.WriteLine($"Saliency maps: {path}");
            return 0;
        }

        /// <summary>
        /// Pruning (section 8.7): LeNet-5 trained on the digits at 28x28 as the lenet sample, then pruned to 50, 80, 90 and 95 %
        /// of its weights twice from the same trained weights, by magnitude (Pruning.Magnitude) and by Optimal Brain Damage
        /// (Pruning.OptimalBrainDamage, H_ii from 256 training images), tested right after each step and after two epochs of
        /// retraining with the masks held; accuracy against sparsity for both goes to one PNG.
        /// </summary>
        public int Prune()
        {
            var (train, validation, test) = Upscale28(BuiltInData.Digits()).Split(0.72, 0.08, seed: 42);
            var net = new LeNet5(seed: 1);
            new Trainer(net, new Sgd(lr: 0.02f, momentum: 0.9f), new TrainingOptions { Epochs = Epochs(8), BatchSize = 32, Seed = 1 }).Fit(train, validation);
            double dense = Trainer.Evaluate(net, test).Accuracy;
            var trained = net.Parameters.ToArray();
            int weights = Pruning.Prunable(net).Sum(t => t.Length);
            _output.WriteLine(Invariant($"LeNet-5 trained: test accuracy {dense:P1}; {weights:N0} prunable weights of {NetGen.Samples.LeNet5.ParameterCount:N0} parameters."));
            const int calibration = 256; // OBD's H_ii over the first training images
            var series = new List<(string Method, IReadOnlyList<(double Sparsity, double Pruned, double Retrained)> Points)>();
            foreach (string method in new[] { "magnitude", "OBD" })
            {
                trained.CopyTo(net.Parameters);
                net.Masks.Fill(1f);
                var sgd = new Sgd(lr: 0.02f, momentum: 0.9f);
                var points = new List<(double Sparsity, double Pruned, double Retrained)>();
                foreach (double fraction in new[] { 0.5, 0.8, 0.9, 0.95 })
                {
                    if (method == "magnitude") Pruning.Magnitude(net, fraction);
                    else Pruning.OptimalBrainDamage(net, train.Inputs.AsSpan(0, calibration * train.InputLength), train.Labels.AsSpan(0, calibration), calibration, fraction);
                    double pruned = Trainer.Evaluate(net, test).Accuracy;
                    new Trainer(net, sgd, new TrainingOptions { Epochs = 2, BatchSize = 32, Seed = 1 }).Fit(train, validation);
                    double retrained = Trainer.Evaluate(net, test).Accuracy, sparsity = Pruning.Sparsity(net);
                    points.Add((sparsity, pruned, retrained));
                    _output.WriteLine(Invariant($"{method,-9} sparsity {sparsity:P1} ({(int)System.Math.Round((1 - sparsity) * weights):N0} weights left): test accuracy {pruned:P1} right after pruning, {retrained:P1} after 2 epochs of retraining"));
                }

                series.Add((method, points));
            }

            Directory.CreateDirectory(_options.OutputFolder);
            string path = Path.GetFullPath(Path.Combine(_options.OutputFolder, "pruning.png"));
            PruningCurve.Save(series, dense, path, "LeNet-5 on the digits: magnitude pruning and Optimal Brain Damage");
            _output.WriteLine($"Accuracy against sparsity: {path}");
            return 0;
        }

        /// <summary>
        /// "Deep dream" (section 4.8, fig. 4.11): the digits CNN, trained as the saliency sample, and for each class k the
        /// input changed by gradient ascent on log p_k (x += 0.05 g / max|g|, g = d log p_k / dx from InputGradients, pixels
        /// kept in [0, 1]) for 60 steps from the mean training image; the dreamed images and how far each pixel moved go to a PNG.
        /// </summary>
        public int Dream()
        {
            var (net, train, test) = TrainedDigitsCnn();
            int length = NetGen.Samples.DigitsCnn.InputLength, classes = NetGen.Samples.DigitsCnn.OutputLength;
            var mean = new float[length];
            for (int n = 0; n < train.Count; n++) for (int i = 0; i < length; i++) mean[i] += train.Input(n)[i] / train.Count;
            var probabilities = new float[classes];
            var dreams = new List<(float[] Image, float[] Saliency, string Caption)>();
            net.Forward(mean, probabilities);
            _output.WriteLine("mean training image: p = " + string.Join(" ", probabilities.Select(p => Invariant($"{p:F2}"))));
            for (int k = 0; k < classes; k++)
            {
                var x = (float[])mean.Clone();
                var gradient = new float[length];
                for (int step = 0; step < 60; step++)
                {
                    net.Forward(x, probabilities);
                    var seed = new float[classes];
                    seed[k] = 1f / Math.Max(probabilities[k], 1e-30f); // d log p_k / dy_k
                    net.InputGradients(x, seed, gradient, 1);
                    float largest = Math.Max(1e-12f, gradient.Max(Math.Abs));
                    for (int i = 0; i < length; i++) x[i] = Math.Clamp(x[i] + 0.05f * gradient[i] / largest, 0f, 1f);
                }

                net.Forward(x, probabilities);
                int predicted = Array.IndexOf(probabilities, probabilities.Max());
                _output.WriteLine(Invariant($"class {k}: p = {probabilities[k]:F3} after 60 steps (predicted {predicted})"));
                dreams.Add((x, x.Select((v, i) => v - mean[i]).ToArray(), Invariant($"{k}: p {probabilities[k]:F2}")));
            }

            Directory.CreateDirectory(_options.OutputFolder);
            string path = Path.GetFullPath(Path.Combine(_options.OutputFolder, "dream.png"));
            SaliencyMap.Save(dreams, 8, path, "Gradient ascent on log p(class) from the mean digit; below: |change| of each pixel");
            _output.WriteLine($"Dreamed digits: {path}");
            return 0;
        }

        /// <summary>
        /// LayerStatistics (fig. 10.1, 10.7): two networks of eight hidden layers on the digits, sigmoid (Glorot uniform) and SELU
        /// (LeCun normal), one epoch of SGD each with the Trainer's opt-in report; each layer's weight-gradient norm and output
        /// standard deviation after the epoch, printed and plotted.
        /// </summary>
        public int Layers()
        {
            var (train, validation, _) = BuiltInData.Digits().Split(0.72, 0.08, seed: 42);
            var standardizer = Standardizer.Fit(train);
            train = standardizer.Transform(train);
            validation = standardizer.Transform(validation);
            var series = new List<(string Name, IReadOnlyList<LayerStatistics> Layers)>();
            foreach (var (name, net) in new (string, INetwork)[] { ("sigmoid", new DeepSigmoid(seed: 1)), ("SELU", new DeepSelu(seed: 1)) })
            {
                var options = new TrainingOptions { Epochs = 1, BatchSize = 32, Seed = 1, LayerStatistics = true };
                var record = new Trainer(net, new Sgd(lr: 0.01f), options).Fit(train, validation)[0];
                _output.WriteLine(Invariant($"{name}: after one epoch, validation accuracy {record.ValidationAccuracy:P1}"));
                foreach (var layer in record.LayerStatistics)
                {
                    _output.WriteLine(Invariant($"  {layer.Layer,-7} outputs mean {layer.Mean,7:F3} std {layer.Std,6:F3}   |dL/ds| {layer.DeltaNorm:E2}   |dL/dW| {layer.WeightGradientNorm:E2}"));
                }

                series.Add((name, record.LayerStatistics));
            }

            Directory.CreateDirectory(_options.OutputFolder);
            string path = Path.GetFullPath(Path.Combine(_options.OutputFolder, "layers.png"));
            LayerStatisticsPlot.Save(series, path);
            _output.WriteLine($"Gradient norms by layer: {path}");
            return 0;
        }

        /// <summary>
        /// Choosing the learning rate (section 4.10.5) for the digits CNN with SGD and momentum 0.9: the notes' grid, from 1 down
        /// to 1e-4 with three rates per decade, three epochs each from the same initial weights, judged on the validation set;
        /// and the range test, 100 updates with the rate growing from 1e-5 to 10. Both curves go to one PNG; then the CNN
        /// trains for the default sample's 15 epochs at the grid's suggestion.
        /// </summary>
        public int LearningRates()
        {
            var (train, validation, test) = BuiltInData.Digits().Split(0.72, 0.08, seed: 42);
            var net = new DigitsCnn(seed: 1);
            IOptimizer Sgd(float lr) => new Sgd(lr, momentum: 0.9f);
            var grid = LearningRateSearch.Grid(net, Sgd, train, validation, new TrainingOptions { Epochs = 3, BatchSize = 32, Seed = 1 }, highest: 1, lowest: 1e-4, perDecade: 3);
            _output.WriteLine(Invariant($"Grid (three epochs per rate, validation loss; {grid.InitialLoss:F3} before training):"));
            foreach (var t in grid.Trials) _output.WriteLine(Invariant($"  lr {t.LearningRate,8:G3}: {(t.Diverged ? "diverged" : t.Loss.ToString("F4", CultureInfo.InvariantCulture))}"));
            var range = LearningRateSearch.RangeTest(net, Sgd, train, start: 1e-5, end: 10, steps: 100, batchSize: 32, seed: 1);
            _output.WriteLine(range.Trials[^1].Diverged
                ? Invariant($"Range test: {range.Trials.Count} updates from lr 1e-5; the smoothed loss passed 4x its minimum at lr {range.Trials[^1].LearningRate:G3}; suggestion {range.Suggested:G2} (a tenth of the rate at the minimum).")
                : Invariant($"Range test: all {range.Trials.Count} updates from lr 1e-5 to 10 (the smoothed loss stayed below 4x its minimum); suggestion {range.Suggested:G2} (a tenth of the rate at the minimum)."));
            _output.WriteLine(Invariant($"Suggested: grid {grid.Suggested:G3}, range test {range.Suggested:G2}."));

            Directory.CreateDirectory(_options.OutputFolder);
            string path = Path.GetFullPath(Path.Combine(_options.OutputFolder, "learning-rate.png"));
            LearningRatePlot.Save(grid, range, path, "Digits CNN, SGD with momentum 0.9: choosing the learning rate");
            _output.WriteLine($"Loss against learning rate: {path}");

            int epochs = Epochs(15);
            var history = new Trainer(net, Sgd((float)grid.Suggested), new TrainingOptions { Epochs = epochs, BatchSize = 32, Seed = 1 }).Fit(train, validation);
            _output.WriteLine(Invariant($"Trained {epochs} epochs at lr {grid.Suggested:G3}: validation loss {history[^1].ValidationLoss:F4}, test accuracy {Trainer.Evaluate(net, test).Accuracy:P1}."));
            return 0;
        }

        /// <summary>
        /// Data augmentation (section 8.10): LeNet-5 on only 150 of the digits at 28x28 (the rest of the usual training split
        /// unused), trained from the same initial weights on the images as they are and with every mini-batch shifted by up
        /// to 2 pixels, rotated by up to 10 degrees and given noise of std 0.05, 80 epochs; three seeds each, tested on the usual test
        /// split. No flips: a mirrored digit is another symbol or none. Seed 1's loss curves go to one PNG.
        /// </summary>
        public int Augment()
        {
            var (train, validation, test) = Upscale28(BuiltInData.Digits()).Split(0.72, 0.08, seed: 42);
            var small = train.Subset(Enumerable.Range(0, 150).ToArray());
            int epochs = Epochs(80);
            var augmentation = new Augmentation(1, 28, 28).Shift(2).Rotate(10).Noise(0.05);
            var lines = new List<Line>();
            foreach (var (name, chosen, color) in new (string, Augmentation?, int)[] { ("as they are", null, 0), ("augmented (" + augmentation + ")", augmentation, 1) })
            {
                var accuracies = new List<double>();
                for (int seed = 1; seed <= 3; seed++)
                {
                    var net = new LeNet5(seed: seed);
                    var options = new TrainingOptions { Epochs = epochs, BatchSize = 32, Seed = seed, Augmentation = chosen };
                    var history = new Trainer(net, new Sgd(lr: 0.02f, momentum: 0.9f), options).Fit(small, validation);
                    var evaluation = Trainer.Evaluate(net, test);
                    accuracies.Add(evaluation.Accuracy);
                    _output.WriteLine(Invariant($"{name}, seed {seed}: training accuracy {history[^1].TrainAccuracy:P1}, test accuracy {evaluation.Accuracy:P1}, test loss {evaluation.Loss:F4}"));
                    if (seed > 1) continue;
                    var x = history.Select(e => (double)e.Epoch).ToList();
                    lines.Add(new Line(name + ": training loss", x, history.Select(e => e.TrainLoss).ToList(), color, Dashed: true));
                    lines.Add(new Line(name + ": validation loss", x, history.Select(e => e.ValidationLoss).ToList(), color));
                }

                _output.WriteLine(Invariant($"{name}: mean test accuracy over 3 seeds {accuracies.Average():P1}"));
            }

            Directory.CreateDirectory(_options.OutputFolder);
            string path = Path.GetFullPath(Path.Combine(_options.OutputFolder, "augmentation.png"));
            LinePlot.Save(lines, "LeNet-5 on 150 of the digits, with and without augmentation (seed 1)", "epoch", "loss", path);
            _output.WriteLine($"Loss by epoch: {path}");
            return 0;
        }

        /// <summary>
        /// Model complexity (fig. 5.3, 8.1): a regression of one variable, y = 20 + 8 sin(2 pi u) + noise of std 2 (a daily
        /// temperature in degrees, say), 24 training points and 1,000 test points for u on [0, 1], given to the networks as
        /// x = 6u - 3; networks with one hidden tanh layer of 1 to 256 units, each trained by full-batch Adam for 20,000 steps on
        /// targets standardized by the Trainer (TrainingOptions.TargetStandardizer), errors in degrees squared. The training
        /// error falls as units are added (Adam's steps leave the largest networks short of their optimum); the test error
        /// falls, then rises far above the noise's 4 once the network fits the noise.
        /// </summary>
        public int Complexity()
        {
            Dataset Curve(int count, int seed, bool grid)
            {
                var rng = new Rng(seed);
                var x = new float[count];
                var y = new float[count];
                for (int n = 0; n < count; n++)
                {
                    double u = grid ? (n + 0.5) / count : rng.NextDouble();
                    x[n] = (float)(6 * u - 3); // the input on [-3, 3]
                    y[n] = (float)(20 + 8 * Math.Sin(2 * Math.PI * u) + 2 * rng.NextNormal());
                }

                return new Dataset(x, y, 1, 1);
            }

            var train = Curve(24, 1, grid: false);
            var test = Curve(1000, 2, grid: true);
            var scale = Standardizer.FitTargets(train);
            int steps = Epochs(20000);
            var sizes = new (int Units, Func<INetwork> Create)[]
            {
                (1, () => new Hidden1(1)), (2, () => new Hidden2(1)), (4, () => new Hidden4(1)), (8, () => new Hidden8(1)), (16, () => new Hidden16(1)),
                (32, () => new Hidden32(1)), (64, () => new Hidden64(1)), (128, () => new Hidden128(1)), (256, () => new Hidden256(1)),
            };
            var units = new List<double>();
            var trainErrors = new List<double>();
            var testErrors = new List<double>();
            _output.WriteLine(Invariant($"y = 20 + 8 sin(2 pi x) + N(0, 2^2): {train.Count} training points, {test.Count} test points; the noise alone gives a test error of 4."));
            foreach (var (size, create) in sizes)
            {
                var net = create();
                var options = new TrainingOptions { Epochs = steps, BatchSize = train.Count, Seed = 1, TargetStandardizer = scale };
                new Trainer(net, new Adam(lr: 0.01f), options).Fit(train);
                double Error(Dataset data)
                {
                    var outputs = new float[data.Count];
                    net.Forward(data.Inputs, outputs, data.Count);
                    scale.Inverse(outputs, outputs);
                    return outputs.Select((o, n) => (o - data.Targets![n]) * (double)(o - data.Targets[n])).Average();
                }

                units.Add(size);
                trainErrors.Add(Error(train));
                testErrors.Add(Error(test));
                _output.WriteLine(Invariant($"{size,4} hidden units ({3 * size + 1,4} parameters): training error {trainErrors[^1],7:F3}, test error {testErrors[^1],7:F3}"));
            }

            int best = testErrors.IndexOf(testErrors.Min());
            _output.WriteLine(Invariant($"Lowest test error at {units[best]} hidden units."));
            Directory.CreateDirectory(_options.OutputFolder);
            string path = Path.GetFullPath(Path.Combine(_options.OutputFolder, "complexity.png"));
            LinePlot.Save(new[] { new Line("training error", units, trainErrors, 0), new Line("test error", units, testErrors, 1) },
                "Training and test error against model complexity (one hidden tanh layer)", "hidden units", "mean squared error (degrees^2)", path, logX: true);
            _output.WriteLine($"Error against hidden units: {path}");
            return 0;
        }

        /// <summary>
        /// Bagging (bootstrap aggregating; the bootstrap of section 8.11): ten small MLPs, each trained on its own bootstrap
        /// sample of 300 training digits (TrainingOptions.Sampling = WithReplacement, a different seed each), and the ensemble
        /// that averages their output probabilities; test accuracy of each network alone and of the first k averaged, beside one
        /// network trained on all 300 samples in shuffled epochs. 100 epochs of Adam each: members that fit their sample fully.
        /// </summary>
        public int Bagging()
        {
            var (train, validation, test) = BuiltInData.Digits().Split(0.72, 0.08, seed: 42);
            var small = train.Subset(Enumerable.Range(0, 300).ToArray());
            int members = 10, epochs = Epochs(100);
            var sum = new float[test.Count * 10];
            var outputs = new float[test.Count * 10];
            var single = new List<double>();
            var ensemble = new List<double>();
            for (int m = 0; m < members; m++)
            {
                var net = new DigitsMlp(seed: m + 1);
                var options = new TrainingOptions { Epochs = epochs, BatchSize = 16, Seed = m + 1, Sampling = Sampling.WithReplacement };
                new Trainer(net, new Adam(lr: 2e-3f), options).Fit(small);
                net.Forward(test.Inputs, outputs, test.Count);
                for (int i = 0; i < sum.Length; i++) sum[i] += outputs[i];
                single.Add(Accuracy(outputs));
                ensemble.Add(Accuracy(sum));
                _output.WriteLine(Invariant($"network {m + 1,2}: test accuracy alone {single[^1]:P1}; the first {m + 1,2} averaged: {ensemble[^1]:P1}"));
            }

            var whole = new DigitsMlp(seed: 1);
            new Trainer(whole, new Adam(lr: 2e-3f), new TrainingOptions { Epochs = epochs, BatchSize = 16, Seed = 1 }).Fit(small);
            whole.Forward(test.Inputs, outputs, test.Count);
            _output.WriteLine(Invariant($"Mean of the networks alone: {single.Average():P1}; the bagged ensemble of {members}: {ensemble[^1]:P1}; one network on all 300 samples (shuffled epochs): {Accuracy(outputs):P1}."));
            Directory.CreateDirectory(_options.OutputFolder);
            string path = Path.GetFullPath(Path.Combine(_options.OutputFolder, "bagging.png"));
            var k = Enumerable.Range(1, members).Select(i => (double)i).ToList();
            LinePlot.Save(new[] { new Line("network k alone", k, single.Select(a => 100 * a).ToList(), 0, Dashed: true), new Line("first k averaged", k, ensemble.Select(a => 100 * a).ToList(), 1) },
                "Bagging MLPs trained on bootstrap samples of 300 digits", "networks", "test accuracy (%)", path);
            _output.WriteLine($"Accuracy against ensemble size: {path}");
            return 0;

            double Accuracy(float[] probabilities) => Enumerable.Range(0, test.Count).Count(n => Trainer.ClassOf(probabilities.AsSpan(n * 10, 10)) == test.Labels![n]) / (double)test.Count;
        }

        /// <summary>A residual CNN on the built-in digits, split as the default sample.</summary>
        public int Residual()
        {
            var (train, validation, test) = BuiltInData.Digits().Split(0.72, 0.08, seed: 42);
            var net = new ResidualDigits(seed: 1);
            var adam = new Adam(lr: 2e-3f);
            var options = new TrainingOptions { Epochs = Epochs(15), BatchSize = 32, Seed = 1, Schedule = new CosineAnnealing(adam, Epochs(15), 1e-4f) };
            _output.WriteLine(Invariant($"Digits (8x8, built in): {train.Count} training, {validation.Count} validation, {test.Count} test images; residual CNN with {ResidualDigits.ParameterCount:N0} parameters (two shortcut connections), Adam."));
            return Classify("residual CNN", net, adam, options, train, validation, test, "residual-learning-curve.png");
        }

        /// <summary>
        /// Multi-task learning on the digits: the class and whether it is even, from one trunk. The parity is known for
        /// every training image, the class for every second one only: the missing class labels are NaN targets, which
        /// leave that head's loss for those images out (its mean runs over the labels present).
        /// </summary>
        public int MultiTask()
        {
            var (train, validation, test) = BuiltInData.Digits().Split(0.72, 0.08, seed: 42);
            Dataset Targets(Dataset data, bool hideHalf)
            {
                const int length = DigitAndParity.OutputLength; // 10 class probabilities, then P(even)
                var targets = new float[data.Count * length];
                for (int n = 0; n < data.Count; n++)
                {
                    var row = targets.AsSpan(n * length, length);
                    int label = data.Labels![n];
                    if (hideHalf && n % 2 == 1) row.Slice(0, 10).Fill(float.NaN); // class unknown
                    else row[label] = 1f;
                    row[10] = label % 2 == 0 ? 1f : 0f;
                }

                return new Dataset(data.Inputs, targets, data.InputLength, length);
            }

            var net = new DigitAndParity(seed: 1);
            var adam = new Adam(lr: 2e-3f);
            int epochs = Epochs(15);
            var options = new TrainingOptions { Epochs = epochs, BatchSize = 32, Seed = 1, Schedule = new CosineAnnealing(adam, epochs, 1e-4f) };
            options.Progress = new Reporter(p =>
            {
                if (p.EpochEnd is { } e) _output.WriteLine(Invariant($"epoch {e.Epoch,3}: loss {e.TrainLoss:F4}; validation loss {e.ValidationLoss:F4} ({e.Seconds:F1} s training, {e.EvaluationSeconds:F1} s evaluation)"));
            });
            _output.WriteLine(Invariant($"Digits (8x8, built in): {train.Count} training images (class labels for {(train.Count + 1) / 2} of them, parity for all), {validation.Count} validation, {test.Count} test; ")
                + Invariant($"a CNN trunk with two heads, {DigitAndParity.ParameterCount:N0} parameters; loss = digit cross-entropy + 0.5 x parity binary cross-entropy (eq. 8.21)."));
            var history = new Trainer(net, adam, options).Fit(Targets(train, hideHalf: true), Targets(validation, hideHalf: false));

            var outputs = new float[test.Count * DigitAndParity.OutputLength];
            net.Forward(test.Inputs, outputs, test.Count);
            int digits = 0, parities = 0;
            for (int n = 0; n < test.Count; n++)
            {
                var row = outputs.AsSpan(n * DigitAndParity.OutputLength, DigitAndParity.OutputLength);
                int label = test.Labels![n];
                if (Trainer.ClassOf(row.Slice(0, 10)) == label) digits++;
                if ((row[10] > 0.5f) == (label % 2 == 0)) parities++;
            }

            _output.WriteLine(Invariant($"Test accuracy, digit head: {(double)digits / test.Count:P1}; parity head: {(double)parities / test.Count:P1} ({test.Count} samples, {history.Sum(e => e.Seconds):F1} s of training)"));
            return 0;
        }

        /// <summary>
        /// LeNet-5 on Fashion-MNIST: Adam with cosine annealing, global batch 64. Started by `mpiexec -n N`, it trains
        /// data-parallel (NetGen.Distributed): each of the N processes takes 64 / N samples of every batch, DataParallel averages
        /// the gradients, and only rank 0 prints and writes the PNG.
        /// </summary>
        public int FashionMnist(string folder)
        {
            string[] files = { "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz" };
            if (!files.All(f => File.Exists(Path.Combine(folder, f))))
            {
                _output.WriteLine(Invariant($"Fashion-MNIST is not installed: it is expected in {folder}. Install it with"));
                _output.WriteLine("    sudo apt-get install dataset-fashion-mnist");
                return 2;
            }

            using var world = NetGen.Distributed.MpiWorld.Initialize();
            if (64 % world.Size != 0) throw new ArgumentException(Invariant($"Expected a number of processes that divides the batch of 64, but got {world.Size}."));
            var full = Idx.Read(Path.Combine(folder, files[0]), Path.Combine(folder, files[1]));
            var test = Idx.Read(Path.Combine(folder, files[2]), Path.Combine(folder, files[3]));
            var (train, validation) = full.Split(55.0 / 60.0, seed: 42);
            var net = new LeNet5(seed: 1);
            var adam = new Adam(lr: 1e-3f);
            var options = new TrainingOptions { Epochs = Epochs(10), BatchSize = 64 / world.Size, Seed = 1, Schedule = new CosineAnnealing(adam, Epochs(10)), TrainingEvaluationLimit = 5000, World = world };
            var samples = world.Rank == 0 ? this : new Samples(_options, TextWriter.Null);
            samples._output.WriteLine(Invariant($"Fashion-MNIST: {train.Count} training, {validation.Count} validation, {test.Count} test images; LeNet-5, Adam with cosine annealing, batch 64")
                + (world.Size > 1 ? Invariant($" ({world.Size} MPI processes of {64 / world.Size} each, {world.Library}).") : "."));
            return samples.Classify("LeNet-5 on Fashion-MNIST", net, new NetGen.Distributed.DataParallel(adam, world), options, train, validation, test, "fashion-mnist-learning-curve.png", world);
        }

        /// <summary>
        /// The price of data parallelism for a small network: under mpiexec -n N, the median time of DataParallel's gradient
        /// average for LeNet-5 (61,706 floats: MPI_Allgather and the rank-order sum) and of one LeNet-5 training step on 32
        /// images per process, over 300 repetitions after 500 to warm up (the JIT's tiers); rank 0 prints both, and the
        /// single-process step for comparison when run alone.
        /// </summary>
        public int AllreduceCost()
        {
            using var world = NetGen.Distributed.MpiWorld.Initialize();
            var net = new LeNet5(seed: 1);
            var optimizer = new NetGen.Distributed.DataParallel(new Sgd(lr: 0.01f), world);
            var rng = new Rng(3, world.Rank);
            var inputs = new float[32 * NetGen.Samples.LeNet5.InputLength];
            for (int i = 0; i < inputs.Length; i++) inputs[i] = (float)rng.NextDouble();
            var labels = Enumerable.Range(0, 32).Select(i => i % 10).ToArray();
            var gradients = new float[NetGen.Samples.LeNet5.ParameterCount];
            double Median(Action action)
            {
                var times = new List<double>();
                for (int i = 0; i < 800; i++)
                {
                    world.Barrier();
                    var watch = System.Diagnostics.Stopwatch.StartNew();
                    action();
                    if (i >= 500) times.Add(watch.Elapsed.TotalMilliseconds); // after the JIT's tiers have settled
                }

                times.Sort();
                return times[times.Count / 2];
            }

            double average = Median(() => world.Average(gradients));
            double step = Median(() => net.TrainStep(inputs, labels, 32, optimizer));
            if (world.Rank == 0)
            {
                _output.WriteLine(Invariant($"{world.Size} process(es){(world.IsMpi ? " (" + world.Library + ")" : "")}: averaging LeNet-5's {gradients.Length:N0} gradients takes {average:F3} ms (median of 300);"));
                _output.WriteLine(Invariant($"a whole training step on 32 images per process, the average included, {step:F3} ms: the average is {100 * average / step:F0} % of it."));
            }

            return 0;
        }

        /// <summary>Softmax regression on standardized Iris measurements (section 4.4).</summary>
        public int Iris()
        {
            var (train, validation, test) = BuiltInData.Iris().Split(0.64, 0.16, seed: 3);
            var standardizer = Standardizer.Fit(train);
            var net = new IrisSoftmaxRegression(seed: 1);
            var sgd = new Sgd(lr: 0.1f, momentum: 0.9f);
            _output.WriteLine(Invariant($"Iris: {train.Count} training, {validation.Count} validation, {test.Count} test flowers; softmax regression ({IrisSoftmaxRegression.ParameterCount} parameters)."));
            return Classify("softmax regression", net, sgd, new TrainingOptions { Epochs = Epochs(60), BatchSize = 16, Seed = 1 },
                standardizer.Transform(train), standardizer.Transform(validation), standardizer.Transform(test), "iris-learning-curve.png");
        }

        /// <summary>Logistic regression on standardized breast-cancer features (section 4.3).</summary>
        public int BreastCancer()
        {
            var (train, validation, test) = BuiltInData.BreastCancer().Split(0.64, 0.16, seed: 3);
            var standardizer = Standardizer.Fit(train);
            var net = new BreastCancerLogistic(seed: 1);
            var sgd = new Sgd(lr: 0.05f, momentum: 0.9f);
            _output.WriteLine(Invariant($"Breast cancer: {train.Count} training, {validation.Count} validation, {test.Count} test samples; logistic regression ({BreastCancerLogistic.ParameterCount} parameters)."));
            return Classify("logistic regression", net, sgd, new TrainingOptions { Epochs = Epochs(40), BatchSize = 16, Seed = 1 },
                standardizer.Transform(train), standardizer.Transform(validation), standardizer.Transform(test), "breast-cancer-learning-curve.png");
        }

        /// <summary>A self-normalizing network on the standardized digits (section 10.4).</summary>
        public int SelfNormalizing()
        {
            var (train, validation, test) = BuiltInData.Digits().Split(0.72, 0.08, seed: 42);
            var standardizer = Standardizer.Fit(train);
            var net = new SelfNormalizingNet(seed: 1);
            var sgd = new Sgd(lr: 0.01f, momentum: 0.9f);
            _output.WriteLine(Invariant($"Self-normalizing network (SELU, LeCun normal, alpha dropout; {SelfNormalizingNet.ParameterCount:N0} parameters) on the digits."));
            return Classify("SNN", net, sgd, new TrainingOptions { Epochs = Epochs(15), BatchSize = 32, Seed = 1 },
                standardizer.Transform(train), standardizer.Transform(validation), standardizer.Transform(test), "snn-learning-curve.png");
        }

        /// <summary>XOR (section 4.5), inputs standardized to -1/+1; seeds are tried until one escapes the bad local minima.</summary>
        public int Xor()
        {
            float[] inputs = { -1, -1, 1, -1, -1, 1, 1, 1 };
            float[] targets = { 0, 1, 1, 0 };
            for (int seed = 0; seed < 20; seed++)
            {
                var net = new XorNet(seed);
                var sgd = new Sgd(lr: 0.1f);
                float loss = 0;
                for (int step = 0; step < 3000; step++) loss = net.TrainStep(inputs, targets, 4, sgd);
                var outputs = new float[4];
                net.Forward(inputs, outputs, 4);
                int errors = Enumerable.Range(0, 4).Count(i => (outputs[i] > 0.5f) != (targets[i] > 0.5f));
                _output.WriteLine(Invariant($"seed {seed,2}: loss {loss:F5}, outputs [{string.Join(", ", outputs.Select(o => o.ToString("F3", CultureInfo.InvariantCulture)))}], errors {errors}"));
                if (errors == 0)
                {
                    _output.WriteLine("Solved. (Two ReLU units often end in a bad local minimum, section 4.5; other seeds are tried until one solves it.)");
                    return 0;
                }
            }

            _output.WriteLine("No seed solved XOR.");
            return 1;
        }

        /// <summary>
        /// The reproducibility check: LeNet-5 with dropout, 200 steps of SGD with momentum on seeded random batches of 16, then
        /// a checksum (FNV-1a of the parameters' bits). Every run, process, machine with the same vector paths, and thread count
        /// prints the same line.
        /// </summary>
        public int Reproduce()
        {
            var (loss, checksum) = Reproducibility.Run(steps: 200);
            _output.WriteLine(Invariant($"LeNet-5 with dropout, 200 steps: loss {loss:R}, parameter checksum {checksum:x16}"));
            return 0;
        }

        /// <summary>5-fold cross-validated error of the digits CNN (eq. 5.14).</summary>
        public int CrossValidated()
        {
            var data = BuiltInData.Digits();
            int epochs = Epochs(6);
            _output.WriteLine(Invariant($"5-fold cross-validation of the digits CNN on all {data.Count} images, {epochs} epochs per fold ..."));
            var (error, folds) = CrossValidation.ErrorRate(data, 5, () => new DigitsCnn(seed: 1), () => new Adam(lr: 2e-3f), new TrainingOptions { Epochs = epochs, BatchSize = 32, Seed = 1 }, seed: 42);
            for (int f = 0; f < folds.Length; f++) _output.WriteLine(Invariant($"fold {f + 1}: error {folds[f]:P2}"));
            _output.WriteLine(Invariant($"Cross-validated error: {error:P2} (accuracy {1 - error:P2})"));
            return 0;
        }

        /// <summary>Trains with progress, then prints the test accuracy and confusion matrix and writes the learning-curve PNG.</summary>
        private int Classify(string title, INetwork net, IOptimizer optimizer, TrainingOptions options, Dataset train, Dataset validation, Dataset test, string picture, IProcessGroup? world = null)
        {
            bool live = !_options.NoProgress && !Console.IsOutputRedirected && ReferenceEquals(_output, Console.Out) && AnsiConsole.Profile.Capabilities.Interactive;
            IReadOnlyList<EpochRecord> history;
            if (live)
            {
                history = AnsiConsole.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                    .Start(ctx =>
                    {
                        var task = ctx.AddTask(title, maxValue: options.Epochs);
                        options.Progress = new Reporter(p =>
                        {
                            task.Value = p.Epoch - 1 + (double)p.Update / p.UpdatesPerEpoch;
                            task.Description = Invariant($"{title}: epoch {p.Epoch}/{p.Epochs}, loss {p.Loss:F4}, {p.SamplesPerSecond:N0} samples/s");
                            if (p.EpochEnd != null) ctx.Refresh();
                        });
                        var result = new Trainer(net, optimizer, options).Fit(train, validation);
                        task.Value = task.MaxValue;
                        return result;
                    });
                foreach (var e in history) _output.WriteLine(EpochLine(e));
            }
            else
            {
                options.Progress = new Reporter(p => { if (p.EpochEnd != null) _output.WriteLine(EpochLine(p.EpochEnd)); });
                history = new Trainer(net, optimizer, options).Fit(train, validation);
            }

            var evaluation = Trainer.Evaluate(net, test);
            _output.WriteLine(Invariant($"Test accuracy: {evaluation.Accuracy:P1} ({test.Count} samples, {history.Sum(e => e.Seconds):F1} s of training)"));
            WriteConfusion(evaluation.Confusion);
            if (world != null && world.Rank != 0) return 0; // rank 0 writes the picture
            Directory.CreateDirectory(_options.OutputFolder);
            string path = Path.GetFullPath(Path.Combine(_options.OutputFolder, picture));
            LearningCurve.Save(history, path, title);
            _output.WriteLine(Invariant($"Learning curves: {path}"));
            return 0;
        }

        private static string EpochLine(EpochRecord e)
            => double.IsNaN(e.ValidationLoss)
                ? Invariant($"epoch {e.Epoch,3}: loss {e.TrainLoss:F4}, accuracy {e.TrainAccuracy:P1} ({e.Seconds:F1} s training)")
                : Invariant($"epoch {e.Epoch,3}: loss {e.TrainLoss:F4}, accuracy {e.TrainAccuracy:P1}; validation loss {e.ValidationLoss:F4}, accuracy {e.ValidationAccuracy:P1} ({e.Seconds:F1} s training, {e.EvaluationSeconds:F1} s evaluation)");

        private void WriteConfusion(int[,] confusion)
        {
            int k = confusion.GetLength(0);
            _output.WriteLine("Confusion matrix (rows: true class, columns: predicted):");
            _output.WriteLine("      " + string.Concat(Enumerable.Range(0, k).Select(c => Invariant($"{c,5}"))));
            for (int r = 0; r < k; r++)
            {
                _output.WriteLine(Invariant($"{r,5} ") + string.Concat(Enumerable.Range(0, k).Select(c => Invariant($"{confusion[r, c],5}"))));
            }
        }

        /// <summary>The digits at 28x28: each pixel a 3x3 block, padded by 2.</summary>
        internal static Dataset Upscale28(Dataset digits)
        {
            var images = new float[digits.Count * 784];
            for (int n = 0; n < digits.Count; n++)
            {
                var src = digits.Input(n);
                for (int r = 0; r < 8; r++)
                for (int c = 0; c < 8; c++)
                for (int dr = 0; dr < 3; dr++)
                for (int dc = 0; dc < 3; dc++)
                    images[n * 784 + (2 + r * 3 + dr) * 28 + 2 + c * 3 + dc] = src[r * 8 + c];
            }

            return new Dataset(images, (int[])digits.Labels!.Clone(), 784, digits.Classes);
        }

        /// <summary>Reports synchronously on the training thread (System.Progress would post to the thread pool).</summary>
        private sealed class Reporter : IProgress<TrainingProgress>
        {
            private readonly Action<TrainingProgress> _action;

            public Reporter(Action<TrainingProgress> action) => _action = action;

            public void Report(TrainingProgress value) => _action(value);
        }
    }

    /// <summary>The training run of the <c>reproduce</c> command, also called by the determinism tests.</summary>
    public static class Reproducibility
    {
        /// <summary>Trains LeNet5Dropout (seed 7, dropout masks from seed 11) for <paramref name="steps"/> steps; returns the last loss and the parameters' FNV-1a checksum.</summary>
        public static (float Loss, ulong Checksum) Run(int steps)
        {
            const int batch = 16;
            var net = new LeNet5Dropout(seed: 7) { Randomness = new Rng(11) };
            var sgd = new Sgd(lr: 0.01f, momentum: 0.9f);
            var data = new Rng(5);
            var inputs = new float[batch * LeNet5Dropout.InputLength];
            var labels = new int[batch];
            float loss = 0;
            for (int step = 0; step < steps; step++)
            {
                for (int i = 0; i < inputs.Length; i++) inputs[i] = (float)data.NextDouble();
                for (int n = 0; n < batch; n++) labels[n] = (int)(data.NextUInt64() % 10);
                loss = net.TrainStep(inputs, labels, batch, sgd);
            }

            return (loss, Checksum(net.Parameters));
        }

        /// <summary>FNV-1a over the bits of <paramref name="values"/>.</summary>
        public static ulong Checksum(ReadOnlySpan<float> values)
        {
            ulong hash = 14695981039346656037UL;
            foreach (float v in values)
            {
                uint bits = (uint)BitConverter.SingleToInt32Bits(v);
                for (int b = 0; b < 4; b++)
                {
                    hash ^= (bits >> (8 * b)) & 0xFF;
                    hash *= 1099511628211UL;
                }
            }

            return hash;
        }
    }
}
