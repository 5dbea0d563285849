using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace NetGen.CodeFixes
{
    /// <summary>
    /// Offers the fixes the analyzer computed for a layer's arithmetic, one code action each: for NG0003 the padding or
    /// the stride that covers the input exactly, for NG0011 an odd kernel (k + 1) or stride 1. Each action sets one
    /// attribute argument, by name or position, or adds it as a named argument.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ArgumentCodeFixProvider)), Shared]
    public sealed class ArgumentCodeFixProvider : CodeFixProvider
    {
        /// <summary>The diagnostic property the analyzer fills (NetworkAnalyzer.FixesProperty): "p=1;s=2".</summary>
        private const string FixesProperty = "NetGen.Fixes";

        private const string EquivalencePrefix = "NetGen.Set.";

        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("NG0003", "NG0011");

        /// <summary>
        /// Fixes one layer at a time in source order, re-running the analyzer after each: a fixed layer changes the shapes
        /// of the layers after it, so their fixes computed from the original shapes could be wrong (or no longer needed).
        /// </summary>
        public override FixAllProvider GetFixAllProvider() => SequentialFixAll.Instance;

        /// <inheritdoc />
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null) return;
            foreach (var diagnostic in context.Diagnostics)
            {
                var attribute = root.FindNode(diagnostic.Location.SourceSpan, false, true).FirstAncestorOrSelf<AttributeSyntax>();
                if (attribute is null) continue;
                foreach (var (name, value) in Fixes(diagnostic))
                {
                    context.RegisterCodeFix(
                        CodeAction.Create(
                            "Use " + name + ": " + value.ToString(CultureInfo.InvariantCulture),
                            ct => SetArgumentAsync(context.Document, attribute, name, value, ct),
                            equivalenceKey: EquivalencePrefix + name),
                        diagnostic);
                }
            }
        }

        /// <summary>The fixes a diagnostic offers, as (argument name, value) pairs, best first.</summary>
        private static IEnumerable<(string Name, int Value)> Fixes(Diagnostic diagnostic)
        {
            if (!diagnostic.Properties.TryGetValue(FixesProperty, out var fixes) || string.IsNullOrEmpty(fixes)) yield break;
            foreach (var fix in fixes!.Split(';'))
            {
                var parts = fix.Split('=');
                if (parts.Length == 2 && int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)) yield return (parts[0], value);
            }
        }

        private static async Task<Document> SetArgumentAsync(Document document, AttributeSyntax attribute, string name, int value, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (root is null || model is null) return document;
            var literal = SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(value));
            var parameters = (model.GetSymbolInfo(attribute, cancellationToken).Symbol as IMethodSymbol)?.Parameters ?? ImmutableArray<IParameterSymbol>.Empty;
            var written = NetGen.Analyzers.AttributeArguments.Find(attribute, parameters, name);
            if (written.Count > 0)
            {
                var argument = written[0];
                var updated = argument.WithExpression(literal.WithTriviaFrom(argument.Expression));
                return document.WithSyntaxRoot(root.ReplaceNode(argument, updated));
            }

            // Not written: add "name: value" after the constructor arguments, before any property assignment.
            var added = SyntaxFactory.AttributeArgument(null, SyntaxFactory.NameColon(name), literal);
            var list = attribute.ArgumentList ?? SyntaxFactory.AttributeArgumentList();
            int index = list.Arguments.TakeWhile(a => a.NameEquals == null).Count();
            var newList = list.WithArguments(list.Arguments.Insert(index, added));
            return document.WithSyntaxRoot(root.ReplaceNode(attribute, attribute.WithArgumentList(newList)));
        }

        /// <summary>
        /// Fix-all for one kind of fix ("Use p: ..." everywhere): per document, the first diagnostic in source order that offers
        /// it is fixed, the analyzer runs again on the edited document, and so on, so each layer's fix is computed from the
        /// shapes its input has after the fixes before it.
        /// </summary>
        private sealed class SequentialFixAll : FixAllProvider
        {
            public static readonly SequentialFixAll Instance = new SequentialFixAll();

            /// <summary>More fixes than any declaration has layers: a guard, never reached by a fix that removes its diagnostic.</summary>
            private const int MaximumFixes = 1000;

            public override IEnumerable<FixAllScope> GetSupportedFixAllScopes() => new[] { FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution };

            public override Task<CodeAction?> GetFixAsync(FixAllContext fixAllContext)
            {
                string? key = fixAllContext.CodeActionEquivalenceKey;
                if (key is null || !key.StartsWith(EquivalencePrefix, System.StringComparison.Ordinal)) return Task.FromResult<CodeAction?>(null);
                string name = key.Substring(EquivalencePrefix.Length);
                var documents = fixAllContext.Scope switch
                {
                    FixAllScope.Document => fixAllContext.Document is null ? new List<DocumentId>() : new List<DocumentId> { fixAllContext.Document.Id },
                    FixAllScope.Project => fixAllContext.Project.DocumentIds.ToList(),
                    _ => fixAllContext.Solution.Projects.SelectMany(p => p.DocumentIds).ToList(),
                };
                var ids = fixAllContext.DiagnosticIds.ToImmutableHashSet();
                return Task.FromResult<CodeAction?>(CodeAction.Create(
                    "Use " + name + " wherever it is offered, layer by layer",
                    ct => FixAsync(fixAllContext.Solution, documents, ids, name, ct),
                    key));
            }

            private static async Task<Solution> FixAsync(Solution solution, List<DocumentId> documents, ImmutableHashSet<string> ids, string name, CancellationToken cancellationToken)
            {
                foreach (var id in documents)
                {
                    for (int fixes = 0; fixes < MaximumFixes; fixes++)
                    {
                        var document = solution.GetDocument(id);
                        if (document is null) break;
                        var next = await FirstFixAsync(document, ids, name, cancellationToken).ConfigureAwait(false);
                        if (next is null) break;
                        solution = (await SetArgumentAsync(document, next.Value.Attribute, name, next.Value.Value, cancellationToken).ConfigureAwait(false)).Project.Solution;
                    }
                }

                return solution;
            }

            /// <summary>The first diagnostic of the document, in source order, that offers a fix of argument <paramref name="name"/>.</summary>
            private static async Task<(AttributeSyntax Attribute, int Value)?> FirstFixAsync(Document document, ImmutableHashSet<string> ids, string name, CancellationToken cancellationToken)
            {
                var tree = await document.GetSyntaxTreeAsync(cancellationToken).ConfigureAwait(false);
                var compilation = await document.Project.GetCompilationAsync(cancellationToken).ConfigureAwait(false);
                if (tree is null || compilation is null) return null;
                var analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(new NetGen.Analyzers.NetworkAnalyzer());
                var diagnostics = await compilation.WithAnalyzers(analyzers, document.Project.AnalyzerOptions).GetAnalyzerDiagnosticsAsync(cancellationToken).ConfigureAwait(false);
                var root = await tree.GetRootAsync(cancellationToken).ConfigureAwait(false);
                foreach (var diagnostic in diagnostics.Where(d => ids.Contains(d.Id) && d.Location.SourceTree == tree).OrderBy(d => d.Location.SourceSpan.Start))
                {
                    foreach (var (fix, value) in Fixes(diagnostic))
                    {
                        if (fix != name) continue;
                        var attribute = root.FindNode(diagnostic.Location.SourceSpan, false, true).FirstAncestorOrSelf<AttributeSyntax>();
                        if (attribute is not null) return (attribute, value);
                    }
                }

                return null;
            }
        }
    }
}
