using NetGen.Generator.Emission;
using static NetGen.Generator.Emission.Code;

namespace NetGen.Generator.Model
{
    /// <summary>
    /// The emission part of a layer kind: its forward pass for one sample and for a batch, its backward pass (with its own
    /// activation's derivative), its initialization, its static fields, its line in the documentation table, its kernel
    /// choice and its ONNX node. The network emitter orders the layers, lays out storage and calls these.
    /// </summary>
    internal abstract partial class LayerKind
    {
        /// <summary>The attribute as the documentation table and comments show it: "Conv(6, k: 5, p: 2, ReLU)".</summary>
        public abstract string Signature(LayerPlan layer);

        /// <summary>How the forward pass computes the layer, for its comment (", im2col, 25x784 columns"); empty where there is one way.</summary>
        public virtual string ForwardStrategy(LayerPlan layer) => "";

        /// <summary>How the backward pass computes the layer's gradients, for its comment; empty where there is one way.</summary>
        public virtual string BackwardStrategy(LayerPlan layer) => "";

        /// <summary>Static fields the layer's kernels take (a geometry of literals).</summary>
        public virtual void Fields(SourceWriter w, LayerPlan layer)
        {
        }

        /// <summary>How a kind without weight arguments initializes its weight, as the tensor table says it (null: normalization's "Constant 1").</summary>
        public virtual string? WeightInit(LayerPlan layer) => null;

        /// <summary>The convolution scratch the layer needs, in floats (0: none).</summary>
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
        public virtual void Initialize(PassWriter w, LayerPlan layer) => Initializers.Weight(w, layer);

        /// <summary>
        /// The layer in the exported ONNX graph, before its activation: a call on the graph builder <c>onnx</c> that
        /// returns the value's name, or an input's value where the layer is an identity in inference.
        /// </summary>
        public abstract string Export(LayerPlan layer, ExportIo io);

        /// <summary>Writes s = the layer's function of its inputs for one sample, into the output (before the activation).</summary>
        protected abstract void Compute(PassWriter w, LayerPlan layer, SampleIo io);

        /// <summary>Writes the layer's function over a batch of [batch, size] blocks: by default sample by sample.</summary>
        protected virtual void ComputeBatch(PassWriter w, LayerPlan layer, LayerIo io)
        {
            w.Line("for (int n = 0; n < batch; n++)");
            w.Open();
            Compute(w, layer, io.Sample("n"));
            w.Close();
        }

        /// <summary>Writes the parameter gradients (added) and the input deltas (written) of one sample from dL/ds.</summary>
        protected virtual void Gradient(PassWriter w, LayerPlan layer, SampleIo io)
        {
            throw new System.InvalidOperationException(Attribute + " has no one-sample backward pass; its kind writes the batch's.");
        }

        /// <summary>
        /// Writes the backward pass over a batch from dL/da: the activation's derivative (where <paramref name="derivative"/>
        /// is set), then the gradients. By default sample by sample, each sample's derivative applied while its delta is in
        /// cache; a kind that overrides this applies <see cref="Derivative"/> to the whole block first.
        /// </summary>
        protected virtual void GradientBatch(PassWriter w, LayerPlan layer, LayerIo io, bool derivative)
        {
            w.Line("for (int n = 0; n < batch; n++)");
            w.Open();
            var sample = io.Sample("n");
            if (derivative) ActCode.Backward(w, layer, sample);
            Gradient(w, layer, sample);
            w.Close();
        }

        /// <summary>Writes delta *= f'(s) over the whole block.</summary>
        protected static void Derivative(PassWriter w, LayerPlan layer, LayerIo io) => ActCode.BatchBackward(w, layer, io);

        /// <summary>The one-sample forward pass: the layer's function, then its activation.</summary>
        public void Forward(PassWriter w, LayerPlan layer, SampleIo io)
        {
            Compute(w, layer, io);
            if (!FusesAct(layer)) ActCode.Forward(w, layer, io.Output);
        }

        /// <summary>
        /// Whether the layer's batch backward kernel can apply its (single) input's ReLU derivative as it writes that input's
        /// delta, so the input layer skips its own sweep (<see cref="Emitter.FoldsInputRelu"/> decides where it does).
        /// </summary>
        public virtual bool FoldsInputRelu(LayerPlan layer) => false;

        /// <summary>Whether the layer's forward kernel applies its activation itself (in its stores), so no separate sweep follows.</summary>
        protected virtual bool FusesAct(LayerPlan layer) => false;

        /// <summary>
        /// The batch forward pass: the layer's function, then its activation over the block; an output whose loss takes
        /// the pre-activations applies it only when <c>outputActivation</c> is set.
        /// </summary>
        public void BatchForward(PassWriter w, LayerPlan layer, LayerIo io)
        {
            ComputeBatch(w, layer, io);
            if (layer.Spec.Act == Act.Identity || FusesAct(layer)) return;
            if (!layer.FusedLoss)
            {
                ActCode.BatchForward(w, layer, io.Output, io.PreActivations);
                return;
            }

            w.Line("if (outputActivation)");
            w.Open();
            ActCode.BatchForward(w, layer, io.Output, null);
            w.Close();
        }

