using System;
using System.IO;
using System.Linq;
using NetGen;
using NetGen.Distributed;

namespace NetGen.Distributed.TestApp
{
    /// <summary>
    /// Scenarios for the distributed tests, run as `mpiexec -n 2 dotnet NetGen.Distributed.TestApp.dll SCENARIO OUT [BATCH]`
    /// or as one process: "train" (a CNN with batch normalization and dropout through the Trainer; each rank writes its
    /// parameters and buffers), "equal" (an MLP through the Trainer at local batch BATCH; rank 0 writes its parameters),
    /// "throw" (rank 1 throws after two steps while rank 0 goes on), "broadcast" (rank 0's parameters to all, and an average
    /// of numbers), "info" (rank, size, library).
    /// </summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            using var world = MpiWorld.Initialize();
            string scenario = args[0];
            string folder = args.Length > 1 ? args[1] : ".";
            int batch = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 8;
            switch (scenario)
            {
                case "info":
                    Console.WriteLine($"rank {world.Rank} of {world.Size}, MPI {world.IsMpi}, library {world.Library ?? "none"}");
                    return 0;
                case "train":
                {
                    var net = new SmallCnn(seed: 3) { Randomness = world.Stream(5) };
                    int reports = 0;
                    var options = new TrainingOptions { Epochs = 2, BatchSize = batch, Seed = 4, World = world, Progress = new Count(() => reports++) };
                    var history = new Trainer(net, new DataParallel(new Adam(lr: 1e-2f), world), options).Fit(Images(120, 1), Images(30, 2));
                    File.WriteAllText(Path.Combine(folder, $"reports-rank{world.Rank}.txt"), reports.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    Write(Path.Combine(folder, $"train-rank{world.Rank}.bin"), net.Parameters.ToArray().Concat(net.Buffers.ToArray()).ToArray());
                    File.WriteAllText(Path.Combine(folder, $"train-rank{world.Rank}.txt"), string.Join("\n", history.Select(e => FormattableString.Invariant($"{e.TrainLoss:R} {e.ValidationLoss:R} {e.ValidationAccuracy:R}"))));
                    return 0;
                }
                case "equal":
                {
                    var net = new SmallMlp(seed: 3);
                    var history = new Trainer(net, new DataParallel(new Sgd(lr: 0.05f, momentum: 0.9f), world), new TrainingOptions { Epochs = 3, BatchSize = batch, Seed = 4, World = world })
                        .Fit(Images(96, 1), Images(45, 2));
                    if (world.Rank == 0) Write(Path.Combine(folder, $"equal-{world.Size}.bin"), net.Parameters.ToArray());
                    var last = history[^1];
                    if (world.Rank == 0) File.WriteAllText(Path.Combine(folder, $"equal-{world.Size}.txt"), FormattableString.Invariant($"{last.TrainLoss:R} {last.ValidationLoss:R} {last.ValidationAccuracy:R}"));
                    return 0;
                }
                case "broadcast":
                {
                    var net = new SmallMlp(seed: 1 + world.Rank); // different weights on every rank
                    world.Broadcast(net.Parameters, root: 0);
                    Write(Path.Combine(folder, $"broadcast-rank{world.Rank}.bin"), net.Parameters.ToArray());
                    Console.WriteLine(FormattableString.Invariant($"rank {world.Rank}: average of rank + 1 = {world.Average(world.Rank + 1.0):R}"));
                    return 0;
                }
                case "throw":
                {
                    var net = new SmallMlp(seed: 3);
                    var optimizer = new DataParallel(new Sgd(lr: 0.05f), world);
                    var data = Images(64, 1);
                    for (int step = 0; step < 1000; step++)
                    {
                        if (world.Rank == 1 && step == 2) throw new InvalidOperationException("rank 1 fails on purpose");
                        net.TrainStep(data.Inputs.AsSpan(0, 8 * 64), data.Labels.AsSpan(0, 8), 8, optimizer);
                    }

                    return 0;
                }
                default:
                    Console.Error.WriteLine($"unknown scenario {scenario}");
                    return 2;
            }
        }

        /// <summary>Seeded 8x8 images of 4 classes: a bright quadrant (the class) on noise.</summary>
        private static Dataset Images(int count, int seed)
        {
            var rng = new Rng(seed);
            var x = new float[count * 64];
            var y = new int[count];
            for (int n = 0; n < count; n++)
            {
                y[n] = (int)(rng.NextUInt64() % 4);
                for (int i = 0; i < 64; i++)
                {
                    int r = i / 8, c = i % 8, quadrant = (r / 4) * 2 + c / 4;
                    x[n * 64 + i] = (float)(0.3 * rng.NextNormal() + (quadrant == y[n] ? 1 : 0));
                }
            }

            return new Dataset(x, y, 64, 4);
        }

        private static void Write(string path, float[] values)
        {
            var bytes = new byte[values.Length * 4];
            Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
            File.WriteAllBytes(path, bytes);
        }
    }

    internal sealed class Count : IProgress<TrainingProgress>
    {
        private readonly Action _action;

        public Count(Action action) => _action = action;

        public void Report(TrainingProgress value) => _action();
    }

    [Network(1, 8, 8)]
    [Conv(4, k: 3, p: 1, act: Act.ReLU)]
    [BatchNorm]
    [MaxPool(2)]
    [Dense(16, Act.ReLU)]
    [Dropout(0.3)]
    [Dense(4, Act.Softmax)]
    public partial class SmallCnn { }

    [Network(64)]
    [Dense(16, Act.Tanh)]
    [Dense(4, Act.Softmax)]
    public partial class SmallMlp { }
}
