using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetGen.Generator.Layers;
using NetGen.Generator.Model;

namespace NetGen.Generator.Parsing
{
    /// <summary>
    /// Reads a network class's attributes, in source order, into the value-only <see cref="NetworkSpec"/>.
    /// Shared (as source) by the generator and the analyzers, so both see the same layers in the same order.
    /// </summary>
    internal static class NetworkParser
    {
        public const string NetworkAttributeMetadataName = "NetGen.NetworkAttribute";

        /// <summary>Whether <paramref name="attribute"/> is NetGen's [Network].</summary>
        public static bool IsNetworkAttribute(AttributeData attribute) => IsNetGenType(attribute.AttributeClass, "NetworkAttribute");

        /// <summary>Whether <paramref name="attribute"/> is one of NetGen's layer attributes (derived from NetGen.LayerAttribute).</summary>
        public static bool IsLayerAttribute(AttributeData attribute)
        {
            for (var type = attribute.AttributeClass?.BaseType; type != null; type = type.BaseType)
            {
                if (IsNetGenType(type, "LayerAttribute")) return true;
            }

            return false;
        }

        /// <summary>The type's layer attributes in source order (declarations in the order the compiler lists them).</summary>
        public static List<AttributeData> LayerAttributes(INamedTypeSymbol type)
            => type.GetAttributes().Where(IsLayerAttribute).ToList();

        /// <summary>Reads the network declared on <paramref name="type"/>.</summary>
        public static NetworkSpec Parse(INamedTypeSymbol type, AttributeData network, CancellationToken cancellationToken)
        {
            var declarations = type.DeclaringSyntaxReferences;
            var layers = new List<LayerSpec>();
            foreach (var attribute in LayerAttributes(type))
            {
                cancellationToken.ThrowIfCancellationRequested();
                layers.Add(ParseLayer(attribute, DeclarationIndex(attribute, declarations, cancellationToken)));
            }

            var containing = new List<TypeDeclarationSpec>();
            for (var outer = type.ContainingType; outer != null; outer = outer.ContainingType)
            {
                containing.Insert(0, Describe(outer, cancellationToken));
            }

            ReadInputShape(network, out var shape, out bool readable);
            Loss loss = Loss.Auto;
            double huberDelta = 1.0, smoothing = 0;
            var classWeights = new List<double>();
            foreach (var named in network.NamedArguments)
            {
                if (named.Key == LayerArguments.Loss && named.Value.Value is int value) loss = (Loss)value;
                if (named.Key == LayerArguments.HuberDelta && named.Value.Value is double delta) huberDelta = delta;
                if (named.Key == LayerArguments.LabelSmoothing && named.Value.Value is double epsilon) smoothing = epsilon;
                if (named.Key == LayerArguments.ClassWeights && named.Value.Kind == TypedConstantKind.Array && !named.Value.IsNull)
                {
                    foreach (var element in named.Value.Values) classWeights.Add(element.Value is double w ? w : double.NaN);
                }
            }

            bool parameterless = false, seeded = false;
            foreach (var ctor in type.InstanceConstructors)
            {
                if (ctor.IsImplicitlyDeclared) continue;
                if (ctor.Parameters.Length == 0) parameterless = true;
                if (ctor.Parameters.Length == 1 && ctor.Parameters[0].Type.SpecialType == SpecialType.System_Int32) seeded = true;
            }

            return new NetworkSpec(
                type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : null,
                new EquatableArray<TypeDeclarationSpec>(containing),
                Describe(type, cancellationToken),
                type.ToDisplayString(),
                new EquatableArray<int>(shape),
                readable,
                loss,
                new EquatableArray<LayerSpec>(layers),
                parameterless,
                seeded)
            {
                HuberDelta = huberDelta,
                LabelSmoothing = smoothing,
                ClassWeights = new EquatableArray<double>(classWeights),
            };
        }

        private static void ReadInputShape(AttributeData network, out int[] shape, out bool readable)
        {
            shape = new int[0];
            readable = false;
            if (network.AttributeConstructor is null || network.ConstructorArguments.Length != 1) return;
            var arg = network.ConstructorArguments[0];
            if (arg.Kind != TypedConstantKind.Array || arg.IsNull) return;
            var values = new List<int>();
            foreach (var v in arg.Values)
            {
                if (v.Value is not int i) return;
                values.Add(i);
            }

            shape = values.ToArray();
            readable = true;
        }

        private static LayerSpec ParseLayer(AttributeData attribute, int declaration)
        {
            string name = attribute.AttributeClass?.Name ?? "Layer";
            if (name.EndsWith("Attribute")) name = name.Substring(0, name.Length - "Attribute".Length);
            var ctor = attribute.AttributeConstructor;
            var kind = LayerKinds.ByAttribute(name);
            if (kind is null || ctor is null || attribute.ConstructorArguments.Length != ctor.Parameters.Length)
            {
                return new LayerSpec(null, name, Act.Identity, declaration, NoOptions.Instance);
            }

            var args = new Dictionary<string, TypedConstant>();
            for (int i = 0; i < ctor.Parameters.Length; i++) args[ctor.Parameters[i].Name] = attribute.ConstructorArguments[i];
            foreach (var named in attribute.NamedArguments) args[named.Key] = named.Value;
            var reader = new ArgumentReader(args);
            return new LayerSpec(kind, name, (Act)reader.Int(LayerArguments.Act, 0), declaration, kind.ReadOptions(reader))
            {
                Name = reader.String(LayerArguments.LayerName),
                From = reader.String(LayerArguments.From),
                Output = reader.Bool(LayerArguments.Output, false),
                LossWeight = reader.Double(LayerArguments.LossWeight, LayerDefaults.LossWeight),
                HeadLoss = (Loss)reader.Int(LayerArguments.Loss, 0),
                Alpha = reader.Double(LayerArguments.Alpha, double.NaN),
                Trainable = reader.Bool(LayerArguments.Trainable, true),
            };
        }

        private static int DeclarationIndex(AttributeData attribute, IReadOnlyList<SyntaxReference> declarations, CancellationToken cancellationToken)
        {
            var reference = attribute.ApplicationSyntaxReference;
            if (reference is null || declarations.Count < 2) return 0;
            var owner = reference.GetSyntax(cancellationToken).FirstAncestorOrSelf<TypeDeclarationSyntax>();
            for (int i = 0; i < declarations.Count; i++)
            {
                if (owner != null && declarations[i].SyntaxTree == owner.SyntaxTree && declarations[i].Span == owner.Span) return i;
            }

            return 0;
        }

        private static TypeDeclarationSpec Describe(INamedTypeSymbol type, CancellationToken cancellationToken)
        {
            bool partial = false;
            string keyword = type.IsRecord ? "record" : type.TypeKind == TypeKind.Struct ? "struct" : "class";
            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax syntax)
                {
                    if (syntax.Modifiers.Any(SyntaxKind.PartialKeyword)) partial = true;
                    keyword = syntax is RecordDeclarationSyntax record
                        ? (record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) ? "record struct" : "record")
                        : syntax.Keyword.Text;
                }
            }

            string typeParameters = type.TypeParameters.Length == 0 ? "" : "<" + string.Join(", ", type.TypeParameters.Select(p => p.Name)) + ">";
            return new TypeDeclarationSpec(keyword, type.Name, typeParameters, partial);
        }

        private static bool IsNetGenType(INamedTypeSymbol? type, string name)
            => type != null && type.Name == name && type.ContainingNamespace is { Name: "NetGen" } ns && ns.ContainingNamespace is { IsGlobalNamespace: true };
    }
}
