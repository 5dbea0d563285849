using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>The generated source of representative networks, compared with committed baselines and compiled with every warning as an error.</summary>
    public class SnapshotTests
    {
        public static TheoryData<string, string> Cases => new TheoryData<string, string>
        {
            // Section 4.5: the 2-2-1 ReLU network that solves XOR, with a linear output.
            { "Xor", "using NetGen;\nnamespace Samples\n{\n    [Network(2)]\n    [Dense(2, Act.ReLU)]\n    [Dense(1)]\n    public partial class Xor { }\n}\n" },
            // A 784-128-64-10 classifier for 28x28 images (flattened implicitly), softmax + cross-entropy.
            { "Mnist", "using NetGen;\nnamespace Samples\n{\n    [Network(1, 28, 28)]\n    [Dense(128, Act.ReLU)]\n    [Dense(64, Act.ReLU)]\n    [Dense(10, Act.Softmax)]\n    public partial class MnistMlp { }\n}\n" },
            // Regression with an identity output: mean squared error.
            { "Regression", "using NetGen;\nnamespace Samples\n{\n    [Network(13)]\n    [Dense(32, Act.Tanh)]\n    [Dense(1)]\n    internal partial class HousePrice { }\n}\n" },
            // Binary classifier: sigmoid output, binary cross-entropy, a layer without bias, an explicit loss.
            // LeNet-5 as the README declares it (section 6.9): 61,706 parameters.
            { "LeNet5", "using NetGen;\nnamespace Samples\n{\n    [Network(1, 28, 28)]\n    [Conv(6, k: 5, p: 2, act: Act.ReLU)] [MaxPool(2)]\n    [Conv(16, k: 5, act: Act.ReLU)] [MaxPool(2)]\n    [Dense(120, Act.ReLU)] [Dense(84, Act.ReLU)] [Dense(10, Act.Softmax)]\n    public partial class LeNet5 { }\n}\n" },
            // A 1-D convolutional net over 3 channels of 64 steps: strided and dilated convolutions, average pooling.
            { "Conv1d", "using NetGen;\nnamespace Samples\n{\n    [Network(3, 64)]\n    [Conv(8, k: 5, s: 2, p: 2, act: Act.ReLU)]\n    [AvgPool(2)]\n    [Conv(16, k: 3, d: 2, act: Act.ReLU, Padding = Padding.Same)]\n    [MaxPool(4)]\n    [Flatten]\n    [Dense(4, Act.Softmax)]\n    public partial class SensorNet { }\n}\n" },
            // A transposed-convolution decoder from a 16x4x4 code to a 1x16x16 image.
            { "Decoder", "using NetGen;\nnamespace Samples\n{\n    [Network(16, 4, 4)]\n    [ConvTranspose(8, k: 4, s: 2, p: 1, act: Act.ReLU)]\n    [ConvTranspose(1, k: 3, s: 2, p: 1, a: 1, act: Act.Sigmoid)]\n    public partial class ImageDecoder { }\n}\n" },
            // A residual block (section 4.6.1): two convolutions and a shortcut from the stem, added before the ReLU.
            { "Residual", "using NetGen;\nnamespace Samples\n{\n    [Network(1, 8, 8)]\n    [Conv(8, k: 3, p: 1, act: Act.ReLU, Name = \"stem\")]\n    [Conv(8, k: 3, p: 1, act: Act.ReLU)]\n    [Conv(8, k: 3, p: 1)]\n    [Add(\"stem\", Act.ReLU)]\n    [MaxPool(2)]\n    [Dense(10, Act.Softmax)]\n    public partial class ResidualNet { }\n}\n" },
            // Two branches from the input concatenated along the channels (as in Inception).
            { "Concat", "using NetGen;\nnamespace Samples\n{\n    [Network(3, 8, 8)]\n    [Conv(4, k: 3, p: 1, act: Act.ReLU, Name = \"wide\")]\n    [Conv(2, k: 1, act: Act.ReLU, From = \"input\")]\n    [Concat(\"wide\")]\n    [Dense(1, Act.Sigmoid)]\n    public partial class Branches { }\n}\n" },
            // the multi-task network of the design (section 8.5): a shared trunk, a shortcut, a concat, two heads with a loss weight.
            { "MultiHead", "using NetGen;\nnamespace Samples\n{\n    [Network(3, 32, 32)]\n    [Conv(16, k: 3, p: 1, act: Act.ReLU, Name = \"stem\")]\n    [Conv(16, k: 3, p: 1, act: Act.ReLU)]\n    [Conv(16, k: 3, p: 1)]\n    [Add(\"stem\", Act.ReLU)]\n    [MaxPool(2, Name = \"trunk\")]\n    [Conv(8, k: 1, From = \"stem\")]\n    [MaxPool(2)]\n    [Concat(\"trunk\")]\n    [Dense(10, Act.Softmax, Name = \"digit\", Output = true)]\n    [Dense(1, Act.Sigmoid, From = \"trunk\", LossWeight = 0.5)]\n    public partial class TwoTasks { }\n}\n" },
            // Every layer kind once, so each kind's emitter shows in one file.
            { "EveryKind", "using NetGen;\nnamespace Samples\n{\n    [Network(2, 8, 8)]\n    [Conv(4, k: 3, p: 1, Name = \"conv\")]\n    [BatchNorm]\n    [Activation(Act.ReLU)]\n    [ConvTranspose(4, k: 2, s: 2)]\n    [Pad(1, 0, Mode = PadMode.Reflect)]\n    [AvgPool(2)]\n    [Add(\"conv\")]\n    [MaxPool(2)]\n    [Upsample(2, Mode = UpsampleMode.Linear)]\n    [GaussianNoise(0.1)]\n    [Flatten(Name = \"flat\")]\n    [LayerNorm]\n    [Dense(16, Act.SELU)]\n    [AlphaDropout(0.1)]\n    [Dense(8, Act.Tanh)]\n    [Dropout(0.2)]\n    [PReLU(perChannel: true, From = \"conv\")]\n    [GlobalAvgPool(Name = \"gap\")]\n    [GlobalMaxPool(From = \"conv\", Name = \"gmp\")]\n    [Concat(\"flat\", \"gap\", \"gmp\")]\n    [Identity]\n    [Dense(3, Act.Softmax)]\n    public partial class EveryKind { }\n}\n" },
            // Issue 18's activations and a frozen layer: Hardswish (frozen) and GELU keep their pre-activations in training, LeakyReLU with Alpha on a depthwise convolution, a log-softmax output (NLL) with label smoothing and class weights.
            { "Activations", "using NetGen;\nnamespace Samples\n{\n    [Network(3, 16, 16, LabelSmoothing = 0.1, ClassWeights = new[] { 1.0, 1.0, 2.0, 1.0, 1.0, 0.5, 1.0, 1.0, 1.0, 3.0 })]\n    [Conv(8, k: 3, p: 1, act: Act.Hardswish, Trainable = false)]\n    [Conv(8, k: 3, p: 1, act: Act.LeakyReLU, Alpha = 0.1, Groups = 8)]\n    [MaxPool(2)]\n    [Dense(32, Act.GELU)]\n    [Dense(10, Act.LogSoftmax)]\n    public partial class SmallHead { }\n}\n" },
            // Issue 18's robust regression: Huber's loss with its delta, a reflect-padded GELU convolution, a global max-pooling head.
            { "Huber", "using NetGen;\nnamespace Samples\n{\n    [Network(1, 8, 8, Loss = Loss.Huber, HuberDelta = 0.5)]\n    [Conv(4, k: 3, p: 1, act: Act.GELU, PaddingMode = PadMode.Reflect)]\n    [GlobalMaxPool]\n    [Dense(2)]\n    public partial class RobustRegression { }\n}\n" },
            { "SigmoidBce", "using NetGen;\nnamespace Samples\n{\n    [Network(30, Loss = Loss.BinaryCrossEntropy)]\n    [Dense(16, Act.SELU, Bias = false)]\n    [Dense(1, Act.Sigmoid)]\n    public partial class Diagnosis { }\n}\n" },
        };

        [Theory]
        [MemberData(nameof(Cases))]
        public void Generated_code_matches_the_snapshot(string caseName, string source)
        {
            var (_, generated) = TestCompiler.Generate(source);
            Snapshot.Verify(caseName, generated.Select(g => (g.HintName, g.SourceText.ToString())).ToArray());
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public void Generated_code_compiles_without_warnings(string caseName, string source)
        {
            Assert.NotNull(caseName);
            var assembly = TestCompiler.CompileAndLoad(source);
            Assert.Contains(assembly.GetTypes(), t => typeof(INetwork).IsAssignableFrom(t));
        }

        [Fact]
        public void Every_registered_layer_kind_appears_in_the_EveryKind_snapshot()
        {
            string everyKind = (string)Cases.Single(c => (string)c[0] == "EveryKind")[1];
            foreach (var kind in NetGen.Generator.Layers.LayerKinds.All)
            {
                Assert.Equal(kind.Attribute + "Layer", kind.GetType().Name);
                Assert.Contains("[" + kind.Attribute + "(", everyKind.Replace("[" + kind.Attribute + "]", "[" + kind.Attribute + "("));
            }
        }

        [Fact]
        public void Generated_code_compiles_at_CSharp_7_3_for_nested_and_generic_types()
        {
            const string source = "using NetGen;\nnamespace Old\n{\n    public partial class Outer<T>\n    {\n        [Network(3)]\n        [Dense(4, Act.Tanh, Name = \"a\")]\n        [Dense(4, Act.Tanh)]\n        [Add(\"a\")]\n        [Dense(2, Act.Softmax, Output = true)]\n        [Dense(1, Act.Sigmoid, From = \"a\")]\n        public partial class Inner<U> { }\n    }\n}\n";
            var (output, generated) = TestCompiler.Generate(source, LanguageVersion.CSharp7_3);
            Assert.Equal("Old.Outer`1.Inner`1.g.cs", Assert.Single(generated).HintName);
            Assert.DoesNotContain("#nullable", generated[0].SourceText.ToString());
            var problems = output.GetDiagnostics().Where(d => d.Severity >= Microsoft.CodeAnalysis.DiagnosticSeverity.Warning).ToList();
            Assert.True(problems.Count == 0, string.Join("\n", problems));
        }

        [Fact]
        public void Output_does_not_depend_on_the_culture()
        {
            string source = Cases.Select(c => (string)c[1]).ElementAt(1);
            string invariant = TestCompiler.Generate(source).Generated.Single().SourceText.ToString();
            var previous = CultureInfo.CurrentCulture;
            try
            {
                var culture = (CultureInfo)CultureInfo.GetCultureInfo("sv-SE").Clone();
                culture.NumberFormat.NegativeSign = "\u2212";
                culture.NumberFormat.NumberGroupSeparator = "\u00a0";
                CultureInfo.CurrentCulture = culture;
                CultureInfo.CurrentUICulture = culture;
                Assert.Equal(invariant, TestCompiler.Generate(source).Generated.Single().SourceText.ToString());
            }
            finally
            {
                CultureInfo.CurrentCulture = previous;
                CultureInfo.CurrentUICulture = previous;
            }
        }
    }
}
