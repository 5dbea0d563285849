using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Xunit;

namespace NetGen.Tests.FirstHour
{
    /// <summary>The new user's network that crashed batched inference: dropout after a convolution.</summary>
    [Network(1, 8, 8)] [Conv(4, k: 3)] [Dropout(0.2)] [Dense(2)]
    public partial class ConvDrop { }

    /// <summary>1-D convolutions, pooling and both dropouts, so every kind runs in 1-D too.</summary>
    [Network(2, 40)]
    [Conv(4, k: 3, p: 1, act: Act.ELU)] [AlphaDropout(0.1)] [AvgPool(2)] [Conv(4, k: 3, act: Act.ReLU)] [MaxPool(2)]
    [Dropout(0.3)] [GaussianNoise(0.2)] [Dense(3, Act.Sigmoid)]
    public partial class Conv1dDrop { }

    /// <summary>A regression network a too-large learning rate drives to overflow.</summary>
    [Network(4)] [Dense(16, Act.ReLU)] [Dense(16, Act.ReLU)] [Dense(2)]
    public partial class Diverging { }

    /// <summary>Two heads after dropout: the chunked copy writes every head of every sample.</summary>
    [Network(6)]
    [Dense(12, Act.ReLU, Name = "trunk")] [Dropout(0.5)]
    [Dense(3, Act.Softmax, Name = "first", Output = true)]
    [Dense(2, From = "trunk")]
    public partial class TwoHeadsDrop { }
}

namespace NetGen.Tests
{
    /// <summary>
    /// The defects a new user met in the first hour (issue 15): batched inference must not depend on what was trained
    /// before, and a thread's inference storage stays bounded whatever the batch. In the Parallelism collection: large
    /// batches keep the shared helper threads busy, which would make another test's caller run (and size) the work itself.
    /// </summary>
    [Collection(ParallelismTests.Collection)]
    public class FirstHourTests
    {
        public static IEnumerable<object[]> Networks => new[]
        {
            new object[] { typeof(FirstHour.ConvDrop) },
            new object[] { typeof(FirstHour.Conv1dDrop) },
            new object[] { typeof(FirstHour.TwoHeadsDrop) },
            new object[] { typeof(Weights.EveryKind) }, // every layer kind in one network
            new object[] { typeof(Parity.LeNet5) },
        };

