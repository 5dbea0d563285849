using System;
using System.Collections.Immutable;
using System.Linq;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using NetGen.Analyzers;
using NetGen.Generator;

namespace NetGen.Benchmarks
{
    /// <summary>
    /// What NetGen costs a build and the IDE: the generator over a project of 200 networks (every layer kind, graphs, weight
    /// options), the analyzer over the same project, and a generator re-run after an unrelated edit (which must find
    /// everything cached). Divide by <see cref="Networks"/> for the cost per network.
    /// </summary>
    [MemoryDiagnoser]
    public class GeneratorBenchmarks
    {
        private static readonly string[] Templates =
        {
            "[Network(1, 28, 28)] [Conv(6, k: 5, p: 2, act: Act.ReLU)] [MaxPool(2)] [Conv(16, k: 5, act: Act.ReLU)] [MaxPool(2)] [Dense(120, Act.ReLU)] [Dense(84, Act.ReLU)] [Dense(10, Act.Softmax)]",
            "[Network(784)] [Dense(512, Act.ReLU, L2 = 1e-4)] [Dropout(0.2)] [Dense(256, Act.ReLU)] [Dense(10, Act.Softmax)]",
            "[Network(2, 8, 8)] [Conv(4, k: 3, p: 1, Name = \"conv\")] [BatchNorm] [Activation(Act.ReLU)] [ConvTranspose(4, k: 2, s: 2)] [AvgPool(2)] [Add(\"conv\")] [MaxPool(2)] [GaussianNoise(0.1)] [Flatten(Name = \"flat\")] [LayerNorm] [Dense(16, Act.ELU, WeightNorm = true)] [AlphaDropout(0.1)] [Dense(8, Act.Tanh)] [Dropout(0.2)] [Concat(\"flat\")] [Dense(3, Act.Softmax)]",
            "[Network(3, 64)] [Conv(8, k: 5, s: 2, p: 2, act: Act.ReLU)] [AvgPool(2)] [Conv(16, k: 3, d: 2, act: Act.ReLU, Padding = Padding.Same)] [MaxPool(4)] [Flatten] [Dense(1, Act.Sigmoid)]",
            "[Network(16, 4, 4)] [ConvTranspose(8, k: 4, s: 2, p: 1, act: Act.ReLU)] [ConvTranspose(1, k: 3, s: 2, p: 1, a: 1, act: Act.Sigmoid)]",
            "[Network(6)] [Dense(8, Act.Tanh, Name = \"trunk\")] [Dense(4, Act.Softmax, Name = \"digit\", Output = true, LossWeight = 0.7)] [Dense(2, Act.Sigmoid, From = \"trunk\", Name = \"flags\", LossWeight = 0.5)]",
            "[Network(2, 4, 6, 6)] [Conv(3, k: 3, act: Act.LeakyReLU, Padding = Padding.Same)] [MaxPool(2, 2)] [Dense(4)]",
            "[Network(64)] [Dense(256, Act.SELU)] [AlphaDropout(0.05)] [Dense(256, Act.SELU)] [Dense(10, Act.Softmax)]",
        };

        private static readonly MetadataReference[] References = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(System.IO.Path.PathSeparator)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .Append(MetadataReference.CreateFromFile(typeof(INetwork).Assembly.Location))
            .ToArray();

        private CSharpCompilation _project = null!;
        private Compilation _generated = null!;
        private GeneratorDriver _warm = null!;
        private CSharpCompilation _edited = null!;

        /// <summary>Networks in the project.</summary>
        [Params(200)]
        public int Networks { get; set; }

        [GlobalSetup]
        public void Setup()
        {
            var sources = Enumerable.Range(0, Networks).Select(i => "using NetGen;\nnamespace Project\n{\n    " + Templates[i % Templates.Length] + "\n    public partial class Net" + i + " { }\n}\n");
            var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable);
            _project = CSharpCompilation.Create("Project", sources.Select(s => CSharpSyntaxTree.ParseText(s, CSharpParseOptions.Default)), References, options);
            _warm = Driver().RunGeneratorsAndUpdateCompilation(_project, out _generated, out var diagnostics);
            var errors = _generated.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            if (diagnostics.Length > 0 || errors.Count > 0) throw new InvalidOperationException("The project does not compile: " + string.Join("; ", diagnostics.Concat(errors).Take(3)));
            _edited = _project.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class Unrelated { int x; }", CSharpParseOptions.Default));
        }

        private static GeneratorDriver Driver() => CSharpGeneratorDriver.Create(new[] { new NetworkGenerator().AsSourceGenerator() }, parseOptions: CSharpParseOptions.Default);

        /// <summary>A cold run: every network parsed, inferred and emitted.</summary>
        [Benchmark]
        public GeneratorDriver Generate() => Driver().RunGenerators(_project);

        /// <summary>
        /// The analyzer over every network (what the IDE runs as you type), on the project as written: the time includes binding
        /// the attributes, not compiling the generated code (which the build does once, whatever analyzers run).
        /// </summary>
        [Benchmark]
        public ImmutableArray<Diagnostic> Analyze() => _project.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new NetworkAnalyzer())).GetAnalyzerDiagnosticsAsync().Result;

        /// <summary>The generator again after a file was added elsewhere: the pipeline's caches answer.</summary>
        [Benchmark]
        public GeneratorDriver RerunAfterUnrelatedEdit() => _warm.RunGenerators(_edited);
    }
}
