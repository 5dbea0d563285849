using System.Collections.Generic;
using System.Linq;
using NetGen.Generator.Model;

namespace NetGen.Generator
{
    public sealed partial class NetworkGenerator
    {
        internal static partial class Emitter
        {
            /// <summary>
            /// A span of one layer's values in the code being written: its variable and the values per sample. In the
            /// one-sample pass the variable holds one sample; in the batch passes it holds a [batch, size] block.
            /// </summary>
            internal sealed class Operand
            {
                public Operand(string name, int size)
                {
                    Name = name;
                    Size = size;
                }

                public string Name { get; }

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

                /// <summary>Dropout: the mask kept for the backward pass (training), or null.</summary>
                public Operand? Mask { get; set; }

                /// <summary>The same operands, sliced to sample <paramref name="n"/> of their blocks.</summary>
                public SampleIo Sample(string n) => new SampleIo(
                    Inputs.Select(i => i.Sample(n)).ToList(),
                    Output.Sample(n),
                    Delta?.Sample(n),
                    InputDeltas.Select(d => d?.Sample(n)).ToList(),
                    Mask != null ? Mask.Sample(n) : "default(" + Span + ")");
            }

            /// <summary>One sample's spans, as C# expressions.</summary>
            internal sealed class SampleIo
            {
                public SampleIo(IReadOnlyList<string> inputs, string output, string? delta, IReadOnlyList<string?> inputDeltas, string mask)
                {
                    Inputs = inputs;
                    Output = output;
                    Delta = delta;
                    InputDeltas = inputDeltas;
                    Mask = mask;
                }

                public IReadOnlyList<string> Inputs { get; }

                public string Output { get; }

                public string? Delta { get; }

                public IReadOnlyList<string?> InputDeltas { get; }

                public string Mask { get; }

                public string Input => Inputs[0];

                public string? InputDelta => InputDeltas.Count > 0 ? InputDeltas[0] : null;
            }

            /// <summary>
            /// Everything about one layer kind: its forward pass for one sample and for a batch, its backward pass (with its
            /// own activation's derivative), its initialization, its static fields, its line in the documentation table and
            /// its kernel choice. The network emitter orders the layers, lays out storage and calls these; it never asks
            /// which kind a layer is. A new kind is one subclass in one file, registered in <see cref="For"/>.
            /// </summary>
            internal abstract class LayerEmitter
            {
                /// <summary>The attribute as the documentation table and comments show it: "Conv(6, k: 5, p: 2, ReLU)".</summary>
                public abstract string Signature(LayerPlan layer);

                /// <summary>How the layer is computed, for its comment (", im2col, 25x784 columns"); empty where there is one way.</summary>
                public virtual string Strategy(LayerPlan layer) => "";

                /// <summary>Static fields the layer's kernels take (a geometry of literals).</summary>
                public virtual void Fields(SourceWriter w, LayerPlan layer)
                {
                }

                /// <summary>The im2col scratch the layer needs, in floats (0: none).</summary>
                public virtual long Columns(LayerPlan layer) => 0;

                /// <summary>Whether the layer keeps a mask per sample for its backward pass (dropout).</summary>
                public virtual bool UsesMask => false;

                /// <summary>Whether the one-sample forward pass reads <c>training</c> (dropout, noise).</summary>
                public virtual bool SampleReadsTraining => false;

                /// <summary>Whether the batch passes read <c>training</c> (dropout, noise, batch statistics).</summary>
                public virtual bool BatchReadsTraining => SampleReadsTraining;

                /// <summary>Whether the layer draws random numbers in training.</summary>
                public virtual bool Stochastic(LayerPlan layer) => layer.Spec.Weights != null && layer.Spec.Weights.WeightNoise > 0;

                /// <summary>Writes the layer's initialization: weights by its initializer (chapter 9), biases constant.</summary>
                public virtual void Initialize(SourceWriter w, LayerPlan layer)
                {
                    EmitInitializer(w, layer);
                }

                /// <summary>
                /// The layer in the exported ONNX graph, before its activation: a call on the graph builder <c>onnx</c> that
                /// returns the value's name, or an input's value where the layer is an identity in inference.
                /// </summary>
                public abstract string Export(LayerPlan layer, ExportIo io);

                /// <summary>Writes s = the layer's function of its inputs for one sample, into the output (before the activation).</summary>
                protected abstract void Compute(SourceWriter w, LayerPlan layer, SampleIo io);

                /// <summary>Writes the layer's function over a batch of [batch, size] blocks: by default sample by sample.</summary>
                protected virtual void ComputeBatch(SourceWriter w, LayerPlan layer, LayerIo io)
                {
                    w.Line("for (int n = 0; n < batch; n++)");
                    w.Open();
                    Compute(w, layer, io.Sample("n"));
                    w.Close();
                }

                /// <summary>Writes the parameter gradients (added) and the input deltas (written) of one sample from dL/ds.</summary>
                protected virtual void Gradient(SourceWriter w, LayerPlan layer, SampleIo io)
                {
                    throw new System.InvalidOperationException(layer.Spec.Kind + " has no one-sample backward pass; its emitter writes the batch's.");
                }

                /// <summary>
                /// Writes the backward pass over a batch from dL/da: the activation's derivative (where <paramref name="derivative"/>
                /// is set), then the gradients. By default sample by sample, each sample's derivative applied while its delta is in
                /// cache; a kind that overrides this applies <see cref="Derivative"/> to the whole block first.
                /// </summary>
                protected virtual void GradientBatch(SourceWriter w, LayerPlan layer, LayerIo io, bool derivative)
                {
                    w.Line("for (int n = 0; n < batch; n++)");
                    w.Open();
                    var sample = io.Sample("n");
                    if (derivative) EmitActivationBackward(w, layer.Spec.Act, sample.Output, sample.Delta!);
                    Gradient(w, layer, sample);
                    w.Close();
                }

