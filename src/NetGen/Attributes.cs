using System;

namespace NetGen
{
    /// <summary>
    /// Marks a partial class as a network whose implementation NetGen generates at compile time.
    /// The layers are the class's layer attributes (<see cref="DenseAttribute"/>, <see cref="ActivationAttribute"/>, ...) in source order.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class NetworkAttribute : Attribute
    {
        /// <summary>Declares the input shape: <c>(D)</c> for a vector, <c>(C, L)</c>, <c>(C, H, W)</c> or <c>(C, D, H, W)</c> for feature maps.</summary>
        public NetworkAttribute(params int[] inputShape) => InputShape = inputShape ?? Array.Empty<int>();

        /// <summary>The input shape as declared.</summary>
        public int[] InputShape { get; }

        /// <summary>The training loss; <see cref="Loss.Auto"/> (the default) chooses it from the output activation.</summary>
        public Loss Loss { get; set; }

        /// <summary>Huber's delta for <see cref="Loss.Huber"/> (&gt; 0; 1 by default), as nn.HuberLoss(delta).</summary>
        public double HuberDelta { get; set; } = 1.0;

        /// <summary>
        /// Label smoothing epsilon in [0, 1) for the last layer's cross-entropy: each target row becomes (1 - epsilon) y +
        /// epsilon / classes, as nn.CrossEntropyLoss(label_smoothing); 0 by default.
        /// </summary>
        public double LabelSmoothing { get; set; }

        /// <summary>
        /// One weight per class (&gt;= 0) for the last layer's cross-entropy, as nn.CrossEntropyLoss(weight): sample n's loss
        /// is weighted by its class's weight and the mean divides by the sum of those weights (for soft targets: by the sum
        /// of weight times target over the batch). Null (the default): every class weighs 1.
        /// </summary>
        public double[]? ClassWeights { get; set; }
    }

    /// <summary>Base class of every layer attribute; the order of the attributes is the order of the layers.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public abstract class LayerAttribute : Attribute
    {
        /// <summary>
        /// The layer's name: a C# identifier, unique in the network (<c>"input"</c> is reserved for the network's input).
        /// Other layers refer to it in <see cref="From"/>, <see cref="AddAttribute"/> and <see cref="ConcatAttribute"/>, and its
        /// parameters are named after it (<c>name.weight</c>, <c>name.bias</c>). Unnamed layers are called after their kind
        /// and position (<c>dense3</c>).
        /// </summary>
        public string? Name { get; set; }

        /// <summary>The layer whose output this layer reads, by <see cref="Name"/> (<c>"input"</c>: the network's input); the previous layer's when not set.</summary>
        public string? From { get; set; }

        /// <summary>
        /// Marks the layer as an output head (multi-task learning, section 8.5): its output is part of the network's outputs
        /// and has a loss of its own. The last layer is always an output.
        /// </summary>
        public bool Output { get; set; }

        /// <summary>The weight alpha_t of this head's loss in the total loss (eq. 8.21); 1 by default. Only on outputs.</summary>
        public double LossWeight { get; set; } = LayerDefaults.LossWeight;

        /// <summary>This head's loss; <see cref="NetGen.Loss.Auto"/> (the default) follows its activation (table 4.1). Only on outputs.</summary>
        public Loss Loss { get; set; }

        /// <summary>
        /// The activation's parameter: LeakyReLU's negative slope (0.01 when not set) or ELU's alpha (1 when not set), as
        /// PyTorch's nn.LeakyReLU(negative_slope) and nn.ELU(alpha); 0 or more. Only on a layer whose activation has one.
        /// </summary>
        public double Alpha { get; set; } = double.NaN;

        /// <summary>
        /// Whether training changes the layer's parameters (default <c>true</c>). A frozen layer (<c>false</c>) keeps its
        /// weights and biases bit for bit through every optimizer step, weight decay included, while gradients still flow
        /// through it to the layers below: fine-tuning a pretrained trunk, as <c>requires_grad = False</c> in PyTorch.
        /// </summary>
        public bool Trainable { get; set; } = true;
    }

