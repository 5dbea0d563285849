using System;
using System.Linq;

namespace NetGen.Tests
{
    internal enum RefKind
    {
        Dense,
        Activation,
        Conv,
        ConvTranspose,
        MaxPool,
        AvgPool,
        Flatten,
        GlobalAvgPool,
        GlobalMaxPool,
        PReLU,
        Pad,
        Upsample,
    }

    /// <summary>
    /// A layer of <see cref="ReferenceNetwork"/>. Spatial layers use the same stride, padding and dilation on every
    /// axis, with a kernel per axis (<see cref="Kernel"/>, or <see cref="K"/> on all).
    /// </summary>
    internal sealed record RefLayer(RefKind Kind, int Units, Act Act, bool Bias = true)
    {
        public int K { get; init; }
        public int[]? Kernel { get; init; }
        public int S { get; init; } = 1;
        public int P { get; init; }
        public int D { get; init; } = 1;
        public int A { get; init; }
        public bool CountIncludePad { get; init; } = true;

        /// <summary>How padding fills (a Pad layer's mode, a convolution's PaddingMode).</summary>
        public PadMode Mode { get; init; }

        /// <summary>An Upsample layer's interpolation (its factor is <see cref="K"/>).</summary>
        public UpsampleMode Upsampling { get; init; }

        /// <summary>A Pad layer's (before, after) per spatial axis, first axis first.</summary>
        public (int Before, int After)[] Sides { get; init; } = new (int, int)[0];

        /// <summary>A convolution's groups: filter fo sees input channels (fo / (F / Groups)) * (C / Groups) onward, C / Groups of them.</summary>
        public int Groups { get; init; } = 1;

        /// <summary>LeakyReLU's negative slope or ELU's alpha (NaN: PyTorch's defaults, 0.01 and 1).</summary>
        public double Alpha { get; init; } = double.NaN;

        public static RefLayer Dense(int units, Act act = Act.Identity, bool bias = true) => new RefLayer(RefKind.Dense, units, act, bias);

        public static RefLayer Activation(Act act) => new RefLayer(RefKind.Activation, 0, act);
    }

    /// <summary>
    /// An independent, naive implementation in double of the lecture notes' equations: the dense layer (4.66), the
    /// convolution as the gather of eq. 6.6 (x outside the input is 0), the transposed convolution as the scatter
    /// that defines it (section E.5), pooling (6.7) with PyTorch's padding rules, the activations of appendix A and
    /// the losses of table 4.1 reduced as PyTorch does. It shares no code with the generator or the kernels; gradient
    /// checks differentiate it by central finite differences.
    /// </summary>
    internal static class ReferenceNetwork
    {
        private const double Lambda = 1.0507009873554805, Alpha = 1.6732632423543772;

        public static double[] Activate(Act act, double[] s, double alpha = double.NaN)
        {
            switch (act)
            {
                case Act.Identity: return s;
                case Act.Sigmoid: return s.Select(v => 1.0 / (1.0 + Math.Exp(-v))).ToArray();
                case Act.Tanh: return s.Select(Math.Tanh).ToArray();
                case Act.ReLU: return s.Select(v => v > 0 ? v : 0.0).ToArray();
                case Act.LeakyReLU: return s.Select(v => v > 0 ? v : (double.IsNaN(alpha) ? 0.01 : alpha) * v).ToArray();
                case Act.ELU: return s.Select(v => v > 0 ? v : (double.IsNaN(alpha) ? 1.0 : alpha) * (Math.Exp(v) - 1.0)).ToArray();
                case Act.SELU: return s.Select(v => v > 0 ? Lambda * v : Lambda * Alpha * (Math.Exp(v) - 1.0)).ToArray();
                case Act.Softmax:
                    double max = s.Max();
                    var e = s.Select(v => Math.Exp(v - max)).ToArray();
                    double sum = e.Sum();
                    return e.Select(v => v / sum).ToArray();
                case Act.GELU: return s.Select(v => 0.5 * v * (1 + Erf(v / Math.Sqrt(2)))).ToArray();
                case Act.SiLU: return s.Select(v => v / (1.0 + Math.Exp(-v))).ToArray();
                case Act.Softplus: return s.Select(v => v > 20 ? v : Math.Log(1 + Math.Exp(v))).ToArray();
                case Act.Softsign: return s.Select(v => v / (1 + Math.Abs(v))).ToArray();
                case Act.ReLU6: return s.Select(v => Math.Min(Math.Max(v, 0.0), 6.0)).ToArray();
                case Act.Hardswish: return s.Select(v => v * Math.Min(Math.Max(v + 3, 0.0), 6.0) / 6).ToArray();
                case Act.Hardsigmoid: return s.Select(v => Math.Min(Math.Max(v + 3, 0.0), 6.0) / 6).ToArray();
                case Act.Sign: return s.Select(v => (double)Math.Sign(v)).ToArray();
                case Act.LogSoftmax:
                    double top = s.Max();
                    double logSum = top + Math.Log(s.Sum(v => Math.Exp(v - top)));
                    return s.Select(v => v - logSum).ToArray();
                default: throw new ArgumentOutOfRangeException(nameof(act));
            }
        }

