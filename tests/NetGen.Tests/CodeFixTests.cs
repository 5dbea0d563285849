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
            // A 2x2/2 pool over 5: no padding up to k/2 covers it, so only the stride is offered.
            var (document, diagnostics) = await Analyze("[Network(1, 5, 5)] [MaxPool(2)] [Dense(2)] public partial class N { }");
            var actions = await Actions(document, diagnostics.Single());
            Assert.Equal(new[] { "Use s: 1" }, actions.Select(a => a.Title));
        }
    }
}
