using System.Collections.Generic;
using System.Linq;

namespace NetGen.Generator.Model
{
    /// <summary>
    /// One layer kind: everything NetGen knows about an attribute such as [Dense] or [MaxPool], in one file per kind under
    /// <c>Layers/</c>. This part is the model's contract (the shape rule, its problems, its place in the graph); the
    /// parsing part reads the attribute's arguments (<c>Parsing/LayerKind.Reading.cs</c>) and the emission part writes its
    /// code (<c>Emission/LayerKind.Emission.cs</c>). The network-level code asks the kind through these members and never
    /// names a kind; the registry <c>Layers/LayerKinds.cs</c> lists them once.
    /// </summary>
    internal abstract partial class LayerKind
    {
        /// <summary>The attribute's name without the suffix ("MaxPool"): the one place the name is spelled.</summary>
        public abstract string Attribute { get; }

        /// <summary>
        /// The layer's shape rule: its output shape, parameters and buffers, from its primary input's shape
        /// (<see cref="LayerContext.Input"/>, null where it is not known), reporting its problems to
        /// <paramref name="context"/>; null when the output cannot be computed.
        /// </summary>
        public abstract LayerShape? InferShape(LayerContext context);

        /// <summary>The names of layers the kind reads besides its primary input (a merge's names), with the argument and element that wrote each.</summary>
        public virtual IReadOnlyList<NamedInput> ExtraInputs(LayerOptions options) => NamedInput.None;

        /// <summary>The argument that sets the layer's size, named when the network grows past int.MaxValue values (null: the attribute).</summary>
        public virtual string? SizeArgument => null;

        /// <summary>The real-valued arguments the generated code computes with in float, with their argument names.</summary>
        public virtual IEnumerable<(string Argument, double Value)> RealArguments(LayerOptions options) => Enumerable.Empty<(string, double)>();

        /// <summary>Problems that involve the rest of the network (dropout in a SELU network).</summary>
        public virtual void CheckNetwork(NetworkSpec network, int index, List<Problem> problems)
        {
        }

        /// <summary>Whether a PyTorch nn.Sequential holds an nn.Flatten before this layer when it reads a feature map (nn.Linear does).</summary>
        public virtual bool FlattensFeatureMaps => false;

        /// <summary>The modules the layer is in a PyTorch nn.Sequential, its activation not counted (global pooling: the pool and a Flatten).</summary>
        public virtual int Modules => 1;

        /// <summary>Whether the layer's activation is a module of its own in PyTorch (false where the layer is the activation).</summary>
        public virtual bool ActIsOwnModule => true;

        public override string ToString() => Attribute;
    }

    /// <summary>A kind's shape rule with its options typed: one cast, here, and none downstream.</summary>
    internal abstract partial class LayerKind<TOptions> : LayerKind
        where TOptions : LayerOptions
    {
        public sealed override LayerShape? InferShape(LayerContext context) => Infer((TOptions)context.Layer.Options, context);

        public sealed override IEnumerable<(string Argument, double Value)> RealArguments(LayerOptions options) => Reals((TOptions)options);

        public sealed override IReadOnlyList<NamedInput> ExtraInputs(LayerOptions options) => Reads((TOptions)options);

        /// <summary>The kind's shape rule (see <see cref="LayerKind.InferShape"/>).</summary>
        protected abstract LayerShape? Infer(TOptions options, LayerContext context);

        /// <summary>The kind's float arguments (see <see cref="LayerKind.RealArguments"/>).</summary>
        protected virtual IEnumerable<(string Argument, double Value)> Reals(TOptions options) => Enumerable.Empty<(string, double)>();

        /// <summary>The kind's extra inputs (see <see cref="LayerKind.ExtraInputs"/>).</summary>
        protected virtual IReadOnlyList<NamedInput> Reads(TOptions options) => NamedInput.None;

        /// <summary>The options of a planned layer of this kind.</summary>
        protected static TOptions Options(LayerPlan layer) => (TOptions)layer.Spec.Options;
    }

