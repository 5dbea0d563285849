using System;
using System.Linq;

namespace NetGen.Tests
{
    /// <summary>A layer of <see cref="ReferenceNetwork"/>: dense (units, activation, bias) or a bare activation.</summary>
    internal sealed record RefLayer(bool Dense, int Units, Act Act, bool Bias = true)
    {
        public static RefLayer D(int units, Act act = Act.Identity, bool bias = true) => new RefLayer(true, units, act, bias);

        public static RefLayer A(Act act) => new RefLayer(false, 0, act);
    }

    /// <summary>
    /// An independent, naive implementation in double of the lecture notes' equations: the dense layer (4.66),
    /// the activations of appendix A and the losses of table 4.1 reduced as PyTorch does. It shares no code with
    /// the generator or the kernels; gradient checks differentiate it by central finite differences.
    /// </summary>
    internal static class ReferenceNetwork
    {
        private const double Lambda = 1.0507009873554805, Alpha = 1.6732632423543772;

        public static double[] Activate(Act act, double[] s)
        {
            switch (act)
            {
                case Act.Identity: return s;
                case Act.Sigmoid: return s.Select(v => 1.0 / (1.0 + Math.Exp(-v))).ToArray();
                case Act.Tanh: return s.Select(Math.Tanh).ToArray();
                case Act.ReLU: return s.Select(v => v > 0 ? v : 0.0).ToArray();
                case Act.LeakyReLU: return s.Select(v => v > 0 ? v : 0.01 * v).ToArray();
                case Act.ELU: return s.Select(v => v > 0 ? v : Math.Exp(v) - 1.0).ToArray();
                case Act.SELU: return s.Select(v => v > 0 ? Lambda * v : Lambda * Alpha * (Math.Exp(v) - 1.0)).ToArray();
                case Act.Softmax:
                    double max = s.Max();
                    var e = s.Select(v => Math.Exp(v - max)).ToArray();
                    double sum = e.Sum();
                    return e.Select(v => v / sum).ToArray();
                default: throw new ArgumentOutOfRangeException(nameof(act));
            }
        }

        public static int ParameterCount(int inputLength, RefLayer[] layers)
        {
            int count = 0, width = inputLength;
            foreach (var layer in layers)
            {
                if (!layer.Dense) continue;
                count += layer.Units * width + (layer.Bias ? layer.Units : 0);
                width = layer.Units;
            }

            return count;
        }

        /// <summary>The network's output for one sample; parameters per layer weight [out, in] then bias.</summary>
        public static double[] Forward(double[] p, double[] x, RefLayer[] layers)
        {
            int offset = 0;
            var a = x;
            foreach (var layer in layers)
            {
                if (layer.Dense)
                {
                    var s = new double[layer.Units];
                    int w = offset;
                    int b = offset + layer.Units * a.Length;
                    for (int o = 0; o < layer.Units; o++)
                    {
                        double sum = layer.Bias ? p[b + o] : 0.0;
                        for (int i = 0; i < a.Length; i++) sum += p[w + o * a.Length + i] * a[i];
                        s[o] = sum;
                    }

                    offset = b + (layer.Bias ? layer.Units : 0);
                    a = Activate(layer.Act, s);
                }
                else
                {
                    a = Activate(layer.Act, a);
                }
            }

            return a;
        }

        /// <summary>The mean loss over a batch, as PyTorch reduces it (cross-entropy: over samples; the others: over every output).</summary>
        public static double Loss(double[] p, float[] inputs, float[] targets, int batch, RefLayer[] layers, Loss loss)
        {
            int inLen = inputs.Length / batch, outLen = targets.Length / batch;
            double total = 0;
            for (int n = 0; n < batch; n++)
            {
                var x = inputs.Skip(n * inLen).Take(inLen).Select(v => (double)v).ToArray();
                var a = Forward(p, x, layers);
                for (int k = 0; k < outLen; k++)
                {
                    double y = targets[n * outLen + k];
                    switch (loss)
                    {
                        case NetGen.Loss.CrossEntropy: total -= y * Math.Log(a[k]); break;
                        case NetGen.Loss.BinaryCrossEntropy: total -= y * Math.Log(a[k]) + (1 - y) * Math.Log(1 - a[k]); break;
                        default: total += (a[k] - y) * (a[k] - y); break;
                    }
                }
            }

            return loss == NetGen.Loss.CrossEntropy ? total / batch : total / (batch * outLen);
        }

        /// <summary>d(loss)/d(p) by central differences, in double.</summary>
        public static double[] NumericGradient(double[] p, Func<double[], double> f, double h = 1e-5)
        {
            var g = new double[p.Length];
            var q = (double[])p.Clone();
            for (int i = 0; i < p.Length; i++)
            {
                q[i] = p[i] + h;
                double up = f(q);
                q[i] = p[i] - h;
                double down = f(q);
                q[i] = p[i];
                g[i] = (up - down) / (2 * h);
            }

            return g;
        }
    }
}
