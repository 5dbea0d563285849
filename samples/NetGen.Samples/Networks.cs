using NetGen;

namespace NetGen.Samples
{
    /// <summary>The default sample: a small CNN for the built-in 8x8 digits.</summary>
    [Network(1, 8, 8)]
    [Conv(16, k: 3, p: 1, act: Act.ReLU)] [MaxPool(2)]
    [Conv(32, k: 3, p: 1, act: Act.ReLU)] [MaxPool(2)]
    [Dense(64, Act.ReLU)]
    [Dense(10, Act.Softmax)]
    public partial class DigitsCnn { }

    /// <summary>LeNet-5 (section 6.9) as the README declares it: 61,706 parameters, for 28x28 images.</summary>
    [Network(1, 28, 28)]
    [Conv(6, k: 5, p: 2, act: Act.ReLU)] [MaxPool(2)]
    [Conv(16, k: 5, act: Act.ReLU)] [MaxPool(2)]
    [Dense(120, Act.ReLU)] [Dense(84, Act.ReLU)] [Dense(10, Act.Softmax)]
    public partial class LeNet5 { }

    /// <summary>LeNet-5 with dropout before its dense layers: the network of the reproducibility check (<c>reproduce</c>).</summary>
    [Network(1, 28, 28)]
    [Conv(6, k: 5, p: 2, act: Act.ReLU)] [MaxPool(2)]
    [Conv(16, k: 5, act: Act.ReLU)] [MaxPool(2)]
    [Dropout(0.25)]
    [Dense(120, Act.ReLU)] [Dropout(0.25)] [Dense(84, Act.ReLU)] [Dense(10, Act.Softmax)]
    public partial class LeNet5Dropout { }

    /// <summary>Softmax regression (section 4.4): one dense layer from the 4 Iris measurements to 3 species.</summary>
    [Network(4)]
    [Dense(3, Act.Softmax)]
    public partial class IrisSoftmaxRegression { }

    /// <summary>Logistic regression (section 4.3): one sigmoid unit on the 30 breast-cancer features.</summary>
    [Network(30)]
    [Dense(1, Act.Sigmoid)]
    public partial class BreastCancerLogistic { }

    /// <summary>XOR as in section 4.5 of the lecture notes: two hidden ReLU units, a linear output.</summary>
    [Network(2)]
    [Dense(2, Act.ReLU)]
    [Dense(1)]
    public partial class XorNet { }

    /// <summary>Eight sigmoid layers of 32 units (Glorot uniform): the layers sample's vanishing gradients (fig. 10.1).</summary>
    [Network(64)]
    [Dense(32, Act.Sigmoid)] [Dense(32, Act.Sigmoid)] [Dense(32, Act.Sigmoid)] [Dense(32, Act.Sigmoid)]
    [Dense(32, Act.Sigmoid)] [Dense(32, Act.Sigmoid)] [Dense(32, Act.Sigmoid)] [Dense(32, Act.Sigmoid)]
    [Dense(10, Act.Softmax)]
    public partial class DeepSigmoid { }

    /// <summary>The same depth with SELU and LeCun normal weights (section 10.4): the gradients keep their scale.</summary>
    [Network(64)]
    [Dense(32, Act.SELU)] [Dense(32, Act.SELU)] [Dense(32, Act.SELU)] [Dense(32, Act.SELU)]
    [Dense(32, Act.SELU)] [Dense(32, Act.SELU)] [Dense(32, Act.SELU)] [Dense(32, Act.SELU)]
    [Dense(10, Act.Softmax)]
    public partial class DeepSelu { }

    /// <summary>A self-normalizing network (section 10.4): SELU, LeCun normal weights, alpha dropout, on the digits.</summary>
    [Network(64)]
    [Dense(256, Act.SELU)] [AlphaDropout(0.05)]
    [Dense(256, Act.SELU)] [AlphaDropout(0.05)]
    [Dense(256, Act.SELU)] [AlphaDropout(0.05)]
    [Dense(256, Act.SELU)]
    [Dense(10, Act.Softmax)]
    public partial class SelfNormalizingNet { }
}

