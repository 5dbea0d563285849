using System;
using System.IO;
using System.Linq;
using NetGen.Tests.Parity;
using NetGen.Tool.Onnx;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>
    /// Issue 19's first stage: reading ONNX models. Files exported by PyTorch at opsets 11, 13 and 17
    /// (tests/fixtures/make_onnx_models.py, with what they must hold taken from PyTorch's side), NetGen's own exports read
    /// back, and damaged files, which must give an InvalidDataException and nothing else.
    /// </summary>
    public class OnnxReaderTests
    {
        private static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

        [Theory]
        [InlineData(11)]
        [InlineData(13)]
        [InlineData(17)]
        public void PyTorchs_export_reads_with_its_opset_operators_and_initializers(int opset)
        {
            string name = "onnx_lenet5_opset" + opset;
            var fixture = Fixture.Load(name);
            var model = OnnxModel.Read(FixturePath(name + ".onnx"));
            Assert.Equal(opset, model.Opset);
            Assert.Equal("pytorch", model.Producer);
            Assert.Equal(new[] { "Conv", "Relu", "MaxPool", "Conv", "Relu", "MaxPool", "Flatten", "Gemm", "Relu", "Gemm", "Relu", "Gemm" }, model.Graph.Nodes.Select(n => n.OpType));

            var input = model.Graph.Inputs.Single(i => i.Name == "input");
            Assert.Equal(new long?[] { null, 1, 28, 28 }, input.Dims);
            Assert.Equal("batch", input.DimNames[0]);
            Assert.Equal(DataType.Float, input.ElementType);

            foreach (var entry in fixture["initializers"].EnumerateObject())
            {
                var tensor = model.Graph.Initializers[entry.Name];
                Assert.Equal(entry.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()), tensor.Dims);
                double sum = tensor.ToFloats().Sum(v => (double)v), expected = entry.Value.GetProperty("sum").GetDouble();
                Assert.True(Math.Abs(sum - expected) <= 1e-5 * Math.Max(1, Math.Abs(expected)), $"{entry.Name}: sum {sum} vs PyTorch {expected}");
            }

            var conv = model.Graph.Nodes[0];
            Assert.Equal(new long[] { 5, 5 }, conv.Attribute("kernel_shape")!.Ints);
            Assert.Equal(new long[] { 2, 2, 2, 2 }, conv.Attribute("pads")!.Ints);
            Assert.Equal(AttributeType.Ints, conv.Attribute("pads")!.Type);
            Assert.Equal(1, model.Graph.Nodes[7].Attribute("transB")!.Int);
        }

        [Fact]
        public void NetGens_own_export_reads_back_with_its_tensors()
        {
            var net = new LeNet5(4);
            using var stream = new MemoryStream();
            net.ExportOnnx(stream);
            var model = OnnxModel.Read(stream.ToArray());
            Assert.Equal(17, model.Opset);
            Assert.Equal("NetGen", model.Producer);
            foreach (var tensor in net.Tensors)
            {
                var read = model.Graph.Initializers[tensor.Name];
                Assert.Equal(tensor.Shape.Select(d => (long)d), read.Dims);
                Assert.Equal(net.Parameters.Slice(tensor.Offset, tensor.Length).ToArray(), read.ToFloats());
            }

            Assert.Contains(model.Graph.Nodes, n => n.OpType == "Conv");
            Assert.Single(model.Graph.Outputs);
        }

        /// <summary>Damaged files: every truncation point and thousands of random byte changes give InvalidDataException or a model, never another exception.</summary>
        [Fact]
        public void Damaged_files_are_refused_with_InvalidDataException_and_never_crash()
        {
            var bytes = File.ReadAllBytes(FixturePath("onnx_lenet5_opset13.onnx"));
            int refused = 0;
            void Attempt(byte[] candidate)
            {
                try
                {
                    var model = OnnxModel.Read(candidate);
                    foreach (var tensor in model.Graph.Initializers.Values)
                    {
                        if (tensor.DataType == DataType.Int64) tensor.ToInt64s();
                        else tensor.ToFloats();
                    }
                }
                catch (InvalidDataException)
                {
                    refused++;
                }
            }

            // truncated at the start, in the header and through the graph
            for (int length = 0; length < 2048; length++) Attempt(bytes.AsSpan(0, length).ToArray());
            for (int length = 2048; length < bytes.Length; length += 4093) Attempt(bytes.AsSpan(0, length).ToArray());
            var random = new Random(19);
            for (int trial = 0; trial < 3000; trial++)
            {
                var damaged = (byte[])bytes.Clone();
                int changes = 1 + random.Next(4);
                for (int c = 0; c < changes; c++)
                {
                    int at = random.Next(Math.Min(damaged.Length, trial % 2 == 0 ? 4096 : damaged.Length)); // half the changes in the structure up front
                    damaged[at] = (byte)random.Next(256);
                }

                Attempt(damaged);
            }

            Assert.True(refused > 1000, $"only {refused} damaged files were refused");
            Assert.Throws<InvalidDataException>(() => OnnxModel.Read(new byte[] { 0x08 })); // a tag with its varint cut off
            Assert.Throws<InvalidDataException>(() => OnnxModel.Read(Array.Empty<byte>()));  // no graph
        }

        [Fact]
        public void The_tool_lists_a_models_graph_and_refuses_what_is_not_onnx()
        {
            var output = new StringWriter();
            var error = new StringWriter();
            Assert.Equal(0, NetGen.Tool.Program.Run(new[] { "inspect", FixturePath("onnx_lenet5_opset17.onnx") }, output, error));
            Assert.Contains("opset 17, produced by pytorch", output.ToString());
            Assert.Contains("(Gemm)", output.ToString());

            error = new StringWriter();
            Assert.Equal(2, NetGen.Tool.Program.Run(new[] { "inspect", FixturePath("weights_lenet5.safetensors") }, new StringWriter(), error));
            Assert.StartsWith("netgen: ", error.ToString());
            Assert.Contains("weights_lenet5.safetensors", error.ToString());

            error = new StringWriter();
            Assert.Equal(2, NetGen.Tool.Program.Run(new[] { "inspect", FixturePath("missing.onnx") }, new StringWriter(), error));
            Assert.Contains("missing.onnx", error.ToString());
        }
    }
}
