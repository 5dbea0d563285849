using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using NetGen.Tests.Parity;
using Xunit;

namespace NetGen.Tests.Weights
{
    /// <summary>Every layer kind in one network, as the EveryKind snapshot: the round trip covers each kind's tensors.</summary>
    [Network(2, 8, 8)]
    [Conv(4, k: 3, p: 1, Name = "conv")]
    [BatchNorm]
    [Activation(Act.ReLU)]
    [ConvTranspose(4, k: 2, s: 2)]
    [AvgPool(2)]
    [Add("conv")]
    [MaxPool(2)]
    [GaussianNoise(0.1)]
    [Flatten(Name = "flat")]
    [LayerNorm]
    [Dense(16, Act.ELU, WeightNorm = true)]
    [AlphaDropout(0.1)]
    [Dense(8, Act.Tanh)]
    [BatchNorm]
    [Dropout(0.2)]
    [Concat("flat")]
    [Identity]
    [Dense(3, Act.Softmax)]
    public partial class EveryKind { }
}

namespace NetGen.Tests
{
    /// <summary>
    /// Weight files: files recorded by PyTorch (tests/fixtures/make_weight_files.py) load and reproduce PyTorch's outputs;
    /// NetGen's files round-trip bit for bit and read back with an independent reader; bad files are refused with a message
    /// naming the problem and leave the network as it was.
    /// </summary>
    public class SafeTensorsTests
    {
        private static INetwork Create(string type, int seed = 0) =>
            (INetwork)Activator.CreateInstance(Type.GetType("NetGen.Tests.Parity." + type, throwOnError: true)!, seed)!;

        private static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name + ".safetensors");

        public static IEnumerable<object[]> PyTorchFiles => new[]
        {
            new object[] { "weights_lenet5" },
            new object[] { "weights_batchnorm_conv_f64" },
            new object[] { "weights_weightnorm_conv_f16" },
            new object[] { "weights_residual_cnn_bf16" },
            new object[] { "weights_two_heads" },
            new object[] { "weights_layernorm_conv" },
        };

        [Theory]
        [MemberData(nameof(PyTorchFiles))]
        public void A_file_PyTorch_wrote_loads_and_gives_PyTorchs_outputs(string name)
        {
            var fixture = Fixture.Load(name);
            var net = Create(fixture["network"].GetString()!, seed: 5);
            // the names and shapes are PyTorch's state_dict(), in its order
            Assert.Equal(fixture["names"].EnumerateArray().Select(e => e.GetString()), net.Tensors.Select(t => t.Name));
            Assert.Equal(fixture["shapes"].EnumerateArray().Select(s => string.Join("x", s.EnumerateArray().Select(d => d.GetInt32()))),
                net.Tensors.Select(t => string.Join("x", t.Shape)));

            net.Load(FixturePath(name));
            AssertOutputs(fixture, net);
        }

        /// <summary>
        /// NetGen writes each PyTorch case back (into the test output's weights-check folder, with its outputs), and reads
        /// it again unchanged; <c>make_weight_files.py --check</c> loads that folder in PyTorch with strict names.
        /// </summary>
        [Theory]
        [MemberData(nameof(PyTorchFiles))]
        public void A_file_NetGen_writes_holds_the_loaded_state(string name)
        {
            var fixture = Fixture.Load(name);
            var net = Create(fixture["network"].GetString()!);
            net.Load(FixturePath(name));
            string folder = Path.Combine(AppContext.BaseDirectory, "weights-check");
            Directory.CreateDirectory(folder);
            net.Save(Path.Combine(folder, name + ".safetensors"));
            net.ExportOnnx(Path.Combine(folder, name + ".onnx")); // for the script's ONNX checker
            var outputs = new float[fixture.Floats("outputs").Length];
            net.Forward(fixture.Floats("inputs"), outputs, fixture.Int("batch"));
            System.IO.File.WriteAllText(Path.Combine(folder, name + ".outputs.json"), JsonSerializer.Serialize(new { inputs = fixture.Floats("inputs"), outputs }));

            var again = Create(fixture["network"].GetString()!, seed: 8);
            again.Load(Path.Combine(folder, name + ".safetensors"));
            AssertSameState(net, again);
        }

