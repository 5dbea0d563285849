using System;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.ML.OnnxRuntime;
using NetGen.Generator;
using NetGen.Imported;

namespace NetGen.Benchmarks
{
    /// <summary>
    /// Issue 19's real architectures: torchvision's resnet18 and mobilenet_v2 at 3x64x64, imported by <c>netgen import</c>
    /// (the declarations in tests/Shared/Imported, the weights written by the tool from the test fixtures), beside ONNX
    /// Runtime on the same file, one thread each, batch 1 and 8. Setup checks both give the same outputs. <see cref="Generate"/>
    /// is the source generator's time for the declaration; setup prints the generated code's size.
    /// </summary>
    [MemoryDiagnoser]
    public class ImportedModelBenchmarks
    {
        private INetwork _net = null!;
        private InferenceSession _session = null!;
        private RunOptions _run = null!;
        private OrtValue _input1 = null!, _output1 = null!, _input8 = null!, _output8 = null!;
        private float[] _inputs = Array.Empty<float>(), _outputs = Array.Empty<float>(), _ortOutputs8 = Array.Empty<float>();
        private readonly string[] _inputNames = { "input" };
        private readonly string[] _outputNames = { "output" };
        private CSharpCompilation _declaration = null!;

        /// <summary>The torchvision model.</summary>
        [Params("resnet18", "mobilenet_v2")]
        public string Model { get; set; } = "resnet18";

        /// <summary>Imported with --fold-batch-norm (each batch normalization folded into the convolution before it, as ONNX Runtime does).</summary>
        [Params(false, true)]
        public bool Folded { get; set; }

        private static string Root()
        {
            string? folder = AppContext.BaseDirectory;
            while (folder != null && !File.Exists(Path.Combine(folder, "NetGen.sln"))) folder = Path.GetDirectoryName(folder);
            return folder ?? throw new DirectoryNotFoundException("Run the benchmarks inside the repository (they read the test fixtures).");
        }

        [GlobalSetup]
        public void Setup()
        {
            string root = Root(), className = (Model == "resnet18" ? "ResNet18" : "MobileNetV2") + (Folded ? "Folded" : "");
            string onnx = Path.Combine(root, "tests", "NetGen.Tests", "Fixtures", "onnx_" + Model + "_opset17.onnx");
            string folder = Path.Combine(Path.GetTempPath(), "netgen-bench-" + Guid.NewGuid().ToString("N"));
            var log = new StringWriter();
            var arguments = new[] { "import", onnx, "--class", className, "--namespace", "NetGen.Imported", "--out", folder }.Concat(Folded ? new[] { "--fold-batch-norm" } : Array.Empty<string>()).ToArray();
            if (NetGen.Tool.Program.Run(arguments, log, log) != 0) throw new InvalidOperationException(log.ToString());
            _net = (Model, Folded) switch
            {
                ("resnet18", false) => new ResNet18(),
                ("resnet18", true) => new ResNet18Folded(),
                (_, false) => new MobileNetV2(),
                _ => new MobileNetV2Folded(),
            };
            _net.Load(Path.Combine(folder, className + ".safetensors"));
            string declaration = File.ReadAllText(Path.Combine(folder, className + ".cs"));
            Directory.Delete(folder, true);

            var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
                .Append(MetadataReference.CreateFromFile(typeof(INetwork).Assembly.Location));
            _declaration = CSharpCompilation.Create("Imported", new[] { CSharpSyntaxTree.ParseText(declaration) }, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
            var generated = Generate().GetRunResult().GeneratedTrees;
            Console.WriteLine($"// {className}: declaration {declaration.Length:N0} characters; generated code {generated.Sum(t => t.Length):N0} characters in {generated.Length} files, {generated.Sum(t => t.GetText().Lines.Count):N0} lines");

            var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
            _session = new InferenceSession(onnx, options);
            _run = new RunOptions();
            var rng = new Rng(3);
            _inputs = new float[8 * _net.InputLength];
            for (int i = 0; i < _inputs.Length; i++) _inputs[i] = (float)(rng.NextDouble() * 2 - 1);
            _outputs = new float[8 * _net.OutputLength];
            _ortOutputs8 = new float[8 * _net.OutputLength];
            _input1 = OrtValue.CreateTensorValueFromMemory(_inputs.AsSpan(0, _net.InputLength).ToArray(), new long[] { 1, 3, 64, 64 });
            _output1 = OrtValue.CreateTensorValueFromMemory(new float[_net.OutputLength], new long[] { 1, _net.OutputLength });
            _input8 = OrtValue.CreateTensorValueFromMemory(_inputs, new long[] { 8, 3, 64, 64 });
            _output8 = OrtValue.CreateTensorValueFromMemory(_ortOutputs8, new long[] { 8, _net.OutputLength });
            OnnxRuntime_batch8();
            NetGen_batch8();
            float scale = _ortOutputs8.Max(Math.Abs);
            for (int i = 0; i < _outputs.Length; i++)
            {
                if (Math.Abs(_outputs[i] - _ortOutputs8[i]) > 1e-4f * Math.Max(1e-6f, scale)) throw new InvalidOperationException($"NetGen and ONNX Runtime differ at {i}: {_outputs[i]} vs {_ortOutputs8[i]}.");
            }
        }

        [GlobalCleanup]
        public void Cleanup()
        {
            _input1.Dispose();
            _output1.Dispose();
            _input8.Dispose();
            _output8.Dispose();
            _run.Dispose();
            _session.Dispose();
        }

        /// <summary>The source generator on the imported declaration alone (parse, infer shapes, emit), cold.</summary>
        [Benchmark]
        public GeneratorDriver Generate() => CSharpGeneratorDriver.Create(new NetworkGenerator().AsSourceGenerator()).RunGenerators(_declaration);

        [Benchmark]
        public void NetGen_batch1() => _net.Forward(_inputs.AsSpan(0, _net.InputLength), _outputs.AsSpan(0, _net.OutputLength));

        [Benchmark]
        public void OnnxRuntime_batch1() => _session.Run(_run, _inputNames, new[] { _input1 }, _outputNames, new[] { _output1 });

        [Benchmark]
        public void NetGen_batch8() => _net.Forward(_inputs, _outputs, 8);

        [Benchmark]
        public void OnnxRuntime_batch8() => _session.Run(_run, _inputNames, new[] { _input8 }, _outputNames, new[] { _output8 });
    }
}
