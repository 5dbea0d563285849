using System;
using System.IO;
using System.Linq;
using NetGen.Imported;
using NetGen.Tests.Parity;
using NetGen.Tool.Import;
using NetGen.Tool.Onnx;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>
    /// Issue 19's real architectures: torchvision's resnet18 and mobilenet_v2 (default initialization, eval mode, exported by
    /// tests/fixtures/make_onnx_models.py --torchvision at 3x64x64, opset 17) import; the declarations the importer writes
    /// are the ones compiled into this assembly (tests/Shared/Imported, also benchmarked); the weights load strictly; and
    /// Forward on a batch of two gives PyTorch's outputs, which the script recorded.
    /// </summary>
    public class TorchvisionImportTests
    {
        private static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

        /// <summary>The probe input both sides compute: ((i * 7919) mod 2001) / 1000 - 1.</summary>
        internal static float[] Probe(int length) => Enumerable.Range(0, length).Select(i => (float)((long)i * 7919 % 2001 / 1000.0 - 1.0)).ToArray();

        /// <summary>The committed declaration of <paramref name="className"/> (tests/Shared/Imported), as the repository holds it.</summary>
        private static string Committed(string className)
        {
            string? folder = AppContext.BaseDirectory;
            while (folder != null && !File.Exists(Path.Combine(folder, "NetGen.sln"))) folder = Path.GetDirectoryName(folder);
            Assert.NotNull(folder);
            return File.ReadAllText(Path.Combine(folder!, "tests", "Shared", "Imported", className + ".cs"));
        }

        [Theory]
        // parameter counts as torchvision's documentation gives them (running statistics are buffers, not parameters)
        [InlineData("resnet18", "ResNet18", 60, "11,689,512")]
        [InlineData("mobilenet_v2", "MobileNetV2", 151, "3,504,872")]
        public void Torchvision_models_import_compile_load_and_match_PyTorch(string name, string className, int layers, string parameters)
        {
            string file = "onnx_" + name + "_opset17";
            var result = Importer.Import(OnnxModel.Read(FixturePath(file + ".onnx")));
            Assert.True(result.Problems.Count == 0, string.Join("\n", result.Problems));
            Assert.Contains($"{layers} layers, {parameters} parameters, input (3, 64, 64)", result.Table);
            Assert.Equal(Committed(className).ReplaceLineEndings("\n"), result.Source(className, "NetGen.Imported", file + ".onnx"));
            // the folded variant the benchmarks compare (netgen import --fold-batch-norm)
            var folded = Importer.Import(OnnxModel.Read(FixturePath(file + ".onnx")), foldBatchNorm: true);
            Assert.Equal(Committed(className + "Folded").ReplaceLineEndings("\n"), folded.Source(className + "Folded", "NetGen.Imported", file + ".onnx"));

            INetwork net = name == "resnet18" ? new ResNet18() : new MobileNetV2();
            using (var weights = new MemoryStream())
            {
                result.SaveWeights(weights);
                weights.Position = 0;
                net.Load(weights);
            }

            const int batch = 2;
            var x = Probe(batch * net.InputLength);
            var y = new float[batch * net.OutputLength];
            net.Forward(x, y, batch);
            var expected = Fixture.Load(file)["output"].EnumerateArray().Select(e => e.GetSingle()).ToArray();
            Assert.Equal(expected.Length, y.Length);
            // mobilenet_v2's default initialization gives outputs near 1e-9, so the error is also held to 1e-4 of the largest
            float scale = expected.Max(Math.Abs);
            Assert.True(scale > 0);
            for (int i = 0; i < y.Length; i++)
            {
                float error = Math.Abs(y[i] - expected[i]);
                Assert.True(error <= 1e-5 * Math.Max(1, Math.Abs(expected[i])) && error <= 1e-4 * scale, $"output {i}: NetGen {y[i]:R}, PyTorch {expected[i]:R}");
            }
        }
    }
}