namespace NetGen.Samples
{
    /// <summary>
    /// A small residual CNN (section 4.6.1): two blocks of two convolutions whose input is added back to their output
    /// (eq. 4.61) before the ReLU, then pooling.
    /// </summary>
    [Network(1, 8, 8)]
    [Conv(16, k: 3, p: 1, act: Act.ReLU, Name = "stem")]
    [Conv(16, k: 3, p: 1, act: Act.ReLU)]
    [Conv(16, k: 3, p: 1)]
    [Add("stem", Act.ReLU)]
    [MaxPool(2, Name = "pool1")]
    [Conv(16, k: 3, p: 1, act: Act.ReLU)]
    [Conv(16, k: 3, p: 1)]
    [Add("pool1", Act.ReLU)]
    [MaxPool(2)]
    [Dense(10, Act.Softmax)]
    public partial class ResidualDigits { }

    /// <summary>
    /// Multi-task learning (section 8.5): one convolutional trunk, two heads. "digit" names the class (softmax,
    /// cross-entropy), "even" says whether it is even (sigmoid, binary cross-entropy, loss weight 0.5). The outputs are
    /// laid out head after head: 10 class probabilities, then P(even).
    /// </summary>
    [Network(1, 8, 8)]
    [Conv(16, k: 3, p: 1, act: Act.ReLU)] [MaxPool(2)]
    [Conv(32, k: 3, p: 1, act: Act.ReLU)] [MaxPool(2)]
    [Dense(64, Act.ReLU, Name = "trunk")]
    [Dense(10, Act.Softmax, Name = "digit", Output = true)]
    [Dense(1, Act.Sigmoid, From = "trunk", Name = "even", LossWeight = 0.5)]
    public partial class DigitAndParity { }
}

namespace NetGen.Samples
{
    /// <summary>
    /// A modern small CNN for the digits at 28x28 (the `modern` sample), MobileNet-style: a strided stem, depthwise-separable
    /// blocks (a depthwise 3x3 convolution, Groups = channels, then a pointwise 1x1 one) with ReLU6, Hardswish, SiLU and
    /// GELU, a global-average-pooling head instead of large dense layers, log-softmax outputs trained with label smoothing.
    /// </summary>
    [Network(1, 28, 28, LabelSmoothing = 0.1)]
    [Conv(16, k: 3, s: 2, p: 1, act: Act.Hardswish)]              // stem: 16 x 14 x 14
    [Conv(16, k: 3, p: 1, act: Act.ReLU6, Groups = 16)]           // depthwise
    [Conv(32, k: 1, act: Act.Hardswish)]                          // pointwise: 32 x 14 x 14
    [Conv(32, k: 3, s: 2, p: 1, act: Act.ReLU6, Groups = 32)]     // depthwise, strided: 32 x 7 x 7
    [Conv(64, k: 1, act: Act.SiLU)]                               // pointwise: 64 x 7 x 7
    [Conv(64, k: 3, p: 1, act: Act.GELU, Groups = 64)]            // depthwise
    [GlobalAvgPool]                                               // 64
    [Dense(10, Act.LogSoftmax)]
    public partial class ModernDigits { }

    // Model complexity (fig. 5.3, 8.1): one hidden tanh layer of 1 to 256 units for a regression of one variable; each size
    // is its own class, as every size is a compile-time literal.
    [Network(1)] [Dense(1, Act.Tanh)] [Dense(1)] public partial class Hidden1 { }
    [Network(1)] [Dense(2, Act.Tanh)] [Dense(1)] public partial class Hidden2 { }
    [Network(1)] [Dense(4, Act.Tanh)] [Dense(1)] public partial class Hidden4 { }
    [Network(1)] [Dense(8, Act.Tanh)] [Dense(1)] public partial class Hidden8 { }
    [Network(1)] [Dense(16, Act.Tanh)] [Dense(1)] public partial class Hidden16 { }
    [Network(1)] [Dense(32, Act.Tanh)] [Dense(1)] public partial class Hidden32 { }
    [Network(1)] [Dense(64, Act.Tanh)] [Dense(1)] public partial class Hidden64 { }
    [Network(1)] [Dense(128, Act.Tanh)] [Dense(1)] public partial class Hidden128 { }
    [Network(1)] [Dense(256, Act.Tanh)] [Dense(1)] public partial class Hidden256 { }

    /// <summary>A small MLP on the 8x8 digits for the bagging sample: a high-variance learner on few samples.</summary>
    [Network(64)]
    [Dense(32, Act.ReLU)]
    [Dense(10, Act.Softmax)]
    public partial class DigitsMlp { }
}
