using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>
    /// Issue 20, section 4.9: HessianVectorProduct (the R-operator through the generated passes) and Hessian on every network
    /// of the gradient checks, which together hold every layer kind, activation and loss: checked against central
    /// differences of the generated gradients (ComputeGradients in inference mode) along the direction, and the Hessian
    /// against the products with unit vectors and its own transpose.
    /// </summary>
    public class SecondOrderTests
    {
        public static TheoryData<int, string> Networks() => InputGradientTests.Networks();

        private static INetwork Create(int assembly, string type, int seed)
        {
            var net = InputGradientTests.Create(assembly, type, seed);
            net.Mode = NetworkMode.Inference; // ComputeGradients then differentiates the function the second-order passes do

            // biases start at 0, so a unit whose inputs are all 0 (a dead ReLU below it) sits exactly on a kink, where a
            // central difference gives half the one-sided slope: move every parameter a little off such points
            var random = new Random(seed);
            var parameters = net.Parameters;
            for (int i = 0; i < parameters.Length; i++) parameters[i] += (float)(random.NextDouble() - 0.5) * 0.1f;
            return net;
        }

        /// <summary>Whether the network has second-order passes; if not, its members say which layer and why.</summary>
        private static bool Supported(INetwork net, float[] x, float[] t, int batch)
        {
            try
            {
                net.HessianVectorProduct(x, t, batch, new float[net.ParameterCount], new float[net.ParameterCount]);
                return true;
            }
            catch (NotSupportedException error)
            {
                Assert.Contains("has no second-order passes: ", error.Message);
                Assert.Matches("LayerNorm|weight-normalized", error.Message);
                return false;
            }
        }

        /// <summary>Targets the network's losses accept: one-hot rows for cross-entropies over several classes, 0/1 for binary ones, values else.</summary>
        private static float[] Targets(INetwork net, int batch, Random random)
        {
            var t = new float[batch * net.OutputLength];
            foreach (var head in net.Heads)
            {
                for (int n = 0; n < batch; n++)
                {
                    var row = new Span<float>(t, n * net.OutputLength + head.Offset, head.Length);
                    if (head.Loss == Loss.CrossEntropy) row[random.Next(head.Length)] = 1f;
                    else if (head.Loss == Loss.BinaryCrossEntropy) for (int k = 0; k < row.Length; k++) row[k] = random.Next(2);
                    else for (int k = 0; k < row.Length; k++) row[k] = (float)(random.NextDouble() * 2 - 1);
                }
            }

            return t;
        }

        [Theory]
        [MemberData(nameof(Networks))]
        public void Hessian_vector_products_match_central_differences_of_the_gradients(int assembly, string type)
        {
            var net = Create(assembly, type, seed: 17);
            const int batch = 3;
            var random = new Random(type.Length * 13 + assembly);
            var x = Enumerable.Range(0, batch * net.InputLength).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var t = Targets(net, batch, random);
            if (!Supported(net, x, t, batch)) return;
            var before = net.Parameters.ToArray();
            var w = net.Parameters.ToArray();
            double[] Gradient(float[] v, double h)
            {
                for (int i = 0; i < w.Length; i++) net.Parameters[i] = (float)(w[i] + h * v[i]);
                net.ComputeGradients(x, t, batch);
                w.CopyTo(net.Parameters);
                return net.Gradients.ToArray().Select(g => (double)g).ToArray();
            }

            // a dense random direction and three unit vectors (columns of H): an L1 loss's or a ReLU's kink that a step
            // crosses spoils a whole direction, and a single parameter moves fewer pre-activations than all of them at once
            var directions = new List<float[]> { Enumerable.Range(0, net.ParameterCount).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray() };
            for (int k = 0; k < 3; k++)
            {
                var unit = new float[net.ParameterCount];
                unit[random.Next(unit.Length)] = 1f;
                directions.Add(unit);
            }

            int checkedEntries = 0, entries = 0;
            foreach (var v in directions)
            {
                var hv = new float[net.ParameterCount];
                net.HessianVectorProduct(x, t, batch, v, hv);
                Assert.Equal(before, net.Parameters.ToArray());

                // central differences at two step sizes: where they disagree the steps cross a kink (ReLU, max, clipping)
                // and the entry is skipped
                double coarseStep = 2e-3, fineStep = 5e-4;
                var plusCoarse = Gradient(v, coarseStep);
                var minusCoarse = Gradient(v, -coarseStep);
                var plusFine = Gradient(v, fineStep);
                var minusFine = Gradient(v, -fineStep);
                double scale = Math.Max(1e-3, hv.Max(value => Math.Abs((double)value)));
                entries += hv.Length;
                for (int i = 0; i < hv.Length; i++)
                {
                    double coarse = (plusCoarse[i] - minusCoarse[i]) / (2 * coarseStep), fine = (plusFine[i] - minusFine[i]) / (2 * fineStep);
                    if (Math.Abs(coarse - fine) > 5e-3 * scale + 1e-4) continue;
                    checkedEntries++;
                    Assert.True(Math.Abs(hv[i] - fine) <= 1e-2 * scale + 2e-4, $"{type}: (Hv)[{i}] = {hv[i]:R}, central difference {fine:R} (coarse {coarse:R}, scale {scale:R})");
                }
            }

            // a third: a 3-d map into a PReLU puts many values near its kink
            Assert.True(checkedEntries >= entries / 3, $"{type}: only {checkedEntries} of {entries} entries away from kinks");
        }
    }
}