        /// <summary>erf(x) = 2/sqrt(pi) times the integral of e^(-t^2) from 0 to x, by Simpson's rule over 2,000 intervals (about 1e-14 here).</summary>
        internal static double Erf(double x)
        {
            const int n = 2000;
            double h = x / n, sum = 1 + Math.Exp(-x * x);
            for (int i = 1; i < n; i++) sum += (i % 2 == 1 ? 4 : 2) * Math.Exp(-(i * h) * (i * h));
            return 2 / Math.Sqrt(Math.PI) * sum * h / 3;
        }

        /// <summary>The network's output for one sample; parameters per layer weight then bias, in PyTorch's layouts.</summary>
        public static double[] Forward(double[] p, double[] x, int[] inputShape, RefLayer[] layers)
            => Forward(p, x, inputShape, layers, out _);

        /// <summary>As <see cref="Forward(double[], double[], int[], RefLayer[])"/>, also giving the number of parameters the layers read.</summary>
        public static double[] Forward(double[] p, double[] x, int[] inputShape, RefLayer[] layers, out int parameterCount)
        {
            int used = 0;
            var y = Run(p, x, inputShape, layers, ref used);
            parameterCount = used;
            return y;
        }

        private static double[] Run(double[] p, double[] x, int[] inputShape, RefLayer[] layers, ref int offset)
        {
            var a = x;
            var shape = inputShape;
            foreach (var layer in layers)
            {
                switch (layer.Kind)
                {
                    case RefKind.Dense:
                    {
                        var s = new double[layer.Units];
                        int w = offset, b = offset + layer.Units * a.Length;
                        for (int o = 0; o < layer.Units; o++)
                        {
                            double sum = layer.Bias ? p[b + o] : 0.0;
                            for (int i = 0; i < a.Length; i++) sum += p[w + o * a.Length + i] * a[i];
                            s[o] = sum;
                        }

                        offset = b + (layer.Bias ? layer.Units : 0);
                        a = s;
                        shape = new[] { layer.Units };
                        break;
                    }

                    case RefKind.Conv:
                        (a, shape) = Conv(p, ref offset, layer, a, shape);
                        break;
                    case RefKind.ConvTranspose:
                        (a, shape) = ConvTranspose(p, ref offset, layer, a, shape);
                        break;
                    case RefKind.MaxPool:
                    case RefKind.AvgPool:
                        (a, shape) = Pool(layer, a, shape);
                        break;
                    case RefKind.Flatten:
                        shape = new[] { a.Length };
                        break;
                    case RefKind.Pad:
                    {
                        int rank = shape.Length - 1, channels = shape[0];
                        var before = Enumerable.Range(0, 3).Select(a => a < 3 - rank ? 0 : layer.Sides[a - (3 - rank)].Before).ToArray();
                        var i3 = Spatial3(shape);
                        var o3 = Enumerable.Range(0, 3).Select(a => a < 3 - rank ? 1 : i3[a] + layer.Sides[a - (3 - rank)].Before + layer.Sides[a - (3 - rank)].After).ToArray();
                        var y = new double[channels * o3[0] * o3[1] * o3[2]];
                        for (int c = 0; c < channels; c++)
                        for (int z = 0; z < o3[0]; z++)
                        for (int r = 0; r < o3[1]; r++)
                        for (int q = 0; q < o3[2]; q++)
                        {
                            int iz = Source(z - before[0], i3[0], layer.Mode), ir = Source(r - before[1], i3[1], layer.Mode), iq = Source(q - before[2], i3[2], layer.Mode);
                            y[((c * o3[0] + z) * o3[1] + r) * o3[2] + q] = iz < 0 || ir < 0 || iq < 0 ? 0 : a[((c * i3[0] + iz) * i3[1] + ir) * i3[2] + iq];
                        }

                        a = y;
                        shape = Shape(channels, o3, rank);
                        break;
                    }

                    case RefKind.Upsample:
                    {
                        // per axis: nearest reads floor(o / k); linear (align_corners=False) blends floor(t) and the next index by
                        // t's fraction, t = max(0, (o + 1/2) / k - 1/2), the next index clamped to the last
                        int rank = shape.Length - 1, channels = shape[0], k = layer.K;
                        var i3 = Spatial3(shape);
                        var s3 = Enumerable.Range(0, 3).Select(ax => ax < 3 - rank ? 1 : k).ToArray();
                        var o3 = Enumerable.Range(0, 3).Select(ax => i3[ax] * s3[ax]).ToArray();
                        (int, int, double)[] Taps(int ax, int o)
                        {
                            if (layer.Upsampling == UpsampleMode.Nearest || s3[ax] == 1) return new[] { (o / s3[ax], 0, 1.0) };
                            double t = Math.Max(0, (o + 0.5) / s3[ax] - 0.5);
                            int low = (int)Math.Floor(t), high = Math.Min(low + 1, i3[ax] - 1);
                            return new[] { (low, 0, 1 - (t - low)), (high, 0, t - low) };
                        }

                        var y = new double[channels * o3[0] * o3[1] * o3[2]];
                        for (int c = 0; c < channels; c++)
                        for (int z = 0; z < o3[0]; z++)
                        for (int r = 0; r < o3[1]; r++)
                        for (int q = 0; q < o3[2]; q++)
                        {
                            double sum = 0;
                            foreach (var (iz, _, wz) in Taps(0, z))
                            foreach (var (ir, _, wr) in Taps(1, r))
                            foreach (var (iq, _, wq) in Taps(2, q))
                                sum += wz * wr * wq * a[((c * i3[0] + iz) * i3[1] + ir) * i3[2] + iq];
                            y[((c * o3[0] + z) * o3[1] + r) * o3[2] + q] = sum;
                        }

                        a = y;
                        shape = Shape(channels, o3, rank);
                        break;
                    }

                    case RefKind.PReLU:
                    {
                        // Units: the number of slopes (1, or the channels); a channel's values are contiguous
                        int plane = a.Length / layer.Units;
                        var y = new double[a.Length];
                        for (int i = 0; i < a.Length; i++) y[i] = a[i] > 0 ? a[i] : p[offset + i / plane] * a[i];
                        offset += layer.Units;
                        a = y;
                        break;
                    }

                    case RefKind.GlobalAvgPool:
                    case RefKind.GlobalMaxPool:
                    {
                        int channels = shape[0], size = a.Length / channels;
                        var pooled = new double[channels];
                        for (int c = 0; c < channels; c++)
                        {
                            var plane = a.Skip(c * size).Take(size);
                            pooled[c] = layer.Kind == RefKind.GlobalAvgPool ? plane.Average() : plane.Max();
                        }

                        a = pooled;
                        shape = new[] { channels };
                        break;
                    }
                }

                a = Activate(layer.Act, a, layer.Alpha);
            }

            return a;
        }

