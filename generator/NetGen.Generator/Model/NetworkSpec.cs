namespace NetGen.Generator.Model
{
    /// <summary>The kinds of layer attribute NetGen knows.</summary>
    internal enum LayerKind
    {
        /// <summary>An attribute that could not be read (it has compile errors, or is a layer kind this generator does not know).</summary>
        Unknown,
        Dense,
        Activation,
        Conv,
        ConvTranspose,
        MaxPool,
        AvgPool,
        Flatten,
        Dropout,
        AlphaDropout,
        GaussianNoise,
        BatchNorm,
        LayerNorm,
        Add,
        Concat,
    }

    /// <summary>A partial type declaration that encloses or is the network: its keyword, name and type parameter list.</summary>
    internal sealed record TypeDeclarationSpec(string Keyword, string Name, string TypeParameters, bool IsPartial);

    /// <summary>
    /// One layer attribute as written: what every kind has (its kind, activation and place in the graph) and the kind's
    /// own arguments in <see cref="Options"/>. Values only: no symbols, syntax or locations, so that two parses of
    /// equivalent source compare equal and the pipeline caches.
    /// </summary>
    /// <param name="Kind">The layer kind.</param>
    /// <param name="AttributeName">The attribute's name without the suffix, for messages ("Dense").</param>
    /// <param name="Act">The activation (Identity for kinds without one).</param>
    /// <param name="Declaration">Which partial declaration of the class carries the attribute (0 = the first).</param>
    /// <param name="Options">The arguments of this kind.</param>
    internal sealed record LayerSpec(LayerKind Kind, string AttributeName, Act Act, int Declaration, LayerOptions Options)
    {
        /// <summary>The layer's Name as written (null: not named).</summary>
        public string? Name { get; init; }

        /// <summary>The layer its input comes from, as written in From (null: the previous layer).</summary>
        public string? From { get; init; }

        /// <summary>Whether Output = true is written (the last layer is an output regardless).</summary>
        public bool Output { get; init; }

        /// <summary>An output's loss weight alpha_t (eq. 8.21).</summary>
        public double LossWeight { get; init; } = LayerDefaults.LossWeight;

        /// <summary>An output's loss as written on the layer (Auto: the network's, or from the activation).</summary>
        public Loss HeadLoss { get; init; }

        /// <summary>The weight arguments of a layer with a weight matrix or kernel (Dense, Conv, ConvTranspose), else null.</summary>
        public WeightSpec? Weights => Options.Weights;
    }

    /// <summary>The arguments of one layer kind.</summary>
    internal abstract record LayerOptions
    {
        /// <summary>The weight arguments, for kinds with a weight.</summary>
        public virtual WeightSpec? Weights => null;
    }

    /// <summary>Kinds without arguments of their own: Activation, Flatten, and attributes that could not be read.</summary>
    internal sealed record NoOptions : LayerOptions
    {
        public static readonly NoOptions Instance = new NoOptions();
    }

    /// <summary>
    /// How a weight is initialized (chapter 9), penalized (chapter 8) and reparameterized (eq. 10.16), and whether the
    /// layer has a bias: the properties Dense, Conv and ConvTranspose share.
    /// </summary>
    internal sealed record WeightSpec(
        bool Bias,
        Init Init,
        double InitScale,
        double Gain,
        double BiasInit,
        double L2,
        double L1,
        double WeightElimination,
        double W0,
        bool WeightNorm,
        double WeightNoise);

    /// <summary>Dense: its units and weight.</summary>
    internal sealed record DenseOptions(int Units, WeightSpec Weight) : LayerOptions
    {
        public override WeightSpec? Weights => Weight;
    }

    /// <summary>
    /// A window as written, for convolutions and pooling: kernel size on every axis (or per axis in KernelSize), stride,
    /// padding, dilation, padding mode, the transposed convolution's output padding and average pooling's divisor rule.
    /// </summary>
    internal sealed record WindowSpec(int K, EquatableArray<int> KernelSize, int S, int P, int D, int A, Padding Padding, bool CountIncludePad);

    /// <summary>Conv and ConvTranspose: filters, window and weight.</summary>
    internal sealed record ConvOptions(int Filters, WindowSpec Window, WeightSpec Weight) : LayerOptions
    {
        public override WeightSpec? Weights => Weight;
    }

    /// <summary>MaxPool and AvgPool: the window.</summary>
    internal sealed record PoolOptions(WindowSpec Window) : LayerOptions;

    /// <summary>Dropout and AlphaDropout: the drop probability; GaussianNoise: the noise's deviation.</summary>
    internal sealed record RateOptions(double Rate) : LayerOptions;

    /// <summary>BatchNorm and LayerNorm: eps, and batch normalization's momentum.</summary>
    internal sealed record NormOptions(double Eps, double Momentum) : LayerOptions;

    /// <summary>Add and Concat: the names of the layers merged with the previous output, and the parameter that carries them ("name" or "names").</summary>
    internal sealed record MergeOptions(EquatableArray<string> Names, string Argument) : LayerOptions;

    /// <summary>
    /// The whole network as declared: the root of the generator's model. Keep it a sealed record of
    /// values (strings, ints, enums, <see cref="EquatableArray{T}"/>); never add an ISymbol, SyntaxNode
    /// or Location, or the incremental pipeline stops caching.
    /// </summary>
    internal sealed record NetworkSpec(
        string? Namespace,
        EquatableArray<TypeDeclarationSpec> ContainingTypes,
        TypeDeclarationSpec Type,
        string FullName,
        EquatableArray<int> InputShape,
        bool InputShapeReadable,
        Loss Loss,
        EquatableArray<LayerSpec> Layers,
        bool HasParameterlessConstructor,
        bool HasSeedConstructor);
}
