using System;
using System.Collections.Generic;
using System.Linq;

namespace NetGen
{
    /// <summary>How a closed-form or Newton fit went: the solver used, its iterations, and the training loss it reached.</summary>
    public sealed record LinearFit(string Method, int Iterations, double Loss);

    /// <summary>
    /// Chapter 4's classic learners on a network that is one dense layer: the exact least-squares optimum (section 4.1,
    /// eq. 4.12-4.13 and 4.17, optionally ridge), logistic regression by Newton-Raphson, i.e. iteratively reweighted least
    /// squares (section 4.3.4, eq. 4.45-4.48), and the perceptron rule (section 4.2). They compute in float64 and write the
    /// result into <see cref="INetwork.Parameters"/> (weight [outputs, inputs] as nn.Linear's, then the bias).
    /// </summary>
    public static class LinearModels
    {
        /// <summary>
        /// Least squares: W, b minimizing sum_n |W x_n + b - t_n|^2 + <paramref name="ridge"/> |W|^2 (the bias unpenalized,
        /// as scikit-learn's Ridge), from the normal equations [X 1]^T [X 1] + ridge I' = [X 1]^T T (eq. 4.13, 4.17) solved by
        /// Cholesky; where the matrix is singular (rank-deficient data without ridge), by its pseudo-inverse (eigenvalues
        /// below 1e-10 of the largest dropped), which gives numpy's lstsq's minimum-norm solution. The network must be one
        /// fully connected layer with an identity output; targets, or labels as one-hot rows (or 0/1 for one output).
        /// </summary>
        /// <returns>"Cholesky" or "pseudo-inverse (rank r of d)", 1 iteration, and the mean squared error reached.</returns>
        /// <exception cref="ArgumentException">The network is not one fully connected layer with an identity output, or the data do not fit it.</exception>
        public static LinearFit LeastSquares(INetwork net, Dataset data, double ridge = 0)
        {
            var (inputs, outputs, bias) = Shape(net, data, Act.Identity);
            if (!(ridge >= 0)) throw new ArgumentOutOfRangeException(nameof(ridge), ridge, $"Expected ridge >= 0, but got {ridge}.");
            int d = inputs + (bias ? 1 : 0), n = data.Count;
            var a = new double[d, d];
            var b = new double[d, outputs];
            var row = new double[d];
            var target = new double[outputs];
            for (int s = 0; s < n; s++)
            {
                Row(data, s, inputs, bias, row);
                Target(data, s, outputs, target);
                for (int i = 0; i < d; i++)
                {
                    for (int j = 0; j <= i; j++) a[i, j] += row[i] * row[j];
                    for (int k = 0; k < outputs; k++) b[i, k] += row[i] * target[k];
                }
            }

            for (int i = 0; i < d; i++)
            {
                for (int j = 0; j < i; j++) a[j, i] = a[i, j];
                if (i < inputs) a[i, i] += ridge;
            }

            string method = "Cholesky";
            var solution = CholeskySolve(a, b);
            if (solution == null)
            {
                int rank;
                (solution, rank) = PseudoInverseSolve(a, b);
                method = $"pseudo-inverse (rank {rank} of {d})";
            }

            Write(net, solution, inputs, outputs, bias);
            double loss = 0;
            for (int s = 0; s < n; s++)
            {
                Row(data, s, inputs, bias, row);
                Target(data, s, outputs, target);
                for (int k = 0; k < outputs; k++)
                {
                    double y = 0;
                    for (int i = 0; i < d; i++) y += row[i] * solution[i, k];
                    loss += (y - target[k]) * (y - target[k]);
                }
            }

            return new LinearFit(method, 1, loss / ((double)n * outputs));
        }