        /// <summary>Pads a spatial shape to (D, H, W).</summary>
        private static int[] Spatial3(int[] shape) => Enumerable.Repeat(1, 4 - shape.Length).Concat(shape.Skip(1)).ToArray();

        private static int[] Kernel3(RefLayer layer, int rank)
        {
            var k = layer.Kernel ?? Enumerable.Repeat(layer.K, rank).ToArray();
            return Enumerable.Repeat(1, 3 - rank).Concat(k).ToArray();
        }

        private static int[] Axes3(int value, int fill, int rank) => Enumerable.Repeat(fill, 3 - rank).Concat(Enumerable.Repeat(value, rank)).ToArray();

        private static int[] Shape(int channels, int[] spatial3, int rank) => new[] { channels }.Concat(spatial3.Skip(3 - rank)).ToArray();

        /// <summary>s[f, o] = b[f] + sum_c sum_k w[f, c, k] x[c, o s + k d - p] (eq. 6.6), zero outside the input.</summary>
        private static (double[], int[]) Conv(double[] p, ref int offset, RefLayer layer, double[] x, int[] shape)
        {
            int rank = shape.Length - 1, c = shape[0], f = layer.Units;
            var i3 = Spatial3(shape);
            var k3 = Kernel3(layer, rank);
            var s3 = Axes3(layer.S, 1, rank);
            var p3 = Axes3(layer.P, 0, rank);
            var d3 = Axes3(layer.D, 1, rank);
            var o3 = Enumerable.Range(0, 3).Select(a => (i3[a] + 2 * p3[a] - d3[a] * (k3[a] - 1) - 1) / s3[a] + 1).ToArray();
            int taps = k3[0] * k3[1] * k3[2], cg = c / layer.Groups;
            int w = offset, b = offset + f * cg * taps;
            offset = b + (layer.Bias ? f : 0);
            var y = new double[f * o3[0] * o3[1] * o3[2]];
            for (int fo = 0; fo < f; fo++)
            for (int z = 0; z < o3[0]; z++)
            for (int r = 0; r < o3[1]; r++)
            for (int q = 0; q < o3[2]; q++)
            {
                double sum = layer.Bias ? p[b + fo] : 0;
                int first = fo / (f / layer.Groups) * cg; // the group's first input channel
                for (int ci = first; ci < first + cg; ci++)
                for (int kz = 0; kz < k3[0]; kz++)
                for (int kr = 0; kr < k3[1]; kr++)
                for (int kq = 0; kq < k3[2]; kq++)
                {
                    int iz = Source(z * s3[0] + kz * d3[0] - p3[0], i3[0], layer.Mode), ir = Source(r * s3[1] + kr * d3[1] - p3[1], i3[1], layer.Mode), iq = Source(q * s3[2] + kq * d3[2] - p3[2], i3[2], layer.Mode);
                    if (iz < 0 || ir < 0 || iq < 0) continue;
                    sum += p[w + (((fo * cg + ci - first) * k3[0] + kz) * k3[1] + kr) * k3[2] + kq] * x[((ci * i3[0] + iz) * i3[1] + ir) * i3[2] + iq];
                }

                y[((fo * o3[0] + z) * o3[1] + r) * o3[2] + q] = sum;
            }

            return (y, Shape(f, o3, rank));
        }

