using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;

namespace NetGen.Samples
{
    public static class Program
    {
        public static int Main(string[] args)
        {
            CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
            string command = args.Length == 0 ? "iris" : args[0];
            switch (command)
            {
                case "iris":
                    return Iris();
                case "xor":
                    return Xor();
                case "lenet":
                    return LeNet(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 8);
                case "--help":
                case "-h":
                case "help":
                    Help(Console.Out);
                    return 0;
                default:
                    Console.Error.WriteLine($"Unknown command '{command}'.");
                    Help(Console.Error);
                    return 2;
            }
        }

        private static void Help(TextWriter writer)
        {
            writer.WriteLine("NetGen samples: networks declared as attributes, compiled by the NetGen source generator.");
            writer.WriteLine();
            writer.WriteLine("usage: dotnet run --project samples/NetGen.Samples -c Release [command]");
            writer.WriteLine();
            writer.WriteLine("  iris    (default) 4-16-3 classifier on the built-in Iris data, 80/20 split");
            writer.WriteLine("  xor     the 2-2-1 ReLU network of section 4.5 learning XOR");
            writer.WriteLine("  lenet [epochs]  LeNet-5 on the built-in digits (upscaled to 28x28), 80/20 split");
            writer.WriteLine("  --help  this text");
        }

        /// <summary>Trains <see cref="IrisNet"/> with mini-batch SGD on 80 % of Iris and reports test accuracy.</summary>
        private static int Iris()
        {
            var (features, labels) = LoadIris();
            var random = new Random(42);
            var order = Enumerable.Range(0, labels.Length).OrderBy(_ => random.Next()).ToArray();
            int trainCount = labels.Length * 4 / 5;
            var train = order.Take(trainCount).ToArray();
            var test = order.Skip(trainCount).ToArray();
            Standardize(features, 4, train);

            var net = new IrisNet(seed: 1);
            var sgd = new Sgd(lr: 0.05f, momentum: 0.9f);
            const int batch = 16;
            var x = new float[batch * IrisNet.InputLength];
            var y = new int[batch];
            var watch = Stopwatch.StartNew();
            Console.WriteLine($"Iris: {trainCount} training and {test.Length} test samples; network {IrisNet.InputLength}-16-{IrisNet.OutputLength}, {IrisNet.ParameterCount} parameters.");
            for (int epoch = 1; epoch <= 100; epoch++)
            {
                var shuffled = train.OrderBy(_ => random.Next()).ToArray();
                double loss = 0;
                int updates = 0;
                for (int start = 0; start < shuffled.Length; start += batch)
                {
                    int n = Math.Min(batch, shuffled.Length - start);
                    for (int i = 0; i < n; i++)
                    {
                        features.AsSpan(shuffled[start + i] * 4, 4).CopyTo(x.AsSpan(i * 4));
                        y[i] = labels[shuffled[start + i]];
                    }

                    loss += net.TrainStep(x.AsSpan(0, n * 4), y.AsSpan(0, n), n, sgd);
                    updates++;
                }

                if (epoch % 20 == 0) Console.WriteLine($"epoch {epoch,3}: training loss {loss / updates:F4}, test accuracy {Accuracy(net, features, labels, test):P1}");
            }

            Console.WriteLine($"Test accuracy: {Accuracy(net, features, labels, test):P1} ({watch.ElapsedMilliseconds} ms)");
            return 0;
        }

        private static double Accuracy(IrisNet net, float[] features, int[] labels, int[] indices)
        {
            var output = new float[IrisNet.OutputLength];
            int correct = 0;
            foreach (int i in indices)
            {
                net.Forward(features.AsSpan(i * 4, 4), output);
                int predicted = Array.IndexOf(output, output.Max());
                if (predicted == labels[i]) correct++;
            }

            return (double)correct / indices.Length;
        }

        /// <summary>Trains <see cref="XorNet"/> on the four XOR points (inputs standardized to -1/+1) and prints its outputs.</summary>
        private static int Xor()
        {
            float[] inputs = { -1, -1, 1, -1, -1, 1, 1, 1 };
            float[] targets = { 0, 1, 1, 0 };
            for (int seed = 0; seed < 20; seed++)
            {
                var net = new XorNet(seed);
                var sgd = new Sgd(lr: 0.1f);
                float loss = 0;
                for (int step = 0; step < 3000; step++) loss = net.TrainStep(inputs, targets, 4, sgd);
                var outputs = new float[4];
                net.Forward(inputs, outputs, 4);
                int errors = Enumerable.Range(0, 4).Count(i => (outputs[i] > 0.5f) != (targets[i] > 0.5f));
                Console.WriteLine($"seed {seed,2}: loss {loss:F5}, outputs [{string.Join(", ", outputs.Select(o => o.ToString("F3")))}], errors {errors}");
                if (errors == 0)
                {
                    Console.WriteLine("Solved. (Two ReLU units often end in a bad local minimum, section 4.5; other seeds are tried until one solves it.)");
                    return 0;
                }
            }

            Console.WriteLine("No seed solved XOR.");
            return 1;
        }