        /// <summary>Float32 against float32 with other summation orders: within 1e-6 of each output's scale (probabilities: 1).</summary>
        private static void AssertOutputs(Fixture fixture, INetwork net)
        {
            int batch = fixture.Int("batch");
            var inputs = fixture.Floats("inputs");
            var expected = fixture.Floats("outputs");
            var actual = new float[expected.Length];
            net.Forward(inputs, actual, batch);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-6 * Math.Max(1.0, Math.Abs(expected[i])), $"output {i}: NetGen {actual[i]:R}, PyTorch {expected[i]:R}");
            }
        }

        [Fact]
        public void Batch_normalization_state_loads_running_statistics_and_the_batch_count()
        {
            var net = Create("BatchNormConv");
            net.Load(FixturePath("weights_batchnorm_conv_f64"));
            Assert.Equal(new long[] { 3 }, net.Counters.ToArray()); // three training batches in the script
            Assert.DoesNotContain(0f, net.Buffers.Slice(0, 4).ToArray()); // running means moved away from 0
            Assert.DoesNotContain(1f, net.Buffers.Slice(4, 4).ToArray()); // and variances from 1
        }

        [Fact]
        public void A_module_with_other_names_loads_by_order_and_shape_but_not_by_name()
        {
            var net = Create("LeNet5", seed: 3);
            var before = net.Parameters.ToArray();
            var e = Assert.Throws<InvalidDataException>(() => net.Load(FixturePath("weights_lenet5_modules")));
            Assert.Contains("20 problems", e.Message); // all ten missing and all ten unexpected names, in one message
            Assert.Contains("missing tensor '0.weight' [6, 1, 5, 5]", e.Message);
            Assert.Contains("unexpected tensor 'conv1.weight' [6, 1, 5, 5]", e.Message);
            Assert.Equal(before, net.Parameters.ToArray());

            net.Load(FixturePath("weights_lenet5_modules"), TensorMatching.ByOrder);
            AssertOutputs(Fixture.Load("weights_lenet5_modules"), net);
        }

        public static IEnumerable<object[]> EveryNetwork =>
            new[] { "LeNet5", "Conv1dNet", "Conv3dNet", "Decoder", "MixedConv", "BatchNormDense", "BatchNormConv", "LayerNormDense", "LayerNormConv", "WeightNormDense", "WeightNormConv", "ResidualCnn", "ConcatBranches", "TwoHeads", "InputShortcut", "TanhSoftmax", "SeluLeakyIdentity" }
                .Select(n => new object[] { n });

        [Theory]
        [MemberData(nameof(EveryNetwork))]
        public void Every_network_round_trips_bit_for_bit(string type)
        {
            var a = Create(type, seed: 1);
            Train(a);
            var b = Create(type, seed: 2);
            Assert.NotEqual(a.Parameters.ToArray(), b.Parameters.ToArray());
            using var stream = new MemoryStream();
            a.Save(stream);
            stream.Position = 0;
            b.Load(stream);
            AssertSameState(a, b);
        }

        [Fact]
        public void Every_layer_kind_round_trips_bit_for_bit_through_a_file()
        {
            var a = new Weights.EveryKind(1);
            Train(a);
            Assert.Equal(new long[] { 2, 2 }, a.Counters.ToArray()); // each batch normalization counted the two training batches
            var b = new Weights.EveryKind(2);
            string folder = Directory.CreateTempSubdirectory("netgen-weights").FullName;
            try
            {
                string path = Path.Combine(folder, "every.safetensors");
                a.Save(path);
                b.Load(path);
                AssertSameState(a, b);
                Assert.Equal(new[] { "every.safetensors" }, Directory.GetFiles(folder).Select(Path.GetFileName)); // no temporary file left
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        private static void Train(INetwork net)
        {
            var rng = new Random(7);
            int batch = 4;
            var x = Enumerable.Range(0, batch * net.InputLength).Select(_ => (float)rng.NextDouble() * 2 - 1).ToArray();
            var y = Enumerable.Range(0, batch * net.OutputLength).Select(_ => (float)rng.NextDouble()).ToArray();
            var sgd = new Sgd(0.01f);
            net.TrainStep(x, y, batch, sgd);
            net.TrainStep(x, y, batch, sgd);
        }

        private static void AssertSameState(INetwork a, INetwork b)
        {
            Assert.Equal(a.Parameters.ToArray().Select(BitConverter.SingleToInt32Bits), b.Parameters.ToArray().Select(BitConverter.SingleToInt32Bits));
            Assert.Equal(a.Buffers.ToArray().Select(BitConverter.SingleToInt32Bits), b.Buffers.ToArray().Select(BitConverter.SingleToInt32Bits));
            Assert.Equal(a.Counters.ToArray(), b.Counters.ToArray());
        }

        [Fact]
        public void An_independent_reader_finds_the_parameters_under_PyTorchs_names()
        {
            var net = new Weights.EveryKind(4);
            Train(net);
            using var stream = new MemoryStream();
            net.Save(stream);
            byte[] file = stream.ToArray();

            // the format read by hand: u64 header length, JSON, data
            long n = BitConverter.ToInt64(file, 0);
            Assert.Equal(0, n % 8); // the data starts 8-byte aligned
            using var header = JsonDocument.Parse(Encoding.UTF8.GetString(file, 8, (int)n).TrimEnd(' '));
            var names = header.RootElement.EnumerateObject().Select(p => p.Name).Where(p => p != "__metadata__").ToList();
            Assert.Equal(net.Tensors.Select(t => t.Name), names);
            Assert.Contains("dense11.weight_g", names);
            Assert.Contains("batchnorm14.num_batches_tracked", names);
            int data = 8 + (int)n;
            var parameters = net.Parameters.ToArray();
            foreach (var t in net.Tensors)
            {
                var info = header.RootElement.GetProperty(t.Name);
                var range = info.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt32()).ToArray();
                Assert.Equal(t.Shape, info.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
                if (t.Store == TensorStore.Counters)
                {
                    Assert.Equal("I64", info.GetProperty("dtype").GetString());
                    Assert.Equal(2L, BitConverter.ToInt64(file, data + range[0]));
                    continue;
                }

                Assert.Equal("F32", info.GetProperty("dtype").GetString());
                var source = t.Store == TensorStore.Parameters ? parameters : net.Buffers.ToArray();
                Assert.Equal(4 * t.Length, range[1] - range[0]);
                for (int i = 0; i < t.Length; i++) Assert.Equal(source[t.Offset + i], BitConverter.ToSingle(file, data + range[0] + 4 * i));
            }

            Assert.Equal(file.Length, data + header.RootElement.EnumerateObject().Where(p => p.Name != "__metadata__").Max(p => p.Value.GetProperty("data_offsets")[1].GetInt32()));
        }

        [Fact]
        public void Interrupted_training_resumes_bit_identically()
        {
            var rng = new Random(11);
            int batch = 4;
            var x = Enumerable.Range(0, batch * BatchNormConv.InputLength).Select(_ => (float)rng.NextDouble()).ToArray();
            var labels = Enumerable.Range(0, batch).Select(i => i % 3).ToArray();

            var net = new BatchNormConv(1);
            var adam = new Adam(0.01f);
            var schedule = new CosineAnnealing(adam, tMax: 4);
            void Epoch(INetwork n, Optimizer o, LearningRateSchedule s)
            {
                for (int i = 0; i < 3; i++) n.TrainStep(x, labels, batch, o);
                s.Step();
            }

            Epoch(net, adam, schedule);
            using var weights = new MemoryStream();
            using var optimizerState = new MemoryStream();
            using var scheduleState = new MemoryStream();
            net.Save(weights);
            adam.SaveState(optimizerState);
            schedule.SaveState(scheduleState);
            Epoch(net, adam, schedule);
            Epoch(net, adam, schedule);

            var resumed = new BatchNormConv(9);
            var adam2 = new Adam(0.01f);
            var schedule2 = new CosineAnnealing(adam2, tMax: 4);
            weights.Position = optimizerState.Position = scheduleState.Position = 0;
            resumed.Load(weights);
            adam2.LoadState(optimizerState);
            schedule2.LoadState(scheduleState);
            Epoch(resumed, adam2, schedule2);
            Epoch(resumed, adam2, schedule2);
            AssertSameState(net, resumed);
        }

        // ---- bad files ----

        /// <summary>A file from a header text and data bytes, with the header length as given (or the text's).</summary>
        private static byte[] File(string header, byte[]? data = null, ulong? claimed = null)
        {
            var text = Encoding.UTF8.GetBytes(header);
            var file = new byte[8 + text.Length + (data?.Length ?? 0)];
            BinaryPrimitives.WriteUInt64LittleEndian(file, claimed ?? (ulong)text.Length);
            text.CopyTo(file, 8);
            data?.CopyTo(file, 8 + text.Length);
            return file;
        }

        private static string Two(string weight = "\"dtype\":\"F32\",\"shape\":[8,4],\"data_offsets\":[0,128]", string bias = "\"dtype\":\"F32\",\"shape\":[8],\"data_offsets\":[128,160]", string extra = "")
            => "{\"0.weight\":{" + weight + "},\"0.bias\":{" + bias + "}" + extra + "}";

        /// <summary>Tensors of TanhSoftmax's first layer only, so most cases also miss tensors: the first problem found is the structural one.</summary>
        public static IEnumerable<object[]> BadFiles()
        {
            var data = new byte[160];
            yield return new object[] { "too short", new byte[] { 1, 2, 3 }, "expected an 8-byte header length" };
            yield return new object[] { "header length absurd", File("{}", claimed: 1UL << 40), "not a safetensors file, which starts with an 8-byte little-endian header length and a JSON header: the header length would be 1099511627776 bytes; expected at most" };
            yield return new object[] { "header beyond the end", File("{}", claimed: 500), "beyond the file's end" };
            yield return new object[] { "header not JSON", File("{\"0.weight\":"), "not valid JSON" };
            yield return new object[] { "header not an object", File("[1,2,3]"), "header to be a JSON object, but it is an array" };
            yield return new object[] { "entry not an object", File("{\"0.weight\":5}"), "'0.weight' to be an object" };
            yield return new object[] { "unknown dtype", File(Two(weight: "\"dtype\":\"F12\",\"shape\":[8,4],\"data_offsets\":[0,128]"), data), "unknown dtype 'F12'" };
            yield return new object[] { "negative dimension", File(Two(weight: "\"dtype\":\"F32\",\"shape\":[-8,4],\"data_offsets\":[0,128]"), data), "shape entry -8" };
            yield return new object[] { "element count overflow", File(Two(weight: "\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,128]"), data), "element count overflows" };
            yield return new object[] { "size and range disagree", File(Two(weight: "\"dtype\":\"F32\",\"shape\":[8,5],\"data_offsets\":[0,128]"), data), "needs 160 bytes, but its data_offsets [0, 128] span 128" };
            yield return new object[] { "offsets out of order", File(Two(bias: "\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[160,128]"), data), "out of order" };
            yield return new object[] { "offsets overlapping", File(Two(bias: "\"dtype\":\"F32\",\"shape\":[8],\"data_offsets\":[96,128]"), data), "overlaps" };
            yield return new object[] { "offsets leaving a gap", File(Two(bias: "\"dtype\":\"F32\",\"shape\":[8],\"data_offsets\":[136,168]"), new byte[168]), "gap" };
            yield return new object[] { "offsets out of range", File(Two(), new byte[100]), "beyond the file's end" };
            yield return new object[] { "data after the tensors", File(Two(), new byte[170]), "10 bytes after the last tensor" };
            yield return new object[] { "name twice", File("{\"0.weight\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"0.weight\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[8]), "names '0.weight' twice" };
            yield return new object[] { "metadata not strings", File("{\"__metadata__\":{\"format\":1}}"), "'format' is a number" };
            yield return new object[] { "wrong shape and missing tensors", File(Two(weight: "\"dtype\":\"F32\",\"shape\":[4,8],\"data_offsets\":[0,128]"), data), "'0.weight': expected shape [8, 4], but the file has [4, 8]" };
            yield return new object[] { "wrong dtype kind", File(Two(bias: "\"dtype\":\"I32\",\"shape\":[8],\"data_offsets\":[128,160]"), data), "'0.bias': expected F32, F64, F16 or BF16, but the file has I32" };
            yield return new object[] { "missing tensors", File(Two(), data), "missing tensor '2.weight' [3, 8]" };
            yield return new object[] { "extra tensor", File(Two(extra: ",\"3.weight\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[160,164]}"), new byte[164]), "unexpected tensor '3.weight' []" };
        }

        [Theory]
        [MemberData(nameof(BadFiles))]
        public void A_bad_file_is_refused_naming_the_problem_and_changes_nothing(string why, byte[] file, string message)
        {
            var net = new TanhSoftmax(3);
            var before = net.Parameters.ToArray();
            var e = Assert.Throws<InvalidDataException>(() => net.Load(new MemoryStream(file)));
            Assert.True(e.Message.Contains(message, StringComparison.Ordinal), why + ": " + e.Message);
            Assert.Equal(before, net.Parameters.ToArray());
            // the same through a stream that cannot seek (where lengths are only known by reading)
            if (why is not ("header beyond the end" or "offsets out of range" or "data after the tensors"))
            {
                var again = Assert.Throws<InvalidDataException>(() => net.Load(new ForwardOnly(file)));
                Assert.True(again.Message.Contains(message, StringComparison.Ordinal), why + " (forward only): " + again.Message);
            }

            Assert.Equal(before, net.Parameters.ToArray());
        }

        [Fact]
        public void A_file_truncated_anywhere_is_refused_and_changes_nothing()
        {
            var source = new TanhSoftmax(1);
            using var stream = new MemoryStream();
            source.Save(stream);
            byte[] file = stream.ToArray();
            var net = new TanhSoftmax(2);
            var before = net.Parameters.ToArray();
            for (int length = 0; length < file.Length; length++)
            {
                var cut = file.AsSpan(0, length).ToArray();
                var e = Assert.Throws<InvalidDataException>(() => net.Load(new MemoryStream(cut)));
                Assert.Matches("truncated|beyond the file's end|needs at least", e.Message);
                Assert.Throws<InvalidDataException>(() => net.Load(new ForwardOnly(cut)));
                Assert.Equal(before, net.Parameters.ToArray());
            }

            net.Load(new ForwardOnly(file));
            Assert.Equal(source.Parameters.ToArray(), net.Parameters.ToArray());
        }

        [Fact]
        public void A_huge_claimed_header_on_a_short_stream_allocates_only_what_arrives()
        {
            var file = File("{\"0.weight\":{}}", claimed: SafeTensors.MaxHeaderLength);
            var net = new TanhSoftmax(0);
            long before = GC.GetAllocatedBytesForCurrentThread();
            Assert.Throws<InvalidDataException>(() => net.Load(new ForwardOnly(file)));
            Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000, "allocated " + (GC.GetAllocatedBytesForCurrentThread() - before) + " bytes");
        }

        [Fact]
        public void Thousands_of_mutated_files_never_crash_hang_or_change_a_refused_network()
        {
            var source = new TwoHeads(1);
            using var stream = new MemoryStream();
            source.Save(stream);
            byte[] valid = stream.ToArray();
            var rng = new Random(2026);
            var net = new TwoHeads(2);
            var watch = System.Diagnostics.Stopwatch.StartNew();
            int refused = 0;
            for (int i = 0; i < 5000; i++)
            {
                var file = Mutate(valid, rng);
                var before = net.Parameters.ToArray();
                try
                {
                    net.Load(new MemoryStream(file));
                }
                catch (InvalidDataException)
                {
                    refused++;
                    Assert.Equal(before, net.Parameters.ToArray());
                }
            }

            Assert.InRange(refused, 1000, 5000); // most mutations break something; some only change values
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), "5000 loads took " + watch.Elapsed);
        }

        /// <summary>One to three random edits: flip a byte, overwrite the header length, cut, insert, or swap a header digit.</summary>
        private static byte[] Mutate(byte[] valid, Random rng)
        {
            var file = new List<byte>(valid);
            for (int edits = rng.Next(1, 4); edits > 0 && file.Count > 0; edits--)
            {
                switch (rng.Next(5))
                {
                    case 0:
                        file[rng.Next(file.Count)] = (byte)rng.Next(256);
                        break;
                    case 1:
                        if (file.Count >= 8) file[rng.Next(8)] = (byte)rng.Next(256);
                        break;
                    case 2:
                        int from = rng.Next(file.Count);
                        file.RemoveRange(from, Math.Min(1 + rng.Next(16), file.Count - from));
                        break;
                    case 3:
                        file.Insert(rng.Next(file.Count), (byte)rng.Next(256));
                        break;
                    default:
                        int at = rng.Next(8, Math.Min(file.Count, 8 + (int)BitConverter.ToUInt32(valid, 0)));
                        if (at < file.Count && file[at] >= '0' && file[at] <= '9') file[at] = (byte)('0' + rng.Next(10));
                        break;
                }
            }

            return file.ToArray();
        }

        [Fact]
        public void Saving_replaces_the_file_only_when_complete()
        {
            string folder = Directory.CreateTempSubdirectory("netgen-save").FullName;
            try
            {
                string path = Path.Combine(folder, "net.safetensors");
                System.IO.File.WriteAllText(path, "an older file");
                new TanhSoftmax(1).Save(path);
                var net = new TanhSoftmax(2);
                net.Load(path);
                Assert.Equal(new TanhSoftmax(1).Parameters.ToArray(), net.Parameters.ToArray());
                Assert.Throws<DirectoryNotFoundException>(() => net.Save(Path.Combine(folder, "missing", "net.safetensors")));
                Assert.Throws<ArgumentException>(() => net.Save(""));
                Assert.Equal(new[] { "net.safetensors" }, Directory.GetFiles(folder).Select(Path.GetFileName));
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        /// <summary>A stream that can only be read forward (as a network stream): no Length, no Seek.</summary>
        private sealed class ForwardOnly : Stream
        {
            private readonly MemoryStream _inner;

            public ForwardOnly(byte[] bytes) => _inner = new MemoryStream(bytes);

            public override bool CanRead => true;
            public override bool CanSeek => false;
            public override bool CanWrite => false;
            public override long Length => throw new NotSupportedException();
            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
            public override void Flush() { }
            public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 7)); // short reads
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        }
    }
}
