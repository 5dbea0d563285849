using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>
    /// Every C# snippet of the repository's README and of the package's README compiles as shown, as a new console app's
    /// file would (implicit usings for System), with the generator running and every warning an error: a snippet with
    /// top-level statements is a program; a snippet that only declares networks is a library, and programs that use a
    /// network declared in another snippet get that snippet as a second file.
    /// </summary>
    public class ReadmeSnippetTests
    {
        internal static string RepositoryRoot()
        {
            var folder = new DirectoryInfo(AppContext.BaseDirectory);
            while (folder != null && !File.Exists(Path.Combine(folder.FullName, "NetGen.sln"))) folder = folder.Parent;
            return folder?.FullName ?? throw new InvalidOperationException("NetGen.sln not found above " + AppContext.BaseDirectory);
        }

        private static List<string> Snippets(string document)
            => Regex.Matches(File.ReadAllText(Path.Combine(RepositoryRoot(), document)), "```csharp\n(.*?)```", RegexOptions.Singleline).Select(m => m.Groups[1].Value).ToList();

        public static TheoryData<string, int> Cases()
        {
            var data = new TheoryData<string, int>();
            foreach (var document in new[] { "README.md", "src/NetGen/PACKAGE.md" })
            {
                int count = Snippets(document).Count;
                Assert.True(count > 0, document + " has no C# snippet");
                for (int i = 0; i < count; i++) data.Add(document, i);
            }

            return data;
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public async System.Threading.Tasks.Task Snippet_compiles_as_shown(string document, int index)
        {
            var snippets = Snippets(document);
            var tree = CSharpSyntaxTree.ParseText(snippets[index], TestCompiler.ParseOptions(), path: "Snippet" + index + ".cs");
            bool program = tree.GetCompilationUnitRoot().Members.OfType<GlobalStatementSyntax>().Any();
            var declared = Declared(tree);
            var trees = new List<SyntaxTree> { tree, CSharpSyntaxTree.ParseText("global using System;\nglobal using System.IO;\nglobal using System.Linq;\n", TestCompiler.ParseOptions(), path: "ImplicitUsings.cs") };
            for (int j = 0; j < snippets.Count; j++)
            {
                if (j == index) continue;
                var other = CSharpSyntaxTree.ParseText(snippets[j], TestCompiler.ParseOptions(), path: "Snippet" + j + ".cs");
                if (other.GetCompilationUnitRoot().Members.OfType<GlobalStatementSyntax>().Any()) continue;
                var types = Declared(other);
                if (types.Any(t => !declared.Contains(t) && Regex.IsMatch(snippets[index], @"\b" + t + @"\b"))) trees.Add(other);
            }

            var options = new CSharpCompilationOptions(program ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)
                .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic> { ["CS1701"] = ReportDiagnostic.Suppress, ["CS1702"] = ReportDiagnostic.Suppress });
            var references = TestCompiler.References.Append(MetadataReference.CreateFromFile(typeof(NetGen.Distributed.MpiWorld).Assembly.Location)); // "More than one machine"
            var compilation = CSharpCompilation.Create("Snippet", trees, references, options);
            TestCompiler.Driver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
            var analyzers = await output.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new NetGen.Analyzers.NetworkAnalyzer())).GetAnalyzerDiagnosticsAsync();
            var problems = generatorDiagnostics.Concat(output.GetDiagnostics()).Concat(analyzers).Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
            Assert.True(problems.Count == 0, document + " snippet " + (index + 1) + " does not compile as shown:\n" + string.Join("\n", problems) + "\n" + snippets[index]);
        }

        private static HashSet<string> Declared(SyntaxTree tree)
            => new HashSet<string>(tree.GetCompilationUnitRoot().DescendantNodes().OfType<BaseTypeDeclarationSyntax>().Select(t => t.Identifier.Text));
    }
}
