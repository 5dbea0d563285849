using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using NetGen.Generator.Model;
using NetGen.Generator.Parsing;

namespace NetGen.Analyzers
{
    /// <summary>
    /// Reports what cannot work in a network declaration. It parses with the generator's parser and checks with the
    /// generator's <see cref="ShapeInference"/>, then places each problem on the attribute argument at fault.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class NetworkAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>The diagnostic property listing the fixes a code fix can offer: "p=1;s=1", best first.</summary>
        public const string FixesProperty = "NetGen.Fixes";

        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => DiagnosticDescriptors.All;

        /// <inheritdoc />
        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterSymbolAction(AnalyzeType, SymbolKind.NamedType);
        }

        private static void AnalyzeType(SymbolAnalysisContext context)
        {
            var type = (INamedTypeSymbol)context.Symbol;
            var attributes = type.GetAttributes();
            var network = attributes.FirstOrDefault(NetworkParser.IsNetworkAttribute);
            var layers = NetworkParser.LayerAttributes(type);
            if (network is null)
            {
                if (layers.Count > 0)
                {
                    var where = AttributeSyntax(layers[0], context.CancellationToken)?.GetLocation() ?? type.Locations[0];
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.LayersWithoutNetwork, where, type.Name));
                }

                return;
            }

            var plan = ShapeInference.Infer(NetworkParser.Parse(type, network, context.CancellationToken));
            foreach (var problem in plan.Problems)
            {
                var descriptor = DiagnosticDescriptors.For(problem.Id);
                if (descriptor is null) continue;
                var location = Locate(problem, type, network, layers, context.CancellationToken);
                var properties = ImmutableDictionary<string, string?>.Empty;
                if (problem.Fixes.Count > 0) properties = properties.Add(FixesProperty, string.Join(";", problem.Fixes));
                context.ReportDiagnostic(Diagnostic.Create(descriptor, location, properties, problem.Args.ToArray<object>()));
            }
        }

        private static Location Locate(Problem problem, INamedTypeSymbol type, AttributeData network, List<AttributeData> layers, CancellationToken cancellationToken)
        {
            if (problem.Layer == ProblemTarget.TypeName)
            {
                // The type (or containing type) named by the problem, at its identifier.
                string name = problem.Args[0];
                for (var t = type; t != null; t = t.ContainingType)
                {
                    if (t.Name == name) return t.Locations.FirstOrDefault() ?? Location.None;
                }

                return type.Locations.FirstOrDefault() ?? Location.None;
            }

            var attribute = problem.Layer == ProblemTarget.NetworkAttribute ? network : layers[problem.Layer];
            var syntax = AttributeSyntax(attribute, cancellationToken);
            if (syntax is null) return type.Locations.FirstOrDefault() ?? Location.None;
            if (problem.Argument is null) return syntax.GetLocation();
            return ArgumentLocation(syntax, attribute, problem.Argument, problem.Element) ?? syntax.GetLocation();
        }

        /// <summary>
        /// The written argument that sets <paramref name="name"/> (a constructor parameter by name or position, or a
        /// property by "Name ="); for a params array all its elements, or one of them. Null when the argument is not
        /// written (its default is at fault), and the caller underlines the whole attribute.
        /// </summary>
        private static Location? ArgumentLocation(AttributeSyntax syntax, AttributeData attribute, string name, int element)
        {
            var matches = AttributeArguments.Find(syntax, attribute.AttributeConstructor?.Parameters ?? ImmutableArray<IParameterSymbol>.Empty, name);
            if (matches.Count == 0) return null;
            if (element >= 0 && element < matches.Count) return matches[element].GetLocation();
            var first = matches[0].Span;
            var last = matches[matches.Count - 1].Span;
            return Location.Create(syntax.SyntaxTree, Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(first.Start, last.End));
        }

        private static AttributeSyntax? AttributeSyntax(AttributeData attribute, CancellationToken cancellationToken)
            => attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
    }
}
