using NetGen;

// The networks of tests/fixtures/make_fixtures.py, declared as a user would: the generator runs on this project.
namespace NetGen.Tests.Parity
{
    [Network(4)]
    [Dense(8, Act.Tanh)]
    [Dense(3, Act.Softmax)]
    public partial class TanhSoftmax { }

    [Network(5)]
    [Dense(16, Act.ReLU)]
    [Dense(8, Act.ELU)]
    [Dense(1, Act.Sigmoid)]
    public partial class ReluEluSigmoid { }

    [Network(6)]
    [Dense(10, Act.SELU)]
    [Dense(7, Act.LeakyReLU, Bias = false)]
    [Dense(4)]
    public partial class SeluLeakyIdentity { }

    [Network(2, 3, 2)]
    [Dense(9, Act.Sigmoid)]
    [Activation(Act.Tanh)]
    [Dense(5, Act.Softmax)]
    public partial class SigmoidTanhSoftmax { }
}

namespace NetGen.Tests.Parity
{
    /// <summary>LeNet-5 exactly as the README declares it (section 6.9).</summary>
    [Network(1, 28, 28)]
    [Conv(6, k: 5, p: 2, act: Act.ReLU)]
    [MaxPool(2)]
    [Conv(16, k: 5, act: Act.ReLU)]
    [MaxPool(2)]
    [Dense(120, Act.ReLU)]
    [Dense(84, Act.ReLU)]
    [Dense(10, Act.Softmax)]
    public partial class LeNet5 { }

    [Network(3, 21)]
    [Conv(4, k: 3, s: 2, p: 1, act: Act.Tanh)]
    [AvgPool(3, 2, 1)]
    [Conv(5, k: 2, d: 2, act: Act.ELU, Padding = Padding.Full)]
    [Flatten]
    [Dense(2, Act.Sigmoid)]
    public partial class Conv1dNet { }

    [Network(2, 4, 6, 6)]
    [Conv(3, k: 3, act: Act.LeakyReLU, Padding = Padding.Same)]
    [MaxPool(2, 2)]
    [Dense(4)]
    public partial class Conv3dNet { }

    [Network(4, 3, 3)]
    [ConvTranspose(3, k: 3, s: 2, p: 1, a: 1, act: Act.ReLU)]
    [ConvTranspose(1, k: 4, s: 2, p: 1, act: Act.Sigmoid)]
    public partial class Decoder { }

    [Network(2, 9, 7)]
    [Conv(4, k: 3, p: 1, d: 2, act: Act.Sigmoid)]
    [AvgPool(3, 2, 1, CountIncludePad = false)]
    [MaxPool(2, 1)]
    [Conv(3, k: 2, act: Act.SELU, KernelSize = new[] { 2, 1 }, Padding = Padding.Valid)]
    [Dense(3, Act.Softmax)]
    public partial class MixedConv { }

    /// <summary>The layers that draw random numbers, compared in eval mode, where each is an identity (stochastic_eval).</summary>
    [Network(6)]
    [Dense(8, Act.Tanh)]
    [Dropout(0.3)]
    [Dense(8, Act.ELU)]
    [AlphaDropout(0.2)]
    [GaussianNoise(0.5)]
    [Dense(3, Act.Softmax)]
    public partial class StochasticEval { }

    /// <summary>[Identity] between two dense layers, as nn.Identity (identity).</summary>
    [Network(5)]
    [Dense(6, Act.Tanh)]
    [Identity]
    [Dense(2)]
    public partial class IdentityBetween { }
}

namespace NetGen.Tests.Parity
{
    [Network(6)]
    [Dense(8)]
    [BatchNorm]
    [Activation(Act.ReLU)]
    [Dense(3, Act.Softmax)]
    public partial class BatchNormDense { }

    [Network(2, 6, 6)]
    [Conv(4, k: 3)]
    [BatchNorm(eps: 1e-3, momentum: 0.2)]
    [Activation(Act.Tanh)]
    [MaxPool(2)]
    [Dense(3, Act.Softmax)]
    public partial class BatchNormConv { }

    [Network(5)]
    [Dense(7)]
    [LayerNorm]
    [Activation(Act.ELU)]
    [Dense(2, Act.Sigmoid)]
    public partial class LayerNormDense { }

    [Network(2, 4, 4)]
    [Conv(3, k: 3, p: 1)]
    [LayerNorm]
    [Dense(2)]
    public partial class LayerNormConv { }
}

namespace NetGen.Tests.Parity
{
    [Network(5)]
    [Dense(6, Act.Tanh, WeightNorm = true)]
    [Dense(3, Act.Softmax)]
    public partial class WeightNormDense { }

