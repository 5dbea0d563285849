using System;
using NetGen;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>Section 4.5: g(x) = w^T max(0, W x + b) with two hidden ReLU units and a linear output can represent XOR.</summary>
    [Network(2)]
    [Dense(2, Act.ReLU)]
    [Dense(1)]
    public partial class Xor { }

    public class XorTests
    {
        // XOR with the inputs standardized to mean 0, variance 1 (section 4.10): 0 -> -1, 1 -> +1.
        private static readonly float[] Inputs = { -1, -1, 1, -1, -1, 1, 1, 1 };
        private static readonly float[] Targets = { 0, 1, 1, 0 };

        private static int Errors(Xor net)
        {
            var outputs = new float[4];
            net.Forward(Inputs, outputs, 4);
            int errors = 0;
            for (int i = 0; i < 4; i++) if ((outputs[i] > 0.5f) != (Targets[i] > 0.5f)) errors++;
            return errors;
        }

        [Fact]
        public void The_notes_solution_computes_xor_exactly()
        {
            // W = [[1, 1], [1, 1]], b = (0, -1), w = (1, -2), on the notes' 0/1 inputs (eq. 4.55-4.58).
            var net = new Xor();
            new float[] { 1, 1, 1, 1, 0, -1, 1, -2, 0 }.AsSpan().CopyTo(net.Parameters);
            var outputs = new float[4];
            net.Forward(new float[] { 0, 0, 1, 0, 0, 1, 1, 1 }, outputs, 4);
            Assert.Equal(Targets, outputs);
            Assert.Equal(0f, net.ComputeGradients(new float[] { 0, 0, 1, 0, 0, 1, 1, 1 }, Targets, 4));
        }

        /// <summary>
        /// A 2-2-1 ReLU network has bad local minima (a dead hidden unit leaves a linear model, which cannot fit XOR):
        /// the same recipe in PyTorch 1.13 (same initializers, full-batch SGD lr 0.1, 3000 steps, MSE) reaches zero
        /// error from 11 of seeds 0..39. So the test asks for zero error from at least 4 of 20 seeds, and that
        /// every successful run also drove the loss down.
        /// </summary>
        [Fact]
        public void Sgd_learns_xor_from_several_seeds()
        {
            int solved = 0;
            for (int seed = 0; seed < 20; seed++)
            {
                var net = new Xor(seed);
                var sgd = new Sgd(lr: 0.1f);
                float first = net.ComputeGradients(Inputs, Targets, 4), last = first;
                for (int step = 0; step < 3000; step++) last = net.TrainStep(Inputs, Targets, 4, sgd);
                if (Errors(net) == 0)
                {
                    solved++;
                    Assert.True(last < first && last < 0.05f, $"seed {seed}: loss {first} -> {last}");
                }
            }

            Assert.True(solved >= 4, $"XOR solved from {solved} of 20 seeds");
        }
    }
}
