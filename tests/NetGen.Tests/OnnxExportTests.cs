using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>
    /// ONNX export: every test network's exported graph, run by ONNX Runtime, gives NetGen's own outputs; the model's
    /// input, outputs and initializers are named as documented.
    /// </summary>
    public class OnnxExportTests
    {
        public static IEnumerable<object[]> Networks =>
            new[]
            {
                "LeNet5", "TanhSoftmax", "ReluEluSigmoid", "SeluLeakyIdentity", "SigmoidTanhSoftmax", "Conv1dNet", "Conv3dNet", "Decoder", "MixedConv",
                "BatchNormDense", "BatchNormConv", "LayerNormDense", "LayerNormConv", "WeightNormDense", "WeightNormConv",
                "ResidualCnn", "ConcatBranches", "TwoHeads", "InputShortcut", "Weights.EveryKind", "ActivationsDense", "ActivationsConv", "GlobalMaxHead", "GlobalAvgHead", "PReLUDense", "PReLUConv", "GroupedConv", "GroupedConv1d", "PadLayers", "ConvPaddingModes", "UpsampleNet", "Upsample1d",
            }.Select(n => new object[] { n });

        [Theory]
        [MemberData(nameof(Networks))]
        public void ONNX_Runtime_runs_the_exported_graph_with_NetGens_outputs(string type)
        {
            var net = (INetwork)Activator.CreateInstance(Type.GetType(type.StartsWith("Weights.") ? "NetGen.Tests." + type : "NetGen.Tests.Parity." + type, throwOnError: true)!, 3)!;
            var rng = new Random(5);
            int batch = 4;
            var x = Enumerable.Range(0, batch * net.InputLength).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            if (net.Buffers.Length > 0)
            {
                // training moves the running statistics away from 0 and 1, so the export must carry them
                var y = Enumerable.Range(0, batch * net.OutputLength).Select(_ => (float)rng.NextDouble()).ToArray();
                net.TrainStep(x, y, batch, new Sgd(0.1f));
                net.TrainStep(x, y, batch, new Sgd(0.1f));
            }

            var expected = new float[batch * net.OutputLength];
            net.Forward(x, expected, batch);

            using var stream = new MemoryStream();
            net.ExportOnnx(stream);
            using var options = new SessionOptions { IntraOpNumThreads = 1 };
            using var session = new InferenceSession(stream.ToArray(), options);
            var input = session.InputMetadata.Single();
            Assert.Equal("input", input.Key);
            Assert.Equal(-1, input.Value.Dimensions[0]); // the batch is symbolic
            var shape = new long[] { batch }.Concat(input.Value.Dimensions.Skip(1).Select(d => (long)d)).ToArray();
            Assert.Equal(net.InputLength, shape.Skip(1).Aggregate(1L, (a, d) => a * d));

            using var value = OrtValue.CreateTensorValueFromMemory(x, shape);
            using var results = session.Run(new RunOptions(), new[] { "input" }, new[] { value }, session.OutputNames.ToArray());
            // the heads side by side, in the order of the network's outputs
            var perHead = results.Select(r => r.GetTensorDataAsSpan<float>().ToArray()).ToList();
            var widths = perHead.Select(h => h.Length / batch).ToList();
            Assert.Equal(net.OutputLength, widths.Sum());
            var actual = new float[expected.Length];
            for (int n = 0; n < batch; n++)
            {
                int offset = 0;
                for (int h = 0; h < perHead.Count; h++)
                {
                    Array.Copy(perHead[h], n * widths[h], actual, n * net.OutputLength + offset, widths[h]);
                    offset += widths[h];
                }
            }

            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-5 * Math.Max(1.0, Math.Abs(expected[i])), $"output {i}: ONNX Runtime {actual[i]:R}, NetGen {expected[i]:R}");
            }
        }

        [Fact]
        public void Outputs_are_named_after_the_heads_and_initializers_after_the_state_dict()
        {
            var net = new Parity.TwoHeads(1);
            using var stream = new MemoryStream();
            net.ExportOnnx(stream);
            using var session = new InferenceSession(stream.ToArray());
            Assert.Equal(new[] { "digit", "flags" }, session.OutputNames);
            Assert.Equal(new[] { -1, 4 }, session.OutputMetadata["digit"].Dimensions);
            var metadata = session.ModelMetadata;
            Assert.Equal("NetGen", metadata.ProducerName);
            Assert.Equal("TwoHeads", metadata.GraphName);
            // the initializers carry PyTorch's names: each appears in the file as a length-prefixed string after TensorProto's name tag (8)
            var bytes = stream.ToArray();
            foreach (var t in net.Tensors)
            {
                var field = new byte[] { 8 << 3 | 2, (byte)t.Name.Length }.Concat(System.Text.Encoding.UTF8.GetBytes(t.Name)).ToArray();
                Assert.True(bytes.AsSpan().IndexOf(field) >= 0, t.Name);
            }
        }

        [Fact]
        public void Exporting_to_a_file_replaces_it_atomically()
        {
            string folder = Directory.CreateTempSubdirectory("netgen-onnx").FullName;
            try
            {
                string path = Path.Combine(folder, "lenet5.onnx");
                File.WriteAllText(path, "an older file");
                new Parity.LeNet5(1).ExportOnnx(path);
                using var session = new InferenceSession(path);
                Assert.Equal(new[] { "dense7" }, session.OutputNames);
                Assert.Equal(new[] { "lenet5.onnx" }, Directory.GetFiles(folder).Select(Path.GetFileName));
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
