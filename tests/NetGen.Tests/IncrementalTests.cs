using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NetGen.Generator;
using NetGen.Generator.Model;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>The pipeline caches: edits that do not change a network leave its steps Cached/Unchanged; a changed layer is Modified.</summary>
    public class IncrementalTests
    {
        private const string Source = "using NetGen;\nnamespace Demo\n{\n    // a comment\n    [Network(4)]\n    [Dense(8, Act.ReLU)]\n    [Dense(3, Act.Softmax)]\n    public partial class Net { }\n}\n";

        private static readonly string[] Steps = { NetworkGenerator.TrackingNames.Parse, NetworkGenerator.TrackingNames.Infer };

        private static GeneratorRunResult Rerun(Func<Compilation, Compilation> edit, string source = Source)
        {
            var compilation = TestCompiler.Compilation(source);
            var driver = TestCompiler.Driver(trackSteps: true).RunGenerators(compilation);
            driver = driver.RunGenerators(edit(compilation));
            return driver.GetRunResult().Results.Single();
        }

        private static IEnumerable<IncrementalStepRunReason> Reasons(GeneratorRunResult result, string step)
            => result.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason);

        private static Compilation ReplaceSource(Compilation compilation, string text)
        {
            var tree = compilation.SyntaxTrees.First();
            return compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(text, (CSharpParseOptions)tree.Options));
        }

        [Fact]
        public void A_new_file_elsewhere_leaves_every_step_cached()
        {
            var result = Rerun(c => c.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class Unrelated { int x; }", TestCompiler.ParseOptions())));
            foreach (var step in Steps)
            {
                Assert.All(Reasons(result, step), r => Assert.True(r == IncrementalStepRunReason.Cached || r == IncrementalStepRunReason.Unchanged, step + ": " + r));
            }

            Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
        }

        public static IEnumerable<object[]> SnapshotSources => SnapshotTests.Cases.Select(c => new[] { c[0], c[1] });

        /// <summary>Every snapshot network (EveryKind holds every layer kind and weight option): an unrelated file re-runs nothing.</summary>
        [Theory]
        [MemberData(nameof(SnapshotSources))]
        public void An_unrelated_edit_reruns_nothing_for_any_layer_kind(string caseName, string source)
        {
            var result = Rerun(c => c.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class Unrelated { int x; }", TestCompiler.ParseOptions())), source);
            foreach (var step in Steps)
            {
                Assert.All(Reasons(result, step), r => Assert.True(r == IncrementalStepRunReason.Cached || r == IncrementalStepRunReason.Unchanged, caseName + ", " + step + ": " + r));
            }

            Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
        }

        [Fact]
        public void Editing_a_comment_in_the_network_file_changes_no_output()
        {
            var result = Rerun(c => ReplaceSource(c, Source.Replace("a comment", "another comment, longer")));
            Assert.All(Reasons(result, NetworkGenerator.TrackingNames.Parse), r => Assert.Equal(IncrementalStepRunReason.Unchanged, r));
            Assert.All(Reasons(result, NetworkGenerator.TrackingNames.Infer), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
        }

        [Fact]
        public void Changing_a_layer_modifies_the_model()
        {
            var result = Rerun(c => ReplaceSource(c, Source.Replace("Dense(8, Act.ReLU)", "Dense(16, Act.ReLU)")));
            Assert.Contains(IncrementalStepRunReason.Modified, Reasons(result, NetworkGenerator.TrackingNames.Parse));
            Assert.Contains(IncrementalStepRunReason.Modified, Reasons(result, NetworkGenerator.TrackingNames.Infer));
        }

        [Fact]
        public void The_model_holds_no_symbol_syntax_location_or_compilation()
        {
            var compilation = TestCompiler.Compilation(Source);
            var driver = TestCompiler.Driver(trackSteps: true).RunGenerators(compilation);
            var plan = driver.GetRunResult().Results.Single().TrackedSteps[NetworkGenerator.TrackingNames.Infer].Single().Outputs.Single().Value;
            Assert.IsType<NetworkPlan>(plan);
            Walk(plan, new HashSet<object>(ReferenceEqualityComparer.Instance));
        }

        private static void Walk(object? value, HashSet<object> seen)
        {
            if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || !seen.Add(value)) return;
            Assert.False(value is ISymbol || value is SyntaxNode || value is Location || value is Compilation || value is SyntaxTree || value is SemanticModel,
                "The model holds a " + value.GetType());
            if (value is IEnumerable items)
            {
                foreach (var item in items) Walk(item, seen);
            }

            for (var type = value.GetType(); type != null; type = type.BaseType)
            {
                foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                {
                    Walk(field.GetValue(value), seen);
                }
            }
        }
    }
}