    [Network(2, 4, 4)]
    [ConvTranspose(3, k: 2, s: 2, act: Act.Tanh, WeightNorm = true)]
    [Conv(2, k: 3, act: Act.ReLU, WeightNorm = true)]
    [Dense(2, Act.Sigmoid, WeightNorm = true)]
    public partial class WeightNormConv { }
}

namespace NetGen.Tests.Parity
{
    /// <summary>A residual CNN: two shortcut connections (section 4.6.1, eq. 4.61), the second with an identity activation.</summary>
    [Network(2, 6, 6)]
    [Conv(4, k: 3, p: 1, act: Act.ReLU, Name = "stem")]
    [Conv(4, k: 3, p: 1, act: Act.Tanh)]
    [Conv(4, k: 3, p: 1)]
    [Add("stem", Act.ReLU, Name = "block1")]
    [Conv(4, k: 3, p: 1, act: Act.ELU)]
    [Add("block1")]
    [MaxPool(2)]
    [Dense(3, Act.Softmax)]
    public partial class ResidualCnn { }

    /// <summary>Two branches from the input, concatenated along the channels (b's 2, then a's 4).</summary>
    [Network(3, 5, 5)]
    [Conv(4, k: 3, p: 1, act: Act.ReLU, Name = "a")]
    [Conv(2, k: 1, act: Act.Sigmoid, From = "input", Name = "b")]
    [Concat("a")]
    [Conv(3, k: 3, act: Act.Tanh)]
    [Dense(2, Act.Sigmoid)]
    public partial class ConcatBranches { }

    /// <summary>Multi-task learning (section 8.5, eq. 8.21): a shared trunk, a softmax head and a sigmoid head with loss weights.</summary>
    [Network(6)]
    [Dense(8, Act.Tanh, Name = "trunk")]
    [Dense(4, Act.Softmax, Name = "digit", Output = true, LossWeight = 0.7)]
    [Dense(2, Act.Sigmoid, From = "trunk", Name = "flags", LossWeight = 0.5)]
    public partial class TwoHeads { }

    /// <summary>A dense network with a shortcut from the input: a linear projection of the input added to the second hidden layer.</summary>
    [Network(5)]
    [Dense(6, Act.Tanh)]
    [Dense(5, Act.ELU, Name = "h2")]
    [Dense(5, From = "input", Name = "skip")]
    [Add("h2", Act.Tanh)]
    [Dense(2)]
    public partial class InputShortcut { }
}

namespace NetGen.Tests.Parity
{
    /// <summary>Issue 18's activations on dense layers, log-softmax output trained with the negative log-likelihood (activations_dense).</summary>
    [Network(6)]
    [Dense(8, Act.GELU)]
    [Dense(8, Act.SiLU)]
    [Dense(7, Act.Softplus)]
    [Dense(7, Act.Softsign)]
    [Dense(6, Act.ReLU6)]
    [Dense(6, Act.Hardswish)]
    [Dense(5, Act.Hardsigmoid)]
    [Dense(4, Act.LogSoftmax)]
    public partial class ActivationsDense { }

    /// <summary>Alpha on LeakyReLU and ELU convolutions, GELU on a convolution, SiLU as a layer of its own (activations_conv).</summary>
    [Network(2, 7, 7)]
    [Conv(4, k: 3, act: Act.LeakyReLU, Alpha = 0.2)]
    [Conv(3, k: 3, p: 1, act: Act.ELU, Alpha = 0.5)]
    [Conv(3, k: 3, act: Act.GELU)]
    [Activation(Act.SiLU)]
    [Dense(3, Act.Hardswish)]
    public partial class ActivationsConv { }
}

namespace NetGen.Tests.Parity
{
    /// <summary>Global max pooling head (global_max).</summary>
    [Network(2, 6, 5)]
    [Conv(4, k: 3, p: 1, act: Act.Tanh)]
    [GlobalMaxPool]
    [Dense(3, Act.Softmax)]
    public partial class GlobalMaxHead { }

    /// <summary>Global average pooling over a 1-D map (global_avg).</summary>
    [Network(3, 10)]
    [Conv(5, k: 3, act: Act.ReLU)]
    [GlobalAvgPool]
    [Dense(2)]
    public partial class GlobalAvgHead { }
}

namespace NetGen.Tests.Parity
{
    /// <summary>nn.L1Loss (l1).</summary>
    [Network(5, Loss = Loss.L1)]
    [Dense(6, Act.ELU)]
    [Dense(3)]
    public partial class L1Net { }

