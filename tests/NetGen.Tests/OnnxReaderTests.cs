using System;
using System.IO;
using System.Linq;
using NetGen.Tests.Parity;
using Microsoft.ML.OnnxRuntime;
using NetGen.Tool.Import;
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

        /// <summary>
        /// The import (issue 19, in progress): PyTorch's LeNet-5 becomes a declaration that compiles, its weights a file the
        /// network loads strictly by name, and Forward gives ONNX Runtime's outputs for the same file within 1e-5.
        /// </summary>
        public static TheoryData<string, int> Models()
        {
            var data = new TheoryData<string, int>();
            foreach (string model in new[] { "lenet5", "mlp", "conv1d", "separable", "residual", "residual_bn", "decoder", "reshape_prelu", "pool1d", "fixed_batch", "two_heads", "pre_post", "inception" })
                foreach (int opset in new[] { 11, 13, 17 })
                    data.Add(model, opset);

            // the old opsets PyTorch 1.x writes (attributes where later opsets have inputs; Upsample; Softmax's old axis rule)
            foreach (string model in new[] { "lenet5", "conv1d", "separable", "residual", "residual_bn", "reshape_prelu", "pool1d" })
                foreach (int opset in new[] { 7, 9, 10 })
                    data.Add(model, opset);
            data.Add("mlp", 9);
            data.Add("mlp", 10);
            data.Add("decoder", 9);
            data.Add("decoder", 10);
            data.Add("mlp_gelu", 20); // the Gelu operator
            return data;
        }

        [Theory]
        [MemberData(nameof(Models))]
        public void PyTorchs_models_import_compile_load_and_match_ONNX_Runtime(string name, int opset)
        {
            string path = FixturePath("onnx_" + name + "_opset" + opset + ".onnx");
            var model = OnnxModel.Read(path);
            Assert.Equal(opset, model.Opset);
            var result = Importer.Import(model);
            if (name == "decoder" && opset < 11)
            {
                // before opset 11 ONNX's linear resizing has asymmetric coordinates, PyTorch's bilinear half-pixel ones: refused
                Assert.Equal(new[] { "linear resizing with asymmetric coordinates; NetGen's is align_corners=False (half pixel)" }, result.Problems.Select(p => p[(p.IndexOf("): ", StringComparison.Ordinal) + 3)..]));
                Assert.Contains(opset == 9 ? "(Upsample)" : "(Resize)", result.Problems[0]);
                return;
            }

            Assert.True(result.Problems.Count == 0, string.Join("\n", result.Problems));
            MatchesOnnxRuntime(path, result);
        }

        /// <summary>
        /// Compiles the import, loads its weights strictly, and compares Forward on three probe samples with PyTorch's outputs
        /// (recorded in the fixture) and with ONNX Runtime on the file.
        /// </summary>
        private static void MatchesOnnxRuntime(string path, Importer.Result result, bool softmax = false)
        {
            string name = Path.GetFileNameWithoutExtension(path);
            string source = result.Source("Imported", "Imports", name + ".onnx");
            if (name.StartsWith("onnx_lenet5", StringComparison.Ordinal)) Assert.Contains("[Conv(6, k: 5, p: 2, act: Act.ReLU, Name = \"conv1\")]", source);
            var net = TestCompiler.Create(TestCompiler.CompileAndLoad(source), "Imports.Imported");
            using (var weights = new MemoryStream())
            {
                result.SaveWeights(weights);
                weights.Position = 0;
                net.Load(weights);
            }

            // three probe samples, the inputs PyTorch's outputs in the fixture were computed on (one where the model's batch is fixed)
            var fixture = File.Exists(Path.ChangeExtension(path, ".json")) ? Fixture.LoadFile(Path.ChangeExtension(path, ".json")) : null;
            int batch = fixture != null && fixture.Has("input") && fixture["input"][0].ValueKind == System.Text.Json.JsonValueKind.Number ? 1 : 3;
            var x = TorchvisionImportTests.Probe(3 * net.InputLength);
            var y = new float[3 * net.OutputLength];
            net.Forward(x, y, 3);
            if (fixture != null && fixture.Has("output") && !softmax)
            {
                // the first samples of the probe (torchvision's fixtures record two)
                var pytorch = fixture.Floats("output");
                Assert.True(pytorch.Length <= y.Length && pytorch.Length % net.OutputLength == 0, $"{pytorch.Length} recorded outputs");
                for (int i = 0; i < pytorch.Length; i++) Assert.True(Math.Abs(y[i] - pytorch[i]) <= 1e-5 * Math.Max(1, Math.Abs(pytorch[i])), $"output {i}: NetGen {y[i]:R}, PyTorch {pytorch[i]:R}");
            }

            x = x.AsSpan(0, batch * net.InputLength).ToArray();
            y = y.AsSpan(0, batch * net.OutputLength).ToArray();
            using var session = new InferenceSession(File.ReadAllBytes(path));
            using var value = OrtValue.CreateTensorValueFromMemory(x, new long[] { batch }.Concat(result.InputShape.Select(d => (long)d)).ToArray());
            using var results = session.Run(new RunOptions(), new[] { "input" }, new[] { value }, session.OutputNames.ToArray());
            // the outputs side by side per sample, in the order Forward writes them (the heads' layer order)
            var names = session.OutputNames.ToList();
            var order = result.Outputs.Count > 0 ? result.Outputs : names;
            var parts = order.Select(o => results[names.IndexOf(o)].GetTensorDataAsSpan<float>().ToArray()).ToList();
            var expected = Enumerable.Range(0, batch).SelectMany(n => parts.SelectMany(p => p.Skip(n * (p.Length / batch)).Take(p.Length / batch))).ToArray();
            Assert.Equal(expected.Length, y.Length);
            if (softmax)
            {
                // --add-softmax: the probabilities of ONNX Runtime's logits, per sample
                for (int n = 0; n < batch; n++)
                {
                    var row = expected.AsSpan(n * net.OutputLength, net.OutputLength);
                    double max = row.ToArray().Max(), sum = row.ToArray().Sum(v => Math.Exp(v - max));
                    for (int k = 0; k < row.Length; k++) row[k] = (float)(Math.Exp(row[k] - max) / sum);
                }
            }

            for (int i = 0; i < y.Length; i++) Assert.True(Math.Abs(y[i] - expected[i]) <= 1e-5 * Math.Max(1, Math.Abs(expected[i])), $"output {i}: NetGen {y[i]:R}, ONNX Runtime {expected[i]:R}");
        }

        /// <summary>What PyTorch's patterns become: each is the layer the issue names, not an approximation.</summary>
        [Theory]
        [InlineData("reshape_prelu", 11, "[PReLU(perChannel: true, Name = \"act\")] // node \"/act/PRelu\" (PRelu)")]
        [InlineData("reshape_prelu", 17, "[Flatten(Name = \"flatten3\")] // node \"/Reshape\" (Reshape)")]
        [InlineData("reshape_prelu", 13, "[Dense(8, Bias = false, Name = \"hidden\")] // node \"/hidden/MatMul\" (MatMul)")]
        [InlineData("reshape_prelu", 9, "[PReLU(Name = \"act2\")]")]
        [InlineData("pool1d", 13, "[MaxPool(2, Name = \"maxpool2\")] // node \"/Unsqueeze\" (Unsqueeze), node \"/MaxPool\" (MaxPool), node \"/Squeeze\" (Squeeze)")]
        [InlineData("pool1d", 7, "[AvgPool(2, Name = \"avgpool3\")]")]
        [InlineData("mlp", 9, "act: Act.GELU")]
        [InlineData("mlp_gelu", 20, "[Dense(16, act: Act.GELU, Name = \"dense3\")] // node \"/3/Gemm\" (Gemm), node \"/4/Gelu\" (Gelu)")]
        [InlineData("separable", 7, "[Conv(16, k: 3, p: 1, act: Act.ReLU6, Groups = 16")]
        [InlineData("two_heads", 13, "[Dense(4, act: Act.Softmax, Output = true, Name = \"digit\")]")]
        [InlineData("inception", 17, "[Concat(\"b\", \"c\", From = \"a\", Name = \"concat4\")] // node \"/Concat\" (Concat)")]
        [InlineData("pre_post", 13, "[Activation(Act.ReLU, Name = \"activation2\")]")]
        [InlineData("two_heads", 17, "// Forward writes the model's outputs side by side per sample: \"output\", \"output2\".")]
        public void PyTorchs_patterns_become_the_layers_they_compute(string name, int opset, string expected)
        {
            var result = Importer.Import(OnnxModel.Read(FixturePath("onnx_" + name + "_opset" + opset + ".onnx")));
            Assert.True(result.Problems.Count == 0, string.Join("\n", result.Problems));
            Assert.Contains(expected, result.Source("Imported", null, "model.onnx"));
        }

        /// <summary>
        /// --fold-batch-norm: each batch normalization after a convolution folds into it (one layer less each, a bias
        /// where there was none), the outputs stay ONNX Runtime's; without the option the layers stay (the default).
        /// </summary>
        [Theory]
        [InlineData("onnx_residual_bn_opset13.onnx", 3)]
        [InlineData("onnx_resnet18_opset17.onnx", 20)]
        public void Batch_normalization_folds_into_the_layer_before_only_when_asked(string file, int batchNorms)
        {
            var model = OnnxModel.Read(FixturePath(file));
            var kept = Importer.Import(model);
            var folded = Importer.Import(model, foldBatchNorm: true);
            Assert.Empty(folded.Problems);
            Assert.Equal(batchNorms, kept.Attributes.Count(a => a.StartsWith("[BatchNorm(", StringComparison.Ordinal)));
            Assert.DoesNotContain(folded.Attributes, a => a.StartsWith("[BatchNorm(", StringComparison.Ordinal));
            // one layer less per batch normalization, and an activation after it may now fold into the layer too
            Assert.True(folded.Attributes.Count <= kept.Attributes.Count - batchNorms, $"{folded.Attributes.Count} layers folded, {kept.Attributes.Count} kept");
            Assert.Contains(folded.Attributes, a => a.Contains("(BatchNormalization, folded)", StringComparison.Ordinal) && !a.Contains("Bias = false", StringComparison.Ordinal));
            Assert.Empty(folded.Counters);
            MatchesOnnxRuntime(FixturePath(file), folded);
        }

        /// <summary>
        /// --add-softmax: the finetune sample's classifier (samples/pytorch/train_digits.py) ends in a softmax; its Forward gives
        /// the softmax of ONNX Runtime's logits, and the declaration committed in the sample is what the importer writes now.
        /// </summary>
        [Fact]
        public void A_classifier_imported_with_add_softmax_outputs_the_probabilities_of_its_logits()
        {
            string? root = AppContext.BaseDirectory;
            while (root != null && !File.Exists(Path.Combine(root, "NetGen.sln"))) root = Path.GetDirectoryName(root);
            string folder = Path.Combine(root!, "samples", "NetGen.Samples", "Imported");
            var result = Importer.Import(OnnxModel.Read(Path.Combine(folder, "digits_pytorch.onnx")), addSoftmax: true);
            Assert.Empty(result.Problems);
            Assert.Equal(File.ReadAllText(Path.Combine(folder, "DigitsFromPyTorch.cs")).ReplaceLineEndings("\n"), result.Source("DigitsFromPyTorch", "NetGen.Samples", "digits_pytorch.onnx"));
            Assert.Contains("[Dense(10, act: Act.Softmax, Name = \"dense7\")] // node \"/8/Gemm\" (Gemm), --add-softmax", result.Source("A", null, "x"));
            MatchesOnnxRuntime(Path.Combine(folder, "digits_pytorch.onnx"), result, softmax: true);

            // a model that ends in a softmax already is refused the option
            var twice = Importer.Import(OnnxModel.Read(FixturePath("onnx_separable_opset13.onnx")), addSoftmax: true);
            Assert.Equal(new[] { "--add-softmax: the model already ends in a softmax" }, twice.Problems);
        }

        /// <summary>Every construct NetGen cannot represent (tests/fixtures/make_onnx_models.py's REFUSALS, exported by PyTorch) is refused with its reason.</summary>
        [Theory]
        [InlineData("layernorm")]
        [InlineData("gather")]
        [InlineData("multiply")]
        [InlineData("ceil_pool")]
        [InlineData("dilated_pool")]
        [InlineData("clamp")]
        [InlineData("softmax_channels")]
        [InlineData("fractional_upsample")]
        [InlineData("bilinear_opset9")]
        [InlineData("concat_rows")]
        [InlineData("transpose")]
        [InlineData("reshape")]
        [InlineData("output_is_input")]
        [InlineData("crop")]
        public void PyTorchs_constructs_NetGen_cannot_represent_are_refused_with_their_reason(string name)
        {
            var fixture = Fixture.Load("onnx_refused_" + name);
            string? op = fixture["operator"].GetString();
            string reason = fixture["reason"].GetString()!;
            var result = Importer.Import(OnnxModel.Read(FixturePath("onnx_refused_" + name + ".onnx")));
            Assert.Single(result.Problems);
            string problem = result.Problems[0];
            if (op is null) Assert.StartsWith(reason, problem, StringComparison.Ordinal);
            else
            {
                Assert.Matches("^node \"[^\"]+\" \\(" + op + "\\): ", problem);
                Assert.Contains(reason, problem);
            }
        }

        [Fact]
        public void What_cannot_be_represented_is_refused_node_by_node()
        {
            var net = new LayerNormDense(2);
            using var stream = new MemoryStream();
            net.ExportOnnx(stream);
            var result = Importer.Import(OnnxModel.Read(stream.ToArray()));
            Assert.Contains(result.Problems, p => p.StartsWith("node \"", StringComparison.Ordinal) && p.EndsWith("(LayerNormalization): operator not supported", StringComparison.Ordinal));
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
        [Theory]
        [InlineData("onnx_lenet5_opset13.onnx", 19)]
        [InlineData("onnx_separable_opset11.onnx", 20)]
        [InlineData("onnx_residual_bn_opset17.onnx", 21)]
        public void Damaged_files_are_refused_with_InvalidDataException_and_never_crash(string file, int seed)
        {
            var bytes = File.ReadAllBytes(FixturePath(file));
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

                    var result = Importer.Import(model); // a damaged model imports or lists its problems: never a crash
                    Assert.False(result.Problems.Any(p => p.Contains("an importer defect", StringComparison.Ordinal)), string.Join("\n", result.Problems));
                    if (result.Problems.Count == 0) Assert.Equal(result.Tensors.Count, result.Tensors.Select(t => t.Name).Distinct().Count());
                }
                catch (InvalidDataException)
                {
                    refused++;
                }
            }

            // truncated at the start, in the header and through the graph
            for (int length = 0; length < 2048; length++) Attempt(bytes.AsSpan(0, length).ToArray());
            for (int length = 2048; length < bytes.Length; length += 4093) Attempt(bytes.AsSpan(0, length).ToArray());
            var random = new Random(seed);
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

            Assert.True(refused > 500, $"only {refused} damaged files were refused");
            Assert.Throws<InvalidDataException>(() => OnnxModel.Read(new byte[] { 0x08 })); // a tag with its varint cut off
            Assert.Throws<InvalidDataException>(() => OnnxModel.Read(Array.Empty<byte>()));  // no graph
        }

        [Fact]
        public void The_import_command_writes_the_declaration_and_weights_or_nothing()
        {
            string folder = Path.Combine(Path.GetTempPath(), "netgen-import-" + Guid.NewGuid().ToString("N"));
            try
            {
                var output = new StringWriter();
                var error = new StringWriter();
                Assert.Equal(0, NetGen.Tool.Program.Run(new[] { "import", FixturePath("onnx_lenet5_opset17.onnx"), "--class", "LeNet", "--namespace", "Demo", "--out", folder }, output, error));
                Assert.Equal("", error.ToString());
                Assert.Contains("namespace Demo", File.ReadAllText(Path.Combine(folder, "LeNet.cs")));
                Assert.Contains("[Dense(10, Name = \"dense8\")] // node \"/11/Gemm\" (Gemm)", File.ReadAllText(Path.Combine(folder, "LeNet.cs")));
                Assert.True(new FileInfo(Path.Combine(folder, "LeNet.safetensors")).Length > 61_706 * 4);
                // the layer table: LeNet-5's parameter counts by hand (5*5*1*6+6, 5*5*6*16+16, 400*120+120, 120*84+84, 84*10+10)
                string table = output.ToString();
                Assert.Contains("8 layers, 61,706 parameters, input (1, 28, 28)", table);
                Assert.Matches(@"1  conv1     Conv \+ ReLU   \(6, 28, 28\) +156  ""/0/Conv"" \(Conv\), ""/1/Relu"" \(Relu\)", table);
                Assert.Matches(@"6  dense6    Dense \+ ReLU  \(120\) +48,120", table);

                // refused: one line per problem, exit code 2, nothing written
                var net = new LayerNormDense(2);
                string refusedModel = Path.Combine(folder, "layernorm.onnx");
                net.ExportOnnx(refusedModel);
                error = new StringWriter();
                Assert.Equal(2, NetGen.Tool.Program.Run(new[] { "import", refusedModel, "--class", "Refused", "--out", Path.Combine(folder, "refused") }, new StringWriter(), error));
                Assert.Contains("(LayerNormalization): operator not supported", error.ToString());
                Assert.Contains("nothing was written", error.ToString());
                Assert.False(Directory.Exists(Path.Combine(folder, "refused")));

                error = new StringWriter();
                Assert.Equal(2, NetGen.Tool.Program.Run(new[] { "import", FixturePath("onnx_lenet5_opset17.onnx"), "--class", "2bad" }, new StringWriter(), error));
                Assert.Contains("expected --class with a C# identifier, but got '2bad'", error.ToString());
                error = new StringWriter();
                Assert.Equal(2, NetGen.Tool.Program.Run(new[] { "import", FixturePath("onnx_lenet5_opset17.onnx"), "--class", "class" }, new StringWriter(), error));
                Assert.Contains("expected --class with a C# identifier, but got 'class'", error.ToString());
            }
            finally
            {
                if (Directory.Exists(folder)) Directory.Delete(folder, true);
            }
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
