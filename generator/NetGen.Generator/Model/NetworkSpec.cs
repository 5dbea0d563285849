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
    /// One layer attribute as written. Integer and enum values only: no symbols, syntax or locations,
    /// so that two parses of equivalent source compare equal and the pipeline caches.
    /// </summary>
    /// <param name="Kind">The layer kind.</param>
    /// <param name="AttributeName">The attribute's name without the suffix, for messages ("Dense").</param>
    /// <param name="Units">Dense: the number of units; Conv and ConvTranspose: the number of filters.</param>
    /// <param name="Act">The activation.</param>
    /// <param name="Bias">Whether the layer has a bias.</param>
    /// <param name="Declaration">Which partial declaration of the class carries the attribute (0 = the first).</param>
    internal sealed record LayerSpec(LayerKind Kind, string AttributeName, int Units, Act Act, bool Bias, int Declaration)
    {
        /// <summary>Kernel or window size on every spatial axis.</summary>
        public int K { get; init; }

        /// <summary>Kernel size per spatial axis (Conv's KernelSize); empty when not written.</summary>
        public EquatableArray<int> KernelSize { get; init; } = EquatableArray<int>.Empty;

        /// <summary>Stride (pooling: the window when not written).</summary>
        public int S { get; init; } = 1;

        /// <summary>Explicit zero padding.</summary>
        public int P { get; init; }

        /// <summary>Dilation.</summary>
        public int D { get; init; } = 1;

        /// <summary>ConvTranspose: output padding.</summary>
        public int A { get; init; }

        /// <summary>Conv: padding mode.</summary>
        public Padding Padding { get; init; }

        /// <summary>AvgPool: whether padded zeros count in the divisor.</summary>
        public bool CountIncludePad { get; init; } = true;

        /// <summary>The weight initializer as written (Auto: from the activation).</summary>
        public Init Init { get; init; }

        /// <summary>Constant, bound or deviation of the plain initializers.</summary>
        public double InitScale { get; init; } = 0.01;

        /// <summary>Variance factor of the fan-based initializers (eq. 9.13).</summary>
        public double Gain { get; init; } = 1.0;

        /// <summary>Initial bias value.</summary>
        public double BiasInit { get; init; }

        /// <summary>Dropout and alpha dropout: the drop probability; Gaussian noise: its deviation.</summary>
        public double Rate { get; init; }

        /// <summary>Normalization: added to the variance.</summary>
        public double Eps { get; init; } = 1e-5;

        /// <summary>Batch normalization: the running averages' momentum.</summary>
        public double Momentum { get; init; } = 0.1;

        /// <summary>L2 penalty factor on the weights (eq. 8.4).</summary>
        public double L2 { get; init; }

        /// <summary>L1 penalty factor on the weights (eq. 8.10).</summary>
        public double L1 { get; init; }

        /// <summary>Weight elimination factor (eq. 8.11).</summary>
        public double WeightElimination { get; init; }

        /// <summary>Weight elimination scale w0.</summary>
        public double W0 { get; init; } = 0.2;

        /// <summary>Whether the weight is normalized (eq. 10.16): learned as g and v.</summary>
        public bool WeightNorm { get; init; }

        /// <summary>Deviation of the Gaussian noise added to the weights in training (eq. 8.2).</summary>
        public double WeightNoise { get; init; }

        /// <summary>The layer's Name as written (null: not named).</summary>
        public string? Name { get; init; }

        /// <summary>The layer its input comes from, as written in From (null: the previous layer).</summary>
        public string? From { get; init; }

        /// <summary>Add and Concat: the names of the layers merged with the previous output.</summary>
        public EquatableArray<string> Merged { get; init; } = EquatableArray<string>.Empty;

        /// <summary>The constructor parameter that carries <see cref="Merged"/> ("name" or "names"), where diagnostics point.</summary>
        public string MergedArgument { get; init; } = "names";

        /// <summary>Whether Output = true is written (the last layer is an output regardless).</summary>
        public bool Output { get; init; }

        /// <summary>An output's loss weight alpha_t (eq. 8.21).</summary>
        public double LossWeight { get; init; } = 1.0;

        /// <summary>An output's loss as written on the layer (Auto: the network's, or from the activation).</summary>
        public Loss HeadLoss { get; init; }
    }

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