    /// <summary>nn.HuberLoss(delta = 0.5) (huber).</summary>
    [Network(5, Loss = Loss.Huber, HuberDelta = 0.5)]
    [Dense(6, Act.Tanh)]
    [Dense(3)]
    public partial class HuberNet { }

    /// <summary>nn.CrossEntropyLoss(weight, label_smoothing = 0.1) with class indices (weighted_smoothed).</summary>
    [Network(5, LabelSmoothing = 0.1, ClassWeights = new[] { 1.0, 2.0, 0.5, 1.5 })]
    [Dense(6, Act.Tanh)]
    [Dense(4, Act.Softmax)]
    public partial class WeightedSmoothed { }

    /// <summary>Label smoothing on a log-softmax output (smoothed_log).</summary>
    [Network(5, LabelSmoothing = 0.2)]
    [Dense(6, Act.ReLU)]
    [Dense(3, Act.LogSoftmax)]
    public partial class SmoothedLog { }
}

namespace NetGen.Tests.Parity
{
    /// <summary>nn.PReLU with one slope and with one per unit (prelu_dense).</summary>
    [Network(5)]
    [Dense(6)]
    [PReLU]
    [Dense(4, Act.Tanh)]
    [PReLU(perChannel: true)]
    [Dense(3, Act.Softmax)]
    public partial class PReLUDense { }

    /// <summary>nn.PReLU per channel of a feature map, and one slope (prelu_conv).</summary>
    [Network(2, 6, 6)]
    [Conv(3, k: 3)]
    [PReLU(perChannel: true)]
    [Conv(2, k: 3, p: 1)]
    [PReLU]
    [Dense(2)]
    public partial class PReLUConv { }
}

namespace NetGen.Tests.Parity
{
    /// <summary>Grouped, depthwise (stride 2) and pointwise convolutions (grouped_conv).</summary>
    [Network(4, 7, 7)]
    [Conv(6, k: 3, p: 1, act: Act.ReLU, Groups = 2)]
    [Conv(6, k: 3, s: 2, act: Act.Tanh, Groups = 6)]
    [Conv(4, k: 1)]
    [GlobalAvgPool]
    [Dense(3, Act.Softmax)]
    public partial class GroupedConv { }

    /// <summary>Grouped 1-D convolutions, dilated and without bias (grouped_conv1d).</summary>
    [Network(3, 12)]
    [Conv(6, k: 3, act: Act.ELU, Groups = 3)]
    [Conv(6, k: 3, p: 1, d: 2, Groups = 3, Bias = false)]
    [Dense(2)]
    public partial class GroupedConv1d { }
}

namespace NetGen.Tests.Parity
{
    /// <summary>Padding layers: reflect, zeros with F.pad's pairs, circular, replicate (pad_layers).</summary>
    [Network(2, 5, 6)]
    [Pad(1, Mode = PadMode.Reflect)]
    [Conv(3, k: 3, act: Act.Tanh)]
    [Pad(2, 0, 1, 1)]
    [Conv(2, k: 2)]
    [Pad(1, Mode = PadMode.Circular)]
    [Pad(0, 1, 1, 0, Mode = PadMode.Replicate)]
    [Dense(2)]
    public partial class PadLayers { }

    /// <summary>Convolutions with padding_mode reflect, circular (strided) and replicate (grouped) (conv_padding_modes).</summary>
    [Network(2, 6, 5)]
    [Conv(3, k: 3, p: 1, act: Act.ReLU, PaddingMode = PadMode.Reflect)]
    [Conv(4, k: 3, s: 2, p: 2, PaddingMode = PadMode.Circular)]
    [Conv(2, k: 3, p: 1, act: Act.Tanh, PaddingMode = PadMode.Replicate, Groups = 2)]
    [Dense(3, Act.Softmax)]
    public partial class ConvPaddingModes { }
}

namespace NetGen.Tests.Parity
{
    /// <summary>nn.Upsample nearest and bilinear (upsample).</summary>
    [Network(2, 3, 4)]
    [Upsample(2)]
    [Conv(2, k: 3, act: Act.Tanh)]
    [Upsample(3, Mode = UpsampleMode.Linear)]
    [Dense(2)]
    public partial class UpsampleNet { }

    /// <summary>nn.Upsample linear and nearest on a 1-D map (upsample1d).</summary>
    [Network(2, 5)]
    [Upsample(2, Mode = UpsampleMode.Linear)]
    [Conv(3, k: 3, act: Act.ReLU)]
    [Upsample(3)]
    [Dense(2, Act.Sigmoid)]
    public partial class Upsample1d { }
}