        /// <summary>
        /// Logistic regression by Newton-Raphson (iteratively reweighted least squares, eq. 4.45-4.48), each output on its own:
        /// from w = 0, w -= H^-1 g with g = [X 1]^T (p - t) + ridge w and H = [X 1]^T diag(p (1 - p)) [X 1] + ridge I' (appendix
        /// C), until the largest step is below <paramref name="tolerance"/>. The network must be one fully connected layer with a sigmoid
        /// output; labels 0/1 (one output) or targets in [0, 1].
        /// </summary>
        /// <returns>"Newton", the iterations of the slowest output, and the mean binary cross-entropy reached.</returns>
        /// <exception cref="ArgumentException">The network is not one fully connected layer with a sigmoid output, or the data do not fit it.</exception>
        /// <exception cref="InvalidOperationException">
        /// The Hessian is singular (separable data drive the weights to infinity, or an input is constant): the message says at
        /// which iteration; a ridge &gt; 0 makes it regular. Also when <paramref name="maxIterations"/> pass without convergence.
        /// </exception>
        public static LinearFit LogisticNewton(INetwork net, Dataset data, int maxIterations = 50, double ridge = 0, double tolerance = 1e-8)
        {
            var (inputs, outputs, bias) = Shape(net, data, Act.Sigmoid);
            if (!(ridge >= 0)) throw new ArgumentOutOfRangeException(nameof(ridge), ridge, $"Expected ridge >= 0, but got {ridge}.");
            if (maxIterations < 1) throw new ArgumentOutOfRangeException(nameof(maxIterations), maxIterations, $"Expected maxIterations >= 1, but got {maxIterations}.");
            int d = inputs + (bias ? 1 : 0), n = data.Count;
            var solution = new double[d, outputs];
            var row = new double[d];
            var target = new double[outputs];
            int slowest = 0;
            double loss = 0;
            for (int k = 0; k < outputs; k++)
            {
                var w = new double[d];
                int iteration = 0;
                for (bool converged = false; !converged;)
                {
                    if (++iteration > maxIterations) throw new InvalidOperationException($"Newton's method did not converge in {maxIterations} iterations (output {k}); raise maxIterations or the tolerance {tolerance}.");
                    var hessian = new double[d, d];
                    var gradient = new double[d, 1];
                    for (int s = 0; s < n; s++)
                    {
                        Row(data, s, inputs, bias, row);
                        Target(data, s, outputs, target);
                        double p = Sigmoid(Dot(row, w)), weight = p * (1 - p);
                        for (int i = 0; i < d; i++)
                        {
                            gradient[i, 0] += row[i] * (p - target[k]);
                            for (int j = 0; j <= i; j++) hessian[i, j] += weight * row[i] * row[j];
                        }
                    }

                    for (int i = 0; i < d; i++)
                    {
                        for (int j = 0; j < i; j++) hessian[j, i] = hessian[i, j];
                        if (i < inputs)
                        {
                            hessian[i, i] += ridge;
                            gradient[i, 0] += ridge * w[i];
                        }
                    }

                    var step = CholeskySolve(hessian, gradient)
                        ?? throw new InvalidOperationException($"The Hessian of the cross-entropy is singular at Newton iteration {iteration} (output {k}): the classes are separable or an input is constant. Pass ridge > 0.");
                    double largest = 0;
                    for (int i = 0; i < d; i++)
                    {
                        w[i] -= step[i, 0];
                        largest = Math.Max(largest, Math.Abs(step[i, 0]));
                    }

                    converged = largest < tolerance;
                }

                slowest = Math.Max(slowest, iteration);
                for (int i = 0; i < d; i++) solution[i, k] = w[i];
                for (int s = 0; s < n; s++)
                {
                    Row(data, s, inputs, bias, row);
                    Target(data, s, outputs, target);
                    double z = Dot(row, w);
                    loss += Math.Max(z, 0) - z * target[k] + Math.Log(1 + Math.Exp(-Math.Abs(z))); // -t log p - (1 - t) log(1 - p), stably
                }
            }

            Write(net, solution, inputs, outputs, bias);
            return new LinearFit("Newton", slowest, loss / ((double)n * outputs));
        }

        /// <summary>
        /// The perceptron (section 4.2, eq. 4.19-4.25): from w = 0, epochs over the data in their order, adding
        /// <paramref name="learningRate"/> y x to w (x with a constant 1 for the bias) for every sample it gets wrong, until an
        /// epoch without a mistake or <paramref name="maxEpochs"/>. A sample counts as a mistake when y w^T x &lt;= 0, so w = 0
        /// is wrong on all (MATH.md: with sign(0) = 0 nothing would ever start). On separable data the mistakes total at most
        /// (R / gamma)^2 (Novikoff's bound, R the largest |x|, gamma a separating hyperplane's margin); on data that no
        /// hyperplane separates (XOR) it never stops. Each output is a perceptron of its own: labels 0/1 are -1/+1 for one
        /// output, and for several outputs output k is +1 on class k and -1 elsewhere (one against the rest); targets must be
        /// -1 or +1 (0 is read as -1). The network must be one fully connected layer with a Sign output. From w = 0 the
        /// learning rate only scales w, so the mistakes do not depend on it.
        /// </summary>
        /// <returns>
        /// The mistakes (summed over the outputs) in each epoch run: the last is 0 when the perceptron converged, and every
        /// entry is above 0 when <paramref name="maxEpochs"/> passed without convergence.
        /// </returns>
        /// <exception cref="ArgumentException">The network is not one fully connected layer with a Sign output, or the data do not fit it.</exception>
        public static IReadOnlyList<int> Perceptron(INetwork net, Dataset data, int maxEpochs = 100, float learningRate = 1f)
        {
            var (inputs, outputs, bias) = Shape(net, data, Act.Sign);
            if (maxEpochs < 1) throw new ArgumentOutOfRangeException(nameof(maxEpochs), maxEpochs, $"Expected maxEpochs >= 1, but got {maxEpochs}.");
            if (!(learningRate > 0) || float.IsInfinity(learningRate)) throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, $"Expected a finite learningRate > 0, but got {learningRate}.");
            int d = inputs + (bias ? 1 : 0), n = data.Count;
            var signs = new double[n, outputs];
            var target = new double[outputs];
            for (int s = 0; s < n; s++)
            {
                Target(data, s, outputs, target);
                for (int k = 0; k < outputs; k++)
                {
                    double t = target[k];
                    if (t != 1 && t != -1 && t != 0) throw new ArgumentException($"Expected perceptron targets -1, 0 or +1, but sample {s} has {t} at output {k}.", nameof(data));
                    signs[s, k] = t > 0 ? 1 : -1;
                }
            }

