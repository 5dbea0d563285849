using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>
    /// Issue 21 (section 4.10.3 on the outputs): a target standardizer fitted on regression targets, applied and inverted by
    /// the Trainer, and saved in the weights file's metadata.
    /// </summary>
    public class TargetStandardizerTests
    {
        /// <summary>y = 1000 (x0 - 2 x1 + 0.5 x2) + 5000 plus a little noise: targets far from unit scale (seeded).</summary>
        private static Dataset Data(int count, int seed)
        {
            var rng = new Random(seed);
            var x = new float[count * 3];
            var y = new float[count];
            for (int n = 0; n < count; n++)
            {
                for (int i = 0; i < 3; i++) x[3 * n + i] = (float)(rng.NextDouble() * 2 - 1);
                y[n] = (float)(1000 * (x[3 * n] - 2 * x[3 * n + 1] + 0.5 * x[3 * n + 2]) + 5000 + 10 * (rng.NextDouble() - 0.5));
            }

            return new Dataset(x, y, 3, 1);
        }

        [Fact]
        public void Target_statistics_are_the_population_mean_and_deviation_and_invert_exactly()
        {
            // targets (1, 10), (3, 10), (5, 10): means 3 and 10, deviations sqrt(8/3) and 0 (-> 1)
            var data = new Dataset(new float[] { 0, 1, 2 }, new float[] { 1, 10, 3, 10, 5, 10 }, 1, 2);
            var s = Standardizer.FitTargets(data);
            Assert.Equal(new[] { 3f, 10f }, s.Mean);
            Assert.Equal((float)Math.Sqrt(8.0 / 3), s.Std[0], 6);
            Assert.Equal(1f, s.Std[1]);
            var scaled = s.TransformTargets(data);
            Assert.Equal(-2 / Math.Sqrt(8.0 / 3), scaled.Targets![0], 5);
            Assert.Equal(data.Inputs, scaled.Inputs);
            var back = new float[6];
            s.Inverse(scaled.Targets, back);
            for (int i = 0; i < 6; i++) Assert.Equal(data.Targets![i], back[i], 5);
            Assert.Throws<ArgumentException>(() => Standardizer.FitTargets(new Dataset(new float[] { 0, 1 }, new[] { 0, 1 }, 1, 2)));
            var three = Assert.Throws<ArgumentException>(() => s.TransformTargets(new Dataset(new float[] { 0 }, new float[] { 1, 2, 3 }, 1, 3)));
            Assert.Contains("3 targets per sample, but the standardizer was fitted on 2", three.Message);
        }

        [Fact]
        public void Trainer_fits_standardized_targets_and_reports_errors_in_the_datas_units()
        {
            var train = Data(256, 1);
            var validation = Data(64, 2);
            var scale = Standardizer.FitTargets(train);
            var net = new LinearThreeOne(seed: 1);
            var options = new TrainingOptions { Epochs = 60, BatchSize = 16, Seed = 1, TargetStandardizer = scale };
            options.Metrics.Add(Metric.MeanAbsoluteError);
            var history = new Trainer(net, new Sgd(lr: 0.05f, momentum: 0.9f), options).Fit(train, validation);

            // the reference: least squares on the data as given, in float64 (section 4.1)
            var exact = new LinearThreeOne(seed: 1);
            LinearModels.LeastSquares(exact, train);
            var outputs = new float[validation.Count];
            var reference = new float[validation.Count];
            net.Forward(validation.Inputs, outputs, validation.Count);
            exact.Forward(validation.Inputs, reference, validation.Count);
            var predicted = new float[validation.Count];
            scale.Inverse(outputs, predicted);
            double mae = 0, standardizedMse = 0;
            for (int n = 0; n < validation.Count; n++)
            {
                Assert.True(Math.Abs(predicted[n] - reference[n]) < 5, $"sample {n}: {predicted[n]} against least squares' {reference[n]}");
                mae += Math.Abs(predicted[n] - validation.Targets![n]);
                double z = (validation.Targets[n] - scale.Mean[0]) / scale.Std[0];
                standardizedMse += (outputs[n] - z) * (outputs[n] - z);
            }

            var last = history[^1];
            Assert.Equal(mae / validation.Count, last.Metrics["mae"], 2);
            Assert.Equal(mae / validation.Count, last.Heads[0].MeanAbsoluteError, 2);
            Assert.Equal(standardizedMse / validation.Count, last.ValidationLoss, 5);
            Assert.True(last.Metrics["mae"] < 10, "MAE " + last.Metrics["mae"]); // the noise is uniform in +-5

            // the same five epochs of SGD on the raw targets (thousands, offset 5000) end far further off: the reason to standardize
            double After5(Standardizer? targets)
            {
                var o = new TrainingOptions { Epochs = 5, BatchSize = 16, Seed = 1, TargetStandardizer = targets };
                return new Trainer(new LinearThreeOne(seed: 1), new Sgd(lr: 0.05f, momentum: 0.9f), o).Fit(train, validation)[^1].Heads[0].MeanAbsoluteError;
            }

            double standardized = After5(scale), raw = After5(null);
            Assert.True(raw > 3 * standardized, $"MAE after 5 epochs: raw targets {raw:F1}, standardized {standardized:F1}");
        }

        [Fact]
        public void Trainer_refuses_a_target_standardizer_for_labels_or_another_width()
        {
            var labels = new Dataset(new float[] { 0, 0, 0, 1, 1, 1 }, new[] { 0, 1 }, 3, 2);
            var options = new TrainingOptions { Epochs = 1, TargetStandardizer = Standardizer.FitTargets(Data(8, 1)) };
            Assert.Throws<ArgumentException>(() => new Trainer(new LinearThreeTwo(1), new Sgd(0.1f), options).Fit(labels));
            var two = new Dataset(new float[6], new float[4], 3, 2);
            var error = Assert.Throws<ArgumentException>(() => new Trainer(new LinearThreeTwo(1), new Sgd(0.1f), options).Fit(two));
            Assert.Contains("2 targets per sample, but the standardizer was fitted on 1", error.Message);
        }

        [Fact]
        public void The_target_standardizer_travels_in_the_weights_file()
        {
            var train = Data(32, 3);
            var scale = Standardizer.FitTargets(train);
            var net = new LinearThreeOne(seed: 4);
            string folder = Path.Combine(Path.GetTempPath(), "netgen-targets-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            try
            {
                string path = Path.Combine(folder, "model.safetensors");
                scale.SaveWithModel(net, path);
                var loaded = Standardizer.LoadFromModel(path)!;
                Assert.Equal(scale.Mean, loaded.Mean);
                Assert.Equal(scale.Std, loaded.Std);
                var copy = new LinearThreeOne(seed: 9);
                copy.Load(path); // the weights load as from any file
                Assert.Equal(net.Parameters.ToArray(), copy.Parameters.ToArray());
                Assert.Equal("pt", SafeTensors.ReadMetadata(path)["format"]);

                string plain = Path.Combine(folder, "plain.safetensors");
                net.Save(plain);
                Assert.Null(Standardizer.LoadFromModel(plain));
                Assert.Throws<ArgumentException>(() => SafeTensors.Save(net, plain, new Dictionary<string, string> { ["format"] = "other" }));
                string text = Path.Combine(folder, "notes.txt");
                File.WriteAllText(text, "not a safetensors file at all");
                Assert.Throws<InvalidDataException>(() => SafeTensors.ReadMetadata(text));
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
