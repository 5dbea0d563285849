using System;
using System.Globalization;
using System.IO;
using NetGen;

namespace NetGen.AotSample
{
    /// <summary>The default sample's CNN for the built-in 8x8 digits.</summary>
    [Network(1, 8, 8)]
    [Conv(16, k: 3, p: 1, act: Act.ReLU)] [MaxPool(2)]
    [Conv(32, k: 3, p: 1, act: Act.ReLU)] [MaxPool(2)]
    [Dense(64, Act.ReLU)]
    [Dense(10, Act.Softmax)]
    public partial class DigitsCnn { }

    /// <summary>
    /// Trains the digits CNN as the default sample does, then saves its weights, loads them into a fresh network and
    /// exports ONNX: every path a deployed program takes, with no reflection and no JIT when published ahead of time.
    /// </summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            int epochs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 15;
            var (train, validation, test) = BuiltInData.Digits().Split(0.72, 0.08, seed: 42);
            var net = new DigitsCnn(seed: 1);
            var adam = new Adam(lr: 2e-3f);
            var options = new TrainingOptions { Epochs = epochs, BatchSize = 32, Seed = 1, Schedule = new CosineAnnealing(adam, epochs, 1e-4f) };
            var history = new Trainer(net, adam, options).Fit(train, validation);
            var last = history[history.Count - 1];
            Console.WriteLine(Invariant($"{epochs} epochs: training loss {last.TrainLoss:F6}, validation accuracy {last.ValidationAccuracy:P2}"));
            Console.WriteLine(Invariant($"test accuracy: {Trainer.Evaluate(net, test).Accuracy:P2} ({test.Count} images)"));

            string folder = Path.Combine(Path.GetTempPath(), "netgen-aot-sample");
            Directory.CreateDirectory(folder);
            string weights = Path.Combine(folder, "digits.safetensors");
            net.Save(weights);
            var loaded = new DigitsCnn(seed: 2);
            loaded.Load(weights);
            Console.WriteLine(Invariant($"reloaded from {new FileInfo(weights).Length:N0} bytes of safetensors: test accuracy {Trainer.Evaluate(loaded, test).Accuracy:P2}"));
            string onnx = Path.Combine(folder, "digits.onnx");
            loaded.ExportOnnx(onnx);
            Console.WriteLine(Invariant($"ONNX model: {new FileInfo(onnx).Length:N0} bytes"));
            return 0;
        }

        private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
    }
}
