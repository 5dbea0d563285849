using System;
using System.Linq;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>
    /// Issue 21 (chapter 4): least squares and ridge (eq. 4.12-4.13, 4.17) against numpy's lstsq and the ridge closed form,
    /// a rank-deficient case against lstsq's minimum-norm solution, and logistic regression by Newton-Raphson (eq. 4.45-4.48)
    /// against float64 Newton iterations, all recorded by tests/fixtures/make_linear_models.py.
    /// </summary>
    public class LinearModelTests
    {
        private static readonly Fixture Data = Fixture.Load("linear_models");

        private static float[] Floats(string group, string key) => Data[group].GetProperty(key).EnumerateArray().Select(e => e.GetSingle()).ToArray();

        private static void Close(float[] expected, ReadOnlySpan<float> actual, double tolerance, string what)
        {
            Assert.Equal(expected.Length, actual.Length);
            double scale = Math.Max(1, expected.Max(v => Math.Abs((double)v)));
            for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * scale, $"{what}[{i}]: NetGen {actual[i]:R}, reference {expected[i]:R}");
        }

        [Fact]
        public void Least_squares_and_ridge_match_numpy()
        {
            var data = new Dataset(Floats("regression", "inputs"), Floats("regression", "targets"), 3, 2);
            var net = new LinearThreeTwo(seed: 1);
            var fit = LinearModels.LeastSquares(net, data);
            Assert.Equal("Cholesky", fit.Method);
            Close(Floats("regression", "least_squares"), net.Parameters, 1e-5, "least squares");
            Assert.Equal(net.ComputeLoss(data.Inputs, data.Targets, data.Count), fit.Loss, 5); // the loss it reports is the network's

            double ridge = Data["regression"].GetProperty("ridge").GetDouble();
            LinearModels.LeastSquares(net, data, ridge);
            Close(Floats("regression", "ridge_solution"), net.Parameters, 1e-5, "ridge");
        }

        [Fact]
        public void Rank_deficient_data_get_the_minimum_norm_solution_by_the_pseudo_inverse()
        {
            var data = new Dataset(Floats("rank_deficient", "inputs"), Floats("rank_deficient", "targets"), 3, 1);
            var net = new LinearThreeOne(seed: 1);
            var fit = LinearModels.LeastSquares(net, data);
            Assert.Equal($"pseudo-inverse (rank {Data["rank_deficient"].GetProperty("rank").GetInt32()} of 4)", fit.Method);
            Close(Floats("rank_deficient", "least_squares"), net.Parameters, 1e-4, "minimum-norm least squares");
        }

        [Fact]
        public void Logistic_regression_by_Newton_reaches_the_reference_optimum_in_few_steps()
        {
            var labels = Data["logistic"].GetProperty("labels").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var data = new Dataset(Floats("logistic", "inputs"), labels, 2, 2);
            var net = new LogisticTwo(seed: 1);
            var fit = LinearModels.LogisticNewton(net, data);
            Close(Floats("logistic", "solution"), net.Parameters, 1e-5, "Newton");
            Assert.InRange(fit.Iterations, 1, Data["logistic"].GetProperty("iterations").GetInt32() + 2);
            Assert.Equal(Data["logistic"].GetProperty("loss").GetDouble(), fit.Loss, 5);
            Assert.Equal(fit.Loss, net.ComputeLoss(data.Inputs, labels, data.Count), 4);
        }

        [Fact]
        public void Separable_data_are_reported_and_a_ridge_makes_Newton_converge()
        {
            var x = new float[] { -2, -1, -1, -2, 1, 2, 2, 1 };
            var data = new Dataset(x, new[] { 0, 0, 1, 1 }, 2, 2);
            var net = new LogisticTwo(seed: 1);
            var error = Assert.Throws<InvalidOperationException>(() => LinearModels.LogisticNewton(net, data));
            Assert.Matches("singular|did not converge", error.Message);
            var fit = LinearModels.LogisticNewton(net, data, ridge: 1);
            var readme = new Dataset(new float[] { -2, 0, -1, 1, 1, 0, 2, 1 }, new[] { 0, 1, 0, 1 }, 2, 2); // the README's example
            Assert.True(LinearModels.LogisticNewton(new LogisticTwo(seed: 1), readme, ridge: 0.01).Iterations < 50);
            Assert.True(fit.Iterations < 20);
            var y = new float[4];
            net.Forward(x, y, 4);
            Assert.True(y[0] < 0.5 && y[1] < 0.5 && y[2] > 0.5 && y[3] > 0.5);
        }

        [Fact]
        public void Networks_of_another_shape_and_data_that_do_not_fit_are_refused()
        {
            var data = new Dataset(new float[6], new float[4], 3, 2);
            var wrong = Assert.Throws<ArgumentException>(() => LinearModels.LeastSquares(new NetGen.Tests.Parity.LeNet5(1), data));
            Assert.Contains("one fully connected layer with Identity output", wrong.Message);
            Assert.Throws<ArgumentException>(() => LinearModels.LogisticNewton(new LinearThreeTwo(1), data)); // identity, not sigmoid
            var fit = Assert.Throws<ArgumentException>(() => LinearModels.LeastSquares(new LinearThreeOne(1), data));
            Assert.Contains("Expected data with 1 targets", fit.Message);
        }
    }

    [Network(3)] [Dense(2)] public partial class LinearThreeTwo { }

    [Network(3)] [Dense(1)] public partial class LinearThreeOne { }

    [Network(2)] [Dense(1, Act.Sigmoid)] public partial class LogisticTwo { }
}