    /// <summary>A layer name an attribute argument refers to: the name, the argument, and the params element (-1: the argument itself).</summary>
    internal readonly struct NamedInput
    {
        public NamedInput(string name, string argument, int element)
        {
            Name = name;
            Argument = argument;
            Element = element;
        }

        public static readonly IReadOnlyList<NamedInput> None = new NamedInput[0];

        public string Name { get; }

        public string Argument { get; }

        public int Element { get; }
    }

    /// <summary>What a kind's shape rule sees: the layer, its inputs' shapes and names, and where problems go.</summary>
    internal sealed class LayerContext
    {
        public LayerContext(NetworkSpec network, int index, EquatableArray<int>? input, IReadOnlyList<EquatableArray<int>> inputShapes, IReadOnlyList<string> inputNames, List<Problem> problems)
        {
            Network = network;
            Index = index;
            Input = input;
            InputShapes = inputShapes;
            InputNames = inputNames;
            Problems = problems;
        }

        public NetworkSpec Network { get; }

        /// <summary>The layer's index in declaration order.</summary>
        public int Index { get; }

        public LayerSpec Layer => Network.Layers[Index];

        /// <summary>The primary input's shape (C, spatial...) or (D); null where it is not known (an earlier problem).</summary>
        public EquatableArray<int>? Input { get; }

        /// <summary>Every input's shape, primary first (empty where not all are known).</summary>
        public IReadOnlyList<EquatableArray<int>> InputShapes { get; }

        /// <summary>Every input's layer name ("input" for the network's), primary first.</summary>
        public IReadOnlyList<string> InputNames { get; }

        public List<Problem> Problems { get; }

        /// <summary>The layer's number as messages show it (1-based).</summary>
        public string Number => Model.Problems.Str(Index + 1);

        public void Add(Problem problem) => Problems.Add(problem);

        /// <summary>NG0002 at <paramref name="argument"/>, shown under its own name.</summary>
        public void OutOfRange(string argument, string value, string expected, int element = -1)
            => Problems.Add(Model.Problems.OutOfRange(Layer, Index, argument, argument, value, expected, element));
    }

    /// <summary>
    /// A layer's resolved shape: its output, its weight and bias (counts and PyTorch shapes), the fans its initializer
    /// reads, the rows weight normalization normalizes, its window, and its buffers.
    /// </summary>
    internal sealed class LayerShape
    {
        public LayerShape(EquatableArray<int> output)
        {
            Output = output;
        }

        /// <summary>The number of values of a shape.</summary>
        public static long Size(EquatableArray<int> shape)
        {
            long p = 1;
            foreach (int d in shape) p *= d;
            return p;
        }

        /// <summary>The same shape as the input: elementwise layers.</summary>
        public static LayerShape Same(EquatableArray<int> input) => new LayerShape(input);

        public EquatableArray<int> Output { get; }

        public long Weights { get; set; }

        public long Biases { get; set; }

        /// <summary>The weight's dimensions in PyTorch's layout (dense [out, in], conv [F, C, k...]).</summary>
        public int[] WeightShape { get; set; } = new int[0];

        /// <summary>The bias's dimensions (default: one per output unit).</summary>
        public int[]? BiasShape { get; set; }

        public long FanIn { get; set; }

        public long FanOut { get; set; }

        /// <summary>The weight's first dimension (weight normalization's g has one value per row).</summary>
        public long Rows { get; set; }

        public Init Init { get; set; } = Init.Auto;

        public WindowPlan? Window { get; set; }

        /// <summary>Buffer values (running statistics), not trained by gradients.</summary>
        public int BufferCount { get; set; }

        /// <summary>Whether the layer keeps an integer counter (num_batches_tracked).</summary>
        public bool Counter { get; set; }
    }
}
