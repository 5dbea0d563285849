using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>
    /// Every NG diagnostic at its exact span, written as markup: <c>[Dense({|NG0002:0|})]</c> expects NG0002 on the
    /// text "0". Each invalid case has a valid twin that must report nothing.
    /// </summary>
    public class AnalyzerTests
    {
        private const string Header = "using NetGen;\nnamespace Demo\n{\n";
        private const string Footer = "}\n";

        public static TheoryData<string, string> Cases => new TheoryData<string, string>
        {
            // NG0017: From, Add and Concat name an unknown layer, a later one, or the layer itself; "input" is the network's input.
            { "[Network(4)] [Dense(8, Name = \"a\")] [Dense(3, {|NG0017:From = \"b\"|})] public partial class N { }", "[Network(4)] [Dense(8, Name = \"a\")] [Dense(3, From = \"a\")] public partial class N { }" },
            { "[Network(4)] [Dense(4, {|NG0017:From = \"late\"|})] [Dense(4, Name = \"late\")] public partial class N { }", "[Network(4)] [Dense(4, From = \"input\")] [Dense(4, Name = \"late\")] public partial class N { }" },
            { "[Network(4)] [Dense(4, Name = \"a\")] [Dense(4)] [Add({|NG0017:\"c\"|})] [Dense(2)] public partial class N { }", "[Network(4)] [Dense(4, Name = \"a\")] [Dense(4)] [Add(\"a\")] [Dense(2)] public partial class N { }" },
            { "[Network(4)] [Dense(4, Name = \"a\")] [Dense(4)] [Concat(\"a\", {|NG0017:\"x\"|})] [Dense(2)] public partial class N { }", "[Network(4)] [Dense(4, Name = \"a\")] [Dense(4)] [Concat(\"a\", \"input\")] [Dense(2)] public partial class N { }" },
            { "[Network(4)] [Dense(4)] [Add({|NG0017:\"self\"|}, Name = \"self\")] [Dense(2)] public partial class N { }", "[Network(4)] [Dense(4, Name = \"self\")] [Add(\"self\")] [Dense(2)] public partial class N { }" },
            // NG0018: a Name used twice, the reserved "input", not an identifier (a keyword).
            { "[Network(4)] [Dense(4, Name = \"a\")] [Dense(4, {|NG0018:Name = \"a\"|})] [Dense(2)] public partial class N { }", "[Network(4)] [Dense(4, Name = \"a\")] [Dense(4, Name = \"b\")] [Dense(2)] public partial class N { }" },
            { "[Network(4)] [Dense(4, {|NG0018:Name = \"input\"|})] [Dense(2)] public partial class N { }", "[Network(4)] [Dense(4, Name = \"inputs\")] [Dense(2)] public partial class N { }" },
            { "[Network(4)] [Dense(4, {|NG0018:Name = \"class\"|})] [Dense(2)] public partial class N { }", "[Network(4)] [Dense(4, Name = \"klass\")] [Dense(2)] public partial class N { }" },
            { "[Network(4)] [Dense(4, {|NG0018:Name = \"two words\"|})] [Dense(2)] public partial class N { }", "[Network(4)] [Dense(4, Name = \"two_words\")] [Dense(2)] public partial class N { }" },
            // NG0019: Add of unequal shapes, at the name; NG0020: Concat of unequal spatial sizes, at the name.
            { "[Network(4)] [Dense(4, Name = \"a\")] [Dense(5)] [Add({|NG0019:\"a\"|})] [Dense(2)] public partial class N { }", "[Network(4)] [Dense(4, Name = \"a\")] [Dense(4)] [Add(\"a\")] [Dense(2)] public partial class N { }" },
            { "[Network(1, 8, 8)] [Conv(2, k: 3, p: 1, Name = \"a\")] [MaxPool(2)] [Concat({|NG0020:\"a\"|})] [Dense(2)] public partial class N { }", "[Network(1, 8, 8)] [Conv(2, k: 3, p: 1, Name = \"a\")] [Conv(3, k: 1)] [Concat(\"a\")] [Dense(2)] public partial class N { }" },
            { "[Network(1, 8, 8)] [Conv(2, k: 3, Name = \"a\")] [Dense(4)] [Concat({|NG0020:\"a\"|})] [Dense(2)] public partial class N { }", "[Network(1, 8, 8)] [Conv(2, k: 3)] [Flatten(Name = \"a\")] [Dense(4)] [Concat(\"a\")] [Dense(2)] public partial class N { }" },
            // NG0021: a dead branch (warning), at its Name, or at the attribute when unnamed.
            { "[Network(4)] [Dense(4, {|NG0021:Name = \"unused\"|})] [Dense(2, From = \"input\")] public partial class N { }", "[Network(4)] [Dense(4, Name = \"unused\", Output = true)] [Dense(2, From = \"input\")] public partial class N { }" },
            { "[Network(4)] [Dense(4, Name = \"a\")] [{|NG0021:Dense(3)|}] [Dense(2, From = \"a\")] public partial class N { }", "[Network(4)] [Dense(4, Name = \"a\")] [Dense(3)] [Concat(\"a\")] [Dense(2)] public partial class N { }" },
            // NG0002 on the graph arguments: a negative loss weight; a loss on a layer that is not an output.
            { "[Network(4)] [Dense(4)] [Dense(2, Act.Sigmoid, {|NG0002:LossWeight = -1|})] public partial class N { }", "[Network(4)] [Dense(4)] [Dense(2, Act.Sigmoid, LossWeight = 0.5)] public partial class N { }" },
            { "[Network(4)] [Dense(4, {|NG0002:Loss = Loss.MeanSquaredError|})] [Dense(2)] public partial class N { }", "[Network(4)] [Dense(4, Output = true, Loss = Loss.MeanSquaredError)] [Dense(2)] public partial class N { }" },
            // NG0007 per head: the head's own Loss does not fit its activation.
            { "[Network(4)] [Dense(3, Act.Tanh, Output = true, {|NG0007:Loss = Loss.CrossEntropy|})] [Dense(2, Act.Softmax)] public partial class N { }", "[Network(4)] [Dense(3, Act.Softmax, Output = true, Loss = Loss.CrossEntropy)] [Dense(2, Act.Softmax)] public partial class N { }" },
            // NG0002: layer arguments out of range, by position and by name; an undefined enum value; an undefined loss.
            { "[Network(4)] [Dense({|NG0002:0|})] public partial class N { }", "[Network(4)] [Dense(1)] public partial class N { }" },
            { "[Network(4)] [Dense(8, Act.ReLU)] [Dense({|NG0002:units: -3|}, act: Act.Softmax)] public partial class N { }", "[Network(4)] [Dense(8, Act.ReLU)] [Dense(units: 3, act: Act.Softmax)] public partial class N { }" },
            { "[Network(4)] [Dense(3, {|NG0002:(Act)42|})] public partial class N { }", "[Network(4)] [Dense(3, (Act)2)] public partial class N { }" },
            { "[Network(4, {|NG0002:Loss = (Loss)9|})] [Dense(3)] public partial class N { }", "[Network(4, Loss = (Loss)1)] [Dense(3)] public partial class N { }" },
            // NG0002 on Alpha: set on an activation that has none, negative; NG0007: cross-entropy needs softmax or log-softmax; NG0008: log-softmax on a hidden layer.
            { "[Network(4)] [Dense(8, Act.GELU, {|NG0002:Alpha = 0.2|})] [Dense(2)] public partial class N { }", "[Network(4)] [Dense(8, Act.LeakyReLU, Alpha = 0.2)] [Dense(2)] public partial class N { }" },
            { "[Network(1, 6, 6)] [Conv(2, k: 3, {|NG0002:Alpha = 1|})] [Dense(2)] public partial class N { }", "[Network(1, 6, 6)] [Conv(2, k: 3, act: Act.ELU, Alpha = 1)] [Dense(2)] public partial class N { }" },
            { "[Network(4)] [Dense(8, Act.ELU, {|NG0002:Alpha = -0.5|})] [Dense(2)] public partial class N { }", "[Network(4)] [Dense(8, Act.ELU, Alpha = 0.5)] [Dense(2)] public partial class N { }" },
            { "[Network(4, {|NG0007:Loss = Loss.CrossEntropy|})] [Dense(3, Act.SiLU)] public partial class N { }", "[Network(4, Loss = Loss.CrossEntropy)] [Dense(3, Act.LogSoftmax)] public partial class N { }" },
            { "[Network(4)] [Dense(5, {|NG0008:Act.LogSoftmax|})] [Dense(2)] public partial class N { }", "[Network(4)] [Dense(5, Act.Hardswish)] [Dense(2, Act.LogSoftmax)] public partial class N { }" },
            // NG0002 on Trainable: false on a layer without parameters.
            { "[Network(1, 6, 6)] [Conv(2, k: 3)] [MaxPool(2, {|NG0002:Trainable = false|})] [Dense(2)] public partial class N { }", "[Network(1, 6, 6)] [Conv(2, k: 3, Trainable = false)] [MaxPool(2)] [Dense(2)] public partial class N { }" },
            // NG0012: global pooling after a layer without spatial axes.
            { "[Network(1, 6, 6)] [Dense(8)] [{|NG0012:GlobalAvgPool|}] [Dense(2)] public partial class N { }", "[Network(1, 6, 6)] [Conv(8, k: 3)] [GlobalAvgPool] [Dense(2)] public partial class N { }" },
            // NG0002 on [Network]'s loss options: HuberDelta not positive or without Huber; LabelSmoothing outside [0, 1) or without
            // cross-entropy; ClassWeights of the wrong length, negative, or without cross-entropy.
            { "[Network(4, Loss = Loss.Huber, {|NG0002:HuberDelta = 0|})] [Dense(2)] public partial class N { }", "[Network(4, Loss = Loss.Huber, HuberDelta = 0.1)] [Dense(2)] public partial class N { }" },
            { "[Network(4, {|NG0002:HuberDelta = 2|})] [Dense(2)] public partial class N { }", "[Network(4, Loss = Loss.Huber, HuberDelta = 2)] [Dense(2)] public partial class N { }" },
            { "[Network(4, {|NG0002:LabelSmoothing = 1|})] [Dense(3, Act.Softmax)] public partial class N { }", "[Network(4, LabelSmoothing = 0.9)] [Dense(3, Act.Softmax)] public partial class N { }" },
            { "[Network(4, {|NG0002:LabelSmoothing = 0.1|})] [Dense(3, Act.Sigmoid)] public partial class N { }", "[Network(4, LabelSmoothing = 0.1)] [Dense(3, Act.LogSoftmax)] public partial class N { }" },
            { "[Network(4, {|NG0002:ClassWeights = new[] { 1.0, 2.0 }|})] [Dense(3, Act.Softmax)] public partial class N { }", "[Network(4, ClassWeights = new[] { 1.0, 2.0, 0.0 })] [Dense(3, Act.Softmax)] public partial class N { }" },
            { "[Network(4, {|NG0002:ClassWeights = new[] { 1.0, -2.0, 1.0 }|})] [Dense(3, Act.Softmax)] public partial class N { }", "[Network(4, ClassWeights = new[] { 1.0, 2.0, 1.0 })] [Dense(3, Act.Softmax)] public partial class N { }" },
            { "[Network(4, Loss = Loss.L1, {|NG0002:ClassWeights = new[] { 1.0, 2.0, 1.0 }|})] [Dense(3)] public partial class N { }", "[Network(4, Loss = Loss.L1)] [Dense(3)] public partial class N { }" },
            // NG0002 on Groups: not dividing the input channels or the filters.
            { "[Network(4, 6, 6)] [Conv(6, k: 3, {|NG0002:Groups = 3|})] [Dense(2)] public partial class N { }", "[Network(4, 6, 6)] [Conv(6, k: 3, Groups = 2)] [Dense(2)] public partial class N { }" },
            { "[Network(4, 6, 6)] [Conv(6, k: 3, {|NG0002:Groups = 4|})] [Dense(2)] public partial class N { }", "[Network(4, 6, 6)] [Conv(8, k: 3, Groups = 4)] [Dense(2)] public partial class N { }" },
            // NG0002 on padding: reflect not below the input's size (at the padding, or at a convolution's PaddingMode), an odd F.pad list, a negative pad.
            { "[Network(1, 3, 8)] [Pad({|NG0002:3|}, Mode = PadMode.Reflect)] [Dense(2)] public partial class N { }", "[Network(1, 3, 8)] [Pad(2, Mode = PadMode.Reflect)] [Dense(2)] public partial class N { }" },
            { "[Network(1, 3, 8)] [Conv(2, k: 3, p: 3, {|NG0002:PaddingMode = PadMode.Reflect|})] [Dense(2)] public partial class N { }", "[Network(1, 3, 8)] [Conv(2, k: 3, p: 3, PaddingMode = PadMode.Circular)] [Dense(2)] public partial class N { }" },
            { "[Network(1, 3, 8)] [Pad({|NG0002:1, 1, 1|})] [Dense(2)] public partial class N { }", "[Network(1, 3, 8)] [Pad(1, 1, 1, 1)] [Dense(2)] public partial class N { }" },
            { "[Network(1, 3, 8)] [Pad(1, {|NG0002:-1|})] [Dense(2)] public partial class N { }", "[Network(1, 3, 8)] [Pad(1, 0)] [Dense(2)] public partial class N { }" },
            // NG0002 on Upsample's scale; NG0012: upsampling a vector.
            { "[Network(1, 3, 8)] [Upsample({|NG0002:0|})] [Dense(2)] public partial class N { }", "[Network(1, 3, 8)] [Upsample(1)] [Dense(2)] public partial class N { }" },
            { "[Network(6)] [{|NG0012:Upsample(2)|}] [Dense(2)] public partial class N { }", "[Network(1, 6)] [Upsample(2)] [Dense(2)] public partial class N { }" },
            // NG0004: not partial, also a containing type.
            { "[Network(4)] [Dense(3)] public class {|NG0004:N|} { }", "[Network(4)] [Dense(3)] public partial class N { }" },
            { "public class {|NG0004:Outer|} { [Network(4)] [Dense(3)] public partial class N { } }", "public partial class Outer { [Network(4)] [Dense(3)] public partial class N { } }" },
            // NG0005: no input shape, a dimension below 1, too many dimensions.
            { "[{|NG0005:Network()|}] [Dense(3)] public partial class N { }", "[Network(2)] [Dense(3)] public partial class N { }" },
            { "[Network(1, {|NG0005:0|}, 28)] [Dense(3)] public partial class N { }", "[Network(1, 1, 28)] [Dense(3)] public partial class N { }" },
            { "[Network({|NG0005:1, 2, 3, 4, 5|})] [Dense(3)] public partial class N { }", "[Network(1, 2, 3, 4)] [Dense(3)] public partial class N { }" },
            // NG0006: layers on two partial declarations.
            { "[Network(4)] [Dense(8)] public partial class N { }\n[{|NG0006:Dense(3)|}] public partial class N { }", "[Network(4)] [Dense(8)] [Dense(3)] public partial class N { }\npublic partial class N { }" },
            // NG0007: the loss does not fit the output activation (table 4.1).
            { "[Network(4, {|NG0007:Loss = Loss.CrossEntropy|})] [Dense(3, Act.Sigmoid)] public partial class N { }", "[Network(4, Loss = Loss.CrossEntropy)] [Dense(3, Act.Softmax)] public partial class N { }" },
            { "[Network(4, {|NG0007:Loss = Loss.BinaryCrossEntropy|})] [Dense(3)] public partial class N { }", "[Network(4, Loss = Loss.MeanSquaredError)] [Dense(3, Act.Sigmoid)] public partial class N { }" },
            // NG0008: softmax on a hidden layer (warning).
            { "[Network(4)] [Dense(8, {|NG0008:Act.Softmax|})] [Dense(3)] public partial class N { }", "[Network(4)] [Dense(8, Act.Tanh)] [Dense(3, Act.Softmax)] public partial class N { }" },
            { "[Network(4)] [Dense(8)] [Activation({|NG0008:Act.Softmax|})] [Dense(3)] public partial class N { }", "[Network(4)] [Dense(8)] [Dense(3)] [Activation(Act.Softmax)] public partial class N { }" },
            // NG0009: no layers.
            { "[{|NG0009:Network(4)|}] public partial class N { }", "[Network(4)] [Dense(1)] public partial class N { }" },
            // NG0001: output size not positive, at the kernel argument (by name, by position; pooling window; transposed padding).
            { "[Network(1, 5, 5)] [Conv(4, {|NG0001:k: 7|})] [Dense(2)] public partial class N { }", "[Network(1, 5, 5)] [Conv(4, k: 5)] [Dense(2)] public partial class N { }" },
            { "[Network(1, 5, 5)] [Conv(4, {|NG0001:3|}, d: 3)] [Dense(2)] public partial class N { }", "[Network(1, 5, 5)] [Conv(4, 3, d: 2)] [Dense(2)] public partial class N { }" },
            { "[Network(1, 2, 2)] [MaxPool({|NG0001:3|}, 1)] [Dense(2)] public partial class N { }", "[Network(1, 3, 3)] [MaxPool(3, 1)] [Dense(2)] public partial class N { }" },
            { "[Network(1, 1, 1)] [ConvTranspose(2, k: 1, {|NG0001:p: 1|})] [Dense(2)] public partial class N { }", "[Network(1, 1, 1)] [ConvTranspose(2, k: 3, p: 1)] [Dense(2)] public partial class N { }" },
            { "[Network(1, 5, 5)] [Conv(4, k: 3, {|NG0001:KernelSize = new[] { 3, 6 }|})] [Dense(2)] public partial class N { }", "[Network(1, 5, 5)] [Conv(4, k: 3, KernelSize = new[] { 3, 5 })] [Dense(2)] public partial class N { }" },
            // NG0002 on convolution and pooling arguments.
            { "[Network(1, 5, 5)] [Conv(4, k: 3, {|NG0002:s: 0|})] [Dense(2)] public partial class N { }", "[Network(1, 5, 5)] [Conv(4, k: 3, s: 1)] [Dense(2)] public partial class N { }" },
            { "[Network(1, 5, 5)] [Conv({|NG0002:0|}, 3)] [Dense(2)] public partial class N { }", "[Network(1, 5, 5)] [Conv(1, 3)] [Dense(2)] public partial class N { }" },
            { "[Network(1, 5, 5)] [MaxPool(3, 1, {|NG0002:2|})] [Dense(2)] public partial class N { }", "[Network(1, 5, 5)] [MaxPool(3, 1, 1)] [Dense(2)] public partial class N { }" },
            { "[Network(1, 3, 3)] [ConvTranspose(2, k: 3, s: 2, {|NG0002:a: 2|})] [Dense(2)] public partial class N { }", "[Network(1, 3, 3)] [ConvTranspose(2, k: 3, s: 2, a: 1)] [Dense(2)] public partial class N { }" },
            { "[Network(1, 5, 5)] [Conv(4, k: 3, {|NG0002:KernelSize = new[] { 3, 3, 3 }|})] [Dense(2)] public partial class N { }", "[Network(1, 5, 5)] [Conv(4, k: 3, KernelSize = new[] { 3, 3 })] [Dense(2)] public partial class N { }" },
            // NG0003: input rows past the last window are lost while the windows touch or overlap (warning), at the stride, or at
            // the whole pooling attribute when its stride is the window; unused padding alone is no diagnostic.
            { "[Network(1, 10, 10)] [Conv(4, k: 3, {|NG0003:s: 3|})] [Dense(2)] public partial class N { }", "[Network(1, 32, 32)] [Conv(32, k: 3, s: 2, p: 1)] [Dense(2)] public partial class N { }" },
            // NG0022: subsampling (stride larger than the window) skips rows by design: info, at the stride.
            { "[Network(1, 32, 32)] [Conv(4, k: 1, {|NG0022:s: 2|})] [Dense(2)] public partial class N { }", "[Network(1, 32, 32)] [Conv(4, k: 2, s: 2)] [Dense(2)] public partial class N { }" },
            { "[Network(1, 5, 5)] [{|NG0003:MaxPool(2)|}] [Dense(2)] public partial class N { }", "[Network(1, 4, 4)] [MaxPool(2)] [Dense(2)] public partial class N { }" },
            // NG0011: Same padding with an even kernel or a stride.
            { "[Network(1, 5, 5)] [Conv(4, k: 4, {|NG0011:Padding = Padding.Same|})] [Dense(2)] public partial class N { }", "[Network(1, 5, 5)] [Conv(4, k: 3, Padding = Padding.Same)] [Dense(2)] public partial class N { }" },
            { "[Network(1, 5, 5)] [Conv(4, k: 3, s: 2, {|NG0011:Padding = Padding.Same|})] [Dense(2)] public partial class N { }", "[Network(1, 5, 5)] [Conv(4, k: 3, s: 1, Padding = Padding.Same)] [Dense(2)] public partial class N { }" },
            // NG0012: a convolution or pooling layer without spatial axes.
            { "[Network(1, 5, 5)] [Dense(8)] [{|NG0012:Conv(4, k: 3)|}] public partial class N { }", "[Network(1, 5, 5)] [Conv(4, k: 3)] [Dense(8)] public partial class N { }" },
            { "[Network(16)] [{|NG0012:AvgPool(2)|}] [Dense(2)] public partial class N { }", "[Network(1, 16)] [AvgPool(2)] [Dense(2)] public partial class N { }" },
            // NG0013: padding so large that the outermost outputs see only zeros (warning).
            { "[Network(1, 5, 5)] [Conv(4, k: 3, {|NG0013:p: 3|})] [Dense(2)] public partial class N { }", "[Network(1, 5, 5)] [Conv(4, k: 3, p: 2)] [Dense(2)] public partial class N { }" },
            // NG0014: an initializer whose gain does not fit the activation (warning, section 9.3.2).
            { "[Network(4)] [Dense(8, Act.Tanh, {|NG0014:Init = Init.HeNormal|})] [Dense(2)] public partial class N { }", "[Network(4)] [Dense(8, Act.Tanh, Init = Init.HeNormal, Gain = 0.5)] [Dense(2)] public partial class N { }" },
            { "[Network(4)] [Dense(8, Act.ReLU, {|NG0014:Init = Init.GlorotUniform|})] [Dense(2)] public partial class N { }", "[Network(4)] [Dense(8, Act.ReLU, Init = Init.HeUniform)] [Dense(2)] public partial class N { }" },
            // NG0015: standard dropout in a SELU network (warning, section 10.4).
            { "[Network(4)] [Dense(8, Act.SELU)] [{|NG0015:Dropout(0.1)|}] [Dense(2)] public partial class N { }", "[Network(4)] [Dense(8, Act.SELU)] [AlphaDropout(0.1)] [Dense(2)] public partial class N { }" },
            // NG0016: softmax output with squared error (warning, table 4.1).
            { "[Network(4, {|NG0016:Loss = Loss.MeanSquaredError|})] [Dense(3, Act.Softmax)] public partial class N { }", "[Network(4, Loss = Loss.CrossEntropy)] [Dense(3, Act.Softmax)] public partial class N { }" },
            // NG0002 on regularization layers.
            { "[Network(4)] [Dense(8)] [Dropout({|NG0002:1.0|})] [Dense(2)] public partial class N { }", "[Network(4)] [Dense(8)] [Dropout(0.5)] [Dense(2)] public partial class N { }" },
            // NG0010: layers without [Network] (warning).
            { "[{|NG0010:Dense(3)|}] public partial class N { }", "[Network(4)] [Dense(3)] public partial class N { }" },
        };

        [Theory]
        [MemberData(nameof(Cases))]
        public void Invalid_case_is_reported_at_the_argument(string invalid, string valid)
        {
            Verify(invalid);
            Verify(valid);
        }

        [Fact]
        public void Messages_show_what_was_found_and_what_would_work()
        {
            var diagnostics = TestCompiler.Analyze(Header + "[Network(4)] [Dense(8, Act.ReLU)] [Dense(0)] public partial class N { }\n" + Footer, out _);
            var message = Assert.Single(diagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal("Dense layer 2: units = 0; expected units >= 1", message);

            diagnostics = TestCompiler.Analyze(Header + "[Network(4, Loss = Loss.CrossEntropy)] [Dense(3, Act.Sigmoid)] public partial class N { }\n" + Footer, out _);
            message = Assert.Single(diagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture);
            Assert.Contains("CrossEntropy needs a Softmax output", message);
            Assert.Contains("Loss.BinaryCrossEntropy", message);
            Assert.Equal(DiagnosticSeverity.Error, diagnostics[0].Severity);
        }

        [Fact]
        public void Lost_and_skipped_rows_are_counted_as_the_issue_states()
        {
            var diagnostic = Assert.Single(TestCompiler.Analyze(Header + "[Network(1, 10, 10)] [Conv(4, k: 3, s: 3)] [Dense(2)] public partial class N { }\n" + Footer, out _));
            Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
            Assert.Equal("Conv layer 1 leaves input unused (figure E.13): height: the last of o = floor((10 + 2*0 - 3) / 3) + 1 = 3 windows ends at padded row (o - 1)s + ke - 1 = 8, "
                + "the input's last is p + i - 1 = 9, so its last 1 row at the bottom is never read; width: the last of o = floor((10 + 2*0 - 3) / 3) + 1 = 3 windows ends at padded column "
                + "(o - 1)s + ke - 1 = 8, the input's last is p + i - 1 = 9, so its last 1 column on the right is never read; p: 1 or s: 1 would cover the input exactly",
                diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));

            diagnostic = Assert.Single(TestCompiler.Analyze(Header + "[Network(1, 32, 32)] [Conv(4, k: 1, s: 2)] [Dense(2)] public partial class N { }\n" + Footer, out _));
            Assert.Equal(DiagnosticSeverity.Info, diagnostic.Severity);
            Assert.Equal("Conv layer 1 subsamples its input: stride 2 > window 1: 16 of 32 rows and 16 of 32 columns are never read", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));

            // a 1-D pooling window of 1 with stride 3 over 10 positions reads 0, 3, 6, 9
            diagnostic = Assert.Single(TestCompiler.Analyze(Header + "[Network(1, 10)] [MaxPool(1, 3)] [Dense(2)] public partial class N { }\n" + Footer, out _));
            Assert.Equal("MaxPool layer 1 subsamples its input: stride 3 > window 1: 6 of 10 positions are never read", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        }

        [Fact]
        public void An_unknown_name_lists_the_names_a_layer_can_read()
        {
            var diagnostics = TestCompiler.Analyze(Header + "[Network(4)] [Dense(8, Name = \"trunk\")] [Dense(4)] [Add(\"trunc\")] [Dense(2)] public partial class N { }\n" + Footer, out _);
            string message = Assert.Single(diagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal("Add layer 3: name = \"trunc\" names no layer; earlier layers with a Name: \"trunk\", \"input\" for the network's input", message);
        }

        [Fact]
        public void Every_prefix_of_a_half_typed_declaration_neither_crashes_the_generator_nor_the_analyzer()
        {
            string[] declarations =
            {
                "[Network(1, 28, 28, Loss = Loss.CrossEntropy)] [Dense(units: 128, act: Act.ReLU, Bias = false)] [Activation(Act.Tanh)] [Dense(10, Act.Softmax)]",
                "[Network(2, 8, 8)] [Conv(4, k: 3, p: 1, Name = \"stem\")] [Conv(4, 3, p: 1)] [Add(\"stem\", Act.ReLU)] [Conv(2, k: 1, From = \"stem\")] [Concat(\"stem\", \"input\")] [Dense(3, Act.Softmax, Name = \"a\", Output = true, LossWeight = 0.5)] [Dense(1, Act.Sigmoid, From = \"a\")]",
            };
            foreach (string attributes in declarations)
            {
                for (int i = 0; i <= attributes.Length; i++)
                {
                    string source = Header + attributes.Substring(0, i) + "\npublic partial class N { }\n" + Footer;
                    TestCompiler.Analyze(source, out _); // throws through its asserts when the generator or the analyzer crashes
                }
            }
        }

        private static void Verify(string markup)
        {
            var (source, expected) = Parse(Header + markup + "\n" + Footer);
            var diagnostics = TestCompiler.Analyze(source, out var errors);
            Assert.True(errors.Length == 0, "Compiler errors:\n" + string.Join("\n", errors));
            var actual = diagnostics
                .Select(d => (d.Id, d.Location.SourceSpan.Start, d.Location.SourceSpan.End, Text: source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length)))
                .OrderBy(d => d.Start)
                .ToList();
            Assert.Equal(expected, actual);
        }

        /// <summary>Removes the {|ID:text|} markup and returns the expected (id, start, end, text).</summary>
        private static (string Source, List<(string Id, int Start, int End, string Text)> Expected) Parse(string markup)
        {
            var expected = new List<(string, int, int, string)>();
            var source = new StringBuilder();
            int i = 0;
            foreach (Match m in Regex.Matches(markup, @"\{\|(NG\d{4}):(.*?)\|\}", RegexOptions.Singleline))
            {
                source.Append(markup, i, m.Index - i);
                int start = source.Length;
                source.Append(m.Groups[2].Value);
                expected.Add((m.Groups[1].Value, start, source.Length, m.Groups[2].Value));
                i = m.Index + m.Length;
            }

            source.Append(markup, i, markup.Length - i);
            return (source.ToString(), expected);
        }
    }
}
