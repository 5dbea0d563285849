using System;
using System.Collections.Generic;
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

        /// <summary>Points of [-1, 1]^2 at least 0.08 from the line x0 - 2 x1 + 0.3 = 0, labelled by its side (seeded).</summary>
        private static (float[] X, int[] Labels) Separable(int count)
        {
            var rng = new Random(21);
            var x = new List<float>();
            var labels = new List<int>();
            while (labels.Count < count)
            {
                float a = (float)(rng.NextDouble() * 2 - 1), b = (float)(rng.NextDouble() * 2 - 1);
                double side = (a - 2.0 * b + 0.3) / Math.Sqrt(1 + 4 + 0.09);
                if (Math.Abs(side) < 0.08) continue;
                x.Add(a);
                x.Add(b);
                labels.Add(side > 0 ? 1 : 0);
            }

            return (x.ToArray(), labels.ToArray());
        }

        [Fact]
        public void Perceptron_converges_on_separable_data_within_Novikoffs_bound()
        {
            var (x, labels) = Separable(60);
            var data = new Dataset(x, labels, 2, 2);
            // the bound (R / gamma)^2 on the augmented (x, 1) with the generating hyperplane (1, -2, 0.3) as w-hat (MATH.md 4.24-4.33)
            double norm = Math.Sqrt(1 + 4 + 0.09), r = 0, gamma = double.MaxValue;
            for (int s = 0; s < labels.Length; s++)
            {
                double x0 = x[2 * s], x1 = x[2 * s + 1], sign = labels[s] == 1 ? 1 : -1;
                r = Math.Max(r, Math.Sqrt(x0 * x0 + x1 * x1 + 1));
                gamma = Math.Min(gamma, sign * (x0 - 2 * x1 + 0.3) / norm);
            }

            double bound = (r / gamma) * (r / gamma);
            var net = new PerceptronTwo(seed: 1);
            var mistakes = LinearModels.Perceptron(net, data);
            Assert.Equal(0, mistakes[^1]);
            Assert.True(mistakes.Count > 2, "the data should take the perceptron more than one pass: " + string.Join(", ", mistakes));
            Assert.True(mistakes.Sum() <= bound, $"{mistakes.Sum()} mistakes, above the bound (R/gamma)^2 = {bound:F1}");
            var y = new float[labels.Length];
            net.Forward(x, y, labels.Length);
            for (int s = 0; s < labels.Length; s++) Assert.Equal(labels[s] == 1 ? 1f : -1f, y[s]);

            // from w = 0 the learning rate only scales w: the same mistakes and a scaled w
            var slow = new PerceptronTwo(seed: 2);
            Assert.Equal(mistakes, LinearModels.Perceptron(slow, data, learningRate: 0.25f));
            for (int i = 0; i < net.Parameters.Length; i++) Assert.Equal(0.25f * net.Parameters[i], slow.Parameters[i], 5);
        }

        [Fact]
        public void Perceptron_reports_that_it_does_not_converge_on_XOR()
        {
            var data = new Dataset(new float[] { 0, 0, 0, 1, 1, 0, 1, 1 }, new[] { 0, 1, 1, 0 }, 2, 2);
            var mistakes = LinearModels.Perceptron(new PerceptronTwo(seed: 1), data, maxEpochs: 40);
            Assert.Equal(40, mistakes.Count);
            Assert.All(mistakes, m => Assert.True(m > 0));
        }

        [Fact]
        public void Perceptron_with_several_outputs_learns_one_class_against_the_rest()
        {
            // three clusters around the corners of a triangle: each is separable from the other two
            var rng = new Random(5);
            var corners = new[] { (0.0, 2.0), (-1.8, -1.0), (1.8, -1.0) };
            var x = new float[90 * 2];
            var labels = new int[90];
            for (int s = 0; s < labels.Length; s++)
            {
                labels[s] = s % 3;
                x[2 * s] = (float)(corners[s % 3].Item1 + 0.5 * (rng.NextDouble() - 0.5));
                x[2 * s + 1] = (float)(corners[s % 3].Item2 + 0.5 * (rng.NextDouble() - 0.5));
            }

            var net = new PerceptronThree(seed: 1);
            var mistakes = LinearModels.Perceptron(net, new Dataset(x, labels, 2, 3));
            Assert.Equal(0, mistakes[^1]);
            var y = new float[labels.Length * 3];
            net.Forward(x, y, labels.Length);
            for (int s = 0; s < labels.Length; s++)
                for (int k = 0; k < 3; k++) Assert.Equal(k == labels[s] ? 1f : -1f, y[3 * s + k]);
        }

        [Fact]
        public void Perceptron_refuses_other_networks_and_targets_other_than_signs()
        {
            var data = new Dataset(new float[] { 0, 0, 1, 1 }, new[] { 0, 1 }, 2, 2);
            var wrong = Assert.Throws<ArgumentException>(() => LinearModels.Perceptron(new LogisticTwo(1), data));
            Assert.Contains("one fully connected layer with Sign output", wrong.Message);
            var soft = new Dataset(new float[] { 0, 0, 1, 1 }, new float[] { 0.5f, 1 }, 2, 1);
            var target = Assert.Throws<ArgumentException>(() => LinearModels.Perceptron(new PerceptronTwo(1), soft));
            Assert.Contains("sample 0 has 0.5", target.Message);
            Assert.Throws<ArgumentOutOfRangeException>(() => LinearModels.Perceptron(new PerceptronTwo(1), data, maxEpochs: 0));
            Assert.Throws<ArgumentOutOfRangeException>(() => LinearModels.Perceptron(new PerceptronTwo(1), data, learningRate: 0));
        }

        [Fact]
        public void Sign_outputs_minus_one_zero_and_one_as_torch_sign_and_passes_no_gradient()
        {
            var values = new[] { -3.5f, -1e-30f, 0f, 1e-30f, 2f, float.NaN };
            Kernels.Sign(values);
            Assert.Equal(new[] { -1f, -1f, 0f, 1f, 1f }, values.Take(5));
            Assert.True(float.IsNaN(values[5]));
            var delta = new[] { 1f, 2f, 3f };
            Kernels.SignBackward(new[] { 1f, -1f, 0f }, delta);
            Assert.Equal(new[] { 0f, 0f, 0f }, delta);
        }
    }

    [Network(3)] [Dense(2)] public partial class LinearThreeTwo { }

    [Network(3)] [Dense(1)] public partial class LinearThreeOne { }

    [Network(2)] [Dense(1, Act.Sigmoid)] public partial class LogisticTwo { }

    [Network(2)] [Dense(1, Act.Sign)] public partial class PerceptronTwo { }

    [Network(2)] [Dense(3, Act.Sign)] public partial class PerceptronThree { }
}