        private static float[] Random(int length, int seed)
        {
            var random = new Random(seed);
            var values = new float[length];
            for (int i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
            return values;
        }

        /// <summary>Batched Forward equals one Forward per sample, on a fresh instance (never trained) and on one loaded from a file.</summary>
        [Theory]
        [MemberData(nameof(Networks))]
        public void Batched_inference_equals_per_sample_inference_on_fresh_and_loaded_instances(Type type)
        {
            var fresh = (INetwork)Activator.CreateInstance(type, 3)!;
            AssertBatchedEqualsPerSample(fresh, "fresh");

            // a trained network's file, loaded into a new instance that has never run a batch
            var trained = (INetwork)Activator.CreateInstance(type, 4)!;
            int trainBatch = 2;
            var targets = new float[trainBatch * trained.OutputLength];
            for (int i = 0; i < targets.Length; i++) targets[i] = i % 2;
            for (int step = 0; step < 3; step++) trained.TrainStep(Random(trainBatch * trained.InputLength, step), targets, trainBatch, new Sgd(lr: 0.01f));
            using var file = new MemoryStream();
            trained.Save(file);
            file.Position = 0;
            var loaded = (INetwork)Activator.CreateInstance(type, 5)!;
            loaded.Load(file);
            AssertBatchedEqualsPerSample(loaded, "loaded");
        }

        private static void AssertBatchedEqualsPerSample(INetwork net, string which)
        {
            // 3 samples, and more samples than one chunk of batched inference holds for the smaller networks
            foreach (int batch in new[] { 3, 700 })
            {
                var inputs = Random(batch * net.InputLength, batch);
                var batched = new float[batch * net.OutputLength];
                net.Forward(inputs, batched, batch);
                var single = new float[batch * net.OutputLength];
                for (int n = 0; n < batch; n++) net.Forward(inputs.AsSpan(n * net.InputLength, net.InputLength), single.AsSpan(n * net.OutputLength, net.OutputLength));
                ParityTests.AssertClose(single, batched, which + " " + net.GetType().Name + ", batch " + batch, 1e-5);
            }
        }

        /// <summary>
        /// LeNet-5 at batch 1,024 used to keep 33 MB per thread for the life of the thread; batched inference now runs in
        /// chunks whose storage is at most 4 MiB (KernelChoices.InferenceBlockValues floats) plus small scratch (the
        /// convolution scratch, and conv3's sample block: 16 samples in and out, 178 KB).
        /// </summary>
        [Fact]
        public void Batched_inference_storage_per_thread_is_bounded_whatever_the_batch()
        {
            var net = new Parity.LeNet5(1);
            int batch = 1024;
            var inputs = Random(batch * Parity.LeNet5.InputLength, 7);
            var outputs = new float[batch * Parity.LeNet5.OutputLength];
            long allocated = 0;
            var thread = new Thread(() =>
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                net.Forward(inputs, outputs, batch);
                net.Forward(inputs, outputs, batch);
                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            });
            thread.Start();
            thread.Join();
            Assert.True(allocated <= 5 * 1024 * 1024, "batched inference of 1,024 samples allocated " + allocated + " bytes on its thread");

            // and the chunks give the per-sample results
            var single = new float[Parity.LeNet5.OutputLength];
            foreach (int n in new[] { 0, 129, 1023 })
            {
                net.Forward(inputs.AsSpan(n * Parity.LeNet5.InputLength, Parity.LeNet5.InputLength), single);
                ParityTests.AssertClose(single, outputs.AsSpan(n * Parity.LeNet5.OutputLength, Parity.LeNet5.OutputLength).ToArray(), "sample " + n, 1e-5);
            }
        }

        /// <summary>
        /// SGD with lr = 10 diverges. Run once without checks to find the first step whose returned loss is not finite or
        /// after which a parameter is not finite; anomaly mode must stop exactly there (not steps later, once activations
        /// overflow), name what overflowed, and leave the parameters as they were before that step.
        /// </summary>
        [Theory]
        [InlineData(10f)]
        [InlineData(3f)]
        public void Anomaly_mode_stops_at_the_first_infinite_loss_or_parameter(float lr)
        {
            var inputs = Random(8 * 4, 1);
            var targets = Random(8 * 2, 2);
            const int Steps = 200;
            var reference = new FirstHour.Diverging(1);
            var sgd = new Sgd(lr);
            int first = -1;
            bool parameterFirst = false;
            for (int step = 0; step < Steps && first < 0; step++)
            {
                float loss = reference.TrainStep(inputs, targets, 8, sgd);
                if (!float.IsFinite(loss)) first = step;
                else if (!reference.Parameters.ToArray().All(float.IsFinite)) (first, parameterFirst) = (step, true);
            }

            Assert.True(first >= 0, "the reference run did not diverge");
            bool previous = NumericChecks.Anomalies;
            try
            {
                NumericChecks.Anomalies = true;
                var net = new FirstHour.Diverging(1);
                sgd = new Sgd(lr);
                for (int step = 0; step < first; step++) net.TrainStep(inputs, targets, 8, sgd);
                var before = net.Parameters.ToArray();
                var e = Assert.Throws<ArithmeticException>(() => net.TrainStep(inputs, targets, 8, sgd));
                Assert.StartsWith("Anomaly: ", e.Message);
                if (parameterFirst) Assert.Contains("the optimizer step made ", e.Message);
                else Assert.True(e.Message.Contains("the loss is ") || e.Message.Contains("in the output of layer dense3"), e.Message);
                Assert.Equal(before, net.Parameters.ToArray());

                // finite outputs of 1e20 against targets of 0: the squared error 1e40 is finite in double, infinite as the float returned
                var far = new FirstHour.Diverging(1);
                far.Parameters.Slice(far.Parameters.Length - 2).Fill(1e20f); // the output layer's biases
                far.Parameters.Slice(far.Parameters.Length - 2 - 32, 32).Clear(); // and no weights: outputs exactly 1e20
                e = Assert.Throws<ArithmeticException>(() => far.TrainStep(inputs, new float[8 * 2], 8, new Sgd(0.1f)));
                Assert.StartsWith("Anomaly: the loss is 1E+40, beyond float's range", e.Message);
            }
            finally
            {
                NumericChecks.Anomalies = previous;
            }
        }