    /// <summary>
    /// A shortcut connection (section 4.6.1, eq. 4.61): the elementwise sum of the previous layer's output and the named
    /// layers' outputs (all of equal shape), then the activation. No parameters.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class AddAttribute : LayerAttribute
    {
        /// <summary>Adds the output of the layer named <paramref name="name"/> to the previous output, then applies <paramref name="act"/>.</summary>
        public AddAttribute(string name, Act act = Act.Identity)
        {
            Names = new[] { name };
            Activation = act;
        }

        /// <summary>Adds the outputs of the layers named <paramref name="names"/> to the previous output.</summary>
        public AddAttribute(params string[] names) => Names = names ?? Array.Empty<string>();

        /// <summary>Adds the outputs of the layers named <paramref name="names"/> to the previous output, then applies <paramref name="act"/>.</summary>
        public AddAttribute(Act act, params string[] names)
        {
            Names = names ?? Array.Empty<string>();
            Activation = act;
        }

        /// <summary>The layers whose outputs are added to the previous output.</summary>
        public string[] Names { get; }

        /// <summary>The activation applied to the sum.</summary>
        public Act Activation { get; }
    }

    /// <summary>
    /// Concatenation of branches: the previous layer's output followed by the named layers' outputs, along the channels for
    /// feature maps (equal spatial sizes) or end to end for vectors, as <c>torch.cat(dim=1)</c>. No parameters.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class ConcatAttribute : LayerAttribute
    {
        /// <summary>Concatenates the previous output with the outputs of the layers named <paramref name="names"/>.</summary>
        public ConcatAttribute(params string[] names) => Names = names ?? Array.Empty<string>();

        /// <summary>The layers whose outputs follow the previous output.</summary>
        public string[] Names { get; }
    }

    /// <summary>A fully connected layer: s = W x + b, a = f(s) (a layer of the feed-forward network, eqs. 4.61-4.62); a feature-map input is flattened implicitly.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class DenseAttribute : LayerAttribute
    {
        /// <summary>A dense layer with <paramref name="units"/> outputs and activation <paramref name="act"/>.</summary>
        public DenseAttribute(int units, Act act = Act.Identity)
        {
            Units = units;
            Activation = act;
        }

        /// <summary>Number of output units.</summary>
        public int Units { get; }

        /// <summary>The activation applied to the pre-activations.</summary>
        public Act Activation { get; }

        /// <summary>Whether the layer has a bias vector (default <c>true</c>).</summary>
        public bool Bias { get; set; } = LayerDefaults.Bias;

        /// <summary>The weight initializer (chapter 9); Auto (the default) chooses it from the activation.</summary>
        public Init Init { get; set; }

        /// <summary>The constant, the uniform bound or the normal deviation for Init Constant, Uniform, Normal and TruncatedNormal.</summary>
        public double InitScale { get; set; } = LayerDefaults.InitScale;

        /// <summary>The variance factor g of eq. 9.13 for the LeCun, Glorot and He initializers (1 by default).</summary>
        public double Gain { get; set; } = LayerDefaults.Gain;

        /// <summary>The initial value of every bias (0 by default).</summary>
        public double BiasInit { get; set; }

        /// <summary>L2 penalty (lambda / 2) ||W||^2 on the weights (eq. 8.4); 0 by default.</summary>
        public double L2 { get; set; }

        /// <summary>L1 penalty lambda ||W||_1 on the weights (eq. 8.10); 0 by default.</summary>
        public double L1 { get; set; }

        /// <summary>Weight elimination lambda sum (w^2/w0^2) / (1 + w^2/w0^2) on the weights (eq. 8.11); 0 by default.</summary>
        public double WeightElimination { get; set; }

        /// <summary>The scale w0 of <see cref="WeightElimination"/> (0.2 by default).</summary>
        public double W0 { get; set; } = LayerDefaults.W0;

        /// <summary>Weight normalization (eq. 10.16-10.17): the weight is learned as g v / ||v|| per output (PyTorch's weight_norm, dim 0); the parameters hold g, then v, then the bias.</summary>
        public bool WeightNorm { get; set; }

        /// <summary>Deviation of Gaussian noise added to the weights in each training pass (section 8.2); 0 by default.</summary>
        public double WeightNoise { get; set; }
    }

    /// <summary>An activation applied on its own to the previous layer's output (no parameters).</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class ActivationAttribute : LayerAttribute
    {
        /// <summary>An activation layer.</summary>
        public ActivationAttribute(Act act) => Activation = act;

        /// <summary>The activation.</summary>
        public Act Activation { get; }
    }
}