        /// <summary>Trains <see cref="LeNet5"/> with mini-batch SGD on 80 % of the built-in digits and reports test accuracy per epoch.</summary>
        private static int LeNet(int epochs)
        {
            var (images, labels) = Digits.Load28();
            var result = TrainLeNet(images, labels, epochs, (epoch, loss, accuracy, seconds) =>
                Console.WriteLine($"epoch {epoch,2}: training loss {loss:F4}, test accuracy {accuracy:P1} ({seconds:F1} s)"));
            Console.WriteLine($"LeNet-5 ({LeNet5.ParameterCount} parameters), test accuracy: {result:P1}");
            return 0;
        }

        /// <summary>LeNet-5 on an 80/20 split of <paramref name="images"/> (seed 7): SGD lr 0.05, momentum 0.9, batch 32; returns the final test accuracy.</summary>
        public static double TrainLeNet(float[] images, int[] labels, int epochs, Action<int, double, double, double>? report = null)
        {
            const int batch = 32, size = LeNet5.InputLength;
            var random = new Random(7);
            var order = Enumerable.Range(0, labels.Length).OrderBy(_ => random.Next()).ToArray();
            int trainCount = labels.Length * 4 / 5;
            var train = order.Take(trainCount).ToArray();
            var test = order.Skip(trainCount).ToArray();
            var net = new LeNet5(seed: 1);
            var sgd = new Sgd(lr: 0.05f, momentum: 0.9f);
            var x = new float[batch * size];
            var y = new int[batch];
            var watch = Stopwatch.StartNew();
            double accuracy = 0;
            for (int epoch = 1; epoch <= epochs; epoch++)
            {
                var shuffled = train.OrderBy(_ => random.Next()).ToArray();
                double loss = 0;
                int updates = 0;
                for (int start = 0; start < shuffled.Length; start += batch)
                {
                    int n = Math.Min(batch, shuffled.Length - start);
                    for (int i = 0; i < n; i++)
                    {
                        images.AsSpan(shuffled[start + i] * size, size).CopyTo(x.AsSpan(i * size));
                        y[i] = labels[shuffled[start + i]];
                    }

                    loss += net.TrainStep(x.AsSpan(0, n * size), y.AsSpan(0, n), n, sgd);
                    updates++;
                }

                var output = new float[LeNet5.OutputLength];
                int correct = 0;
                foreach (int i in test)
                {
                    net.Forward(images.AsSpan(i * size, size), output);
                    if (Array.IndexOf(output, output.Max()) == labels[i]) correct++;
                }

                accuracy = (double)correct / test.Length;
                report?.Invoke(epoch, loss / updates, accuracy, watch.Elapsed.TotalSeconds);
            }

            return accuracy;
        }

        private static (float[] Features, int[] Labels) LoadIris()
        {
            using var stream = typeof(Program).Assembly.GetManifestResourceStream("iris.csv")
                ?? throw new InvalidOperationException("The embedded resource iris.csv is missing.");
            using var reader = new StreamReader(stream);
            reader.ReadLine(); // header: 150,4,setosa,versicolor,virginica
            var features = new System.Collections.Generic.List<float>();
            var labels = new System.Collections.Generic.List<int>();
            string? line;
            while ((line = reader.ReadLine()) != null)
            {
                if (line.Length == 0) continue;
                var cells = line.Split(',');
                for (int i = 0; i < 4; i++) features.Add(float.Parse(cells[i], CultureInfo.InvariantCulture));
                labels.Add(int.Parse(cells[4], CultureInfo.InvariantCulture));
            }

            return (features.ToArray(), labels.ToArray());
        }

        /// <summary>Scales every feature to mean 0, variance 1 with statistics of the training rows only (section 4.10).</summary>
        private static void Standardize(float[] features, int width, int[] trainRows)
        {
            for (int j = 0; j < width; j++)
            {
                double mean = trainRows.Average(r => features[r * width + j]);
                double std = Math.Sqrt(trainRows.Average(r => Math.Pow(features[r * width + j] - mean, 2)));
                for (int r = 0; r < features.Length / width; r++) features[r * width + j] = (float)((features[r * width + j] - mean) / std);
            }
        }
    }
}