            var w = new double[d, outputs];
            var row = new double[d];
            var mistakes = new List<int>();
            while (mistakes.Count < maxEpochs)
            {
                int epoch = 0;
                for (int s = 0; s < n; s++)
                {
                    Row(data, s, inputs, bias, row);
                    for (int k = 0; k < outputs; k++)
                    {
                        double z = 0;
                        for (int i = 0; i < d; i++) z += w[i, k] * row[i];
                        double y = signs[s, k];
                        if (y * z > 0) continue;
                        epoch++;
                        for (int i = 0; i < d; i++) w[i, k] += learningRate * y * row[i]; // eq. 4.23
                    }
                }

                mistakes.Add(epoch);
                if (epoch == 0) break;
            }

            Write(net, w, inputs, outputs, bias);
            return mistakes;
        }

        /// <summary>The network's inputs, outputs and whether it has a bias, after checking it is one fully connected layer with <paramref name="act"/> and that the data fit it.</summary>
        private static (int Inputs, int Outputs, bool Bias) Shape(INetwork net, Dataset data, Act act)
        {
            Guard.NotNull(net, nameof(net));
            Guard.NotNull(data, nameof(data));
            var parameters = net.Tensors.Where(t => t.Store == TensorStore.Parameters).ToList();
            var weight = parameters.FirstOrDefault(t => t.Name.EndsWith(".weight", StringComparison.Ordinal));
            bool single = weight != null && weight.Shape.Count == 2 && weight.Shape[0] == net.OutputLength && weight.Shape[1] == net.InputLength
                && parameters.Count <= 2 && net.Heads.Count == 1 && OutputAct(net) == act;
            if (!single)
            {
                throw new ArgumentException($"Expected one fully connected layer with {act} output ({net.InputLength} -> {net.OutputLength}), but {net.GetType().Name} has the parameter tensors {string.Join(", ", parameters)} and output activation {OutputAct(net)}.", nameof(net));
            }

            if (data.InputLength != net.InputLength) throw new ArgumentException($"Expected data with {net.InputLength} inputs per sample, but got {data.InputLength}.", nameof(data));
            int targets = data.Labels != null ? (net.OutputLength == 1 ? 1 : data.Classes) : data.TargetLength;
            if (targets != net.OutputLength) throw new ArgumentException($"Expected data with {net.OutputLength} targets (or classes) per sample, but got {targets}.", nameof(data));
            if (data.Count == 0) throw new ArgumentException("Expected at least one sample, but the data are empty.", nameof(data));
            return (net.InputLength, net.OutputLength, parameters.Count == 2);
        }

        /// <summary>The activation of the network's (first) output.</summary>
        private static Act OutputAct(INetwork net)
        {
            var (_, _, _, act, _, _) = net.Heads[0];
            return act;
        }

        private static void Row(Dataset data, int sample, int inputs, bool bias, double[] row)
        {
            var x = data.Input(sample);
            for (int i = 0; i < inputs; i++) row[i] = x[i];
            if (bias) row[inputs] = 1;
        }

        private static void Target(Dataset data, int sample, int outputs, double[] target)
        {
            if (data.Labels != null)
            {
                int label = data.Labels[sample];
                if (outputs == 1) target[0] = label;
                else for (int k = 0; k < outputs; k++) target[k] = k == label ? 1 : 0;
                return;
            }

            for (int k = 0; k < outputs; k++) target[k] = data.Targets![sample * outputs + k];
        }

        private static double Dot(double[] a, double[] b)
        {
            double sum = 0;
            for (int i = 0; i < a.Length; i++) sum += a[i] * b[i];
            return sum;
        }