namespace NetGen
{
    /// <summary>
    /// A convolution (cross-correlation, eq. 6.6) over the 1, 2 or 3 spatial axes of its input, which the network's
    /// input rank decides: s_{f,o} = b_f + sum_c sum_k w[f, c, k] x[c, o s + k d - p]; weights [filters, C, k...] as PyTorch's nn.Conv*d.
    /// Output size per axis o = floor((i + 2p - d(k - 1) - 1) / s) + 1 (relationship 15).
    /// </summary>
    [System.AttributeUsage(System.AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class ConvAttribute : LayerAttribute
    {
        /// <summary>A convolution with <paramref name="filters"/> output channels and a k x k (x k) kernel.</summary>
        public ConvAttribute(int filters, int k, int s = LayerDefaults.Stride, int p = LayerDefaults.Padding, int d = LayerDefaults.Dilation, Act act = Act.Identity)
        {
            Filters = filters;
            K = k;
            S = s;
            P = p;
            D = d;
            Activation = act;
        }

        /// <summary>Number of output channels.</summary>
        public int Filters { get; }

        /// <summary>Kernel size on every spatial axis (see <see cref="KernelSize"/> for a non-square kernel).</summary>
        public int K { get; }

        /// <summary>Stride.</summary>
        public int S { get; }

        /// <summary>Zero padding on both sides of each spatial axis (used when <see cref="Padding"/> is Explicit).</summary>
        public int P { get; }

        /// <summary>Dilation.</summary>
        public int D { get; }

        /// <summary>The activation.</summary>
        public Act Activation { get; }

        /// <summary>The padding mode; Explicit (the default) uses <see cref="P"/>.</summary>
        public Padding Padding { get; set; }

        /// <summary>
        /// Grouped convolution, as nn.Conv*d(groups): the C input channels and the filters split into this many groups,
        /// each filter seeing only its group's C / Groups channels; weight [filters, C / Groups, k...]. Groups = C is a
        /// depthwise convolution (MobileNet). Must divide both C and the filters; 1 by default.
        /// </summary>
        public int Groups { get; set; } = 1;

        /// <summary>
        /// How the p padded rows and columns are filled, as nn.Conv*d(padding_mode): Zeros (the default), Reflect (p below
        /// the input's size on every axis), Replicate or Circular (p at most the input's size).
        /// </summary>
        public PadMode PaddingMode { get; set; }

        /// <summary>A kernel size per spatial axis, e.g. <c>new[] { 3, 5 }</c> for 3 rows and 5 columns; overrides <see cref="K"/>.</summary>
        public int[]? KernelSize { get; set; }

        /// <summary>Whether the layer has a bias per filter (default <c>true</c>).</summary>
        public bool Bias { get; set; } = LayerDefaults.Bias;

        /// <summary>The weight initializer (chapter 9); Auto (the default) chooses it from the activation.</summary>
        public Init Init { get; set; }

        /// <summary>The constant, the uniform bound or the normal deviation for Init Constant, Uniform, Normal and TruncatedNormal.</summary>
        public double InitScale { get; set; } = LayerDefaults.InitScale;

        /// <summary>The variance factor g of eq. 9.13 for the LeCun, Glorot and He initializers (1 by default).</summary>
        public double Gain { get; set; } = LayerDefaults.Gain;

        /// <summary>The initial value of every bias (0 by default).</summary>
        public double BiasInit { get; set; }

        /// <summary>L2 penalty (lambda / 2) ||W||^2 on the weights (eq. 8.4); 0 by default.</summary>
        public double L2 { get; set; }

        /// <summary>L1 penalty lambda ||W||_1 on the weights (eq. 8.10); 0 by default.</summary>
        public double L1 { get; set; }

        /// <summary>Weight elimination lambda sum (w^2/w0^2) / (1 + w^2/w0^2) on the weights (eq. 8.11); 0 by default.</summary>
        public double WeightElimination { get; set; }

        /// <summary>The scale w0 of <see cref="WeightElimination"/> (0.2 by default).</summary>
        public double W0 { get; set; } = LayerDefaults.W0;

        /// <summary>Weight normalization (eq. 10.16-10.17): the weight is learned as g v / ||v|| per output (PyTorch's weight_norm, dim 0); the parameters hold g, then v, then the bias.</summary>
        public bool WeightNorm { get; set; }

        /// <summary>Deviation of Gaussian noise added to the weights in each training pass (section 8.2); 0 by default.</summary>
        public double WeightNoise { get; set; }
    }

    /// <summary>
    /// A transposed convolution (section E.5): the gradient of a convolution with respect to its input, used to
    /// upsample. Output size per axis o = (i - 1) s - 2p + k + a (relationship 14); weights [C, filters, k...] as
    /// PyTorch's nn.ConvTranspose*d, where <c>a</c> is its output_padding.
    /// </summary>
    [System.AttributeUsage(System.AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class ConvTransposeAttribute : LayerAttribute
    {
        /// <summary>A transposed convolution with <paramref name="filters"/> output channels.</summary>
        public ConvTransposeAttribute(int filters, int k, int s = LayerDefaults.Stride, int p = LayerDefaults.Padding, int a = LayerDefaults.OutputPadding, Act act = Act.Identity)
        {
            Filters = filters;
            K = k;
            S = s;
            P = p;
            A = a;
            Activation = act;
        }

        /// <summary>Number of output channels.</summary>
        public int Filters { get; }

        /// <summary>Kernel size on every spatial axis.</summary>
        public int K { get; }

        /// <summary>Stride of the convolution this one transposes.</summary>
        public int S { get; }

        /// <summary>Padding of the convolution this one transposes.</summary>
        public int P { get; }

        /// <summary>Extra rows/columns at the bottom/right (output padding); must be below <see cref="S"/>.</summary>
        public int A { get; }

        /// <summary>The activation.</summary>
        public Act Activation { get; }

        /// <summary>Whether the layer has a bias per filter (default <c>true</c>).</summary>
        public bool Bias { get; set; } = LayerDefaults.Bias;

        /// <summary>The weight initializer (chapter 9); Auto (the default) chooses it from the activation.</summary>
        public Init Init { get; set; }

        /// <summary>The constant, the uniform bound or the normal deviation for Init Constant, Uniform, Normal and TruncatedNormal.</summary>
        public double InitScale { get; set; } = LayerDefaults.InitScale;

        /// <summary>The variance factor g of eq. 9.13 for the LeCun, Glorot and He initializers (1 by default).</summary>
        public double Gain { get; set; } = LayerDefaults.Gain;

        /// <summary>The initial value of every bias (0 by default).</summary>
        public double BiasInit { get; set; }

        /// <summary>L2 penalty (lambda / 2) ||W||^2 on the weights (eq. 8.4); 0 by default.</summary>
        public double L2 { get; set; }

        /// <summary>L1 penalty lambda ||W||_1 on the weights (eq. 8.10); 0 by default.</summary>
        public double L1 { get; set; }

        /// <summary>Weight elimination lambda sum (w^2/w0^2) / (1 + w^2/w0^2) on the weights (eq. 8.11); 0 by default.</summary>
        public double WeightElimination { get; set; }

        /// <summary>The scale w0 of <see cref="WeightElimination"/> (0.2 by default).</summary>
        public double W0 { get; set; } = LayerDefaults.W0;

        /// <summary>Weight normalization (eq. 10.16-10.17): the weight is learned as g v / ||v|| per output (PyTorch's weight_norm, dim 0); the parameters hold g, then v, then the bias.</summary>
        public bool WeightNorm { get; set; }

        /// <summary>Deviation of Gaussian noise added to the weights in each training pass (section 8.2); 0 by default.</summary>
        public double WeightNoise { get; set; }
    }

    /// <summary>Max pooling (section 6.7): the maximum of each window; padding counts as -infinity, as PyTorch's nn.MaxPool*d.</summary>
    [System.AttributeUsage(System.AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class MaxPoolAttribute : LayerAttribute
    {
        /// <summary>Non-overlapping k x k windows (stride k).</summary>
        public MaxPoolAttribute(int k)
            : this(k, k)
        {
        }

        /// <summary>k x k windows with stride <paramref name="s"/> and padding <paramref name="p"/> (at most k / 2).</summary>
        public MaxPoolAttribute(int k, int s, int p = LayerDefaults.Padding)
        {
            K = k;
            S = s;
            P = p;
        }

        /// <summary>Window size.</summary>
        public int K { get; }

        /// <summary>Stride.</summary>
        public int S { get; }

        /// <summary>Padding.</summary>
        public int P { get; }
    }

    /// <summary>Average pooling (section 6.7): the mean of each window, as PyTorch's nn.AvgPool*d.</summary>
    [System.AttributeUsage(System.AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class AvgPoolAttribute : LayerAttribute
    {
        /// <summary>Non-overlapping k x k windows (stride k).</summary>
        public AvgPoolAttribute(int k)
            : this(k, k)
        {
        }

        /// <summary>k x k windows with stride <paramref name="s"/> and padding <paramref name="p"/> (at most k / 2).</summary>
        public AvgPoolAttribute(int k, int s, int p = LayerDefaults.Padding)
        {
            K = k;
            S = s;
            P = p;
        }

        /// <summary>Window size.</summary>
        public int K { get; }

        /// <summary>Stride.</summary>
        public int S { get; }

        /// <summary>Padding.</summary>
        public int P { get; }

        /// <summary>Whether padded zeros count in the divisor (PyTorch's count_include_pad, default <c>true</c>).</summary>
        public bool CountIncludePad { get; set; } = LayerDefaults.CountIncludePad;
    }

    /// <summary>
    /// Global average pooling: the mean of each channel over all its positions, (C, spatial...) -&gt; (C), the head of most
    /// modern CNNs. As PyTorch's nn.AdaptiveAvgPool*d(1) followed by nn.Flatten() (two modules of an nn.Sequential).
    /// </summary>
    [System.AttributeUsage(System.AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class GlobalAvgPoolAttribute : LayerAttribute
    {
    }

    /// <summary>
    /// Global max pooling: the maximum of each channel over all its positions, (C, spatial...) -&gt; (C); the gradient goes to
    /// the first maximum. As PyTorch's nn.AdaptiveMaxPool*d(1) followed by nn.Flatten().
    /// </summary>
    [System.AttributeUsage(System.AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class GlobalMaxPoolAttribute : LayerAttribute
    {
    }

    /// <summary>
    /// A parametric ReLU: a = s for s &gt; 0, w s otherwise, the slope w learned (initially 0.25), one for the layer or one
    /// per channel (per unit of a vector); as PyTorch's nn.PReLU(num_parameters), its tensor "weight".
    /// </summary>
    [System.AttributeUsage(System.AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class PReLUAttribute : LayerAttribute
    {
        /// <summary>One slope for all values, or (<paramref name="perChannel"/>) one per channel.</summary>
        public PReLUAttribute(bool perChannel = false) => PerChannel = perChannel;

        /// <summary>Whether each channel (each unit of a vector) has its own slope.</summary>
        public bool PerChannel { get; }
    }

    /// <summary>
    /// A padding layer for feature maps, as PyTorch's F.pad / nn.ReflectionPad*d / nn.ReplicationPad*d: p on every side of
    /// every spatial axis, or F.pad's pairs (before, after) with the last axis first; <see cref="Mode"/> fills them.
    /// </summary>
    [System.AttributeUsage(System.AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class PadAttribute : LayerAttribute
    {
        /// <summary><paramref name="p"/> values on both sides of every spatial axis.</summary>
        public PadAttribute(int p)
        {
            P = p;
            Pads = Array.Empty<int>();
        }

        /// <summary>F.pad's order: (before, after) of the last axis, then of the one before it, ...; axes left out are not padded.</summary>
        public PadAttribute(params int[] pads)
        {
            P = -1;
            Pads = pads ?? Array.Empty<int>();
        }

        /// <summary>The padding on every side, or -1 where <see cref="Pads"/> gives it.</summary>
        public int P { get; }

        /// <summary>F.pad's (before, after) pairs, last axis first (empty where <see cref="P"/> gives the padding).</summary>
        public int[] Pads { get; }

        /// <summary>How the padded values are filled: Zeros (the default), Reflect, Replicate or Circular.</summary>
        public PadMode Mode { get; set; }
    }

    /// <summary>
    /// Upsampling of feature maps by an integer factor on every spatial axis (decoders, segmentation), as
    /// nn.Upsample(scale_factor, mode): nearest (the default) or (bi/tri)linear with align_corners=False.
    /// </summary>
    [System.AttributeUsage(System.AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class UpsampleAttribute : LayerAttribute
    {
        /// <summary>Each spatial axis grown <paramref name="scale"/> times (at least 1).</summary>
        public UpsampleAttribute(int scale) => Scale = scale;

        /// <summary>The factor on every spatial axis.</summary>
        public int Scale { get; }

        /// <summary>Nearest (the default) or Linear.</summary>
        public UpsampleMode Mode { get; set; }
    }

    /// <summary>Flattens a feature map to a vector (a dense layer after a feature map does this implicitly).</summary>
    [System.AttributeUsage(System.AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class FlattenAttribute : LayerAttribute
    {
    }

    /// <summary>
    /// Passes its input on unchanged, as PyTorch's nn.Identity: a named point in the graph (<c>Name</c>, <c>From</c>,
    /// <c>Output</c> work as on any layer), or a placeholder for a layer taken out. It has no parameters and no activation.
    /// </summary>
    [System.AttributeUsage(System.AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class IdentityAttribute : LayerAttribute
    {
    }
}

namespace NetGen
{
    /// <summary>Inverted dropout (eq. 8.17-8.20): in training each unit is dropped with probability <c>rate</c> and the rest scaled by 1 / (1 - rate); identity in inference. As PyTorch's nn.Dropout(p = rate).</summary>
    [System.AttributeUsage(System.AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class DropoutAttribute : LayerAttribute
    {
        /// <summary>Drops each unit with probability <paramref name="rate"/> (0 &lt;= rate &lt; 1).</summary>
        public DropoutAttribute(double rate) => Rate = rate;

        /// <summary>The probability of dropping a unit.</summary>
        public double Rate { get; }
    }

    /// <summary>Alpha dropout for self-normalizing networks (section 10.4): dropped units take the SELU's saturation value and an affine map keeps mean 0 and variance 1. As PyTorch's nn.AlphaDropout.</summary>
    [System.AttributeUsage(System.AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class AlphaDropoutAttribute : LayerAttribute
    {
        /// <summary>Drops each unit with probability <paramref name="rate"/> (0 &lt;= rate &lt; 1).</summary>
        public AlphaDropoutAttribute(double rate) => Rate = rate;

        /// <summary>The probability of dropping a unit.</summary>
        public double Rate { get; }
    }

    /// <summary>Gaussian noise on the activations in training (section 8.2): y = x + N(0, std^2); identity in inference.</summary>
    [System.AttributeUsage(System.AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class GaussianNoiseAttribute : LayerAttribute
    {
        /// <summary>Adds noise of deviation <paramref name="std"/>.</summary>
        public GaussianNoiseAttribute(double std) => Std = std;

        /// <summary>The deviation of the noise.</summary>
        public double Std { get; }
    }

    /// <summary>
    /// Batch normalization (eq. 10.4-10.7, backward 10.12) per unit of a vector or per channel of a feature map, as PyTorch's
    /// nn.BatchNorm1d/2d/3d: training uses the batch's statistics and updates running averages (momentum 0.1, unbiased
    /// variance); inference uses the running averages. gamma and beta are parameters; the running averages are
    /// <c>Buffers</c>, not parameters.
    /// </summary>
    [System.AttributeUsage(System.AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class BatchNormAttribute : LayerAttribute
    {
        /// <summary>A batch normalization layer.</summary>
        public BatchNormAttribute(double eps = LayerDefaults.Eps, double momentum = LayerDefaults.Momentum)
        {
            Eps = eps;
            Momentum = momentum;
        }

        /// <summary>Added to the variance.</summary>
        public double Eps { get; }

        /// <summary>Weight of the batch statistic in the running averages.</summary>
        public double Momentum { get; }
    }

    /// <summary>Layer normalization (eq. 10.13-10.15) over all units of each sample, with gamma and beta per unit, as PyTorch's nn.LayerNorm(shape).</summary>
    [System.AttributeUsage(System.AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class LayerNormAttribute : LayerAttribute
    {
        /// <summary>A layer normalization layer.</summary>
        public LayerNormAttribute(double eps = LayerDefaults.Eps) => Eps = eps;

        /// <summary>Added to the variance.</summary>
        public double Eps { get; }
    }
}