        /// <summary>
        /// The input index a padded position i reads (F.pad's modes, by their definitions): itself inside [0, n); outside,
        /// -1 for zeros, the mirror image without the edge for reflect, the nearest edge for replicate, i mod n for circular.
        /// </summary>
        private static int Source(int i, int n, PadMode mode)
        {
            if (i >= 0 && i < n) return i;
            return mode switch
            {
                PadMode.Reflect => i < 0 ? -i : 2 * n - 2 - i,
                PadMode.Replicate => Math.Clamp(i, 0, n - 1),
                PadMode.Circular => ((i % n) + n) % n,
                _ => -1,
            };
        }

        /// <summary>y[f, i s + k - p] += w[c, f, k] x[c, i], then + b[f] (section E.5; output size (i - 1) s - 2p + k + a).</summary>
        private static (double[], int[]) ConvTranspose(double[] p, ref int offset, RefLayer layer, double[] x, int[] shape)
        {
            int rank = shape.Length - 1, c = shape[0], f = layer.Units;
            var i3 = Spatial3(shape);
            var k3 = Kernel3(layer, rank);
            var s3 = Axes3(layer.S, 1, rank);
            var p3 = Axes3(layer.P, 0, rank);
            var a3 = Axes3(layer.A, 0, rank);
            var o3 = Enumerable.Range(0, 3).Select(a => (i3[a] - 1) * s3[a] - 2 * p3[a] + k3[a] + a3[a]).ToArray();
            int taps = k3[0] * k3[1] * k3[2];
            int w = offset, b = offset + c * f * taps;
            offset = b + (layer.Bias ? f : 0);
            var y = new double[f * o3[0] * o3[1] * o3[2]];
            for (int ci = 0; ci < c; ci++)
            for (int z = 0; z < i3[0]; z++)
            for (int r = 0; r < i3[1]; r++)
            for (int q = 0; q < i3[2]; q++)
            for (int fo = 0; fo < f; fo++)
            for (int kz = 0; kz < k3[0]; kz++)
            for (int kr = 0; kr < k3[1]; kr++)
            for (int kq = 0; kq < k3[2]; kq++)
            {
                int oz = z * s3[0] + kz - p3[0], or = r * s3[1] + kr - p3[1], oq = q * s3[2] + kq - p3[2];
                if (oz < 0 || oz >= o3[0] || or < 0 || or >= o3[1] || oq < 0 || oq >= o3[2]) continue;
                y[((fo * o3[0] + oz) * o3[1] + or) * o3[2] + oq] += p[w + (((ci * f + fo) * k3[0] + kz) * k3[1] + kr) * k3[2] + kq] * x[((ci * i3[0] + z) * i3[1] + r) * i3[2] + q];
            }

            if (layer.Bias)
            {
                int plane = o3[0] * o3[1] * o3[2];
                for (int fo = 0; fo < f; fo++)
                for (int j = 0; j < plane; j++) y[fo * plane + j] += p[b + fo];
            }

            return (y, Shape(f, o3, rank));
        }

