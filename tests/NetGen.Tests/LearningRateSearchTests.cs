using System;
using System.Linq;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>
    /// Issue 21 (section 4.10.5): the learning-rate grid and range test on linear regression, where gradient descent's
    /// stability limit is known in closed form: full-batch steps on the mean squared error diverge exactly above
    /// 2 / lambda_max of its Hessian (2/N) A^T A, A = [X 1].
    /// </summary>
    public class LearningRateSearchTests
    {
        private static Dataset Data(int count)
        {
            var rng = new Random(8);
            var x = new float[count * 3];
            var y = new float[count];
            for (int n = 0; n < count; n++)
            {
                for (int i = 0; i < 3; i++) x[3 * n + i] = (float)(rng.NextDouble() * 4 - 1); // not centred: an uneven Hessian
                y[n] = (float)(x[3 * n] - 2 * x[3 * n + 1] + 0.5 * x[3 * n + 2] + 1 + 0.1 * (rng.NextDouble() - 0.5));
            }

            return new Dataset(x, y, 3, 1);
        }

        /// <summary>2 / lambda_max of (2/N) A^T A, by power iteration in double.</summary>
        private static double StabilityLimit(Dataset data)
        {
            var h = new double[4, 4];
            for (int n = 0; n < data.Count; n++)
            {
                var a = data.Input(n).ToArray().Select(v => (double)v).Append(1.0).ToArray();
                for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) h[i, j] += 2.0 / data.Count * a[i] * a[j];
            }

            var v = new double[] { 1, 1, 1, 1 };
            double lambda = 0;
            for (int k = 0; k < 500; k++)
            {
                var w = new double[4];
                for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) w[i] += h[i, j] * v[j];
                lambda = Math.Sqrt(w.Sum(e => e * e));
                v = w.Select(e => e / lambda).ToArray();
            }

            return 2 / lambda;
        }

        [Fact]
        public void The_grid_finds_the_stability_limit_of_gradient_descent_and_suggests_the_largest_stable_rate()
        {
            var data = Data(64);
            double limit = StabilityLimit(data);
            var net = new LinearThreeOne(seed: 3);
            var before = net.Parameters.ToArray();
            // rates limit * 10^(1/6 - i/3): 1.47, 0.68, 0.32, ... times the limit, none near it
            var result = LearningRateSearch.Grid(net, lr => new Sgd(lr), data, options: new TrainingOptions { Epochs = 20, BatchSize = data.Count },
                highest: limit * Math.Pow(10, 1.0 / 6), lowest: limit * 1e-3, perDecade: 3);
            Assert.Equal("grid", result.Method);
            Assert.Equal(10, result.Trials.Count);
            foreach (var trial in result.Trials) Assert.True(trial.Diverged == trial.LearningRate > limit, $"rate {trial.LearningRate / limit:F2} x the limit: loss {trial.Loss}, diverged {trial.Diverged}");
            // on a quadratic, full-batch descent below the limit gains in every direction from a larger rate, up to 1/lambda_max
            // in the steepest, and 0.68 x the limit still contracts it by 0.36 a step against 0.37 at 0.32 x
            Assert.Equal(result.Trials[1].LearningRate, result.Suggested, 9);
            Assert.Equal(before, net.Parameters.ToArray()); // the network as it was
        }

        [Fact]
        public void The_range_test_stops_once_the_loss_blows_up_and_suggests_a_rate_below_the_limit()
        {
            var data = Data(64);
            double limit = StabilityLimit(data);
            var net = new LinearThreeOne(seed: 3);
            var before = net.Parameters.ToArray();
            var result = LearningRateSearch.RangeTest(net, lr => new Sgd(lr), data, start: 1e-3, end: 100, steps: 120, batchSize: 64, seed: 1);
            Assert.Equal("range test", result.Method);
            Assert.True(result.Trials.Count < 120, "the test should stop at the blow-up, not run all steps");
            var last = result.Trials[^1];
            Assert.True(last.Diverged);
            Assert.InRange(last.LearningRate / limit, 0.5, 20);
            Assert.True(result.Trials.Take(result.Trials.Count - 1).All(t => !t.Diverged));
            Assert.True(result.Suggested < limit, $"suggested {result.Suggested}, limit {limit}");
            Assert.True(result.Trials.Min(t => t.Loss) < result.InitialLoss / 2, $"the (smoothed) loss should fall below half its start on the way: {result.Trials.Min(t => t.Loss)} from {result.InitialLoss}; stopped at {last.LearningRate / limit} x the limit after {result.Trials.Count}");
            Assert.Equal(before, net.Parameters.ToArray());
        }

        [Fact]
        public void Bad_arguments_and_an_all_divergent_grid_are_refused()
        {
            var data = Data(16);
            var net = new LinearThreeOne(seed: 3);
            Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSearch.Grid(net, lr => new Sgd(lr), data, highest: 1e-3, lowest: 1e-2));
            Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSearch.Grid(net, lr => new Sgd(lr), data, perDecade: 0));
            Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSearch.RangeTest(net, lr => new Sgd(lr), data, start: 1, end: 0.1));
            var error = Assert.Throws<ArgumentException>(() => LearningRateSearch.Grid(net, lr => new Sgd(lr), data, highest: 1e4, lowest: 1e3));
            Assert.Contains("Every learning rate from 10000 down to 1000 diverged", error.Message);
        }
    }
}
