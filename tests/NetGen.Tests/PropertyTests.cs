using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Text;
using CsCheck;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>
    /// Property tests over generated declarations (CsCheck; a failure is shrunk and printed with its seed). Each declaration
    /// is built from a sequence of small choices, so shrinking the sequence simplifies the declaration. Sized for CI; set
    /// NETGEN_PROPERTY_ITERATIONS for a longer run.
    /// </summary>
    public class PropertyTests
    {
        /// <summary>The CI count, or NETGEN_PROPERTY_ITERATIONS divided by <paramref name="cost"/> (compiling runs cost more).</summary>
        private static int Iterations(int ci, int cost = 1) => int.TryParse(Environment.GetEnvironmentVariable("NETGEN_PROPERTY_ITERATIONS"), out int n) && n > 0 ? Math.Max(1, n / cost) : ci;

        /// <summary>Reads choices off the sequence (0 once it runs out: the simplest option).</summary>
        private sealed class Choices
        {
            private readonly int[] _values;
            private int _next;

            public Choices(int[] values) => _values = values;

            public int Next(int count) => count <= 1 ? 0 : (_next < _values.Length ? _values[_next++] : 0) % count;

            public T Pick<T>(params T[] options) => options[Next(options.Length)];
        }

        private static readonly string[] Acts = { "Act.Identity", "Act.ReLU", "Act.Tanh", "Act.Sigmoid", "Act.ELU", "Act.SELU", "Act.LeakyReLU", "Act.Softmax" };

        /// <summary>
        /// A declaration anywhere from valid to absurd: random layer kinds and arguments (0, negative, huge, int.MaxValue),
        /// graph names (unknown, later, keywords, "input"), heads and loss weights, wrong argument types, missing and
        /// duplicated arguments, attributes on the wrong target, partial classes over two files, nested and generic
        /// containers, file-scoped and global namespaces. Returns the sources and whether they hold a C# error on purpose.
        /// </summary>
        private static (string[] Sources, bool CSharpError) Declaration(int[] values)
        {
            var c = new Choices(values);
            bool csharpError = false;
            string Int() => c.Pick("1", "2", "3", "8", "0", "-1", "4096", "2147483647", "5");
            string Rate() => c.Pick("0.2", "0", "-0.5", "1", "1.5", "0.5", "1e300");
            string Name(int i) => c.Pick("l" + i, "l" + i, "input", "class", "1x", "l0", "Name_" + i, "");
            var names = new List<string>();
            string Ref() => c.Next(5) == 0 ? c.Pick("nope", "input", "class", "l99") : names.Count == 0 ? "input" : names[c.Next(names.Count)];

            var attributes = new StringBuilder();
            attributes.Append(c.Pick("[Network(4)]", "[Network(1, 8, 8)]", "[Network(2, 6)]", "[Network(2, 3, 4, 4)]", "[Network(3, 5, 5, Loss = Loss.CrossEntropy)]", "[Network(0)]", "[Network(-1, 3)]", "[Network(4, Loss = Loss.MeanSquaredError)]", "[Network]"));
            int layers = 1 + c.Next(6);
            for (int i = 0; i < layers; i++)
            {
                string extra = "";
                switch (c.Next(6))
                {
                    case 1:
                        string name = Name(i);
                        names.Add(name);
                        extra = ", Name = \"" + name + "\"";
                        break;
                    case 2:
                        extra = ", From = \"" + Ref() + "\"";
                        break;
                    case 3:
                        extra = ", Output = true" + c.Pick("", ", LossWeight = 0.5", ", LossWeight = -1", ", LossWeight = 0");
                        break;
                }

                string layer = c.Next(16) switch
                {
                    0 => "Dense(" + Int() + ", " + c.Pick(Acts) + extra + ")",
                    1 => "Conv(" + Int() + ", k: " + Int() + c.Pick("", ", s: " + Int(), ", p: " + Int(), ", d: " + Int()) + ", act: " + c.Pick(Acts) + c.Pick("", ", Padding = Padding.Same", ", Padding = Padding.Full") + extra + ")",
                    2 => c.Pick("MaxPool", "AvgPool") + "(" + Int() + c.Pick("", ", " + Int(), ", " + Int() + ", " + Int()) + extra + ")",
                    3 => c.Pick("Dropout", "AlphaDropout", "GaussianNoise") + "(" + Rate() + extra + ")",
                    4 => c.Pick("BatchNorm", "LayerNorm", "Flatten") + (extra.Length > 0 ? "(" + extra.Substring(2) + ")" : ""),
                    5 => "Activation(" + c.Pick(Acts) + extra + ")",
                    6 => "Add(\"" + Ref() + "\"" + c.Pick("", ", \"" + Ref() + "\"", ", " + c.Pick(Acts)) + extra + ")",
                    7 => "Concat(\"" + Ref() + "\"" + extra + ")",
                    8 => "ConvTranspose(" + Int() + ", k: " + Int() + c.Pick("", ", s: " + Int(), ", a: " + Int()) + extra + ")",
                    9 => "Dense(" + Int() + c.Pick(", WeightNorm = true", ", L2 = 0.1", ", Bias = false", ", Init = Init.HeUniform", ", WeightNoise = -1") + extra + ")",
                    10 => Bad(),
                    _ => "Dense(" + Int() + extra + ")",
                };
                attributes.Append(" [").Append(layer).Append(']');
            }

            string Bad()
            {
                csharpError = true;
                return c.Pick("Dense(\"8\")", "Dense()", "Dense(8, Name = \"a\", Name = \"b\")", "Conv(k: 3)", "Dense(8, Act.Nope)", "MaxPool(2.5)");
            }

            string body = attributes + "\n    public partial class N { }";
            string[] sources = c.Next(7) switch
            {
                0 => new[] { "using NetGen;\nnamespace Demo;\n" + attributes + "\npublic partial class N { }\n" }, // file-scoped namespace
                1 => new[] { "using NetGen;\n" + attributes + "\npublic partial class N { }\n" }, // global namespace
                2 => new[] { "using NetGen;\nnamespace Demo\n{\n    public partial class Outer\n    {\n        " + attributes + "\n        public partial class N { }\n    }\n}\n" },
                3 => new[] { "using NetGen;\nnamespace Demo\n{\n    public partial class Outer<T>\n    {\n        " + attributes + "\n        internal partial class N { }\n    }\n}\n" },
                4 => new[] { "using NetGen;\nnamespace Demo\n{\n    " + body + "\n}\n", "namespace Demo\n{\n    public partial class N\n    {\n        public int Extra => 1;\n    }\n}\n" }, // two files
                5 => new[] { "using NetGen;\nnamespace Demo\n{\n    public class Host\n    {\n        " + attributes + "\n        public void M() { }\n    }\n}\n" }, // wrong target
                _ => new[] { "using NetGen;\nnamespace Demo\n{\n    " + body + "\n}\n" },
            };
            return (sources, csharpError || sources[0].Contains("public void M()", StringComparison.Ordinal));
        }

        /// <summary>Runs the generator and the analyzers; fails on any exception inside either.</summary>
        private static (ImmutableArray<Diagnostic> Ng, List<Diagnostic> CSharpErrors) Run(string[] sources) => Run(sources, out _);

        private static (ImmutableArray<Diagnostic> Ng, List<Diagnostic> CSharpErrors) Run(string[] sources, out bool refused)
        {
            var compilation = TestCompiler.Compilation(sources);
            var driver = TestCompiler.Driver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
            var result = driver.GetRunResult().Results.Single();
            Assert.True(result.Exception is null, "The generator threw: " + result.Exception);
            Assert.DoesNotContain(generatorDiagnostics, d => d.Id is "CS8785" or "CS8784");
            refused = result.GeneratedSources.Any(g => g.SourceText.ToString().Contains("Throws: the network has errors.", StringComparison.Ordinal));
            var crashes = new List<string>();
            var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                (e, a, d) => { lock (crashes) crashes.Add(e.ToString()); }, concurrentAnalysis: false, logAnalyzerExecutionTime: false);
            var ng = output.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new NetGen.Analyzers.NetworkAnalyzer()), options).GetAnalyzerDiagnosticsAsync().Result;
            Assert.True(crashes.Count == 0, "The analyzer threw (AD0001):\n" + string.Join("\n", crashes));
            var errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            return (ng, errors);
        }

        [Fact]
        public void Any_declaration_leaves_generator_and_analyzers_standing_and_errors_never_cascade()
        {
            Gen.Int[0, 1000].Array[0, 40].Sample(values =>
            {
                var (sources, csharpError) = Declaration(values);
                var (ng, errors) = Run(sources, out bool refused);
                if (csharpError) return; // the user's own C# error, which the compiler reports; standing is all that is asked
                // a network the generator refuses (its members throw) always carries an NG error to say why
                Assert.True(!refused || ng.Any(d => d.Severity == DiagnosticSeverity.Error), "refused without an NG error:\n" + string.Join("\n", sources));
                // a refused network is reported by NetGen alone; an accepted one compiles
                Assert.True(errors.Count == 0, "C# errors beside " + (ng.Any(d => d.Severity == DiagnosticSeverity.Error) ? "NetGen's diagnostics" : "no NetGen error") + ":\n" + string.Join("\n", errors.Take(5)) + "\n" + string.Join("\n", sources));
            }, iter: Iterations(150), threads: 1, print: values => string.Join("\n---\n", Declaration(values).Sources));
        }

        // ---- accepted networks run, and their gradients are right ----

        /// <summary>
        /// A valid network by construction, of smooth layers (so finite differences apply): dense, same-size convolutions,
        /// average pooling, normalization, activations, flatten, adds and concats of earlier layers of fitting shapes, and a
        /// dense head. Returns its attribute list.
        /// </summary>
        private static string SmoothNetwork(int[] values)
        {
            var c = new Choices(values);
            var shapes = new List<(string Name, int[] Shape)>();
            int[] shape = c.Next(2) == 0 ? new[] { 2 + c.Next(5) } : new[] { 1 + c.Next(3), 4 + c.Next(3), 4 + c.Next(3) };
            var text = new StringBuilder("[Network(" + string.Join(", ", shape) + ")]");
            string act() => c.Pick("Act.Tanh", "Act.Sigmoid", "Act.Identity", "Act.ELU"); // SELU's derivative jumps at 0: no finite differences there
            int layers = c.Next(5);
            for (int i = 1; i <= layers; i++)
            {
                string name = "l" + i;
                string? layer = null;
                int[] next = shape;
                int kind = c.Next(8);
                if (shape.Length == 3 && kind == 0) { int f = 1 + c.Next(3); int k = c.Pick(1, 3); layer = "Conv(" + f + ", k: " + k + ", p: " + k / 2 + ", act: " + act(); next = new[] { f, shape[1], shape[2] }; }
                else if (shape.Length == 3 && kind == 1 && shape[1] >= 2 && shape[2] >= 2) { layer = "AvgPool(2"; next = new[] { shape[0], shape[1] / 2, shape[2] / 2 }; }
                else if (shape.Length == 3 && kind == 2) { layer = "Flatten("; next = new[] { shape[0] * shape[1] * shape[2] }; }
                else if (kind == 3) { layer = c.Pick("BatchNorm(", "LayerNorm("); }
                else if (kind == 4) { layer = "Activation(" + c.Pick("Act.Tanh", "Act.Sigmoid", "Act.ELU"); }
                else if (kind == 5 && shapes.Any(s => s.Shape.SequenceEqual(shape))) { var same = shapes.Where(s => s.Shape.SequenceEqual(shape)).ToList(); layer = "Add(\"" + same[c.Next(same.Count)].Name + "\", " + act(); }
                else if (kind == 6 && shapes.Any(s => s.Shape.Length == shape.Length && s.Shape.Skip(1).SequenceEqual(shape.Skip(1))))
                {
                    var fit = shapes.Where(s => s.Shape.Length == shape.Length && s.Shape.Skip(1).SequenceEqual(shape.Skip(1))).ToList();
                    var other = fit[c.Next(fit.Count)];
                    layer = "Concat(\"" + other.Name + "\"";
                    next = new[] { shape[0] + other.Shape[0] }.Concat(shape.Skip(1)).ToArray();
                }
                else { int u = 1 + c.Next(6); layer = "Dense(" + u + ", " + act(); next = new[] { u }; }

                text.Append(" [").Append(layer).Append(layer.EndsWith("(", StringComparison.Ordinal) ? "" : ", ").Append("Name = \"").Append(name).Append("\")]");
                shapes.Add((name, next));
                shape = next;
            }

            text.Append(" [Dense(").Append(2 + c.Next(3)).Append(", ").Append(c.Pick("Act.Softmax", "Act.Sigmoid", "Act.Identity")).Append(")]");
            return text.ToString();
        }

        [Fact]
        public void Accepted_networks_compile_write_finite_outputs_and_pass_a_gradient_check()
        {
            // several networks per compilation, to keep the compiler's share down
            Gen.Int[0, 1000].Array[0, 30].Array[6].Sample(batch =>
            {
                var declarations = batch.Select(SmoothNetwork).ToArray();
                var source = new StringBuilder("using NetGen;\nnamespace Props\n{\n");
                for (int i = 0; i < declarations.Length; i++) source.Append("    ").Append(declarations[i]).Append("\n    public partial class N").Append(i).Append(" { }\n");
                var assembly = TestCompiler.CompileAndLoad(source.Append("}\n").ToString());
                for (int i = 0; i < declarations.Length; i++)
                {
                    var net = TestCompiler.Create(assembly, "Props.N" + i, seed: i);
                    CheckNetwork(net, declarations[i]);
                }
            }, iter: Iterations(8, cost: 20), threads: 1, print: batch => string.Join("\n", batch.Select(SmoothNetwork)));
        }

        private static void CheckNetwork(INetwork net, string declaration)
        {
            var rng = new Random(1);
            const int batch = 3;
            var x = Enumerable.Range(0, batch * net.InputLength).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            var outputs = new float[batch * net.OutputLength];
            net.Forward(x, outputs, batch);
            Assert.True(outputs.All(float.IsFinite), "non-finite outputs: " + declaration);
            var y = Enumerable.Range(0, batch * net.OutputLength).Select(_ => (float)rng.NextDouble()).ToArray();
            if (declaration.Contains("Act.Softmax)]", StringComparison.Ordinal))
            {
                Array.Clear(y); // one-hot targets
                for (int n = 0; n < batch; n++) y[n * net.OutputLength + n % net.OutputLength] = 1;
            }

            net.Mode = NetworkMode.Inference; // deterministic: batch normalization's running statistics
            net.ComputeGradients(x, y, batch);
            var analytic = net.Gradients.ToArray();
            int count = net.Parameters.Length;
            double Difference(int j, float h)
            {
                var p = net.Parameters;
                float saved = p[j];
                p[j] = saved + h;
                double plus = net.ComputeLoss(x, y, batch);
                net.Parameters[j] = saved - h;
                double minus = net.ComputeLoss(x, y, batch);
                net.Parameters[j] = saved;
                return (plus - minus) / (2 * h);
            }

            // Six parameters where central differences at h and h/2 agree (elsewhere the loss is too curved for float
            // differences to mean anything: layer normalization of two nearly equal values, for one), compared with
            // backpropagation.
            int checkedCount = 0;
            for (int attempt = 0; attempt < 30 && checkedCount < 6; attempt++)
            {
                int j = rng.Next(count);
                double coarse = Difference(j, 1e-2f), numeric = Difference(j, 5e-3f);
                if (Math.Abs(coarse - numeric) > 1e-3 + 1e-2 * Math.Abs(numeric)) continue;
                checkedCount++;
                Assert.True(Math.Abs(numeric - analytic[j]) <= 2e-3 + 3e-2 * Math.Abs(numeric), $"parameter {j}: finite difference {numeric:R}, backpropagation {analytic[j]:R}\n{declaration}");
            }

            Assert.True(checkedCount >= 3, "too few parameters where the loss is smooth enough to check: " + declaration);
        }

        // ---- failures the properties found, shrunk, kept as regular tests ----

        [Fact]
        public void Shrunk_a_network_without_an_input_shape_before_batch_normalization_is_reported_not_thrown()
        {
            var (ng, errors) = Run(new[] { "using NetGen;\nnamespace Demo;\n[Network] [BatchNorm] [Dense(1)]\npublic partial class N { }\n" });
            Assert.Contains(ng, d => d.Severity == DiagnosticSeverity.Error && d.Id.StartsWith("NG", StringComparison.Ordinal));
            Assert.Empty(errors);
        }

        [Fact]
        public void Shrunk_a_layer_reading_one_input_twice_after_another_reader_gets_both_deltas()
        {
            // l1 is read by l2 in both slots and by l3: l2's two shares of l1's delta went to one scratch slice
            const string declaration = "[Network(3)] [Dense(5, Act.Identity, Name = \"l1\")] [Concat(\"l1\", Name = \"l2\")] [Concat(\"l1\", Name = \"l3\")] [Dense(3, Act.Softmax)]";
            var assembly = TestCompiler.CompileAndLoad("using NetGen;\nnamespace Props\n{\n    " + declaration + "\n    public partial class Twice { }\n}\n");
            CheckNetwork(TestCompiler.Create(assembly, "Props.Twice", seed: 1), declaration);
        }
    
        [Fact]
        public void Shrunk_a_deviation_beyond_float_is_reported_not_emitted_as_a_literal_that_fails()
        {
            var (ng, errors) = Run(new[] { "using NetGen;\n[Network(4)] [GaussianNoise(1e300)] [Dense(2, L2 = 1e39)]\npublic partial class N { }\n" });
            Assert.Empty(errors);
            Assert.Equal(new[] { "Dense layer 2: L2 = 1E+39; expected a value a float holds (at most 3.4028235E+38 in magnitude)", "GaussianNoise layer 1: std = 1E+300; expected a value a float holds (at most 3.4028235E+38 in magnitude)" },
                ng.Select(d => d.GetMessage(CultureInfo.InvariantCulture)).OrderBy(m => m, StringComparer.Ordinal));
        }
    }
}
