using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetGen.Generator.Emission;
using NetGen.Generator.Model;
using NetGen.Generator.Parsing;

namespace NetGen.Generator
{
    /// <summary>
    /// Generates the implementation of every class marked [Network]: syntax -> <see cref="NetworkSpec"/> (parse)
    /// -> <see cref="NetworkPlan"/> (shape inference) -> C# (emit). Problems are reported by the analyzers, not here;
    /// for a network with errors the generator writes the members' signatures with bodies that throw.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed partial class NetworkGenerator : IIncrementalGenerator
    {
        /// <summary>Tracking names of the pipeline's steps, for incrementality tests.</summary>
        public static class TrackingNames
        {
            /// <summary>Attribute syntax read into the model.</summary>
            public const string Parse = "NetGen.Parse";

            /// <summary>Model turned into shapes and offsets.</summary>
            public const string Infer = "NetGen.Infer";

            /// <summary>Whether the consumer's language version has nullable reference types.</summary>
            public const string Nullable = "NetGen.Nullable";
        }

        /// <inheritdoc />
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var plans = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    NetworkParser.NetworkAttributeMetadataName,
                    static (node, _) => node is ClassDeclarationSyntax,
                    static (ctx, ct) => NetworkParser.Parse((INamedTypeSymbol)ctx.TargetSymbol, ctx.Attributes[0], ct))
                .WithTrackingName(TrackingNames.Parse)
                .Select(static (spec, _) => ShapeInference.Infer(spec))
                .WithTrackingName(TrackingNames.Infer);

            var nullable = context.ParseOptionsProvider
                .Select(static (options, _) => ((CSharpParseOptions)options).LanguageVersion >= LanguageVersion.CSharp8)
                .WithTrackingName(TrackingNames.Nullable);

            context.RegisterSourceOutput(plans.Combine(nullable), static (spc, pair) =>
            {
                var plan = pair.Left;
                if (!CanDeclare(plan.Spec)) return; // a non-partial type: the analyzer says so; more code would only add errors
                spc.AddSource(HintName(plan.Spec), Emitter.Emit(plan, pair.Right));
            });
        }

        private static bool CanDeclare(NetworkSpec spec)
        {
            if (!spec.Type.IsPartial) return false;
            foreach (var outer in spec.ContainingTypes)
            {
                if (!outer.IsPartial) return false;
            }

            return true;
        }

        /// <summary>"{Namespace}.{Type}.g.cs", with containing types and arity: "Demo.Outer.Net`1.g.cs".</summary>
        internal static string HintName(NetworkSpec spec)
        {
            var name = new System.Text.StringBuilder();
            if (spec.Namespace != null) name.Append(spec.Namespace).Append('.');
            foreach (var outer in spec.ContainingTypes) name.Append(Arity(outer)).Append('.');
            name.Append(Arity(spec.Type)).Append(".g.cs");
            return name.ToString();
        }

        private static string Arity(TypeDeclarationSpec type)
            => type.TypeParameters.Length == 0 ? type.Name : type.Name + "`" + (type.TypeParameters.Split(',').Length).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
