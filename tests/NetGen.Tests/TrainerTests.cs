using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>The trainer: mini-batches without replacement, progress reports, early stopping; and the samples end to end.</summary>
    public class TrainerTests
    {
        /// <summary>A network that records which samples it was trained on (the input is the sample's index).</summary>
        internal sealed class Spy : INetwork
        {
            public readonly List<float> Seen = new List<float>();
            public readonly List<int> Batches = new List<int>();
            private readonly float[] _p = new float[1];
            public int InputLength => 1;
            public int OutputLength => 2;
            public int ParameterCount => 1;
            public Span<float> Parameters => _p;
            public Span<float> Gradients => _p;
            public Span<float> Buffers => Span<float>.Empty;
            public Span<long> Counters => Span<long>.Empty;
            public IReadOnlyList<TensorInfo> Tensors { get; } = new[] { new TensorInfo("p", TensorStore.Parameters, 0, 1) };
            public NetworkMode Mode { get; set; }
            public void Save(Stream stream) => SafeTensors.Save(this, stream);
            public void Save(string path) => SafeTensors.Save(this, path);
            public void Load(Stream stream, TensorMatching matching = TensorMatching.ByName) => SafeTensors.Load(this, stream, matching);
            public void Load(string path, TensorMatching matching = TensorMatching.ByName) => SafeTensors.Load(this, path, matching);
            public void ExportOnnx(Stream stream) => throw new NotSupportedException();
            public void ExportOnnx(string path) => throw new NotSupportedException();
            public void Forward(ReadOnlySpan<float> input, Span<float> output) => output.Clear();
            public void Forward(ReadOnlySpan<float> inputs, Span<float> outputs, int batch) => outputs.Clear();
            public float ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batch) => 1f;
            public float ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, int batch) => 1f;
            public float ComputeLoss(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batch) => 1f;
            public float ComputeLoss(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, int batch) => 1f;
            public float ComputeLoss(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batch, Span<float> outputs) { outputs.Clear(); return 1f; }
            public float ComputeLoss(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, int batch, Span<float> outputs) { outputs.Clear(); return 1f; }
            public float TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batch, IOptimizer optimizer) => 1f;

            public float TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, int batch, IOptimizer optimizer)
            {
                Seen.AddRange(inputs.ToArray());
                Batches.Add(batch);
                return 1f;
            }
        }

        /// <summary>Runs <paramref name="body"/> with a new folder under the temporary path, deleted afterwards whatever happens.</summary>
        private static void InTemporaryFolder(string prefix, Action<string> body)
        {
            string folder = Path.Combine(Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N"));
            try
            {
                body(folder);
            }
            finally
            {
                if (Directory.Exists(folder)) Directory.Delete(folder, true);
            }
        }

        private sealed class Collect : IProgress<TrainingProgress>
        {
            public readonly List<TrainingProgress> Reports = new List<TrainingProgress>();
            public void Report(TrainingProgress value) => Reports.Add(value);
        }

        /// <summary>
        /// Sampling with replacement (section 8.11): N draws per epoch; each sample is left out with probability (1 - 1/N)^N,
        /// about 1/e, so over 20 epochs of 1,000 samples the distinct share per epoch is 63.2 % within a few standard errors.
        /// </summary>
        [Fact]
        public void Sampling_with_replacement_draws_N_samples_and_leaves_out_about_a_third()
        {
            var data = new Dataset(Enumerable.Range(0, 1000).Select(i => (float)i).ToArray(), new int[1000], 1, 2);
            var spy = new Spy();
            new Trainer(spy, new Sgd(0.1f), new TrainingOptions { Epochs = 20, BatchSize = 100, Seed = 3, Sampling = Sampling.WithReplacement }).Fit(data);
            Assert.Equal(20_000, spy.Seen.Count);
            var distinct = Enumerable.Range(0, 20).Select(e => spy.Seen.Skip(e * 1000).Take(1000).Distinct().Count()).ToList();
            double expected = 1000 * (1 - Math.Pow(1 - 1.0 / 1000, 1000)); // 632.3
            Assert.InRange(distinct.Average(), expected - 5, expected + 5); // the mean of 20 epochs: standard error about 2.2
            Assert.True(distinct.Distinct().Count() > 1); // a new bootstrap sample each epoch
            var again = new Spy();
            new Trainer(again, new Sgd(0.1f), new TrainingOptions { Epochs = 20, BatchSize = 100, Seed = 3, Sampling = Sampling.WithReplacement }).Fit(data);
            Assert.Equal(spy.Seen, again.Seen); // seeded
        }

        [Fact]
        public void Each_epoch_draws_every_sample_once_in_ceil_N_over_B_batches()
        {
            var data = new Dataset(Enumerable.Range(0, 10).Select(i => (float)i).ToArray(), new int[10], 1, 2);
            var spy = new Spy();
            var progress = new Collect();
            var history = new Trainer(spy, new Sgd(0.1f), new TrainingOptions { Epochs = 3, BatchSize = 4, Progress = progress }).Fit(data);
            Assert.Equal(3, history.Count);
            Assert.Equal(new[] { 4, 4, 2, 4, 4, 2, 4, 4, 2 }, spy.Batches); // section 7.3: ceil(10 / 4) = 3 updates per epoch
            for (int epoch = 0; epoch < 3; epoch++)
            {
                Assert.Equal(Enumerable.Range(0, 10), spy.Seen.Skip(epoch * 10).Take(10).Select(v => (int)v).OrderBy(v => v)); // without replacement
            }

            Assert.NotEqual(spy.Seen.Take(10), spy.Seen.Skip(10).Take(10)); // reshuffled each epoch
            Assert.Equal(9 + 3, progress.Reports.Count); // per update and per epoch
            Assert.Equal(3, progress.Reports.Count(r => r.EpochEnd != null));
        }

        [Fact]
        public void A_schedule_steps_per_update_or_per_epoch_and_a_plateau_per_epoch()
        {
            var data = new Dataset(Enumerable.Range(0, 10).Select(i => (float)i).ToArray(), new int[10], 1, 2);
            var sgd = new Sgd(0.1f);
            var cycle = new OneCycle(sgd, maxLr: 1f, totalSteps: 9);
            var plateau = new ReduceOnPlateau(sgd, patience: 0);
            var history = new Trainer(new Spy(), new ClipGradNorm(sgd, 1f), new TrainingOptions { Epochs = 3, BatchSize = 4, Schedule = cycle, ScheduleEveryBatch = true, Plateau = plateau }).Fit(data);
            Assert.Equal(9, cycle.Epoch); // 3 updates per epoch, 3 epochs
            Assert.Equal(cycle.LearningRate(3), history[0].LearningRate, 6); // the rate after the first epoch's updates, through the clipping wrapper
            Assert.Equal(history[0].TrainLoss, plateau.Best); // the spy's loss is the same every epoch: no improvement after the first ...
            Assert.True(sgd.Lr < cycle.LearningRate(9)); // ... so the plateau cut the rate

            var epochs = new StepDecay(new Sgd(1f), stepSize: 1);
            new Trainer(new Spy(), new Sgd(1f), new TrainingOptions { Epochs = 3, BatchSize = 4, Schedule = epochs }).Fit(data);
            Assert.Equal(3, epochs.Epoch);
        }

        /// <summary>
        /// Per-head evaluation of the two-head network (softmax digit head, weight 0.7; sigmoid flags head, weight 0.5), with
        /// missing labels: the heads' weighted losses add up to the network's own loss (eq. 8.21, computed by the generated
        /// code from the logits), the accuracies are recounted here from Forward, and the metric hook sees every output.
        /// </summary>
        [Fact]
        public void Each_head_gets_its_loss_and_accuracy_and_metrics_see_every_output()
        {
            var net = new NetGen.Tests.Parity.TwoHeads(3);
            var random = new Random(4);
            const int count = 40;
            var inputs = Enumerable.Range(0, count * 6).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var targets = new float[count * 6];
            for (int n = 0; n < count; n++)
            {
                if (n % 7 == 3) targets.AsSpan(n * 6, 4).Fill(float.NaN); // no digit label
                else targets[n * 6 + random.Next(4)] = 1f;
                targets[n * 6 + 4] = random.Next(2);
                targets[n * 6 + 5] = n % 5 == 1 ? float.NaN : random.Next(2);
            }

            var data = new Dataset(inputs, targets, 6, 6);
            int seen = 0;
            var eval = Trainer.Evaluate(net, data, new[] { Metric.MeanAbsoluteError, new Metric("seen", (o, t, n) => seen = o.Length / n) }, batchSize: count); // one batch: its loss is the heads' means
            Assert.Equal(new[] { "digit", "flags" }, eval.Heads.Select(h => h.Name));
            Assert.Equal(eval.Loss, 0.7 * eval.Heads[0].Loss + 0.5 * eval.Heads[1].Loss, 5);
            Assert.Equal(6, seen);

            var outputs = new float[count * 6];
            net.Forward(inputs, outputs, count);
            int rows = 0, digits = 0, flags = 0, present = 0;
            double absolute = 0, values = 0;
            for (int n = 0; n < count; n++)
            {
                if (!float.IsNaN(targets[n * 6]))
                {
                    rows++;
                    if (Trainer.ClassOf(outputs.AsSpan(n * 6, 4)) == Trainer.ClassOf(targets.AsSpan(n * 6, 4))) digits++;
                }

                for (int k = 4; k < 6; k++)
                {
                    if (float.IsNaN(targets[n * 6 + k])) continue;
                    present++;
                    if ((outputs[n * 6 + k] > 0.5f) == (targets[n * 6 + k] > 0.5f)) flags++;
                }

                for (int k = 0; k < 6; k++)
                {
                    if (float.IsNaN(targets[n * 6 + k])) continue;
                    absolute += Math.Abs(outputs[n * 6 + k] - targets[n * 6 + k]);
                    values++;
                }
            }

            Assert.Equal((double)digits / rows, eval.Heads[0].Accuracy, 12);
            Assert.Equal((double)flags / present, eval.Heads[1].Accuracy, 12);
            Assert.Equal(absolute / values, eval.Metrics["mae"], 6);
            var batched = Trainer.Evaluate(net, data, new[] { Metric.MeanAbsoluteError }, batchSize: 16); // heads gathered over three batches
            Assert.Equal(eval.Heads, batched.Heads, (x, y) => x.Name == y.Name && Math.Abs(x.Loss - y.Loss) < 1e-6 && x.Accuracy == y.Accuracy);
            Assert.Equal(eval.Metrics["mae"], batched.Metrics["mae"], 6);
        }

        [Fact]
        public void Early_stopping_ends_training_and_restores_the_best_parameters()
        {
            var data = BuiltInData.Iris();
            var net = new NetGen.Tests.Parity.TanhSoftmax(1);
            var stop = new EarlyStopping(patience: 1, minDelta: 10); // no epoch can improve by 10: stops after the second
            var history = new Trainer(net, new Sgd(0.01f), new TrainingOptions { Epochs = 20, EarlyStopping = stop }).Fit(data, data);
            Assert.Equal(2, history.Count);
            Assert.Equal(1, stop.BestEpoch);
        }

        private static (int Code, string Output) Sample(params string[] args)
        {
            var writer = new StringWriter();
            int code = NetGen.Samples.Program.Run(args, writer);
            return (code, writer.ToString());
        }

        private static double TestAccuracy(string output)
        {
            var line = output.Split('\n').Single(l => l.StartsWith("Test accuracy: ", StringComparison.Ordinal));
            return double.Parse(line.Substring(15, line.IndexOf('%') - 15).Trim(), System.Globalization.CultureInfo.InvariantCulture) / 100;
        }

        [Fact]
        public void The_multitask_sample_prints_both_heads_accuracies()
        {
            var (code, output) = Sample("multitask", "--epochs", "3", "--no-progress");
            Assert.Equal(0, code);
            var line = output.Split('\n').Single(l => l.StartsWith("Test accuracy, digit head: ", StringComparison.Ordinal));
            var numbers = System.Text.RegularExpressions.Regex.Matches(line, @"([0-9.]+) %").Select(m => double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(2, numbers.Count);
            Assert.InRange(numbers[0], 50, 100); // ten classes: chance is 10 %
            Assert.InRange(numbers[1], 60, 100); // parity: chance is about 50 %
        }

        [Fact]
        public void The_residual_sample_learns_the_digits()
        {
            InTemporaryFolder("netgen-sample-", folder =>
            {
                var (code, output) = Sample("residual", "--epochs", "3", "--no-progress", "--out", folder);
                Assert.Equal(0, code);
                Assert.InRange(TestAccuracy(output), 0.5, 1.0);
            });
        }

        [Fact]
        public void The_default_sample_runs_end_to_end_in_a_reduced_mode()
        {
            InTemporaryFolder("netgen-sample-", folder =>
            {
                var (code, output) = Sample("--epochs", "2", "--no-progress", "--out", folder);
                Assert.Equal(0, code);
                Assert.Contains("epoch   2:", output);
                Assert.Contains("Confusion matrix (rows: true class, columns: predicted):", output);
                Assert.InRange(TestAccuracy(output), 0.5, 1.0);
                string png = Path.Combine(folder, "digits-learning-curve.png");
                Assert.Contains(png, output);
                var bytes = File.ReadAllBytes(png);
                Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10 }, bytes.Take(8));
                Assert.Equal(900, (bytes[16] << 24) | (bytes[17] << 16) | (bytes[18] << 8) | bytes[19]); // IHDR width
                Assert.Equal(540, (bytes[20] << 24) | (bytes[21] << 16) | (bytes[22] << 8) | bytes[23]); // IHDR height
                Assert.True(bytes.Length > 20_000, "the picture has content");
            });
        }

        [Theory]
        [InlineData("digits", 0.97)] // issue 5: the default CNN, 80/20 split, fixed seed
        [InlineData("iris", 0.95)]
        [InlineData("breast-cancer", 0.95)]
        [InlineData("lenet", 0.95)]
        [InlineData("modern", 0.95)] // issue 18's layers and controls together
        public void Samples_reach_their_accuracy(string command, double accuracy)
        {
            InTemporaryFolder("netgen-sample-", folder =>
            {
                var (code, output) = Sample(command, "--no-progress", "--out", folder);
                Assert.Equal(0, code);
                Assert.True(TestAccuracy(output) >= accuracy, output);
            });
        }

        /// <summary>
        /// From PyTorch to NetGen: the imported model's test accuracy and loss before fine-tuning are the ones PyTorch measured
        /// on the same images (samples/pytorch/train_digits.py recorded them), and fine-tuning raises the accuracy.
        /// </summary>
        [Fact]
        public void The_model_imported_from_PyTorch_starts_where_PyTorch_left_it_and_fine_tunes()
        {
            string? folder = AppContext.BaseDirectory;
            while (folder != null && !File.Exists(Path.Combine(folder, "NetGen.sln"))) folder = Path.GetDirectoryName(folder);
            using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(folder!, "samples", "NetGen.Samples", "Imported", "digits_pytorch.json")));
            double accuracy = json.RootElement.GetProperty("test_accuracy").GetDouble(), loss = json.RootElement.GetProperty("test_loss").GetDouble();

            var (code, output) = Sample("finetune", "--no-progress");
            Assert.Equal(0, code);
            var before = output.Split('\n').Single(l => l.StartsWith("Before fine-tuning", StringComparison.Ordinal));
            Assert.Contains(FormattableString.Invariant($"test accuracy {accuracy:P1}, loss {loss:F4}"), before);
            Assert.True(TestAccuracy(output) >= accuracy + 0.08, output);
        }

        /// <summary>
        /// The saliency sample (issue 20, section 4.8): a PNG of digits and their input gradients; every Jacobian it prints has
        /// columns summing to 0, since the softmax outputs sum to 1 whatever the input (an independent check of the Jacobian).
        /// </summary>
        [Fact]
        public void The_saliency_sample_draws_its_maps_and_its_Jacobians_columns_sum_to_zero()
        {
            InTemporaryFolder("netgen-saliency-", folder =>
            {
                var (code, output) = Sample("saliency", "--epochs", "3", "--out", folder);
                Assert.Equal(0, code);
                var lines = output.Split('\n').Where(l => l.StartsWith("test digit ", StringComparison.Ordinal)).ToList();
                Assert.Equal(8, lines.Count);
                foreach (var line in lines)
                {
                    double sum = double.Parse(line.Substring(line.LastIndexOf(' ') + 1), System.Globalization.CultureInfo.InvariantCulture);
                    Assert.True(sum < 1e-5, line);
                }

                var png = File.ReadAllBytes(Path.Combine(folder, "saliency.png"));
                Assert.Equal(0x89, png[0]);
                Assert.True(png.Length > 4_000, $"{png.Length} bytes"); // 16 heat maps and captions
            });
        }

        /// <summary>The dream sample (issue 20, fig. 4.11): gradient ascent on the input makes the CNN sure of every class in turn.</summary>
        [Fact]
        public void The_dream_sample_finds_an_input_for_every_class()
        {
            InTemporaryFolder("netgen-dream-", folder =>
            {
                var (code, output) = Sample("dream", "--out", folder);
                Assert.Equal(0, code);
                var lines = output.Split('\n').Where(l => l.StartsWith("class ", StringComparison.Ordinal)).ToList();
                Assert.Equal(10, lines.Count);
                for (int k = 0; k < 10; k++)
                {
                    Assert.StartsWith($"class {k}: p = ", lines[k]);
                    Assert.EndsWith($"(predicted {k})", lines[k].TrimEnd());
                    double p = double.Parse(lines[k].Substring(lines[k].IndexOf("p = ", StringComparison.Ordinal) + 4, 5), System.Globalization.CultureInfo.InvariantCulture);
                    Assert.True(p > 0.9, lines[k]);
                }

                Assert.True(File.Exists(Path.Combine(folder, "dream.png")));
            });
        }

        /// <summary>The augment sample (issue 21, section 8.10): on 150 training digits, augmentation raises the mean test accuracy over three seeds.</summary>
        [Fact]
        public void The_augmentation_sample_gains_test_accuracy_on_few_digits()
        {
            InTemporaryFolder("netgen-augment-", folder =>
            {
                var (code, output) = Sample("augment", "--out", folder);
                Assert.Equal(0, code);
                var means = output.Split('\n').Where(l => l.Contains("mean test accuracy over 3 seeds", StringComparison.Ordinal))
                    .Select(l => double.Parse(l.Substring(l.LastIndexOf("seeds ", StringComparison.Ordinal) + 6).Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture)).ToList();
                Assert.Equal(2, means.Count);
                Assert.True(means[1] > means[0] + 0.5, $"augmented {means[1]} %, plain {means[0]} %");
                Assert.True(File.Exists(Path.Combine(folder, "augmentation.png")));
            });
        }

        /// <summary>The complexity sample (issue 21, fig. 5.3/8.1): training error below the noise for the larger networks, the test error's minimum at a small network and far higher for the largest.</summary>
        [Fact]
        public void The_complexity_sample_shows_the_test_error_rising_past_a_small_network()
        {
            InTemporaryFolder("netgen-complexity-", folder =>
            {
                var (code, output) = Sample("complexity", "--out", folder);
                Assert.Equal(0, code);
                var rows = output.Split('\n').Where(l => l.Contains("hidden units (", StringComparison.Ordinal)).Select(l =>
                {
                    double After(string key) => double.Parse(l.Substring(l.IndexOf(key, StringComparison.Ordinal) + key.Length).Trim().Split(' ', ',')[0], System.Globalization.CultureInfo.InvariantCulture);
                    return (Units: int.Parse(l.Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture), Train: After("training error"), Test: After("test error"));
                }).ToList();
                Assert.Equal(new[] { 1, 2, 4, 8, 16, 32, 64, 128, 256 }, rows.Select(r => r.Units));
                var best = rows.OrderBy(r => r.Test).First();
                Assert.True(best.Units <= 8, "the lowest test error should come from a small network, not " + best.Units);
                Assert.True(rows[^1].Test > 2 * best.Test, $"256 units: test error {rows[^1].Test}, best {best.Test}");
                Assert.All(rows.Where(r => r.Units >= 4), r => Assert.True(r.Train < 4, $"{r.Units} units fit below the noise's 4: {r.Train}"));
                Assert.True(rows[0].Train > 2 * rows[^1].Train);
                Assert.True(File.Exists(Path.Combine(folder, "complexity.png")));
            });
        }

        /// <summary>The bagging sample (issue 21): the averaged bootstrap ensemble beats the mean of its members.</summary>
        [Fact]
        public void The_bagging_sample_ensemble_beats_its_members_on_average()
        {
            InTemporaryFolder("netgen-bagging-", folder =>
            {
                var (code, output) = Sample("bagging", "--out", folder);
                Assert.Equal(0, code);
                var line = output.Split('\n').Single(l => l.StartsWith("Mean of the networks alone: ", StringComparison.Ordinal));
                var numbers = System.Text.RegularExpressions.Regex.Matches(line, @"(\d+\.\d) %").Select(m => double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
                Assert.Equal(3, numbers.Count);
                Assert.True(numbers[1] > numbers[0], line);
                Assert.True(File.Exists(Path.Combine(folder, "bagging.png")));
            });
        }

        /// <summary>The lr-search sample (issue 21, section 4.10.5): the grid rejects the rates that are too high and too low, and its suggestion trains well.</summary>
        [Fact]
        public void The_learning_rate_sample_suggests_a_rate_that_trains_the_digits_CNN()
        {
            InTemporaryFolder("netgen-lr-", folder =>
            {
                var (code, output) = Sample("lr-search", "--out", folder);
                Assert.Equal(0, code);
                double Loss(string rate) => double.Parse(output.Split('\n').Single(l => l.StartsWith("  lr ", StringComparison.Ordinal) && l.Split(':')[0].Replace(" ", "") == "lr" + rate).Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
                string suggested = output.Split('\n').Single(l => l.StartsWith("Suggested: grid ", StringComparison.Ordinal));
                double rate = double.Parse(suggested.Substring(16).Split(',')[0], System.Globalization.CultureInfo.InvariantCulture);
                Assert.InRange(rate, 0.005, 0.2);
                Assert.True(Loss("1") > 3 * Loss("0.0464") && Loss("0.0001") > 3 * Loss("0.0464"), "the grid's ends should be far worse than its middle");
                var trained = output.Split('\n').Single(l => l.StartsWith("Trained ", StringComparison.Ordinal));
                double accuracy = double.Parse(trained.Substring(trained.IndexOf("test accuracy ", StringComparison.Ordinal) + 14).Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
                Assert.True(accuracy >= 95, trained);
                Assert.True(File.Exists(Path.Combine(folder, "learning-rate.png")));
            });
        }

        /// <summary>The layers sample (issue 20, fig. 10.1): the sigmoid stack's gradients vanish towards the input, SELU's keep their scale.</summary>
        [Fact]
        public void The_layers_sample_shows_vanishing_gradients_in_the_sigmoid_stack_only()
        {
            InTemporaryFolder("netgen-layers-", folder =>
            {
                var (code, output) = Sample("layers", "--out", folder);
                Assert.Equal(0, code);
                var norms = output.Split('\n').Where(l => l.Contains("|dL/dW|", StringComparison.Ordinal))
                    .Select(l => double.Parse(l.Substring(l.LastIndexOf(' ') + 1), System.Globalization.CultureInfo.InvariantCulture)).ToList();
                Assert.Equal(18, norms.Count); // 9 layers each
                Assert.True(norms[0] < 1e-3 * norms[8], $"sigmoid: first layer {norms[0]:E2}, last {norms[8]:E2}");
                Assert.True(norms[9] > 0.2 * norms[17] && norms[9] < 5 * norms[17], $"SELU: first layer {norms[9]:E2}, last {norms[17]:E2}");
                Assert.True(File.Exists(Path.Combine(folder, "layers.png")));
            });
        }

        /// <summary>LayerStatistics against the values they summarize: the output layer's outputs (Forward), its squared error's delta 2 (a - y) / (B K), and Gradients.</summary>
        [Fact]
        public void Layer_statistics_are_the_moments_and_norms_of_the_last_training_pass()
        {
            var net = new NetGen.Samples.XorNet(seed: 2);
            var x = new float[] { 0, 0, 0, 1, 1, 0, 1, 1 };
            var t = new float[] { 0.1f, 0.9f, 0.8f, 0.2f };
            Assert.Throws<InvalidOperationException>(() => net.LayerStatistics());
            net.ComputeGradients(x, t, 4);
            var statistics = net.LayerStatistics();
            Assert.Equal(new[] { "dense1", "dense2" }, statistics.Select(s => s.Layer));
            var y = new float[4];
            net.Forward(x, y, 4);
            double mean = y.Average(v => (double)v), std = Math.Sqrt(y.Average(v => (v - mean) * (v - mean)));
            double delta = Math.Sqrt(Enumerable.Range(0, 4).Sum(i => Math.Pow(2.0 * (y[i] - t[i]) / 4, 2)));
            var output = statistics[1];
            Assert.Equal(mean, output.Mean, 5);
            Assert.Equal(std, output.Std, 5);
            Assert.Equal(delta, output.DeltaNorm, 5);
            var tensors = net.Tensors.Where(tensor => tensor.Name.EndsWith(".weight", StringComparison.Ordinal)).ToList();
            for (int i = 0; i < 2; i++)
            {
                double norm = Math.Sqrt(net.Gradients.Slice(tensors[i].Offset, tensors[i].Length).ToArray().Sum(g => (double)g * g));
                Assert.Equal(norm, statistics[i].WeightGradientNorm, 6);
            }

            net.ComputeLoss(x, t, 4); // another pass reuses the storage
            Assert.Throws<InvalidOperationException>(() => net.LayerStatistics());
            var history = new Trainer(net, new Sgd(0.1f), new TrainingOptions { Epochs = 2, BatchSize = 4, LayerStatistics = true })
                .Fit(new Dataset(x, t, 2, 1));
            Assert.All(history, record => Assert.Equal(2, record.LayerStatistics.Count));
            Assert.Empty(new Trainer(net, new Sgd(0.1f), new TrainingOptions { Epochs = 1, BatchSize = 4 }).Fit(new Dataset(x, t, 2, 1))[0].LayerStatistics);
        }

        /// <summary>The pruning sample (issue 20, section 8.7): by magnitude and by OBD, each step reaches its sparsity exactly and retraining recovers most of the accuracy.</summary>
        [Fact]
        public void The_pruning_sample_reaches_each_sparsity_and_retrains()
        {
            InTemporaryFolder("netgen-prune-", folder =>
            {
                var (code, output) = Sample("prune", "--out", folder);
                Assert.Equal(0, code);
                var lines = output.Split('\n').Where(l => l.StartsWith("magnitude sparsity ", StringComparison.Ordinal) || l.StartsWith("OBD       sparsity ", StringComparison.Ordinal)).ToList();
                var levels = new[] { "sparsity 50.0 %", "sparsity 80.0 %", "sparsity 90.0 %", "sparsity 95.0 %" };
                Assert.Equal(levels.Concat(levels), lines.Select(l => l.Substring(10, 15)));
                foreach (var line in lines)
                {
                    double retrained = double.Parse(line.Substring(line.LastIndexOf(", ", StringComparison.Ordinal) + 2).Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
                    Assert.True(retrained >= 90, line); // LeNet-5 keeps 90 % test accuracy on the digits with a twentieth of its weights
                }

                Assert.True(File.Exists(Path.Combine(folder, "pruning.png")));
            });
        }

        [Fact]
        public void Help_lists_the_commands_and_bad_arguments_fail()
        {
            var (code, output) = Sample("--help");
            Assert.Equal(0, code);
            foreach (var command in new[] { "digits", "lenet", "xor", "iris", "breast-cancer", "snn", "fashion-mnist", "cv", "finetune", "saliency", "prune", "layers", "dream", "lr-search", "augment", "complexity", "bagging", "allreduce" }) Assert.Contains("  " + command, output);
            Assert.Equal(2, Sample("--epochs", "zero").Code);
            Assert.Equal(2, Sample("nonsense").Code);
        }

        [Fact]
        public void Cross_validation_reports_every_fold()
        {
            var (code, output) = Sample("cv", "--epochs", "1");
            Assert.Equal(0, code);
            Assert.Equal(5, output.Split('\n').Count(l => l.StartsWith("fold ", StringComparison.Ordinal)));
            Assert.Contains("Cross-validated error:", output);
        }
    }
}
