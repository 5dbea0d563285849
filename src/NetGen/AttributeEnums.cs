// This file is compiled into the runtime library (public) and linked into the generator and the
// analyzers (internal), so the numeric values the generator reads from attributes have one home.
#if NETGEN_ROSLYN
namespace NetGen.Generator.Model
#else
namespace NetGen
#endif
{
    /// <summary>Activation functions (lecture notes, appendix A).</summary>
#if NETGEN_ROSLYN
    internal
#else
    public
#endif
    enum Act
    {
        /// <summary>f(s) = s.</summary>
        Identity = 0,
        /// <summary>f(s) = 1 / (1 + e^-s).</summary>
        Sigmoid = 1,
        /// <summary>f(s) = tanh(s).</summary>
        Tanh = 2,
        /// <summary>f(s) = max(0, s); derivative 0 at s = 0, as PyTorch.</summary>
        ReLU = 3,
        /// <summary>f(s) = s for s &gt; 0, 0.01 s otherwise.</summary>
        LeakyReLU = 4,
        /// <summary>f(s) = s for s &gt; 0, e^s - 1 otherwise (alpha = 1).</summary>
        ELU = 5,
        /// <summary>f(s) = lambda s for s &gt; 0, lambda alpha (e^s - 1) otherwise (eq. 10.19).</summary>
        SELU = 6,
        /// <summary>a_k = e^(s_k) / sum_j e^(s_j) over the layer's units (eq. 4.50).</summary>
        Softmax = 7,
        /// <summary>f(s) = s Phi(s) = s (1 + erf(s / sqrt 2)) / 2, the exact (erf) form of PyTorch's nn.GELU().</summary>
        GELU = 8,
        /// <summary>f(s) = s sigma(s) (also called swish), as nn.SiLU.</summary>
        SiLU = 9,
        /// <summary>f(s) = ln(1 + e^s) (s itself above 20), as nn.Softplus().</summary>
        Softplus = 10,
        /// <summary>f(s) = s / (1 + |s|), as nn.Softsign.</summary>
        Softsign = 11,
        /// <summary>f(s) = min(max(0, s), 6), as nn.ReLU6.</summary>
        ReLU6 = 12,
        /// <summary>f(s) = s ReLU6(s + 3) / 6 (MobileNetV3), as nn.Hardswish.</summary>
        Hardswish = 13,
        /// <summary>f(s) = ReLU6(s + 3) / 6, as nn.Hardsigmoid.</summary>
        Hardsigmoid = 14,
        /// <summary>a_k = s_k - ln sum_j e^(s_j): log-probabilities, as nn.LogSoftmax(dim=1); trained with the negative log-likelihood.</summary>
        LogSoftmax = 15,
        /// <summary>
        /// f(s) = sign(s): -1, 0 at s = 0, +1, as torch.sign and ONNX's Sign (eq. 4.19, the perceptron's unit). Its derivative
        /// is 0 wherever it exists (torch.sign's gradient), so gradient training moves nothing beneath it: fit a layer with
        /// this output by LinearModels.Perceptron.
        /// </summary>
        Sign = 16,
    }

    /// <summary>What the code needs to know of each activation, in one place (the generator's rules and the runtime's export).</summary>
    internal static class ActTraits
    {
        /// <summary>The highest member of <see cref="Act"/>.</summary>
        public const Act Last = Act.Sign;

        /// <summary>Whether <paramref name="act"/> is a member of the enum.</summary>
        public static bool IsDefined(Act act) => act >= Act.Identity && act <= Last;

        /// <summary>Whether the activation takes Alpha (LeakyReLU's negative slope, ELU's alpha).</summary>
        public static bool HasAlpha(Act act) => act == Act.LeakyReLU || act == Act.ELU;

        /// <summary>The activation's Alpha when none is written (PyTorch's defaults: 0.01 and 1).</summary>
        public static double DefaultAlpha(Act act) => act == Act.LeakyReLU ? 0.01 : 1.0;

        /// <summary>Whether the activation normalizes over a sample's values (softmax, log-softmax) rather than value by value.</summary>
        public static bool OverSample(Act act) => act == Act.Softmax || act == Act.LogSoftmax;

        /// <summary>
        /// Whether the derivative needs the pre-activations s: GELU, SiLU and Hardswish are not invertible, so f'(s) cannot
        /// be computed from a = f(s) as every other activation's is; training keeps s for them.
        /// </summary>
        public static bool NeedsPreActivation(Act act) => act == Act.GELU || act == Act.SiLU || act == Act.Hardswish;

        /// <summary>Whether the activation is piecewise linear (identity, ReLU, LeakyReLU, ReLU6, Hardsigmoid, sign): f'' = 0 almost everywhere.</summary>
        public static bool PiecewiseLinear(Act act) => act == Act.Identity || act == Act.ReLU || act == Act.LeakyReLU || act == Act.ReLU6 || act == Act.Hardsigmoid || act == Act.Sign;
    }

    /// <summary>Training losses (lecture notes, table 4.1), reduced as PyTorch's defaults do.</summary>
#if NETGEN_ROSLYN
    internal
#else
    public
#endif
    enum Loss
    {
        /// <summary>Chosen from the output activation: identity gives mean squared error, sigmoid binary cross-entropy, softmax cross-entropy.</summary>
        Auto = 0,
        /// <summary>mean((a - y)^2) over every output of the batch, as <c>nn.MSELoss()</c>.</summary>
        MeanSquaredError = 1,
        /// <summary>mean(-y log a - (1 - y) log(1 - a)) over every output of the batch, as <c>nn.BCELoss()</c>; needs a sigmoid output.</summary>
        BinaryCrossEntropy = 2,
        /// <summary>mean over the batch of -sum_k y_k log a_k, as <c>nn.CrossEntropyLoss()</c> on the logits; needs a softmax (or log-softmax) output.</summary>
        CrossEntropy = 3,
        /// <summary>mean(|a - y|) over every output of the batch, as <c>nn.L1Loss()</c>: robust to outliers.</summary>
        L1 = 4,
        /// <summary>
        /// Huber's loss, as <c>nn.HuberLoss(delta)</c>: per output (a - y)^2 / 2 where |a - y| &lt; delta, else
        /// delta (|a - y| - delta / 2), the mean over every output; delta is [Network]'s HuberDelta (1 by default).
        /// </summary>
        Huber = 5,
    }

    /// <summary>How a convolution pads its input (appendix E).</summary>
#if NETGEN_ROSLYN
    internal
#else
    public
#endif
    enum Padding
    {
        /// <summary>Zero padding of <c>p</c> on every side of every spatial axis, as written.</summary>
        Explicit = 0,
        /// <summary>No padding (p = 0): o = floor((i - k) / s) + 1 (relationship 5).</summary>
        Valid = 1,
        /// <summary>Half padding p = d(k - 1) / 2 with stride 1 and an odd effective kernel: o = i (relationship 3).</summary>
        Same = 2,
        /// <summary>Full padding p = d(k - 1) with stride 1: o = i + d(k - 1) (relationship 4).</summary>
        Full = 3,
    }

    /// <summary>How padding fills the values outside the input, as PyTorch's padding modes (F.pad, nn.Conv*d(padding_mode)).</summary>
#if NETGEN_ROSLYN
    internal
#else
    public
#endif
    enum PadMode
    {
        /// <summary>Zeros (PyTorch's 'zeros', F.pad's 'constant' with 0).</summary>
        Zeros = 0,
        /// <summary>The input mirrored at its edge, the edge not repeated ('reflect'): pad below the axis's size.</summary>
        Reflect = 1,
        /// <summary>The edge value repeated ('replicate').</summary>
        Replicate = 2,
        /// <summary>The input wrapped around ('circular'): pad at most the axis's size.</summary>
        Circular = 3,
    }

    /// <summary>How [Upsample] fills the new positions, as nn.Upsample's modes.</summary>
#if NETGEN_ROSLYN
    internal
#else
    public
#endif
    enum UpsampleMode
    {
        /// <summary>Each value repeated (mode='nearest').</summary>
        Nearest = 0,
        /// <summary>Linear, bilinear or trilinear interpolation by the input's rank, align_corners=False.</summary>
        Linear = 1,
    }

    /// <summary>Weight initializers (chapter 9); J is the fan-in, I the fan-out (for a convolution J = C k..., I = F k...).</summary>
#if NETGEN_ROSLYN
    internal
#else
    public
#endif
    enum Init
    {
        /// <summary>From the layer's activation: He normal for ReLU, LeakyReLU, ELU, GELU, SiLU, ReLU6 and Hardswish; LeCun normal for SELU; Glorot uniform otherwise.</summary>
        Auto = 0,
        /// <summary>Every weight InitScale (section 9.1.3).</summary>
        Constant = 1,
        /// <summary>U(-InitScale, InitScale) (eq. 9.1).</summary>
        Uniform = 2,
        /// <summary>N(0, InitScale^2) (eq. 9.2).</summary>
        Normal = 3,
        /// <summary>N(0, InitScale^2) redrawn outside +-2 InitScale (eq. 9.3).</summary>
        TruncatedNormal = 4,
        /// <summary>N(0, Gain / J) (eq. 9.5).</summary>
        LeCunNormal = 5,
        /// <summary>U(-sqrt(3 Gain / J), sqrt(3 Gain / J)) (eq. 9.5).</summary>
        LeCunUniform = 6,
        /// <summary>N(0, Gain 2 / (J + I)) (eq. 9.7).</summary>
        GlorotNormal = 7,
        /// <summary>U(-sqrt(6 Gain / (J + I)), sqrt(6 Gain / (J + I))) (eq. 9.7).</summary>
        GlorotUniform = 8,
        /// <summary>N(0, Gain 2 / J) (eq. 9.12).</summary>
        HeNormal = 9,
        /// <summary>U(-sqrt(6 Gain / J), sqrt(6 Gain / J)) (eq. 9.12).</summary>
        HeUniform = 10,
    }
}