        /// <summary>Max or average of each window; padding is -infinity for max, and counts in the average's divisor when CountIncludePad.</summary>
        private static (double[], int[]) Pool(RefLayer layer, double[] x, int[] shape)
        {
            int rank = shape.Length - 1, c = shape[0];
            var i3 = Spatial3(shape);
            var k3 = Axes3(layer.K, 1, rank);
            var s3 = Axes3(layer.S, 1, rank);
            var p3 = Axes3(layer.P, 0, rank);
            var o3 = Enumerable.Range(0, 3).Select(a => (i3[a] + 2 * p3[a] - k3[a]) / s3[a] + 1).ToArray();
            var y = new double[c * o3[0] * o3[1] * o3[2]];
            for (int ci = 0; ci < c; ci++)
            for (int z = 0; z < o3[0]; z++)
            for (int r = 0; r < o3[1]; r++)
            for (int q = 0; q < o3[2]; q++)
            {
                double max = double.NegativeInfinity, sum = 0;
                int count = 0, padded = 0;
                for (int kz = 0; kz < k3[0]; kz++)
                for (int kr = 0; kr < k3[1]; kr++)
                for (int kq = 0; kq < k3[2]; kq++)
                {
                    int iz = z * s3[0] + kz - p3[0], ir = r * s3[1] + kr - p3[1], iq = q * s3[2] + kq - p3[2];
                    // a window cell within the padded input (PyTorch never lets a window leave it without ceil_mode)
                    padded++;
                    if (iz < 0 || iz >= i3[0] || ir < 0 || ir >= i3[1] || iq < 0 || iq >= i3[2]) continue;
                    double v = x[((ci * i3[0] + iz) * i3[1] + ir) * i3[2] + iq];
                    max = Math.Max(max, v);
                    sum += v;
                    count++;
                }

                y[((ci * o3[0] + z) * o3[1] + r) * o3[2] + q] = layer.Kind == RefKind.MaxPool ? max : sum / (layer.CountIncludePad ? padded : count);
            }

            return (y, Shape(c, o3, rank));
        }

        /// <summary>The mean loss over a batch, as PyTorch reduces it (cross-entropy: over samples; the others: over every output).</summary>
        public static double Loss(double[] p, float[] inputs, float[] targets, int batch, int[] inputShape, RefLayer[] layers, Loss loss)
        {
            int inLen = inputs.Length / batch, outLen = targets.Length / batch;
            double total = 0;
            for (int n = 0; n < batch; n++)
            {
                var x = inputs.Skip(n * inLen).Take(inLen).Select(v => (double)v).ToArray();
                var a = Forward(p, x, inputShape, layers);
                for (int k = 0; k < outLen; k++)
                {
                    double y = targets[n * outLen + k];
                    switch (loss)
                    {
                        case NetGen.Loss.CrossEntropy: total -= y * Math.Log(a[k]); break;
                        case NetGen.Loss.BinaryCrossEntropy: total -= y * Math.Log(a[k]) + (1 - y) * Math.Log(1 - a[k]); break;
                        case NetGen.Loss.L1: total += Math.Abs(a[k] - y); break;
                        case NetGen.Loss.Huber: total += Math.Abs(a[k] - y) < 1 ? 0.5 * (a[k] - y) * (a[k] - y) : Math.Abs(a[k] - y) - 0.5; break; // delta 1
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
