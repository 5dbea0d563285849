using System;
using System.Globalization;
using System.Collections.Generic;
using System.Linq;
using NetGen.Analyzers;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>The defects a review of the code found, each with the test that failed before its fix.</summary>
    public class ReviewDefectTests
    {
        private const string Header = "using NetGen;\nnamespace Demo\n{\n";
        private const string Footer = "}\n";

        [Fact]
        public void No_diagnostic_links_to_an_address_the_project_does_not_have()
        {
            var diagnostics = TestCompiler.Analyze(Header + "[Network(4)] [Dense(0)] [Conv(2, k: 3)] public partial class N { }\n" + Footer, out _);
            Assert.NotEmpty(diagnostics);
            Assert.All(diagnostics, d => Assert.Equal("", d.Descriptor.HelpLinkUri));
            Assert.All(new NetworkAnalyzer().SupportedDiagnostics, d => Assert.Equal("", d.HelpLinkUri));
        }

        [Fact]
        public void An_overflow_names_the_size_that_overflows()
        {
            // 512 x 4096 x 4096 activation values per sample: the parameters (14,336) are fine
            var diagnostics = TestCompiler.Analyze(Header + "[Network(3, 4096, 4096)] [Conv(512, k: 3, p: 1)] [Dense(10)] public partial class N { }\n" + Footer, out _);
            string message = Assert.Single(diagnostics).GetMessage(CultureInfo.InvariantCulture);
            Assert.Equal("Conv layer 1: activation values per sample up to this layer = 8589934592; expected at most 2147483647; this layer's output alone has 8589934592 (512, 4096, 4096)", message);

            // 50,000 x 50,000 weights: the parameters overflow
            diagnostics = TestCompiler.Analyze(Header + "[Network(50000)] [Dense(50000)] public partial class N { }\n" + Footer, out _);
            message = Assert.Single(diagnostics).GetMessage(CultureInfo.InvariantCulture);
            Assert.Equal("Dense layer 1: parameters of the network up to this layer = 2500050000; expected at most 2147483647; this layer alone has 2500050000", message);
        }
    
        [Fact]
        public void The_notes_momentum_is_PyTorchs_with_dampening_0_and_lr_eta_times_1_minus_mu()
        {
            const float eta = 0.1f, mu = 0.9f;
            var gradients = Enumerable.Range(0, 12).Select(t => new[] { (float)Math.Sin(t), (float)Math.Cos(2 * t) - 0.3f }).ToArray();
            // eq. 7.14 as the notes write it, in double: m = mu m + (1 - mu) g; w -= eta m; m0 = 0
            double[] w = { 1, -1 }, m = { 0, 0 };
            var exact = new float[] { 1, -1 };
            var mapped = new float[] { 1, -1 };
            var claimedBefore = new float[] { 1, -1 };
            var sgd = new Sgd(lr: eta * (1 - mu), momentum: mu, dampening: 0f);
            var old = new Sgd(lr: eta / (1 - mu), momentum: mu, dampening: mu); // what the documentation claimed before
            foreach (var g in gradients)
            {
                for (int i = 0; i < 2; i++)
                {
                    m[i] = mu * m[i] + (1 - mu) * g[i];
                    w[i] -= eta * m[i];
                }

                sgd.Step(mapped, g);
                old.Step(claimedBefore, g);
                for (int i = 0; i < 2; i++) Assert.Equal(w[i], mapped[i], 5);
            }

            Assert.True(Math.Abs(claimedBefore[0] - w[0]) > 0.01, "the old mapping should not match: " + claimedBefore[0] + " vs " + w[0]);
        }

        [Theory]
        [InlineData("AdaGrad lr", "lr")]
        [InlineData("AdaGrad eps", "eps")]
        [InlineData("AdaGrad lrDecay", "lrDecay")]
        [InlineData("AdaGrad weightDecay", "weightDecay")]
        [InlineData("AdaGrad initialAccumulatorValue", "initialAccumulatorValue")]
        [InlineData("RmsProp alpha", "alpha")]
        [InlineData("RmsProp eps", "eps")]
        [InlineData("RmsProp momentum", "momentum")]
        [InlineData("RmsProp weightDecay", "weightDecay")]
        [InlineData("RmsProp lr", "lr")]
        [InlineData("AdaDelta rho", "rho")]
        [InlineData("AdaDelta eps", "eps")]
        [InlineData("AdaDelta weightDecay", "weightDecay")]
        [InlineData("AdaDelta lr", "lr")]
        public void Adaptive_optimizers_refuse_arguments_torch_optim_refuses(string which, string parameter)
        {
            Func<Optimizer> create = which switch
            {
                "AdaGrad lr" => () => new AdaGrad(lr: -0.1f),
                "AdaGrad eps" => () => new AdaGrad(eps: 0f),
                "AdaGrad lrDecay" => () => new AdaGrad(lrDecay: -1f),
                "AdaGrad weightDecay" => () => new AdaGrad(weightDecay: -1f),
                "AdaGrad initialAccumulatorValue" => () => new AdaGrad(initialAccumulatorValue: -1f),
                "RmsProp alpha" => () => new RmsProp(alpha: 1.5f),
                "RmsProp eps" => () => new RmsProp(eps: 0f),
                "RmsProp momentum" => () => new RmsProp(momentum: -0.5f),
                "RmsProp weightDecay" => () => new RmsProp(weightDecay: float.NaN),
                "RmsProp lr" => () => new RmsProp(lr: -1f),
                "AdaDelta rho" => () => new AdaDelta(rho: 1.1f),
                "AdaDelta eps" => () => new AdaDelta(eps: 0f),
                "AdaDelta weightDecay" => () => new AdaDelta(weightDecay: -0.1f),
                _ => () => new AdaDelta(lr: -2f),
            };
            var e = Assert.Throws<ArgumentOutOfRangeException>(create);
            Assert.Equal(parameter, e.ParamName);
            Assert.StartsWith("Expected ", e.Message);
        }

        [Fact]
        public void An_optimizer_stepped_with_another_parameter_count_names_both()
        {
            foreach (var optimizer in new Optimizer[] { new AdaGrad(), new RmsProp(), new AdaDelta(), new Adam(), new Sgd(0.1f, momentum: 0.9f) })
            {
                optimizer.Step(new float[10], new float[10]);
                var e = Assert.Throws<ArgumentException>(() => optimizer.Step(new float[12], new float[12]));
                Assert.Contains("Expected parameters.Length == 10", e.Message);
                Assert.Contains("but got 12", e.Message);
                Assert.Contains("state was built for 10 parameters", e.Message);
            }
        }
    
        [Fact]
        public void A_sample_formats_invariantly_and_leaves_the_callers_culture_alone()
        {
            var previous = CultureInfo.CurrentCulture;
            try
            {
                CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
                var writer = new System.IO.StringWriter();
                int code = NetGen.Samples.Program.Run(new[] { "iris", "--epochs", "2", "--no-progress" }, writer);
                Assert.Equal(0, code);
                Assert.Equal("de-DE", CultureInfo.CurrentCulture.Name); // the caller's culture, as before the call
                string line = writer.ToString().Split('\n').Single(l => l.StartsWith("Test accuracy: ", StringComparison.Ordinal));
                Assert.Matches(@"^Test accuracy: \d+\.\d %", line); // a decimal point, not de-DE's comma
            }
            finally
            {
                CultureInfo.CurrentCulture = previous;
            }
        }
    
        [Fact]
        public void Evaluating_computes_no_gradients_and_reports_the_data_loss_without_penalties()
        {
            var net = new Penalized(1); // L2, L1 and weight elimination on its first layer; squared error
            var rng = new Random(3);
            var x = Enumerable.Range(0, 6 * 4).Select(_ => (float)rng.NextDouble()).ToArray();
            var y = Enumerable.Range(0, 6 * 2).Select(_ => (float)rng.NextDouble()).ToArray();
            float training = net.ComputeGradients(x, y, 6);
            var gradients = net.Gradients.ToArray();

            var evaluation = Trainer.Evaluate(net, new Dataset(x, y, 4, 2));
            Assert.Equal(gradients, net.Gradients.ToArray()); // evaluating wrote no gradient

            // the data loss from the outputs, independently: mean squared error over every output (nn.MSELoss)
            var outputs = new float[6 * 2];
            net.Forward(x, outputs, 6);
            double mse = outputs.Zip(y, (a, t) => (double)(a - t) * (a - t)).Average();
            Assert.Equal(mse, evaluation.Loss, 6);
            Assert.True(training > evaluation.Loss + 1e-3, "the training loss carries the penalties: " + training + " vs " + evaluation.Loss);
            Assert.Equal((float)mse, net.ComputeLoss(x, y, 6), 6);
        }

        [Fact]
        public void ComputeLoss_leaves_batch_normalizations_running_statistics_alone()
        {
            var net = new Parity.BatchNormConv(1);
            var x = Enumerable.Range(0, 3 * Parity.BatchNormConv.InputLength).Select(i => (float)Math.Sin(i)).ToArray();
            var buffers = net.Buffers.ToArray();
            net.ComputeLoss(x, new[] { 0, 1, 2 }, 3);
            Assert.Equal(buffers, net.Buffers.ToArray());
            Assert.Equal(0, net.Counters[0]);
            net.ComputeGradients(x, new[] { 0, 1, 2 }, 3); // training does update them
            Assert.NotEqual(buffers, net.Buffers.ToArray());
            Assert.Equal(1, net.Counters[0]);
        }
    
        [Fact]
        public void Early_stopping_restores_the_running_statistics_of_the_best_epoch()
        {
            var net = new Parity.BatchNormConv(2);
            var rng = new Random(4);
            var x = Enumerable.Range(0, 8 * Parity.BatchNormConv.InputLength).Select(_ => (float)rng.NextDouble()).ToArray();
            var data = new Dataset(x, Enumerable.Range(0, 8).Select(i => i % 3).ToArray(), Parity.BatchNormConv.InputLength, 3);
            var stop = new EarlyStopping(patience: 2, minDelta: 1e6); // only the first epoch counts as an improvement
            new Trainer(net, new Sgd(0.05f), new TrainingOptions { Epochs = 5, BatchSize = 4, EarlyStopping = stop }).Fit(data, data);
            Assert.Equal(1, stop.BestEpoch);

            // the same first epoch again, by hand: the state early stopping must have restored
            var reference = new Parity.BatchNormConv(2);
            new Trainer(reference, new Sgd(0.05f), new TrainingOptions { Epochs = 1, BatchSize = 4 }).Fit(data, data);
            Assert.Equal(reference.Parameters.ToArray(), net.Parameters.ToArray());
            Assert.Equal(reference.Buffers.ToArray(), net.Buffers.ToArray());
            Assert.Equal(reference.Counters.ToArray(), net.Counters.ToArray()); // 2 batches, not 6
        }

        [Fact]
        public void Cross_validation_starts_every_fold_from_fresh_early_stopping()
        {
            var data = BuiltInData.Iris();
            var stop = new EarlyStopping(patience: 1, minDelta: 1e6);
            int folds = 0;
            var first = CrossValidation.ErrorRate(data, 3, () => new Parity.TanhSoftmax(folds++), () => new Sgd(0.05f), new TrainingOptions { Epochs = 4, EarlyStopping = stop }, seed: 1);
            Assert.Equal(0, stop.Epoch); // the caller's instance is never reported to, so never carried into a later fold

            // each fold as a run of its own with a fresh EarlyStopping: the same errors
            var expected = new List<double>();
            int index = 0;
            foreach (var (train, validation) in data.Folds(3, 1))
            {
                var net = new Parity.TanhSoftmax(index++);
                new Trainer(net, new Sgd(0.05f), new TrainingOptions { Epochs = 4, EarlyStopping = new EarlyStopping(patience: 1, minDelta: 1e6) }).Fit(train);
                expected.Add(1 - Trainer.Evaluate(net, validation).Accuracy);
            }

            Assert.Equal(expected, first.FoldErrors);
        }

        [Fact]
        public void Cross_validation_builds_schedules_per_fold_and_refuses_a_shared_one()
        {
            var data = BuiltInData.Iris();
            var shared = new Sgd(0.1f);
            var e = Assert.Throws<ArgumentException>(() => CrossValidation.ErrorRate(data, 3, () => new Parity.TanhSoftmax(1), () => new Sgd(0.1f), new TrainingOptions { Epochs = 2, Schedule = new StepDecay(shared, 1) }));
            Assert.Contains("without a Schedule", e.Message);

            var optimizers = new List<Sgd>();
            CrossValidation.ErrorRate(data, 3, () => new Parity.TanhSoftmax(1), () => { var o = new Sgd(0.1f); optimizers.Add(o); return o; },
                optimizer => new TrainingOptions { Epochs = 3, Schedule = new StepDecay((Optimizer)optimizer, 1, gamma: 0.5f) });
            Assert.Equal(3, optimizers.Count);
            Assert.All(optimizers, o => Assert.Equal(0.1f * 0.5f * 0.5f * 0.5f, o.Lr, 6)); // each fold's own schedule stepped its own optimizer 3 times
        }

        [Fact]
        public void Cross_validation_of_regression_data_reports_the_mean_squared_error()
        {
            var rng = new Random(9);
            var x = Enumerable.Range(0, 30 * 5).Select(_ => (float)rng.NextDouble()).ToArray();
            var y = Enumerable.Range(0, 30 * 2).Select(_ => (float)rng.NextDouble()).ToArray();
            var data = new Dataset(x, y, 5, 2);
            var (error, foldErrors) = CrossValidation.ErrorRate(data, 3, () => new Parity.InputShortcut(1), () => new Sgd(0.01f), new TrainingOptions { Epochs = 2 }, seed: 2);
            Assert.False(double.IsNaN(error));

            // eq. 5.14 by hand: each fold's squared errors over its samples and outputs
            double sum = 0;
            foreach (var (train, validation) in data.Folds(3, 2))
            {
                var net = new Parity.InputShortcut(1);
                new Trainer(net, new Sgd(0.01f), new TrainingOptions { Epochs = 2 }).Fit(train);
                var outputs = new float[validation.Count * 2];
                net.Forward(validation.Inputs, outputs, validation.Count);
                sum += outputs.Zip(validation.Targets!, (a, t) => (double)(a - t) * (a - t)).Sum() / 2;
            }

            Assert.Equal(sum / data.Count, error, 5);
        }
    }
}
