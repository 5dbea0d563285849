using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Text;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>
    /// Finite-difference gradient checks of the spatial layers against <see cref="ReferenceNetwork"/> (double): convolutions
    /// 1-D/2-D/3-D x stride {1, 2} x padding {0, 1, same, full} x dilation {1, 2}; transposed convolutions with output
    /// padding 0 and 1; max and average pooling with and without padding and with overlapping windows. Each layer under test
    /// follows a parameterized convolution, so the deltas it passes down are checked through that layer's gradients.
    /// Tolerance as <see cref="GradientCheckTests"/>: 1e-3 relative plus 1e-4 of the largest gradient.
    /// </summary>
    public class ConvGradientCheckTests
    {
        private sealed record Case(string Name, int[] Input, string Attribute, RefLayer Layer);

        private static readonly Dictionary<string, int[]> Inputs = new Dictionary<string, int[]>
        {
            ["1d"] = new[] { 2, 9 },
            ["2d"] = new[] { 2, 7, 6 },
            ["3d"] = new[] { 2, 6, 6, 6 },
        };

        private static readonly RefLayer First = new RefLayer(RefKind.Conv, 2, Act.Tanh) { K = 2 };

        private static IEnumerable<Case> Cases()
        {
            foreach (var (dims, input) in Inputs)
            {
                foreach (int s in new[] { 1, 2 })
                foreach (string padding in new[] { "0", "1", "same", "full" })
                foreach (int d in new[] { 1, 2 })
                {
                    if (padding == "same" && s != 1) continue; // NG0011: same padding needs stride 1
                    int p = padding == "1" ? 1 : padding == "same" ? d : padding == "full" ? 2 * d : 0; // k = 3: effective kernel 2d + 1
                    string mode = padding == "same" ? ", Padding = Padding.Same" : padding == "full" ? ", Padding = Padding.Full" : padding == "1" ? ", p: 1" : "";
                    yield return new Case($"Conv_{dims}_s{s}_p{padding}_d{d}", input, $"[Conv(2, k: 3, s: {s}, d: {d}, act: Act.Tanh{mode})]",
                        new RefLayer(RefKind.Conv, 2, Act.Tanh) { K = 3, S = s, P = p, D = d });
                }

                foreach (var (s, p, a) in new[] { (1, 0, 0), (2, 1, 0), (2, 1, 1), (2, 0, 1) })
                {
                    yield return new Case($"ConvT_{dims}_s{s}_p{p}_a{a}", input, $"[ConvTranspose(2, k: 3, s: {s}, p: {p}, a: {a}, act: Act.Tanh)]",
                        new RefLayer(RefKind.ConvTranspose, 2, Act.Tanh) { K = 3, S = s, P = p, A = a });
                }

                foreach (string kind in new[] { "Max", "Avg" })
                foreach (var (k, s, p) in new[] { (2, 2, 0), (3, 2, 1), (3, 1, 0), (3, 1, 1) })
                {
                    var refKind = kind == "Max" ? RefKind.MaxPool : RefKind.AvgPool;
                    yield return new Case($"{kind}Pool_{dims}_k{k}_s{s}_p{p}", input, $"[{kind}Pool({k}, {s}, {p})]", new RefLayer(refKind, 0, Act.Identity) { K = k, S = s, P = p });
                    if (kind == "Avg" && p > 0)
                    {
                        yield return new Case($"AvgPoolExcludePad_{dims}_k{k}_s{s}_p{p}", input, $"[AvgPool({k}, {s}, {p}, CountIncludePad = false)]",
                            new RefLayer(RefKind.AvgPool, 0, Act.Identity) { K = k, S = s, P = p, CountIncludePad = false });
                    }
                }
            }

            // Global pooling over every axis count.
            foreach (var (dims, input) in Inputs)
            {
                yield return new Case($"GlobalAvgPool_{dims}", input, "[GlobalAvgPool]", new RefLayer(RefKind.GlobalAvgPool, 0, Act.Identity));
                yield return new Case($"GlobalMaxPool_{dims}", input, "[GlobalMaxPool]", new RefLayer(RefKind.GlobalMaxPool, 0, Act.Identity));
                yield return new Case($"PReLU_{dims}", input, "[PReLU]", new RefLayer(RefKind.PReLU, 1, Act.Identity));
                yield return new Case($"PReLUPerChannel_{dims}", input, "[PReLU(perChannel: true)]", new RefLayer(RefKind.PReLU, 2, Act.Identity));
            }

            // Grouped convolutions: 2 groups (after the first layer's 2 channels: 1 channel each, 4 filters), and stride 2 with padding.
            foreach (var (dims, input) in Inputs)
            {
                yield return new Case($"ConvGroups_{dims}", input, "[Conv(4, k: 3, p: 1, act: Act.Tanh, Groups = 2)]", new RefLayer(RefKind.Conv, 4, Act.Tanh) { K = 3, P = 1, Groups = 2 });
                yield return new Case($"ConvGroupsStrided_{dims}", input, "[Conv(2, k: 2, s: 2, act: Act.Tanh, Groups = 2)]", new RefLayer(RefKind.Conv, 2, Act.Tanh) { K = 2, S = 2, Groups = 2 });
            }

            // Padding layers and convolutions that pad by a mode (after the first layer: 8 / 6x5 / 5x5x5).
            foreach (var (dims, input) in Inputs)
            {
                int rank = input.Length - 1;
                yield return new Case($"PadReflect_{dims}", input, "[Pad(1, Mode = PadMode.Reflect)]",
                    new RefLayer(RefKind.Pad, 0, Act.Identity) { Mode = PadMode.Reflect, Sides = Enumerable.Repeat((1, 1), rank).ToArray() });
                yield return new Case($"PadCircularPairs_{dims}", input, "[Pad(2, 1, Mode = PadMode.Circular)]", // the last axis: 2 before, 1 after
                    new RefLayer(RefKind.Pad, 0, Act.Identity) { Mode = PadMode.Circular, Sides = Enumerable.Repeat((0, 0), rank - 1).Append((2, 1)).ToArray() });
                yield return new Case($"ConvReplicate_{dims}", input, "[Conv(2, k: 3, p: 1, act: Act.Tanh, PaddingMode = PadMode.Replicate)]",
                    new RefLayer(RefKind.Conv, 2, Act.Tanh) { K = 3, P = 1, Mode = PadMode.Replicate });
                yield return new Case($"ConvReflectStrided_{dims}", input, "[Conv(2, k: 3, s: 2, p: 2, act: Act.Tanh, PaddingMode = PadMode.Reflect)]",
                    new RefLayer(RefKind.Conv, 2, Act.Tanh) { K = 3, S = 2, P = 2, Mode = PadMode.Reflect });
            }

            // Upsampling by 2, nearest and (bi/tri)linear.
            foreach (var (dims, input) in Inputs)
            {
                yield return new Case($"UpsampleNearest_{dims}", input, "[Upsample(2)]", new RefLayer(RefKind.Upsample, 0, Act.Identity) { K = 2 });
                yield return new Case($"UpsampleLinear_{dims}", input, "[Upsample(2, Mode = UpsampleMode.Linear)]", new RefLayer(RefKind.Upsample, 0, Act.Identity) { K = 2, Upsampling = UpsampleMode.Linear });
            }

            // A non-square kernel and valid padding.
            yield return new Case("Conv_2d_kernel3x2", Inputs["2d"], "[Conv(2, k: 3, act: Act.Tanh, KernelSize = new[] { 3, 2 }, Padding = Padding.Valid)]",
                new RefLayer(RefKind.Conv, 2, Act.Tanh) { Kernel = new[] { 3, 2 } });
        }

        private static readonly Dictionary<string, Case> ByName = Cases().ToDictionary(c => c.Name);

        /// <summary>The source of every network the grid checks.</summary>
        internal static string Source => SourceText();

        private static readonly Lazy<Assembly> Compiled = new Lazy<Assembly>(() => TestCompiler.CompileAndLoad(SourceText()));

        private static string SourceText()
        {
            var text = new StringBuilder("using NetGen;\nnamespace ConvGrid\n{\n");
            foreach (var c in ByName.Values)
            {
                text.Append($"[Network({string.Join(", ", c.Input)})] [Conv(2, k: 2, act: Act.Tanh)] {c.Attribute} public partial class {c.Name} {{ }}\n");
            }

            return text.Append("}\n").ToString();
        }

        public static TheoryData<string, VectorPath> NamesOnEachPath() => VectorPaths.Each(ByName.Keys);

        [Theory]
        [MemberData(nameof(NamesOnEachPath))]
        public void Gradients_match_finite_differences(string name, VectorPath path) => VectorPaths.With(path, () => MatchesFiniteDifferences(name));

        private static void MatchesFiniteDifferences(string name)
        {
            var c = ByName[name];
            var net = TestCompiler.Create(Compiled.Value, "ConvGrid." + name);
            var random = new Random(name.Sum(ch => ch * 31));
            const int batch = 2;
            var inputs = Enumerable.Range(0, batch * net.InputLength).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var targets = GradientCheckTests.Targets(random, Loss.MeanSquaredError, net.OutputLength, batch);
            GradientCheckTests.Check(net, c.Input, new[] { First, c.Layer }, Loss.MeanSquaredError, inputs, targets, batch, random, scale: 0.5);
        }

        [Fact]
        public void Every_axis_and_option_is_covered()
        {
            Assert.Equal(3 * (14 + 4 + 8 + 2 + 2 + 2 + 2 + 4 + 2) + 1, ByName.Count);
        }
    }
}
