namespace NetGen.Generator.Model
{
    /// <summary>A partial type declaration that encloses or is the network: its keyword, name and type parameter list.</summary>
    internal sealed record TypeDeclarationSpec(string Keyword, string Name, string TypeParameters, bool IsPartial);

    /// <summary>
    /// One layer attribute as written: what every kind has (its kind, activation and place in the graph) and the kind's
    /// own arguments in <see cref="Options"/>. Values only: no symbols, syntax or locations, so that two parses of
    /// equivalent source compare equal and the pipeline caches.
    /// </summary>
    /// <param name="Kind">The layer kind (null: an attribute that could not be read, or a kind this generator does not know).</param>
    /// <param name="AttributeName">The attribute's name without the suffix, for messages ("Dense").</param>
    /// <param name="Act">The activation (Identity for kinds without one).</param>
    /// <param name="Declaration">Which partial declaration of the class carries the attribute (0 = the first).</param>
    /// <param name="Options">The arguments of this kind.</param>
    internal sealed record LayerSpec(LayerKind? Kind, string AttributeName, Act Act, int Declaration, LayerOptions Options)
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

        /// <summary>The activation's Alpha as written (NaN: not written, the activation's default).</summary>
        public double Alpha { get; init; } = double.NaN;

        /// <summary>Whether training changes the layer's parameters (Trainable = false freezes them).</summary>
        public bool Trainable { get; init; } = true;

        /// <summary>The activation's Alpha in effect: as written, else the activation's default.</summary>
        public double ActAlpha => double.IsNaN(Alpha) ? ActTraits.DefaultAlpha(Act) : Alpha;

        /// <summary>The weight arguments of a layer with a weight matrix or kernel, else null.</summary>
        public WeightSpec? Weights => Options.Weights;
    }

    /// <summary>The arguments of one layer kind.</summary>
    internal abstract record LayerOptions
    {
        /// <summary>The weight arguments, for kinds with a weight.</summary>
        public virtual WeightSpec? Weights => null;
    }

    /// <summary>Kinds without arguments of their own, and attributes that could not be read.</summary>
    internal sealed record NoOptions : LayerOptions
    {
        public static readonly NoOptions Instance = new NoOptions();
    }

    /// <summary>
    /// How a weight is initialized (chapter 9), penalized (chapter 8) and reparameterized (eq. 10.16), and whether the
    /// layer has a bias: the properties every kind with a weight matrix or kernel shares.
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

    /// <summary>
    /// A window as written, for the kinds that slide one (convolutions, pooling): kernel size on every axis (or per axis
    /// in KernelSize), stride, padding, dilation, padding mode, output padding and the divisor rule.
    /// </summary>
    internal sealed record WindowSpec(int K, EquatableArray<int> KernelSize, int S, int P, int D, int A, Padding Padding, bool CountIncludePad);

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
        bool HasSeedConstructor)
    {
        /// <summary>[Network]'s HuberDelta (Loss.Huber's delta).</summary>
        public double HuberDelta { get; init; } = 1.0;

        /// <summary>[Network]'s LabelSmoothing for the last layer's cross-entropy.</summary>
        public double LabelSmoothing { get; init; }

        /// <summary>[Network]'s ClassWeights for the last layer's cross-entropy (empty: not written).</summary>
        public EquatableArray<double> ClassWeights { get; init; } = EquatableArray<double>.Empty;
    }
}