        /// <summary>Fit on an empty dataset threw DivideByZeroException after shuffling; now an ArgumentException naming it, before anything changes.</summary>
        [Fact]
        public void Fitting_an_empty_dataset_is_refused_before_anything_changes()
        {
            var net = new FirstHour.Diverging(1);
            var before = net.Parameters.ToArray();
            var trainer = new Trainer(net, new Sgd(0.1f));
            var empty = new Dataset(new float[0], new float[0], 4, 2);
            var e = Assert.Throws<ArgumentException>(() => trainer.Fit(empty));
            Assert.Equal("train", e.ParamName);
            Assert.Contains("has no samples", e.Message);
            var some = new Dataset(Random(3 * 4, 1), Random(3 * 2, 2), 4, 2);
            e = Assert.Throws<ArgumentException>(() => trainer.Fit(some, empty));
            Assert.Equal("validation", e.ParamName);
            Assert.Equal(before, net.Parameters.ToArray());
            Assert.Throws<ArgumentException>(() => Trainer.Evaluate(net, empty));
        }

        /// <summary>The mismatch messages speak of samples and features, not of spans.</summary>
        [Fact]
        public void Dataset_mismatches_name_features_and_samples()
        {
            var net = new FirstHour.Diverging(1);
            var data = new Dataset(Random(3 * 5, 1), Random(3 * 2, 2), 5, 2);
            var e = Assert.Throws<ArgumentException>(() => new Trainer(net, new Sgd(0.1f)).Fit(data));
            Assert.StartsWith("The dataset 'train' has 5 input values per sample, but the network expects 4.", e.Message);
            e = Assert.Throws<ArgumentException>(() => Trainer.Evaluate(net, new Dataset(Random(3 * 4, 1), Random(3 * 3, 2), 4, 3)));
            Assert.StartsWith("The dataset 'data' has 3 targets per sample, but the network has 2 outputs.", e.Message);
            e = Assert.Throws<ArgumentException>(() => new Dataset(new float[14], new int[3], 5, 2));
            Assert.StartsWith("Expected inputs.Length == samples * inputLength = 3 * 5 = 15 (one input of 5 values per label), but got 14.", e.Message);
            var range = Assert.Throws<ArgumentOutOfRangeException>(() => new Dataset(new float[15], new[] { 0, 3, 1 }, 5, 2));
            Assert.Equal("Expected labels[1] in [0, 1], but got 3. (Parameter 'labels')", range.Message); // no second "Actual value was 3."
        }

