using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using static NetGen.Generator.Emission.Code;

namespace NetGen.Generator.Emission
{
    /// <summary>
    /// A span of one layer's values in the code being written: its variable and the values per sample. In the one-sample
    /// pass the variable holds one sample; in the batch passes it holds a [batch, size] block.
    /// </summary>
    internal sealed class Operand
    {
        private readonly Local _local;

        public Operand(Local local, int size)
        {
            _local = local;
            Size = size;
        }

        /// <summary>An operand whose variable is a parameter or already declared.</summary>
        public Operand(string name, int size)
            : this(new Local(name), size)
        {
        }

        /// <summary>The variable's name; taking it uses the variable.</summary>
        public string Name => _local.ToString();

        public int Size { get; }

        /// <summary>Sample <paramref name="n"/>'s values in a [batch, size] block.</summary>
        public string Sample(string n) => Name + ".Slice(" + n + " * " + Lit(Size) + ", " + Lit(Size) + ")";

        public override string ToString() => Name;
    }

    /// <summary>What a layer's code reads and writes: its inputs, its output, its deltas and its mask.</summary>
    internal sealed class LayerIo
    {
        public LayerIo(IReadOnlyList<Operand> inputs, Operand output)
        {
            Inputs = inputs;
            Output = output;
        }

        /// <summary>The outputs of the layers this one reads (or the network's input).</summary>
        public IReadOnlyList<Operand> Inputs { get; }

        /// <summary>This layer's output (after its activation).</summary>
        public Operand Output { get; }

        /// <summary>Backward: dL/d(output); after the activation's derivative dL/ds.</summary>
        public Operand? Delta { get; set; }

        /// <summary>Backward: where dL/d(input j) goes (written, not added), or null where no gradient is needed.</summary>
        public IReadOnlyList<Operand?> InputDeltas { get; set; } = new Operand?[0];

        /// <summary>The layer's mask kept for the backward pass (dropout, in training), or null.</summary>
        public Operand? Mask { get; set; }

        /// <summary>
        /// The layer's pre-activations s kept for its activation's derivative (<see cref="Model.LayerPlan.KeepsPreActivations"/>), or
        /// null. Forward: empty in inference, so the copy is made only when a backward pass follows.
        /// </summary>
        public Operand? PreActivations { get; set; }

        /// <summary>Backward: this layer applies its input's ReLU derivative as it writes the input's delta (<see cref="Emitter.FoldsInputRelu"/>).</summary>
        public bool InputReluDerivative { get; set; }

        /// <summary>Backward: the layer reading this one has already applied this layer's activation derivative to its delta.</summary>
        public bool DerivativeApplied { get; set; }

        /// <summary>
        /// The second-order passes: the layer computes s only, never its activation in its stores (a tangent R{s} is linear
        /// where s is not).
        /// </summary>
        public bool Tangent { get; set; }

        /// <summary>The second-order passes: R{input j}, the directional derivatives of the inputs (where a kind's code reads them).</summary>
        public IReadOnlyList<Operand> TangentInputs { get; set; } = new Operand[0];

        /// <summary>The same operands, sliced to sample <paramref name="n"/> of their blocks.</summary>
        public SampleIo Sample(string n) => new SampleIo(this, operand => operand.Sample(n));

        /// <summary>The same operands as they are: each holds one sample (the one-sample pass).</summary>
        public SampleIo Whole() => new SampleIo(this, operand => operand.Name);
    }

    /// <summary>One sample's spans, as C# expressions; an expression is built (and its variable used) only when read.</summary>
    internal sealed class SampleIo
    {
        private readonly LayerIo _io;
        private readonly Func<Operand, string> _at;

        public SampleIo(LayerIo io, Func<Operand, string> at)
        {
            _io = io;
            _at = at;
        }

        public IReadOnlyList<string> Inputs => new Mapped<string>(_io.Inputs.Count, j => _at(_io.Inputs[j]));

        public string Input => _at(_io.Inputs[0]);

        public string Output => _at(_io.Output);

        public string? Delta => _io.Delta is null ? null : _at(_io.Delta);

        public IReadOnlyList<string?> InputDeltas => new Mapped<string?>(_io.InputDeltas.Count, j => _io.InputDeltas[j] is { } d ? _at(d) : null);

        public string? InputDelta => _io.InputDeltas.Count > 0 && _io.InputDeltas[0] is { } d ? _at(d) : null;

        /// <summary>The mask, or an empty span where the layer keeps none.</summary>
        public string Mask => _io.Mask is null ? "default(" + Span + ")" : _at(_io.Mask);

        /// <summary>The kept pre-activations, or null where the layer keeps none.</summary>
        public string? PreActivations => _io.PreActivations is null ? null : _at(_io.PreActivations);

        /// <summary>A list whose elements are computed when read.</summary>
        private sealed class Mapped<T> : IReadOnlyList<T>
        {
            private readonly Func<int, T> _element;

            public Mapped(int count, Func<int, T> element)
            {
                Count = count;
                _element = element;
            }

            public int Count { get; }

            public T this[int index] => _element(index);

            public IEnumerator<T> GetEnumerator() => Enumerable.Range(0, Count).Select(_element).GetEnumerator();

            IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
        }
    }
}
