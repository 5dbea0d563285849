using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
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
            foreach (var named in network.NamedArguments)
            {
                if (named.Key == "Loss" && named.Value.Value is int value) loss = (Loss)value;
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
                seeded);
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
            if (ctor is null || attribute.ConstructorArguments.Length != ctor.Parameters.Length)
            {
                return new LayerSpec(LayerKind.Unknown, name, 0, Act.Identity, true, declaration);
            }

            var args = new Dictionary<string, TypedConstant>();
            for (int i = 0; i < ctor.Parameters.Length; i++) args[ctor.Parameters[i].Name] = attribute.ConstructorArguments[i];
            foreach (var named in attribute.NamedArguments) args[named.Key] = named.Value;

            int Int(string key, int fallback) => args.TryGetValue(key, out var c) && c.Value is int v ? v : fallback;
            bool Bool(string key, bool fallback) => args.TryGetValue(key, out var c) && c.Value is bool v ? v : fallback;
            double Double(string key, double fallback) => args.TryGetValue(key, out var c) && c.Value is double v ? v : fallback;
            LayerSpec Initialized(LayerSpec layer) => layer with
            {
                Init = (Init)Int("Init", 0),
                InitScale = Double("InitScale", 0.01),
                Gain = Double("Gain", 1.0),
                BiasInit = Double("BiasInit", 0.0),
                L2 = Double("L2", 0.0),
                L1 = Double("L1", 0.0),
                WeightElimination = Double("WeightElimination", 0.0),
                W0 = Double("W0", 0.2),
                WeightNorm = Bool("WeightNorm", false),
                WeightNoise = Double("WeightNoise", 0.0),
            };

            return Graph(Kind());

            // Name, From, Output, LossWeight and Loss: LayerAttribute's properties, on every kind.
            LayerSpec Graph(LayerSpec layer) => layer with
            {
                Name = String("Name"),
                From = String("From"),
                Output = Bool("Output", false),
                LossWeight = Double("LossWeight", 1.0),
                HeadLoss = (Loss)Int("Loss", 0),
            };

            string? String(string key) => args.TryGetValue(key, out var c) && c.Value is string v ? v : null;

            LayerSpec Kind()
            {
                switch (name)
                {
                    case "Add":
                        return new LayerSpec(LayerKind.Add, name, 0, (Act)Int("act", 0), false, declaration) { Merged = Strings(out string argument), MergedArgument = argument };
                    case "Concat":
                        return new LayerSpec(LayerKind.Concat, name, 0, Act.Identity, false, declaration) { Merged = Strings(out _) };
                    case "Dense":
                        return Initialized(new LayerSpec(LayerKind.Dense, name, Int("units", 0), (Act)Int("act", 0), Bool("Bias", true), declaration));
                    case "Activation":
                        return new LayerSpec(LayerKind.Activation, name, 0, (Act)Int("act", 0), false, declaration);
                    case "Conv":
                        return Initialized(new LayerSpec(LayerKind.Conv, name, Int("filters", 0), (Act)Int("act", 0), Bool("Bias", true), declaration)
                        {
                            K = Int("k", 0),
                            S = Int("s", 1),
                            P = Int("p", 0),
                            D = Int("d", 1),
                            Padding = (Padding)Int("Padding", 0),
                            KernelSize = Ints("KernelSize"),
                        });
                    case "ConvTranspose":
                        return Initialized(new LayerSpec(LayerKind.ConvTranspose, name, Int("filters", 0), (Act)Int("act", 0), Bool("Bias", true), declaration)
                        {
                            K = Int("k", 0),
                            S = Int("s", 1),
                            P = Int("p", 0),
                            A = Int("a", 0),
                        });
                    case "MaxPool":
                    case "AvgPool":
                        return new LayerSpec(name == "MaxPool" ? LayerKind.MaxPool : LayerKind.AvgPool, name, 0, Act.Identity, false, declaration)
                        {
                            K = Int("k", 0),
                            S = Int("s", Int("k", 0)), // the one-argument constructor means stride = window
                            P = Int("p", 0),
                            CountIncludePad = Bool("CountIncludePad", true),
                        };
                    case "Flatten":
                        return new LayerSpec(LayerKind.Flatten, name, 0, Act.Identity, false, declaration);
                    case "Dropout":
                    case "AlphaDropout":
                        return new LayerSpec(name == "Dropout" ? LayerKind.Dropout : LayerKind.AlphaDropout, name, 0, Act.Identity, false, declaration) { Rate = Double("rate", 0) };
                    case "GaussianNoise":
                        return new LayerSpec(LayerKind.GaussianNoise, name, 0, Act.Identity, false, declaration) { Rate = Double("std", 0) };
                    case "BatchNorm":
                        return new LayerSpec(LayerKind.BatchNorm, name, 0, Act.Identity, true, declaration) { Eps = Double("eps", 1e-5), Momentum = Double("momentum", 0.1), Init = Init.Constant, InitScale = 1.0 };
                    case "LayerNorm":
                        return new LayerSpec(LayerKind.LayerNorm, name, 0, Act.Identity, true, declaration) { Eps = Double("eps", 1e-5), Init = Init.Constant, InitScale = 1.0 };
                    default:
                        return new LayerSpec(LayerKind.Unknown, name, 0, Act.Identity, true, declaration);
                }
            }

            // Add and Concat: the names from "name" (Add(string name, Act act)) or the params array "names".
            EquatableArray<string> Strings(out string argument)
            {
                argument = args.ContainsKey("name") ? "name" : "names";
                if (!args.TryGetValue(argument, out var c)) return EquatableArray<string>.Empty;
                if (c.Kind != TypedConstantKind.Array) return new EquatableArray<string>(new[] { c.Value as string ?? "" });
                if (c.IsNull) return EquatableArray<string>.Empty;
                return new EquatableArray<string>(c.Values.Select(v => v.Value as string ?? "").ToList());
            }

            EquatableArray<int> Ints(string key)
            {
                if (!args.TryGetValue(key, out var c) || c.Kind != TypedConstantKind.Array || c.IsNull) return EquatableArray<int>.Empty;
                var values = new List<int>();
                foreach (var v in c.Values) values.Add(v.Value is int i ? i : 0);
                return new EquatableArray<int>(values);
            }
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