        /// <summary>Evaluate runs one forward pass per batch (it ran ComputeLoss, then Forward) and gives the accuracy of the per-sample outputs.</summary>
        [Fact]
        public void Evaluation_runs_one_pass_per_batch()
        {
            var net = new Counting(new Parity.LeNet5(2));
            var random = new Random(3);
            int count = 300;
            var data = new Dataset(Random(count * net.InputLength, 4), Enumerable.Range(0, count).Select(_ => random.Next(10)).ToArray(), net.InputLength, 10);
            var evaluation = Trainer.Evaluate(net, data, batchSize: 128);
            Assert.Equal(3, net.Passes); // 128 + 128 + 44
            int correct = 0;
            var output = new float[net.OutputLength];
            for (int n = 0; n < count; n++)
            {
                net.Inner.Forward(data.Input(n), output);
                if (Trainer.ClassOf(output) == data.Labels![n]) correct++;
            }

            Assert.Equal((double)correct / count, evaluation.Accuracy);

            // the epoch record reports training and evaluation time apart
            var history = new Trainer(net.Inner, new Sgd(0.01f), new TrainingOptions { Epochs = 1, BatchSize = 64 }).Fit(data, data);
            Assert.True(history[0].EvaluationSeconds > 0);
            Assert.Equal(history[0].Seconds + history[0].EvaluationSeconds, history[0].TotalSeconds);
        }

        /// <summary>A network that counts its forward passes (Forward and ComputeLoss calls), delegating everything.</summary>
        private sealed class Counting : INetwork
        {
            public Counting(INetwork inner) => Inner = inner;

            public INetwork Inner { get; }

            public int Passes { get; private set; }