                /// <summary>Writes delta *= f'(s) over the whole block.</summary>
                protected static void Derivative(SourceWriter w, LayerPlan layer, LayerIo io) => EmitBatchActivationBackward(w, layer.Spec.Act, io.Output, io.Delta!);

                /// <summary>The one-sample forward pass: the layer's function, then its activation.</summary>
                public void Forward(SourceWriter w, LayerPlan layer, SampleIo io)
                {
                    Compute(w, layer, io);
                    EmitActivation(w, layer.Spec.Act, io.Output);
                }

                /// <summary>
                /// The batch forward pass: the layer's function, then its activation over the block; an output whose loss takes
                /// the pre-activations applies it only when <c>outputActivation</c> is set.
                /// </summary>
                public void BatchForward(SourceWriter w, LayerPlan layer, LayerIo io)
                {
                    ComputeBatch(w, layer, io);
                    if (layer.Spec.Act == Act.Identity) return;
                    if (!layer.FusedLoss)
                    {
                        EmitBatchActivation(w, layer.Spec.Act, io.Output);
                        return;
                    }

                    w.Line("if (outputActivation)");
                    w.Open();
                    EmitBatchActivation(w, layer.Spec.Act, io.Output);
                    w.Close();
                }

                /// <summary>
                /// The batch backward pass: the delta dL/da times the activation's derivative (an output whose loss takes the
                /// pre-activations already has dL/ds), then the layer's gradients.
                /// </summary>
                public void Backward(SourceWriter w, LayerPlan layer, LayerIo io)
                {
                    GradientBatch(w, layer, io, derivative: !layer.FusedLoss && layer.Spec.Act != Act.Identity);
                }

                /// <summary>", act" for a non-identity activation.</summary>
                protected static string ActSuffix(LayerPlan layer) => layer.Spec.Act == Act.Identity ? "" : ", " + layer.Spec.Act;

                /// <summary>", no bias" for a parameterized layer without bias.</summary>
                protected static string BiasSuffix(LayerPlan layer) => layer.Spec.Weights is { Bias: false } ? ", no bias" : "";
            }

            /// <summary>The emitter of each layer kind: the one place a kind is mapped to its code.</summary>
            internal static LayerEmitter For(LayerKind kind)
            {
                switch (kind)
                {
                    case LayerKind.Dense: return DenseEmitter.Instance;
                    case LayerKind.Conv: return ConvEmitter.Instance;
                    case LayerKind.ConvTranspose: return ConvTransposeEmitter.Instance;
                    case LayerKind.MaxPool: return MaxPoolEmitter.Instance;
                    case LayerKind.AvgPool: return AvgPoolEmitter.Instance;
                    case LayerKind.Activation: return ActivationEmitter.Instance;
                    case LayerKind.Flatten: return FlattenEmitter.Instance;
                    case LayerKind.Dropout: return DropoutEmitter.Instance;
                    case LayerKind.AlphaDropout: return AlphaDropoutEmitter.Instance;
                    case LayerKind.GaussianNoise: return GaussianNoiseEmitter.Instance;
                    case LayerKind.BatchNorm: return BatchNormEmitter.Instance;
                    case LayerKind.LayerNorm: return LayerNormEmitter.Instance;
                    case LayerKind.Add: return AddEmitter.Instance;
                    case LayerKind.Concat: return ConcatEmitter.Instance;
                    default: throw new System.ArgumentOutOfRangeException(nameof(kind), kind, "A layer kind without an emitter.");
                }
            }

            /// <summary>Writes the activation <paramref name="act"/> in place over one sample (nothing for identity).</summary>
            internal static void EmitActivation(SourceWriter w, Act act, string values)
            {
                if (act == Act.Identity) return;
                w.Line(Kernels + "." + act + "(" + values + ");");
            }

            /// <summary>Writes the activation over a whole block: elementwise at once, softmax (which normalizes each sample) sample by sample.</summary>
            private static void EmitBatchActivation(SourceWriter w, Act act, Operand block)
            {
                if (act == Act.Softmax)
                {
                    w.Line("for (int n = 0; n < batch; n++) " + Kernels + ".Softmax(" + block.Sample("n") + ");");
                    return;
                }

                EmitActivation(w, act, block.Name);
            }

            /// <summary>Writes delta *= f'(s) for one sample, computed from its activations (eq. 4.71's f').</summary>
            private static void EmitActivationBackward(SourceWriter w, Act act, string output, string delta)
            {
                if (act == Act.Identity) return;
                w.Line(Kernels + "." + act + "Backward(" + output + ", " + delta + ");");
            }

            /// <summary>Writes delta *= f'(s) over a whole block, computed from the activations (eq. 4.71's f'; nothing for identity).</summary>
            private static void EmitBatchActivationBackward(SourceWriter w, Act act, Operand output, Operand delta)
            {
                if (act == Act.Identity) return;
                if (act == Act.Softmax)
                {
                    w.Line("for (int n = 0; n < batch; n++) " + Kernels + ".SoftmaxBackward(" + output.Sample("n") + ", " + delta.Sample("n") + ");");
                    return;
                }

                w.Line(Kernels + "." + act + "Backward(" + output.Name + ", " + delta.Name + ");");
            }
        }
    }
}
