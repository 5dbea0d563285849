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

        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("NG0003", "NG0011");

        /// <inheritdoc />
        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        /// <inheritdoc />
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null) return;
            foreach (var diagnostic in context.Diagnostics)
            {
                if (!diagnostic.Properties.TryGetValue(FixesProperty, out var fixes) || string.IsNullOrEmpty(fixes)) continue;
                var attribute = root.FindNode(diagnostic.Location.SourceSpan, false, true).FirstAncestorOrSelf<AttributeSyntax>();
                if (attribute is null) continue;
                foreach (var fix in fixes!.Split(';'))
                {
                    var parts = fix.Split('=');
                    if (parts.Length != 2 || !int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)) continue;
                    string name = parts[0];
                    context.RegisterCodeFix(
                        CodeAction.Create(
                            "Use " + name + ": " + parts[1],
                            ct => SetArgumentAsync(context.Document, attribute, name, value, ct),
                            equivalenceKey: "NetGen.Set." + name),
                        diagnostic);
                }
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
    }
}