            public int InputLength => Inner.InputLength;
            public int OutputLength => Inner.OutputLength;
            public int ParameterCount => Inner.ParameterCount;
            public Span<float> Parameters => Inner.Parameters;
            public Span<float> Gradients => Inner.Gradients;
            public Span<float> Buffers => Inner.Buffers;
            public Span<long> Counters => Inner.Counters;
            public IReadOnlyList<TensorInfo> Tensors => Inner.Tensors;
            public NetworkMode Mode { get => Inner.Mode; set => Inner.Mode = value; }
            public void Forward(ReadOnlySpan<float> input, Span<float> output) { Passes++; Inner.Forward(input, output); }
            public void Forward(ReadOnlySpan<float> inputs, Span<float> outputs, int batch) { Passes++; Inner.Forward(inputs, outputs, batch); }
            public float ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batch) => Inner.ComputeGradients(inputs, targets, batch);
            public float ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, int batch) => Inner.ComputeGradients(inputs, labels, batch);
            public float ComputeLoss(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batch) { Passes++; return Inner.ComputeLoss(inputs, targets, batch); }
            public float ComputeLoss(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, int batch) { Passes++; return Inner.ComputeLoss(inputs, labels, batch); }
            public float ComputeLoss(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batch, Span<float> outputs) { Passes++; return Inner.ComputeLoss(inputs, targets, batch, outputs); }
            public float ComputeLoss(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, int batch, Span<float> outputs) { Passes++; return Inner.ComputeLoss(inputs, labels, batch, outputs); }
            public float TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batch, IOptimizer optimizer) => Inner.TrainStep(inputs, targets, batch, optimizer);
            public float TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, int batch, IOptimizer optimizer) => Inner.TrainStep(inputs, labels, batch, optimizer);
            public void Save(Stream stream) => Inner.Save(stream);
            public void Save(string path) => Inner.Save(path);
            public void Load(Stream stream, TensorMatching matching = TensorMatching.ByName) => Inner.Load(stream, matching);
            public void Load(string path, TensorMatching matching = TensorMatching.ByName) => Inner.Load(path, matching);
            public void ExportOnnx(Stream stream) => Inner.ExportOnnx(stream);
            public void ExportOnnx(string path) => Inner.ExportOnnx(path);
        }

        /// <summary>A crash during Save left hidden temporaries beside the file; the next Save of that path removes its own stale ones, and nothing else.</summary>
        [Fact]
        public void Saving_removes_the_stale_temporaries_of_that_path_only()
        {
            string folder = Path.Combine(Path.GetTempPath(), "netgen-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            try
            {
                string path = Path.Combine(folder, "net.safetensors");
                string stale = Path.Combine(folder, ".net.safetensors." + Guid.NewGuid().ToString("N") + ".tmp");
                string otherFile = Path.Combine(folder, ".other.safetensors." + Guid.NewGuid().ToString("N") + ".tmp");
                string notOurs = Path.Combine(folder, ".net.safetensors.backup.tmp");
                foreach (var file in new[] { stale, otherFile, notOurs }) File.WriteAllText(file, "partial");
                new FirstHour.Diverging(1).Save(path);
                Assert.False(File.Exists(stale));
                Assert.True(File.Exists(otherFile));
                Assert.True(File.Exists(notOurs));
                Assert.Equal(new[] { ".net.safetensors.backup.tmp", ".other.safetensors." }, Directory.GetFiles(folder, ".*").Select(f => Path.GetFileName(f)!).Select(f => f.StartsWith(".other") ? f.Substring(0, 19) : f).OrderBy(f => f, StringComparer.Ordinal));

                // a temporary another writer holds open is left alone
                string held = Path.Combine(folder, ".net.safetensors." + Guid.NewGuid().ToString("N") + ".tmp");
                using (new FileStream(held, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    new FirstHour.Diverging(1).Save(path);
                    Assert.True(File.Exists(held));
                }
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        /// <summary>Messages a user could act on: a missing folder, a file that is not safetensors, channels-last input shapes.</summary>
        [Fact]
        public void Messages_name_what_the_user_wrote()
        {
            string folder = Path.Combine(Path.GetTempPath(), "netgen-missing-" + Guid.NewGuid().ToString("N"));
            string path = Path.Combine(folder, "net.safetensors");
            var e = Assert.Throws<DirectoryNotFoundException>(() => new FirstHour.Diverging(1).Save(path));
            Assert.Equal("Cannot write '" + path + "': the folder '" + folder + "' does not exist.", e.Message);

            var net = new FirstHour.Diverging(1);
            using (var onnx = new MemoryStream())
            {
                net.ExportOnnx(onnx);
                onnx.Position = 0;
                var bad = Assert.Throws<InvalidDataException>(() => net.Load(onnx));
                Assert.StartsWith("The file is not a safetensors file, which starts with an 8-byte little-endian header length and a JSON header: the header length would be ", bad.Message);
                Assert.Contains("It looks like an ONNX model", bad.Message);
            }

            var zip = new MemoryStream(new byte[] { 0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0 });
            Assert.Contains("\"PK......\"). It is a zip archive, as torch.save writes", Assert.Throws<InvalidDataException>(() => net.Load(zip)).Message);

            const string Header = "using NetGen;\nnamespace Demo\n{\n";
            var diagnostics = TestCompiler.Analyze(Header + "[Network(28, 28, 1)] [Conv(6, k: 5)] [Dense(10, Act.Softmax)] public partial class N { }\n}\n", out _);
            var message = Assert.Single(diagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture);
            Assert.EndsWith("kernel 5 exceeds padded input 1; NetGen's shapes are (C, H, W), channels first: did you mean [Network(1, 28, 28)]?", message);
            Assert.DoesNotContain("did you mean", Assert.Single(TestCompiler.Analyze(Header + "[Network(3, 4, 4)] [Conv(6, k: 5)] [Dense(2)] public partial class N { }\n}\n", out _)).GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        }

        /// <summary>Csv reads regression files with one or more target columns (the last ones).</summary>
        [Fact]
        public void Csv_reads_regression_targets()
        {
            var data = Csv.ReadRegression(new StringReader("x1,x2,y1,y2\n1,2,3.5,-4\n5,6,7,8e-1\n"), targetColumns: 2, header: true);
            Assert.Equal(2, data.Count);
            Assert.Equal(2, data.InputLength);
            Assert.Equal(2, data.TargetLength);
            Assert.Null(data.Labels);
            Assert.Equal(new float[] { 1, 2, 5, 6 }, data.Inputs);
            Assert.Equal(new float[] { 3.5f, -4, 7, 0.8f }, data.Targets);
            var e = Assert.Throws<InvalidDataException>(() => Csv.ReadRegression(new StringReader("1,2\n3,x\n")));
            Assert.Equal("CSV line 2, column 2: expected a number, but got 'x'.", e.Message);
            Assert.Throws<InvalidDataException>(() => Csv.ReadRegression(new StringReader("1,2\n"), targetColumns: 2));
        }

        /// <summary>A standardizer saved with the model loads back bit for bit, and standardizes single samples as the dataset transform does.</summary>
        [Fact]
        public void A_standardizer_travels_with_the_model_and_applies_to_one_sample()
        {
            var data = new Dataset(new float[] { 1, 10, 3, 30, 5, 20, 7, 70 }, new[] { 0, 1, 0, 1 }, 2, 2);
            var standardizer = Standardizer.Fit(data);
            Assert.Equal(new float[] { 4, 32.5f }, standardizer.Mean); // means of (1, 3, 5, 7) and (10, 30, 20, 70)
            using var file = new MemoryStream();
            standardizer.Save(file);
            file.Position = 0;
            var loaded = Standardizer.Load(file);
            Assert.Equal(standardizer.Mean, loaded.Mean);
            Assert.Equal(standardizer.Std, loaded.Std);

            var sample = new float[] { 5, 20 };
            var standardized = new float[2];
            loaded.Transform(sample, standardized);
            var expected = standardizer.Transform(data).Inputs.AsSpan(4, 2).ToArray();
            Assert.Equal(expected, standardized);
            Assert.Equal((5 - 4) / standardizer.Std[0], standardized[0]);
            Assert.Throws<ArgumentException>(() => loaded.Transform(new float[3], new float[3]));

            var bad = new MemoryStream(System.Text.Encoding.UTF8.GetBytes("{\"mean\": [1, 2], \"std\": [1, 0]}"));
            Assert.Equal("Expected positive deviations, but std[1] is 0.", Assert.Throws<InvalidDataException>(() => Standardizer.Load(bad)).Message);
        }

        /// <summary>Trainer.Predict takes inputs, as scikit-learn's predict; ClassOf reads one output vector.</summary>
        [Fact]
        public void Predict_takes_inputs_and_returns_classes()
        {
            INetwork net = new Parity.LeNet5(3);
            var inputs = Random(5 * net.InputLength, 9);
            var classes = Trainer.Predict(net, inputs);
            var output = new float[Parity.LeNet5.OutputLength];
            for (int n = 0; n < 5; n++)
            {
                net.Forward(inputs.AsSpan(n * net.InputLength, net.InputLength), output);
                int best = 0;
                for (int k = 1; k < output.Length; k++) if (output[k] > output[best]) best = k;
                Assert.Equal(best, classes[n]);
            }

            Assert.Throws<ArgumentException>(() => Trainer.Predict(net, new float[net.InputLength + 1]));
        }

        /// <summary>The public types only generated code calls are hidden from IntelliSense; the API a user writes against is not.</summary>
        [Fact]
        public void Plumbing_is_hidden_from_IntelliSense()
        {
            static bool Hidden(Type type) => type.GetCustomAttributes(typeof(System.ComponentModel.EditorBrowsableAttribute), false)
                .Cast<System.ComponentModel.EditorBrowsableAttribute>().Any(a => a.State == System.ComponentModel.EditorBrowsableState.Never);
            var plumbing = new[] { "Kernels", "Guard", "Gemm", "VectorPath", "Initializers", "ConvGeometry", "PoolGeometry", "IConvShape", "IPoolShape", "OnnxGraph", "TrainingLock" };
            var types = typeof(INetwork).Assembly.GetExportedTypes().ToDictionary(t => t.Name);
            foreach (var name in plumbing) Assert.True(Hidden(types[name]), name + " shows in IntelliSense");
            foreach (var name in new[] { "INetwork", "Trainer", "Dataset", "Sgd", "SafeTensors", "NumericChecks", "Parallelism" }) Assert.False(Hidden(types[name]), name + " is hidden");
        }
    }
}
