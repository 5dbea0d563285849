namespace NetGen.Generator.Model
{
    /// <summary>Where a problem is: a layer attribute (index &gt;= 0), the [Network] attribute, or the type's name.</summary>
    internal static class ProblemTarget
    {
        public const int NetworkAttribute = -1;
        public const int TypeName = -2;
    }

    /// <summary>
    /// Something that cannot work in a network, found by the shape inference. <see cref="Argument"/> names the
    /// constructor parameter or property at fault (null: the whole attribute); <see cref="Element"/> picks one element of a
    /// params array (-1: all of it). The analyzers turn it into a diagnostic at that argument.
    /// </summary>
    internal sealed record Problem(string Id, int Layer, string? Argument, int Element, EquatableArray<string> Args)
    {
        /// <summary>Fixes a code fix can offer, as "argument=value" (e.g. "p=1"), best first.</summary>
        public EquatableArray<string> Fixes { get; init; } = EquatableArray<string>.Empty;
    }

    /// <summary>
    /// The resolved window of a convolution, transposed convolution or pooling layer, per spatial axis (depth, height,
    /// width order; 1 to 3 axes): kernel, stride, zero padding on both sides, dilation; and the transposed
    /// convolution's output padding.
    /// </summary>
    internal sealed record WindowPlan(EquatableArray<int> Kernel, EquatableArray<int> Stride, EquatableArray<int> Padding, EquatableArray<int> Dilation, int OutputPadding);

    /// <summary>
    /// One parameter tensor: its PyTorch name (<c>stem.weight</c>, <c>0.bias</c>), where it starts in the parameters, its
    /// shape, and how it is initialized (<c>HeNormal</c>, <c>Constant 0</c>, <c>RowNorms</c> for weight normalization's g).
    /// </summary>
    internal sealed record TensorPlan(string Name, int Offset, EquatableArray<int> Shape, string Initializer)
    {
        /// <summary>Which state holds the tensor: the parameters, the buffers (running statistics) or the counters (num_batches_tracked).</summary>
        public TensorStore Store { get; init; }
    }

    /// <summary>Where a tensor lives in a generated network; the runtime's <c>NetGen.TensorStore</c> has the same members.</summary>
    internal enum TensorStore
    {
        Parameters,
        Buffers,
        Counters,
    }

    /// <summary>One layer with its shapes and its place in the parameter buffer and the per-sample activations.</summary>
    internal sealed record LayerPlan(
        int Index,
        LayerSpec Spec,
        string Name,
        EquatableArray<int> InShape,
        EquatableArray<int> OutShape,
        int InSize,
        int OutSize,
        int WeightOffset,
        int WeightCount,
        int BiasOffset,
        int BiasCount,
        int BlockOffset,
        Init Init,
        int FanIn,
        int FanOut,
        WindowPlan? Window)
    {
        /// <summary>The layer's kind.</summary>
        public LayerKind Kind => Spec.Kind!;

        /// <summary>Where the layer's buffers (running statistics) start in the network's buffers.</summary>
        public int BufferOffset { get; init; }

        /// <summary>The layer's buffer values (running mean and variance: 2 x channels); 0 for layers without.</summary>
        public int BufferCount { get; init; }

        /// <summary>Whether the layer keeps a counter (num_batches_tracked).</summary>
        public bool HasCounter { get; init; }

        /// <summary>The index of the layer's counter among the network's counters.</summary>
        public int CounterIndex { get; init; }

        /// <summary>The weight's dimensions in PyTorch's layout (empty without a weight).</summary>
        public EquatableArray<int> WeightShape { get; init; } = EquatableArray<int>.Empty;

        /// <summary>The bias's dimensions in PyTorch's layout.</summary>
        public EquatableArray<int> BiasShape { get; init; } = EquatableArray<int>.Empty;

        /// <summary>Weight normalization: where g (one per row of the weight) starts in the parameters; v is at <see cref="WeightOffset"/>.</summary>
        public int NormOffset { get; init; }

        /// <summary>Weight normalization: the number of rows (the weight's first dimension); 0 without weight normalization.</summary>
        public int NormCount { get; init; }

        /// <summary>Where the effective weight (g v / ||v||, plus any weight noise) starts in the effective-weights scratch.</summary>
        public int EffectiveOffset { get; init; }

        /// <summary>Whether the layer computes with an effective weight derived from its stored one (weight normalization or weight noise).</summary>
        public bool HasEffective => NormCount > 0 || (Spec.Weights != null && Spec.Weights.WeightNoise > 0);

        /// <summary>The layers this one reads, in order (<see cref="NetworkInput"/>: the network's input).</summary>
        public EquatableArray<int> Inputs { get; init; } = EquatableArray<int>.Empty;

        /// <summary>The values per sample of each input.</summary>
        public EquatableArray<int> InputSizes { get; init; } = EquatableArray<int>.Empty;

        /// <summary>The layers that read this one, in declaration order, once per input slot that reads it.</summary>
        public EquatableArray<int> Consumers { get; init; } = EquatableArray<int>.Empty;

        /// <summary>Whether the layer's output reaches an output (so its backward pass runs).</summary>
        public bool Live { get; init; } = true;

        /// <summary>Whether the layer is an output head.</summary>
        public bool IsOutput { get; init; }

        /// <summary>An output: where its values start in each sample's outputs (and targets).</summary>
        public int OutputOffset { get; init; }

        /// <summary>A hidden layer: where its values start in the one-sample inference scratch (-1 for outputs).</summary>
        public int HiddenOffset { get; init; } = -1;

        /// <summary>An output: its loss (resolved from the activation when Auto).</summary>
        public Loss Loss { get; init; }

        /// <summary>An output: the weight alpha_t of its loss (eq. 8.21).</summary>
        public double LossWeight { get; init; } = 1.0;

        /// <summary>An output whose loss is computed from its pre-activations (softmax + cross-entropy, sigmoid + binary cross-entropy) because no other layer reads it.</summary>
        public bool FusedLoss => IsOutput && Consumers.Count == 0 && (Loss == Loss.CrossEntropy || Loss == Loss.BinaryCrossEntropy);

        /// <summary>Whether training keeps the layer's pre-activations for its activation's derivative (GELU, SiLU, Hardswish; <see cref="ActTraits.NeedsPreActivation"/>).</summary>
        public bool KeepsPreActivations => ActTraits.NeedsPreActivation(Spec.Act) && !FusedLoss;

        /// <summary>The layer's parameter tensors in the parameter buffer, with their PyTorch names.</summary>
        public EquatableArray<TensorPlan> Tensors { get; init; } = EquatableArray<TensorPlan>.Empty;

        /// <summary>The index of the network's input in <see cref="Inputs"/>.</summary>
        public const int NetworkInput = -1;

        public int ParameterCount => NormCount + WeightCount + BiasCount;

        /// <summary>Where the layer's parameters start (g, v or the weight, then the bias: one contiguous range).</summary>
        public int ParameterOffset => NormCount > 0 ? NormOffset : WeightCount > 0 ? WeightOffset : BiasOffset;

        /// <summary>Whether the layer's parameters are frozen (Trainable = false): training never changes them.</summary>
        public bool Frozen => !Spec.Trainable && ParameterCount > 0;
    }

    /// <summary>The network with every size resolved: what the emitter writes, or the problems that stop it.</summary>
    internal sealed record NetworkPlan(
        NetworkSpec Spec,
        EquatableArray<LayerPlan> Layers,
        EquatableArray<Problem> Problems,
        Loss Loss,
        int InputLength,
        int OutputLength,
        int ParameterCount,
        int HiddenLength)
    {
        /// <summary>Values per sample of every layer's output together (the training and batched-inference blocks).</summary>
        public int BlockLength { get; init; }

        /// <summary>The output layers in declaration order.</summary>
        public System.Collections.Generic.IEnumerable<LayerPlan> Outputs => System.Linq.Enumerable.Where(Layers, l => l.IsOutput);

        /// <summary>Length of the buffers (batch normalization running statistics).</summary>
        public int BufferLength { get; init; }

        /// <summary>Number of integer counters (one num_batches_tracked per batch normalization layer).</summary>
        public int CounterLength { get; init; }

        /// <summary>Length of the effective weights of the weight-normalized layers.</summary>
        public int EffectiveLength { get; init; }

        /// <summary>Whether a problem prevents code generation (warnings do not).</summary>
        public bool HasErrors
        {
            get
            {
                foreach (var p in Problems)
                {
                    if (DiagnosticIds.IsError(p.Id)) return true;
                }

                return false;
            }
        }
    }
}
