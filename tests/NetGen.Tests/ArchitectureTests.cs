using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetGen.Generator.Layers;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>
    /// The house rules of docs/architecture.md: a layer kind is one file (its name in at most three source files besides
    /// the registry), every registered kind is tested four ways, generator kernels are named by checked constants, no
    /// generator function is longer than 80 lines, and the model's functions call each other without loops.
    /// </summary>
    public class ArchitectureTests
    {
        private static readonly string Root = ReadmeSnippetTests.RepositoryRoot();

        private static IEnumerable<string> Kinds => LayerKinds.All.Select(k => k.Attribute);

        /// <summary>The kinds a network type declares: its layer attributes' names.</summary>
        private static IEnumerable<string> KindsOf(Type type)
            => type.GetCustomAttributes(inherit: false).Select(a => a.GetType()).Where(t => typeof(LayerAttribute).IsAssignableFrom(t)).Select(t => t.Name.Substring(0, t.Name.Length - "Attribute".Length));

        /// <summary>The kinds a source declares: "[Conv(", "[Flatten]", "[Flatten(".</summary>
        private static IEnumerable<string> KindsOf(string source)
            => Regex.Matches(source, @"\[\s*(\w+)\s*[(\]]").Select(m => m.Groups[1].Value).Where(Kinds.Contains);

        private static Type Parity(string type) => Type.GetType((type.StartsWith("Weights.") ? "NetGen.Tests." : "NetGen.Tests.Parity.") + type, throwOnError: true)!;

        [Fact]
        public void Every_registered_kind_has_a_gradient_check_a_PyTorch_parity_case_a_snapshot_and_an_ONNX_export_case()
        {
            var gradient = KindsOf(GradientCheckTests.Source()).Concat(KindsOf(ConvGradientCheckTests.Source)).Concat(KindsOf(GraphGradientCheckTests.Source))
                .Concat(NormalizationTests.CheckedNetworks.SelectMany(KindsOf)).Concat(RegularizationTests.CheckedNetworks.SelectMany(KindsOf)).ToHashSet();
            var parity = ParityTests.Fixtures.Cast<object[]>().Select(row => ParityTests.Network((string)row[0]).GetType())
                .Concat(NormalizationTests.Fixtures.Cast<object[]>().Select(row => NormalizationTests.Network((string)row[0]).GetType())).SelectMany(KindsOf).ToHashSet();
            var snapshot = SnapshotTests.Cases.Cast<object[]>().SelectMany(row => KindsOf((string)row[1])).ToHashSet();
            var onnx = OnnxExportTests.Networks.SelectMany(row => KindsOf(Parity((string)row[0]))).ToHashSet();
            var missing = Kinds.SelectMany(kind => new[] { ("gradient check", gradient), ("PyTorch parity", parity), ("snapshot", snapshot), ("ONNX export", onnx) }
                .Where(c => !c.Item2.Contains(kind)).Select(c => kind + ": no " + c.Item1)).ToList();
            Assert.True(missing.Count == 0, string.Join("\n", missing));
            Assert.Equal(LayerKinds.All.Count, Kinds.Distinct().Count());
        }

        /// <summary>The C# source files of the product: the generator, the analyzers and the runtime (not tests, samples, benchmarks).</summary>
        private static IEnumerable<string> ProductSources(params string[] folders)
            => folders.SelectMany(f => Directory.EnumerateFiles(Path.Combine(Root, f), "*.cs", SearchOption.AllDirectories))
                .Where(p => !p.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar) && !p.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar));

        /// <summary>A file's code without comments (the names of kinds in prose are free).</summary>
        private static string Code(string path)
            => string.Concat(CSharpSyntaxTree.ParseText(File.ReadAllText(path)).GetRoot().DescendantTokens(descendIntoTrivia: false).Select(t => t.Text + " "));

        /// <summary>
        /// Where a kind's name occurs in code: as an identifier ("Dense", "DenseLayer", "DenseForward", "MaxPool2x2Forward")
        /// or inside a string ("Dense"), a longer kind's name ("ConvTranspose") not counting for a shorter one ("Conv"). Add
        /// and Concat are also verbs of the base library: for them only the whole word counts, and not as a method call
        /// (".Add(", ".Concat("). A member of the Act enum (Act.Identity) is an activation, not a layer kind; the file
        /// that declares the enums (AttributeEnums.cs) is exempt for the same reason.
        /// </summary>
        private static bool Mentions(string code, string kind)
        {
            var longer = Kinds.Where(k => k != kind && k.StartsWith(kind, StringComparison.Ordinal)).ToList();
            bool verb = kind == "Add" || kind == "Concat";
            foreach (Match m in Regex.Matches(code, @"(?<![A-Za-z0-9_])" + kind + @"(?![a-z])"))
            {
                string token = Regex.Match(code.Substring(m.Index), @"^\w+").Value;
                if (longer.Any(l => token.StartsWith(l, StringComparison.Ordinal))) continue;
                if (Regex.IsMatch(code.Substring(0, m.Index), @"\bAct\s*\.\s*$")) continue; // Act.Identity: the activation, not the layer
                if (token is "PadMode" or "PadRight" or "PadLeft") continue; // the padding modes (of [Pad] and of convolutions), and string padding
                if (verb && (token != kind || (code.Substring(0, m.Index).TrimEnd().EndsWith(".") && code.Substring(m.Index + kind.Length).TrimStart().StartsWith("(")))) continue;
                return true;
            }

            return false;
        }

        [Fact]
        public void A_kind_is_named_in_at_most_three_source_files_besides_the_registry()
        {
            // exempt: the public attributes and the enums their arguments take, the one diagnostics file and the registry that lists every kind
            var exempt = new[] { "Attributes.cs", "AttributeEnums.cs", "Diagnostics.cs", "LayerKinds.cs" };
            var files = ProductSources("generator", "analyzers", "src").Where(p => !exempt.Contains(Path.GetFileName(p))).ToDictionary(p => p, Code);
            var faults = new List<string>();
            foreach (var kind in Kinds)
            {
                // a kernel folder (Kernels/Layers/Conv/) counts as one file
                var homes = files.Where(f => Mentions(f.Value, kind)).Select(f => Regex.Replace(Path.GetRelativePath(Root, f.Key).Replace('\\', '/'), @"^(src/NetGen/Kernels/Layers/\w+)/.*", "$1/")).Distinct().ToList();
                if (homes.Count > 3) faults.Add(kind + ": " + string.Join(", ", homes));
                Assert.Contains(homes, h => h.EndsWith("/" + kind + "Layer.cs", StringComparison.Ordinal));
            }

            Assert.True(faults.Count == 0, string.Join("\n", faults));
        }

        /// <summary>The constants of every class named KernelNames in the generator (the general one and each kind's nested one).</summary>
        private static IEnumerable<(string Owner, string Kernel)> KernelConstants()
            => typeof(LayerKinds).Assembly.GetTypes().Where(t => t.Name == "KernelNames")
                .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (t.FullName!, (string)f.GetRawConstantValue()!)));

        [Fact]
        public void Every_kernel_the_generator_names_is_a_method_of_the_runtime()
        {
            var methods = typeof(Kernels).GetMethods(BindingFlags.Public | BindingFlags.Static).Select(m => m.Name).ToHashSet();
            var constants = KernelConstants().ToList();
            Assert.True(constants.Count > 40, "found only " + constants.Count + " kernel names");
            Assert.All(constants, c => Assert.True(methods.Contains(c.Kernel), c.Owner + " names " + c.Kernel + ", which NetGen.Kernels does not have"));
            // the activations' kernels are named for the members of Act
            foreach (Act act in Enum.GetValues(typeof(Act)))
            {
                if (act == Act.Identity) continue;
                Assert.Contains(act.ToString(), methods);
                Assert.Contains(act + "Backward", methods);
            }
        }

        [Fact]
        public void No_generator_function_is_longer_than_80_lines()
        {
            var faults = new List<string>();
            foreach (var path in ProductSources("generator"))
            {
                var root = CSharpSyntaxTree.ParseText(File.ReadAllText(path)).GetRoot();
                foreach (var node in root.DescendantNodes().Where(n => n is BaseMethodDeclarationSyntax || n is LocalFunctionStatementSyntax || n is AccessorDeclarationSyntax))
                {
                    var lines = node.GetLocation().GetLineSpan();
                    int count = lines.EndLinePosition.Line - lines.StartLinePosition.Line + 1;
                    if (count > 80) faults.Add(Path.GetFileName(path) + ":" + (lines.StartLinePosition.Line + 1) + " " + count + " lines");
                }
            }

            Assert.True(faults.Count == 0, string.Join("\n", faults));
        }

        [Fact]
        public void The_models_functions_call_each_other_without_loops()
        {
            // the static classes of Model/ and whom each calls
            var classes = new Dictionary<string, string>();
            foreach (var path in Directory.EnumerateFiles(Path.Combine(Root, "generator", "NetGen.Generator", "Model"), "*.cs"))
            {
                var root = CSharpSyntaxTree.ParseText(File.ReadAllText(path)).GetRoot();
                foreach (var type in root.DescendantNodes().OfType<ClassDeclarationSyntax>().Where(c => c.Modifiers.Any(SyntaxKind.StaticKeyword) && c.Parent is not ClassDeclarationSyntax))
                {
                    classes[type.Identifier.Text] = type.ToString();
                }
            }

            Assert.Contains("ShapeInference", classes.Keys);
            var calls = classes.ToDictionary(c => c.Key, c => classes.Keys.Where(other => other != c.Key && Regex.IsMatch(c.Value, @"\b" + other + @"\b")).ToList());
            var state = new Dictionary<string, int>(); // 1 visiting, 2 done
            string? Loop(string node, List<string> path)
            {
                if (state.TryGetValue(node, out int s)) return s == 1 ? string.Join(" -> ", path.SkipWhile(p => p != node).Append(node)) : null;
                state[node] = 1;
                path.Add(node);
                foreach (var next in calls[node])
                {
                    if (Loop(next, path) is { } found) return found;
                }

                path.RemoveAt(path.Count - 1);
                state[node] = 2;
                return null;
            }

            foreach (var name in calls.Keys)
            {
                var loop = Loop(name, new List<string>());
                Assert.True(loop is null, "a loop: " + loop);
            }

            // the network-level shape inference asks the kinds and names none
            Assert.DoesNotContain(Kinds, kind => Mentions(Code(Path.Combine(Root, "generator", "NetGen.Generator", "Model", "ShapeInference.cs")), kind));
        }
    }
}