        /// <summary>
        /// The batch backward pass: the delta dL/da times the activation's derivative (an output whose loss takes the
        /// pre-activations already has dL/ds), then the layer's gradients.
        /// </summary>
        public void Backward(PassWriter w, LayerPlan layer, LayerIo io)
        {
            GradientBatch(w, layer, io, derivative: !layer.FusedLoss && layer.Spec.Act != Act.Identity && !io.DerivativeApplied);
        }

        /// <summary>Writes a layer that acts only in training (dropout, noise): <paramref name="apply"/> then, else a copy of the input.</summary>
        protected static void InTrainingOnly(PassWriter w, string apply, string input, string output)
        {
            w.Line("if (training) " + apply + ";");
            w.Line("else " + input + ".CopyTo(" + output + ");");
        }

        /// <summary>"s = x, so dL/dx = dL/ds": the backward pass of a layer that passes its input through.</summary>
        protected static void PassThroughGradient(PassWriter w, LayerPlan layer, LayerIo io, bool derivative)
        {
            if (io.InputDeltas[0] is null) return;
            if (derivative) Derivative(w, layer, io);
            w.Line(io.Delta + ".CopyTo(" + io.InputDeltas[0] + ");");
        }

        /// <summary>
        /// How the layer takes part in the second-order passes (HessianVectorProduct, Hessian, section 4.9), which run the
        /// R-operator through the generated passes: by default a kind without parameters is linear in its inputs and a kind
        /// with parameters has no second-order pass (its file says otherwise).
        /// </summary>
        public virtual SecondOrderRule SecondOrder(LayerPlan layer) => layer.ParameterCount > 0 ? SecondOrderRule.None : SecondOrderRule.Linear;

        /// <summary>The R-operator's forward step of a <see cref="SecondOrderRule.Custom"/> kind: R{s} into the output from the inputs, their tangents and the direction ("v").</summary>
        public virtual void TangentForward(PassWriter w, LayerPlan layer, LayerIo io)
            => throw new System.InvalidOperationException(Attribute + " has no custom second-order forward step.");

        /// <summary>
        /// The terms of a <see cref="SecondOrderRule.Custom"/> kind's second-order backward step that its backward pass run on
        /// R{delta} leaves out: added to R{dL/dx} (the input deltas) and to hv ("hv"), from the delta, the inputs' tangents and "v".
        /// </summary>
        public virtual void TangentBackward(PassWriter w, LayerPlan layer, LayerIo io)
        {
        }

        /// <summary>
        /// Why the kind takes no part in HessianDiagonal (LeCun et al.'s recursion, section 8.7), or null. Its step there is its
        /// backward pass run on squared coefficients: a linear kind's coefficients 0 or 1 (times <see cref="DiagonalScale"/>),
        /// a bilinear kind's squared weights and inputs; a kind whose coefficients are neither says so here.
        /// </summary>
        public virtual string? DiagonalGap(LayerPlan layer) => OwnDiagonalStep ? null : SecondOrder(layer) switch
        {
            SecondOrderRule.Linear or SecondOrderRule.Bilinear => null,
            _ => Attribute + " has no step in LeCun's recursion in this version",
        };

        /// <summary>
        /// Whether the kind writes its own step of LeCun's recursion (<see cref="DiagonalStep"/>) instead of its backward pass
        /// on squared coefficients.
        /// </summary>
        public virtual bool OwnDiagonalStep => false;

        /// <summary>
        /// The kind's own step of LeCun's recursion: from the curvature q of its s in the delta, its inputs' q written to the
        /// input deltas and its parameters' H_ii added to the gradients ("g").
        /// </summary>
        public virtual void DiagonalStep(PassWriter w, LayerPlan layer, LayerIo io)
            => throw new System.InvalidOperationException(Attribute + " has no step of its own in LeCun's recursion.");

        /// <summary>The square of a linear kind's one coefficient beyond 0 and 1 (an average over k values: 1 / k^2 over its backward pass's 1 / k gives 1 / k).</summary>
        public virtual double DiagonalScale(LayerPlan layer) => 1.0;

        /// <summary>The layer's function over a batch, s only (<see cref="LayerIo.Tangent"/>): what the second-order passes call with other operands.</summary>
        public void ComputeTangent(PassWriter w, LayerPlan layer, LayerIo io)
        {
            io.Tangent = true;
            ComputeBatch(w, layer, io);
        }

        /// <summary>The layer's backward pass from dL/ds (no activation derivative), for the second-order passes.</summary>
        public void GradientTangent(PassWriter w, LayerPlan layer, LayerIo io) => GradientBatch(w, layer, io, derivative: false);
    }

    /// <summary>How a layer kind takes part in the second-order passes.</summary>
    internal enum SecondOrderRule
    {
        /// <summary>s is linear in the inputs and has no parameters: R{s} = s(R{x}), R{dL/dx} = the backward pass of R{dL/ds}.</summary>
        Linear,

        /// <summary>
        /// s is linear in the parameters and affine in the input x (dense, convolutions, batch normalization in inference):
        /// R{s} = s(V; x) + s(W; R{x}) - s(W; 0); the backward pass gives the rest the same way.
        /// </summary>
        Bilinear,

        /// <summary>The kind writes its own steps (<see cref="LayerKind.TangentForward"/>, <see cref="LayerKind.TangentBackward"/>).</summary>
        Custom,

        /// <summary>No second-order pass: the second-order members throw NotSupportedException naming the layer.</summary>
        None,
    }
}