        private static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));

        /// <summary>Parameters = the solution's columns as the weight's rows, then its last row as the bias.</summary>
        private static void Write(INetwork net, double[,] solution, int inputs, int outputs, bool bias)
        {
            var p = net.Parameters;
            for (int k = 0; k < outputs; k++)
            {
                for (int i = 0; i < inputs; i++) p[k * inputs + i] = (float)solution[i, k];
                if (bias) p[outputs * inputs + k] = (float)solution[inputs, k];
            }
        }

        /// <summary>A X = B for symmetric A by Cholesky, or null where A is not positive definite (a pivot below 1e-12 of the diagonal's largest).</summary>
        private static double[,]? CholeskySolve(double[,] a, double[,] b)
        {
            int d = a.GetLength(0), m = b.GetLength(1);
            var l = new double[d, d];
            double scale = 0;
            for (int i = 0; i < d; i++) scale = Math.Max(scale, Math.Abs(a[i, i]));
            for (int i = 0; i < d; i++)
            {
                for (int j = 0; j <= i; j++)
                {
                    double sum = a[i, j];
                    for (int k = 0; k < j; k++) sum -= l[i, k] * l[j, k];
                    if (i == j)
                    {
                        if (!(sum > 1e-12 * scale)) return null;
                        l[i, i] = Math.Sqrt(sum);
                    }
                    else l[i, j] = sum / l[j, j];
                }
            }

            var x = new double[d, m];
            for (int c = 0; c < m; c++)
            {
                var y = new double[d];
                for (int i = 0; i < d; i++)
                {
                    double sum = b[i, c];
                    for (int k = 0; k < i; k++) sum -= l[i, k] * y[k];
                    y[i] = sum / l[i, i];
                }

                for (int i = d - 1; i >= 0; i--)
                {
                    double sum = y[i];
                    for (int k = i + 1; k < d; k++) sum -= l[k, i] * x[k, c];
                    x[i, c] = sum / l[i, i];
                }
            }

            return x;
        }

        /// <summary>
        /// X = A^+ B for symmetric positive semi-definite A, A^+ from its eigen-decomposition by cyclic Jacobi rotations, with
        /// eigenvalues below 1e-10 of the largest taken as 0; also A's numerical rank.
        /// </summary>
        private static (double[,] X, int Rank) PseudoInverseSolve(double[,] a, double[,] b)
        {
            int d = a.GetLength(0), m = b.GetLength(1);
            var s = (double[,])a.Clone();
            var v = new double[d, d];
            for (int i = 0; i < d; i++) v[i, i] = 1;
            for (int sweep = 0; sweep < 100; sweep++)
            {
                double off = 0;
                for (int p = 0; p < d; p++) for (int q = p + 1; q < d; q++) off += s[p, q] * s[p, q];
                if (off < 1e-30) break;
                for (int p = 0; p < d; p++)
                for (int q = p + 1; q < d; q++)
                {
                    if (Math.Abs(s[p, q]) < 1e-300) continue;
                    double theta = (s[q, q] - s[p, p]) / (2 * s[p, q]);
                    double t = Math.Sign(theta == 0 ? 1 : theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    double c = 1 / Math.Sqrt(t * t + 1), sn = t * c;
                    for (int k = 0; k < d; k++)
                    {
                        double skp = s[k, p], skq = s[k, q];
                        s[k, p] = c * skp - sn * skq;
                        s[k, q] = sn * skp + c * skq;
                    }

                    for (int k = 0; k < d; k++)
                    {
                        double spk = s[p, k], sqk = s[q, k];
                        s[p, k] = c * spk - sn * sqk;
                        s[q, k] = sn * spk + c * sqk;
                    }

                    for (int k = 0; k < d; k++)
                    {
                        double vkp = v[k, p], vkq = v[k, q];
                        v[k, p] = c * vkp - sn * vkq;
                        v[k, q] = sn * vkp + c * vkq;
                    }
                }
            }

            double largest = 0;
            for (int i = 0; i < d; i++) largest = Math.Max(largest, Math.Abs(s[i, i]));
            int rank = 0;
            var x = new double[d, m];
            for (int e = 0; e < d; e++)
            {
                double lambda = s[e, e];
                if (!(lambda > 1e-10 * largest)) continue;
                rank++;
                for (int c = 0; c < m; c++)
                {
                    double projection = 0;
                    for (int i = 0; i < d; i++) projection += v[i, e] * b[i, c];
                    for (int i = 0; i < d; i++) x[i, c] += v[i, e] * projection / lambda;
                }
            }

            return (x, rank);
        }
    }
}
