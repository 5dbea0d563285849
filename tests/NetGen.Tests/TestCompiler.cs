using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using NetGen.Generator;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>Compiles source in memory against .NET 10 reference assemblies and NetGen.dll, running the generator (and optionally the analyzers) offline.</summary>
    internal static class TestCompiler
    {
        internal static readonly MetadataReference[] References = Basic.Reference.Assemblies.Net100.References.All
            .Cast<MetadataReference>()
            .Append(MetadataReference.CreateFromFile(typeof(INetwork).Assembly.Location))
            .ToArray();

        public static CSharpParseOptions ParseOptions(LanguageVersion version = LanguageVersion.Latest) => new CSharpParseOptions(version);

        public static CSharpCompilation Compilation(string source, LanguageVersion version = LanguageVersion.Latest, string name = "Consumer")
            => Compilation(new[] { source }, version, name);

        public static CSharpCompilation Compilation(IEnumerable<string> sources, LanguageVersion version = LanguageVersion.Latest, string name = "Consumer")
        {
            var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: version >= LanguageVersion.CSharp8 ? NullableContextOptions.Enable : NullableContextOptions.Disable)
                .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic> { ["CS1701"] = ReportDiagnostic.Suppress, ["CS1702"] = ReportDiagnostic.Suppress })
                .WithWarningLevel(9999);
            return CSharpCompilation.Create(name, sources.Select(s => CSharpSyntaxTree.ParseText(s, ParseOptions(version))), References, options);
        }

        public static GeneratorDriver Driver(LanguageVersion version = LanguageVersion.Latest, bool trackSteps = false)
            => CSharpGeneratorDriver.Create(
                new[] { new NetworkGenerator().AsSourceGenerator() },
                parseOptions: ParseOptions(version),
                driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

        /// <summary>Runs the generator; returns the output compilation and the generated sources by hint name.</summary>
        public static (Compilation Output, ImmutableArray<GeneratedSourceResult> Generated) Generate(string source, LanguageVersion version = LanguageVersion.Latest)
        {
            var compilation = Compilation(source, version);
            var driver = Driver(version).RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
            Assert.Empty(diagnostics);
            return (output, driver.GetRunResult().Results.Single().GeneratedSources);
        }

        /// <summary>Generates, compiles with every warning as an error, loads the assembly.</summary>
        public static Assembly CompileAndLoad(string source)
        {
            var (output, _) = Generate(source);
            var errors = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
            Assert.True(errors.Count == 0, "The generated code does not compile cleanly:\n" + string.Join("\n", errors));
            using var stream = new MemoryStream();
            var result = output.Emit(stream);
            Assert.True(result.Success, string.Join("\n", result.Diagnostics));
            return Assembly.Load(stream.ToArray());
        }

        /// <summary>Instantiates the generated network <paramref name="typeName"/> with <paramref name="seed"/>.</summary>
        public static INetwork Create(Assembly assembly, string typeName, int seed = 0)
            => (INetwork)Activator.CreateInstance(assembly.GetType(typeName, throwOnError: true)!, seed)!;

        /// <summary>The analyzers' diagnostics (NG IDs only) on <paramref name="source"/>, plus any compiler error.</summary>
        public static ImmutableArray<Diagnostic> Analyze(string source, out ImmutableArray<Diagnostic> compilerErrors)
        {
            var (output, _) = Generate(source);
            compilerErrors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray();
            var analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(new NetGen.Analyzers.NetworkAnalyzer());
            var crashes = new List<string>();
            var options = new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                onAnalyzerException: (exception, analyzer, diagnostic) => { lock (crashes) crashes.Add(exception.ToString()); },
                concurrentAnalysis: false,
                logAnalyzerExecutionTime: false);
            var diagnostics = output.WithAnalyzers(analyzers, options).GetAnalyzerDiagnosticsAsync().Result;
            Assert.True(crashes.Count == 0, "The analyzer threw:\n" + string.Join("\n", crashes));
            return diagnostics;
        }
    }
}
