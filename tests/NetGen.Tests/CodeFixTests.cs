using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using NetGen.Analyzers;
using NetGen.CodeFixes;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>The code fixes for NG0003 and NG0011: the offered actions, the edited source, and that the diagnostic is gone after the fix.</summary>
    public class CodeFixTests
    {
        private const string Header = "using NetGen;\nnamespace Demo\n{\n";
        private const string Footer = "\n}\n";

        private static async Task<(Document Document, ImmutableArray<Diagnostic> Diagnostics)> Analyze(string source)
        {
            var workspace = new AdhocWorkspace();
            var project = workspace.AddProject("Consumer", LanguageNames.CSharp)
                .WithMetadataReferences(TestCompiler.References)
                .WithCompilationOptions(new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary))
                .WithParseOptions(TestCompiler.ParseOptions());
            var document = project.AddDocument("Net.cs", Header + source + Footer);
            var compilation = (await document.Project.GetCompilationAsync())!;
            var diagnostics = await compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new NetworkAnalyzer())).GetAnalyzerDiagnosticsAsync();
            return (document, diagnostics);
        }

        private static async Task<List<CodeAction>> Actions(Document document, Diagnostic diagnostic)
        {
            var actions = new List<CodeAction>();
            var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
            await new ArgumentCodeFixProvider().RegisterCodeFixesAsync(context);
            return actions;
        }

        public static TheoryData<string, string, string, string> Cases => new TheoryData<string, string, string, string>
        {
            // (source, diagnostic, action title, source after the fix)
            { "[Network(1, 7, 7)] [Conv(4, k: 3, s: 3)] [Dense(2)] public partial class N { }", "NG0003", "Use p: 1", "[Network(1, 7, 7)] [Conv(4, k: 3, s: 3, p: 1)] [Dense(2)] public partial class N { }" },
            { "[Network(1, 7, 7)] [Conv(4, k: 3, s: 3)] [Dense(2)] public partial class N { }", "NG0003", "Use s: 2", "[Network(1, 7, 7)] [Conv(4, k: 3, s: 2)] [Dense(2)] public partial class N { }" },
            { "[Network(1, 7, 7)] [Conv(4, 3, 3, act: Act.ReLU)] [Dense(2)] public partial class N { }", "NG0003", "Use s: 2", "[Network(1, 7, 7)] [Conv(4, 3, 2, act: Act.ReLU)] [Dense(2)] public partial class N { }" },
            { "[Network(1, 5, 5)] [MaxPool(2)] [Dense(2)] public partial class N { }", "NG0003", "Use s: 1", "[Network(1, 5, 5)] [MaxPool(2, s: 1)] [Dense(2)] public partial class N { }" },
            { "[Network(1, 5, 5)] [MaxPool(2)] [Dense(2)] public partial class N { }", "NG0003", "Use p: 1", "[Network(1, 5, 5)] [MaxPool(2, p: 1)] [Dense(2)] public partial class N { }" },
            { "[Network(1, 5, 5)] [Conv(4, k: 4, Padding = Padding.Same)] [Dense(2)] public partial class N { }", "NG0011", "Use k: 5", "[Network(1, 5, 5)] [Conv(4, k: 5, Padding = Padding.Same)] [Dense(2)] public partial class N { }" },
            { "[Network(1, 5, 5)] [Conv(4, k: 3, s: 2, Padding = Padding.Same)] [Dense(2)] public partial class N { }", "NG0011", "Use s: 1", "[Network(1, 5, 5)] [Conv(4, k: 3, s: 1, Padding = Padding.Same)] [Dense(2)] public partial class N { }" },
        };

        [Theory]
        [MemberData(nameof(Cases))]
        public async Task The_fix_edits_the_argument_and_the_diagnostic_goes(string source, string id, string title, string expected)
        {
            var (document, diagnostics) = await Analyze(source);
            var diagnostic = Assert.Single(diagnostics, d => d.Id == id);
            var actions = await Actions(document, diagnostic);
            var action = Assert.Single(actions, a => a.Title == title);
            var operation = (await action.GetOperationsAsync(CancellationToken.None)).OfType<ApplyChangesOperation>().Single();
            var fixedText = (await operation.ChangedSolution.GetDocument(document.Id)!.GetTextAsync()).ToString();
            Assert.Equal(Header + expected + Footer, fixedText);

            var (_, after) = await Analyze(expected);
            Assert.DoesNotContain(after, d => d.Id == id);
        }

        [Fact]
        public async Task No_action_is_offered_where_no_fix_exists()
        {
            // Valid padding is no explicit padding to change, so only the stride is offered (s: 2 still loses the last row of 10).
            var (document, diagnostics) = await Analyze("[Network(1, 10, 10)] [Conv(4, k: 3, s: 3, Padding = Padding.Valid)] [Dense(2)] public partial class N { }");
            var actions = await Actions(document, diagnostics.Single());
            Assert.Equal(new[] { "Use s: 1" }, actions.Select(a => a.Title));
        }

        /// <summary>The analyzer's diagnostics for the fix-all context (what the IDE or dotnet format hands a fix-all).</summary>
        private sealed class AnalyzerDiagnostics : FixAllContext.DiagnosticProvider
        {
            private static async Task<IEnumerable<Diagnostic>> Run(Project project)
            {
                var compilation = (await project.GetCompilationAsync())!;
                return await compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new NetworkAnalyzer())).GetAnalyzerDiagnosticsAsync();
            }

            public override async Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken)
                => (await Run(document.Project)).Where(d => d.Location.SourceTree == document.GetSyntaxTreeAsync().Result);

            public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) => Run(project);

            public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) => Run(project);
        }

        /// <summary>
        /// Fix-all of "Use p:" on a convolution and the pooling layer after it: fixed from the original shapes, the pool would
        /// get p: 1 for its original 5x5 input and still lose a row of the 6x6 input the fixed convolution gives it; fixed
        /// layer by layer, the convolution's fix alone leaves nothing to fix.
        /// </summary>
        [Fact]
        public async Task Fix_all_recomputes_the_shapes_layer_by_layer()
        {
            const string source = "[Network(1, 12, 12)] [Conv(4, k: 3, s: 2)] [MaxPool(3)] [Dense(2)] public partial class N { }";
            var (document, diagnostics) = await Analyze(source);
            Assert.Equal(new[] { "NG0003", "NG0003" }, diagnostics.Select(d => d.Id)); // conv: 12 -> 5 loses a row; pool: 5 -> 1 loses two
            var provider = new ArgumentCodeFixProvider();
            var context = new FixAllContext(document, provider, FixAllScope.Document, "NetGen.Set.p", new[] { "NG0003" }, new AnalyzerDiagnostics(), CancellationToken.None);
            var action = await provider.GetFixAllProvider()!.GetFixAsync(context);
            var operation = (await action!.GetOperationsAsync(CancellationToken.None)).OfType<ApplyChangesOperation>().Single();
            var fixedText = (await operation.ChangedSolution.GetDocument(document.Id)!.GetTextAsync()).ToString();
            const string expected = "[Network(1, 12, 12)] [Conv(4, k: 3, s: 2, p: 1)] [MaxPool(3)] [Dense(2)] public partial class N { }";
            Assert.Equal(Header + expected + Footer, fixedText);
            var (_, after) = await Analyze(expected);
            Assert.Empty(after);
        }
    }
}
