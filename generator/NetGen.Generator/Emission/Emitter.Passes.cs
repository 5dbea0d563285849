using System.Collections.Generic;
using System.Linq;
using System;
using NetGen.Generator.Model;
using static NetGen.Generator.Emission.Code;

namespace NetGen.Generator.Emission
{
    internal static partial class Emitter
    {
        /// <summary>
        /// What the network-level code needs to know about the graph beyond the plan: the outputs, which layers need a
        /// backward pass, where each backward pass writes its input deltas (a layer read by several layers gets the sum
        /// of their deltas: the first writes its delta block, the others write scratch that is then added), and the
        /// scratch sizes.
        /// </summary>
        private sealed class Layout
        {
            /// <param name="plan">The network.</param>
            /// <param name="toInputs">
            /// The layout of the input-gradient pass (InputGradients, Jacobian): every live layer passes its delta on, down
            /// to the network's input, whose delta is the pass's result.
            /// </param>
            public Layout(NetworkPlan plan, bool toInputs = false)
            {
                Plan = plan;
                ToInputs = toInputs;
                Heads = plan.Outputs.ToList();
                int count = plan.Layers.Count;
                NeedsDelta = new bool[count];
                Routes = new int[count][];
                foreach (var layer in plan.Layers)
                {
                    NeedsDelta[layer.Index] = toInputs || layer.ParameterCount > 0 || layer.Inputs.Any(i => i != LayerPlan.NetworkInput && NeedsDelta[i]);
                }

                // Backward runs in reverse declaration order; the loss writes the outputs' deltas before it.
                var written = plan.Layers.Select(l => l.IsOutput).ToArray();
                bool inputWritten = false;
                for (int i = count - 1; i >= 0; i--)
                {
                    var layer = plan.Layers[i];
                    var routes = new int[layer.Inputs.Count];
                    int scratch = 0;
                    for (int j = 0; j < routes.Length; j++)
                    {
                        int source = layer.Inputs[j];
                        routes[j] = NoDelta;
                        bool network = source == LayerPlan.NetworkInput;
                        if (!Backpropagates(layer) || (network && !toInputs) || (!network && !NeedsDelta[source])) continue;
                        if (network ? !inputWritten : !written[source])
                        {
                            routes[j] = DeltaBlock;
                            if (network) inputWritten = true;
                            else written[source] = true;
                            continue;
                        }

                        routes[j] = scratch;
                        scratch += network ? plan.InputLength : plan.Layers[source].OutSize;
                    }

                    Routes[i] = routes;
                    ScratchLength = System.Math.Max(ScratchLength, scratch);
                }

                // one scratch serves both passes
                if (!toInputs)
                {
                    InputPass = new Layout(plan, toInputs: true);
                    ScratchLength = System.Math.Max(ScratchLength, InputPass.ScratchLength);
                }

                Columns = (int)plan.Layers.Max(l => l.Kind.Columns(l));
                Masks = plan.Layers.Any(l => l.Kind.UsesMask);
                PreActivations = plan.Layers.Any(l => l.KeepsPreActivations);
                Stochastic = plan.Layers.Any(l => l.Kind.Stochastic(l));
                SampleTraining = plan.Layers.Any(l => l.Kind.SampleReadsTraining);
                BatchTraining = plan.Layers.Any(l => l.Kind.BatchReadsTraining);
                OutputActivation = Heads.Any(h => h.FusedLoss);
                Labels = Heads.Count == 1;
            }

            public const int NoDelta = -2, DeltaBlock = -1;

            public NetworkPlan Plan { get; }

            /// <summary>Whether this is the input-gradient pass's layout (deltas down to the network's input).</summary>
            public bool ToInputs { get; }

            /// <summary>The input-gradient pass's layout (of the network's layout; null on that layout itself).</summary>
            public Layout? InputPass { get; }

            public List<LayerPlan> Heads { get; }

            /// <summary>Whether gradients flow to a parameter at or below each layer.</summary>
            public bool[] NeedsDelta { get; }

            /// <summary>Per layer and input: <see cref="NoDelta"/>, <see cref="DeltaBlock"/> (write the input's delta block), or the offset per sample in the scratch (write there, then add).</summary>
            public int[][] Routes { get; }

            /// <summary>Scratch values per sample for the deltas that are added up.</summary>
            public int ScratchLength { get; }

            public int Columns { get; }

            public bool Masks { get; }

            /// <summary>Whether a layer keeps its pre-activations for the backward pass (BatchForward takes pre).</summary>
            public bool PreActivations { get; }

            public bool Stochastic { get; }

            /// <summary>Whether the one-sample pass takes a training flag (dropout, noise).</summary>
            public bool SampleTraining { get; }

            /// <summary>Whether the batch passes take a training flag (dropout, noise, batch statistics).</summary>
            public bool BatchTraining { get; }

            /// <summary>Whether an output's activation is left to its loss in training (BatchForward takes outputActivation).</summary>
            public bool OutputActivation { get; }

            /// <summary>Whether the labels overloads work: one output (labels become one-hot targets, or the target itself for a single value).</summary>
            public bool Labels { get; }

            /// <summary>Whether a backward pass reads the network's input: a layer with parameters reads it.</summary>
            public bool BackwardReadsInputs => Plan.Layers.Any(l => Backpropagates(l) && (ToInputs || l.ParameterCount > 0) && l.Inputs.Contains(LayerPlan.NetworkInput));

            /// <summary>Whether a layer's backward pass runs: it reaches an output and gradients flow to a parameter at or below it.</summary>
            public bool Backpropagates(LayerPlan layer) => layer.Live && NeedsDelta[layer.Index];
        }

        private static string RunArguments(Layout layout, string x, string hidden, string y, string columns, string training)
        {
            var args = new List<string> { x };
            if (layout.Plan.HiddenLength > 0) args.Add(hidden);
            args.Add(y);
            if (layout.Columns > 0) args.Add(columns);
            if (layout.SampleTraining) args.Add(training);
            if (layout.Plan.EffectiveLength > 0) args.Add("e");
            return string.Join(", ", args);
        }

        private static string BatchForwardArguments(Layout layout, string inputs, string batch, string outputActivation, string training, string blocks, string pre, string columns, string effective)
        {
            var args = new List<string> { inputs, batch };
            if (layout.OutputActivation) args.Add(outputActivation);
            if (layout.BatchTraining) args.Add(training);
            args.Add(blocks);
            if (layout.PreActivations) args.Add(pre);
            if (layout.Columns > 0) args.Add(columns);
            if (layout.Plan.EffectiveLength > 0) args.Add(effective);
            return string.Join(", ", args);
        }

        /// <summary>The one-sample forward pass, for inference and Monte-Carlo passes: hidden layers in h, outputs in y.</summary>
        private static void EmitRun(SourceWriter sink, Layout layout)
        {
            var plan = layout.Plan;
            var parameters = new List<string> { ReadOnlySpan + " x" };
            if (plan.HiddenLength > 0) parameters.Add(Span + " h");
            parameters.Add(Span + " y");
            if (layout.Columns > 0) parameters.Add(Span + " columns");
            if (layout.SampleTraining) parameters.Add("bool training");
            if (plan.EffectiveLength > 0) parameters.Add(ReadOnlySpan + " e");
            sink.Line("/// <summary>The forward pass of one sample: the hidden layers' outputs go to <paramref name=\"h\"/>" + (plan.HiddenLength > 0 ? " (" + Lit(plan.HiddenLength) + " values)" : "") + ", the outputs' to <paramref name=\"y\"/>.</summary>");
            sink.Line("private void Run(" + string.Join(", ", parameters) + ")");
            sink.Open();
            var w = new PassWriter(sink);
            w.Local("e");
            w.Local("columns");
            var scope = w.Begin(w.Local("p", () => ReadOnlySpan + " p = _parameters;"));
            foreach (var layer in plan.Layers)
            {
                w.Line("// " + Describe(plan, layer) + layer.Kind.ForwardStrategy(layer) + (layer.IsOutput ? " (output)" : ""));
                string output = OutName(layer);
                w.Line(Span + " " + output + " = " + (layer.IsOutput
                    ? (layout.Heads.Count == 1 ? "y" : "y.Slice(" + Lit(layer.OutputOffset) + ", " + Lit(layer.OutSize) + ")")
                    : "h.Slice(" + Lit(layer.HiddenOffset) + ", " + Lit(layer.OutSize) + ")") + ";");
                var inputs = layer.Inputs.Select(i => i == LayerPlan.NetworkInput ? new Operand("x", plan.InputLength) : new Operand(OutName(plan.Layers[i]), plan.Layers[i].OutSize)).ToList();
                layer.Kind.Forward(w, layer, new LayerIo(inputs, new Operand(output, layer.OutSize)).Whole());
            }

            w.End(scope);
            sink.Close();
            sink.Line();
        }

        private static void EmitReserve(SourceWriter w, Layout layout)
        {
            var plan = layout.Plan;
            w.Line("/// <summary>Makes room for the training storage of <paramref name=\"batch\"/> samples (" + Lit(plan.BlockLength) + " outputs and as many deltas each).</summary>");
            w.Line("private void Reserve(int batch)");
            w.Open();
            w.Line("_statisticsBatch = 0; // the storage is about to be overwritten");
            w.Line("if (batch <= _capacity) return;");
            w.Line("_activations = new float[(long)batch * " + Lit(plan.BlockLength) + "];");
            w.Line("_deltas = new float[(long)batch * " + Lit(plan.BlockLength) + "];");
            if (layout.ScratchLength > 0) w.Line("_scratch = new float[(long)batch * " + Lit(layout.ScratchLength) + "];");
            if (layout.Masks) w.Line("_masks = new float[(long)batch * " + Lit(plan.BlockLength) + "];");
            if (layout.PreActivations) w.Line("_preActivations = new float[(long)batch * " + Lit(plan.BlockLength) + "];");
            if (layout.Labels) w.Line("_labelTargets = new float[(long)batch * OutputLength];");
            w.Line("_capacity = batch;");
            w.Close();
            w.Line();
        }

        private static void EmitBatchForward(SourceWriter sink, Layout layout)
        {
            var plan = layout.Plan;
            var parameters = new List<string> { ReadOnlySpan + " inputs", "int batch" };
            if (layout.OutputActivation) parameters.Add("bool outputActivation");
            if (layout.BatchTraining) parameters.Add("bool training");
            parameters.Add(Span + " a");
            if (layout.PreActivations) parameters.Add(Span + " pre");
            if (layout.Columns > 0) parameters.Add(Span + " columns");
            if (plan.EffectiveLength > 0) parameters.Add(ReadOnlySpan + " e");
            sink.Line("/// <summary>");
            sink.Line("/// The forward pass of a batch, layer by layer, every layer's outputs kept in <paramref name=\"a\"/> as [batch, size] blocks:");
            sink.Line("/// for training (the backward pass reads them) and for batched inference." + (layout.OutputActivation ? " With <paramref name=\"outputActivation\"/> false" : ""));
            if (layout.OutputActivation) sink.Line("/// the outputs whose loss applies the activation itself keep their pre-activations.");
            if (layout.PreActivations) sink.Line("/// Where <paramref name=\"pre\"/> is not empty (a backward pass follows), the layers whose activation's derivative needs s keep it there.");
            sink.Line("/// </summary>");
            sink.Line("private void BatchForward(" + string.Join(", ", parameters) + ")");
            sink.Open();
            var w = new PassWriter(sink);
            w.Local("e");
            w.Local("columns");
            var scope = w.Begin(
                w.Local("p", () => ReadOnlySpan + " p = _parameters;"),
                w.Local("m", () => Span + " m = _masks; // written only in training, which runs on the instance's own buffers"));
            foreach (var layer in plan.Layers)
            {
                w.Line("// " + Describe(plan, layer) + layer.Kind.ForwardStrategy(layer) + (layer.IsOutput ? " (output)" : ""));
                w.Line(Span + " " + OutName(layer) + " = " + Block("a", layer) + ";");
                var io = Io(w, plan, layer, () => Span + " " + MaskName(layer) + " = training ? " + Block(w.Use("m"), layer) + " : default; // inference reads no mask");
                var locals = new List<Local>();
                if (io.Mask != null) locals.Add(w.Local(MaskName(layer)));
                if (layer.KeepsPreActivations)
                {
                    string name = PreName(layer);
                    var local = w.Local(name, () => Span + " " + name + " = pre.IsEmpty ? default : " + Block("pre", layer) + "; // empty in inference");
                    io.PreActivations = new Operand(local, layer.OutSize);
                    locals.Add(local);
                }

                var layerScope = w.Begin(locals.ToArray());
                layer.Kind.BatchForward(w, layer, io);
                w.End(layerScope);
            }

            w.End(scope);
            sink.Close();
            sink.Line();
        }

        /// <summary>The shared body of both ComputeGradients overloads: forward, each output's loss (eq. 8.21), backward, penalties.</summary>
        private static void EmitTrain(SourceWriter w, Layout layout)
        {
            var plan = layout.Plan;
            w.Line("/// <summary>");
            w.Line("/// The pass ComputeGradients and ComputeLoss share, after their argument checks (targets laid out as the outputs): the");
            w.Line("/// forward pass and each output's loss; with <paramref name=\"gradients\"/>, in training unless Mode is Inference, the backward");
            w.Line("/// pass and the weight penalties; without, in inference unless Mode is Training, and nothing else is written.");
            w.Line("/// </summary>");
            w.Line("private float Train(" + ReadOnlySpan + " inputs, " + ReadOnlySpan + " targets, int batch, bool gradients)");
            w.Open();
            w.Line("Reserve(batch);");
            w.Line("global::NetGen.Kernels.ApplyMask(_parameters, _pruneMask); // pruned parameters are 0 (nothing to do before any pruning)");
            w.Line("if (gradients) global::System.Array.Clear(_gradients, 0, ParameterCount);");
            if (layout.BatchTraining || plan.EffectiveLength > 0) w.Line("bool training = gradients ? Mode != global::NetGen.NetworkMode.Inference : Mode == global::NetGen.NetworkMode.Training;");
            if (plan.EffectiveLength > 0)
            {
                w.Line("EffectiveWeights(_effective, training);");
                w.Line("global::System.Array.Clear(_effectiveGradients, 0, " + Lit(plan.EffectiveLength) + ");");
            }

            w.Line("BatchForward(" + BatchForwardArguments(layout, "inputs", "batch", "false", "training", "_activations", "gradients ? _preActivations : default", "_trainColumns", "_effective") + ");");
            w.Line("bool anomalies = global::NetGen.NumericChecks.Anomalies;");
            w.Line("if (anomalies) CheckAnomalies(batch, backward: false);");
            w.Line(Span + " a = _activations;");
            w.Line(Span + " d = _deltas;");
            w.Line("double loss = 0;");
            foreach (var head in layout.Heads) EmitHeadLoss(w, layout, head);
            w.Line();
            w.Line("if (anomalies) global::NetGen.NumericChecks.FiniteLoss(loss);");
            w.Line("if (!gradients) return (float)loss;");
            w.Line("Backward(" + (layout.BackwardReadsInputs ? "inputs, " : "") + "batch" + (layout.BatchTraining ? ", training" : "") + ");");
            if (plan.EffectiveLength > 0) w.Line("EffectiveBackward();");
            EmitPenalties(w, plan);
            if (plan.Layers.Any(l => l.Frozen)) w.Line("foreach (var (offset, length) in s_frozen) global::System.Array.Clear(_gradients, offset, length); // frozen layers (Trainable = false) have no gradient, as requires_grad = False");
            w.Line("global::NetGen.Kernels.ApplyMask(_gradients, _pruneMask); // pruned parameters have no gradient");
            w.Line("if (anomalies) CheckAnomalies(batch, backward: true);");
            w.Line("_statisticsBatch = batch; // LayerStatistics reads this pass's storage");
            w.Line("return (float)loss;");
            w.Close();
            w.Line();
            EmitCheckAnomalies(w, layout);
        }

        /// <summary>
        /// Anomaly mode (NetGen.NumericChecks.Anomalies): forward, each layer's outputs in declaration order; backward, in
        /// reverse order, the deltas of each layer's output and the gradients of its parameters; the first holding NaN or
        /// infinity is named.
        /// </summary>
        private static void EmitCheckAnomalies(SourceWriter w, Layout layout)
        {
            var plan = layout.Plan;
            const string Checks = "(string Layer, string What, int Offset, int Size, bool Gradient)[]";
            w.Line("/// <summary>");
            w.Line("/// What anomaly mode checks, in order: forward, each layer's outputs (Offset and Size per sample); backward, in reverse");
            w.Line("/// order, the deltas of each layer's outputs (per sample) and the gradient of each of its parameter tensors (Gradient).");
            w.Line("/// </summary>");
            w.Line("private static readonly " + Checks + " s_forwardChecks =");
            w.Open();
            foreach (var layer in plan.Layers) w.Line("(\"" + layer.Name + "\", \"the output" + (layer.FusedLoss ? " (logits)" : "") + "\", " + OffsetName(layer) + ", " + Lit(layer.OutSize) + ", false),");
            w.Close(";");
            w.Line();
            w.Line("private static readonly " + Checks + " s_backwardChecks =");
            w.Open();
            for (int i = plan.Layers.Count - 1; i >= 0; i--)
            {
                var layer = plan.Layers[i];
                if (!layer.Live) continue;
                string from = layer.IsOutput && layer.Consumers.Count == 0 ? "the loss" : string.Join(", ", layer.Consumers.Distinct().Select(c => plan.Layers[c].Name));
                w.Line("(\"" + layer.Name + "\", \"d(loss)/d(output) (from " + from + ")\", " + OffsetName(layer) + ", " + Lit(layer.OutSize) + ", false),");
                foreach (var tensor in layer.Tensors.Where(x => x.Store == TensorStore.Parameters))
                {
                    w.Line("(\"" + layer.Name + "\", \"the gradient of " + tensor.Name + "\", " + Lit(tensor.Offset) + ", " + Lit(tensor.Shape.Aggregate(1, (p, d) => p * d)) + ", true),");
                }
            }

            w.Close(";");
            w.Line();
            w.Line("/// <summary>Anomaly mode: names the first layer whose outputs (forward) or deltas and gradients (backward) hold NaN or infinity.</summary>");
            w.Line("private void CheckAnomalies(int batch, bool backward)");
            w.Open();
            w.Line("foreach (var (layer, what, offset, size, gradient) in backward ? s_backwardChecks : s_forwardChecks)");
            w.Open();
            w.Line("var values = gradient ? new " + ReadOnlySpan + "(_gradients, offset, size) : new " + ReadOnlySpan + "(backward ? _deltas : _activations, batch * offset, batch * size);");
            w.Line("global::NetGen.NumericChecks.Finite(values, gradient ? 1 : batch, layer, what, backward ? \"in the backward pass\" : \"in the forward pass\");");
            w.Close();
            w.Close();
            w.Line();
        }

        /// <summary>
        /// One output's loss: its mean over the labels present (NaN targets are missing labels), times its weight; its
        /// delta dL/ds where the loss takes the pre-activations (softmax and sigmoid fused with their cross-entropies,
        /// table 4.1), else dL/da.
        /// </summary>
        /// <param name="tangent">
        /// The Hessian-vector product: then also R{delta} into "rd" from R{output} (R{s} in "rs" where the loss takes the
        /// pre-activations, else R{a} in "ra"), by the loss kernel's Tangent twin with the same scale.
        /// </param>
        /// <param name="diagonal">HessianDiagonal: then instead d^2 L / d(output)^2's diagonal into "rd" (LeCun's start).</param>
        private static void EmitHeadLoss(SourceWriter w, Layout layout, LayerPlan head, bool tangent = false, bool diagonal = false)
        {
            string name = head.Name;
            bool rows = head.Loss == Loss.CrossEntropy;
            bool logs = head.Spec.Act == Act.LogSoftmax;
            var spec = layout.Plan.Spec;
            bool last = head.Index == layout.Plan.Layers.Count - 1;
            bool weights = rows && last && spec.ClassWeights.Count > 0, smoothed = rows && last && spec.LabelSmoothing != 0;
            string kernel = head.Loss == Loss.MeanSquaredError ? KernelNames.SquaredError
                : head.Loss == Loss.L1 ? KernelNames.AbsoluteError
                : head.Loss == Loss.Huber ? KernelNames.HuberError
                : weights || smoothed ? (head.FusedLoss ? KernelNames.WeightedCrossEntropy : KernelNames.WeightedCrossEntropyOfOutputs)
                : head.FusedLoss ? (rows ? (logs ? KernelNames.LogSoftmaxCrossEntropy : KernelNames.SoftmaxCrossEntropy) : KernelNames.SigmoidBinaryCrossEntropy)
                : (rows ? (logs ? KernelNames.NegativeLogLikelihood : KernelNames.CrossEntropyOfProbabilities) : KernelNames.BinaryCrossEntropyOfProbabilities);
            string extra = head.Loss == Loss.Huber ? ", huberDelta: " + Lit(spec.HuberDelta) + "f"
                : weights || smoothed ? ", classWeights: " + (weights ? "s_classWeights" : "default") + ", smoothing: " + Lit(spec.LabelSmoothing) + "f, logProbabilities: " + Lit(logs) : "";
            string delta = head.FusedLoss ? "dL/ds = weight * (a - y) / labels" : "dL/da";
            string weight = Lit(head.LossWeight);
            w.Line();
            string options = (weights ? ", class weights s_classWeights" : "") + (smoothed ? ", label smoothing " + Lit(spec.LabelSmoothing) : "") + (head.Loss == Loss.Huber ? ", delta " + Lit(spec.HuberDelta) : "");
            w.Line("// " + name + ": " + LossName(head.Loss) + options + ", mean over the " + (weights ? "class weights of the samples with a label" : rows ? "samples with a label" : "targets present") + (head.LossWeight != 1.0 ? ", weight " + weight : "") + "; " + delta + (head.FusedLoss ? " (table 4.1)" : "") + ".");
            w.Line(Span + " " + OutName(head) + " = " + Block("a", head) + ";");
            w.Line(Span + " " + DeltaName(head) + " = " + Block("d", head) + ";");
            string count = name + "Labels", scale = name + "Scale", sum = name + "Loss";
            if (weights) w.Line("double " + count + " = " + Call(KernelNames.WeightedLabelCount, "targets", "batch", "stride: OutputLength", "offset: " + Lit(head.OutputOffset), "size: " + Lit(head.OutSize), "s_classWeights") + ";");
            else w.Line("int " + count + " = " + Call(KernelNames.CountLabels, "targets", "batch", "stride: OutputLength", "offset: " + Lit(head.OutputOffset), "size: " + Lit(head.OutSize), "rows: " + Lit(rows)) + ";");
            w.Line("float " + scale + " = " + count + " == 0 ? 0f : (float)(" + weight + " / " + count + ");");
            w.Line("double " + sum + " = 0;");
            var output = new Operand(OutName(head), head.OutSize);
            var deltas = new Operand(DeltaName(head), head.OutSize);
            string target = "targets.Slice(n * OutputLength" + (head.OutputOffset == 0 ? "" : " + " + Lit(head.OutputOffset)) + ", " + Lit(head.OutSize) + ")";
            w.Line("for (int n = 0; n < batch; n++) " + sum + " += " + Kernels + "." + kernel + "(" + output.Sample("n") + ", " + target + ", " + deltas.Sample("n") + ", " + scale + extra + ");");
            w.Line("if (" + count + " > 0) loss += " + (head.LossWeight != 1.0 ? weight + " * " : "") + sum + " / " + count + ";");
            if (!tangent && !diagonal) return;
            var rOutput = new Operand(name + (head.FusedLoss ? "Rs" : "Ra"), head.OutSize);
            var rDelta = new Operand(name + "Rd", head.OutSize);
            w.Line(Span + " " + rOutput.Name + " = " + Block(head.FusedLoss ? "rs" : "ra", head) + ";");
            w.Line(Span + " " + rDelta.Name + " = " + Block("rd", head) + ";");
            if (diagonal && rows && head.FusedLoss)
            {
                string weighting = weights || smoothed ? "classWeights: " + (weights ? "s_classWeights" : "default") + ", smoothing: " + Lit(spec.LabelSmoothing) + "f" : "classWeights: default, smoothing: 0f";
                w.Line("for (int n = 0; n < batch; n++) " + Call(KernelNames.CrossEntropyDiagonal, output.Sample("n"), target, rDelta.Sample("n"), scale, weighting, "logProbabilities: " + Lit(logs)) + "; // the diagonal of scale (diag(y) - y y^T)");
                return;
            }

            if (diagonal) w.Line(rOutput.Name + ".Fill(1f); // the loss's curvature is diagonal: its R{delta} along all ones");
            w.Line("for (int n = 0; n < batch; n++) " + Kernels + "." + kernel + "Tangent(" + output.Sample("n") + ", " + target + ", " + rOutput.Sample("n") + ", " + rDelta.Sample("n") + ", " + scale + extra + ");" + (diagonal ? "" : " // R{delta}"));
        }

        /// <summary>The layers whose weights carry a penalty (chapter 8).</summary>
        private static IEnumerable<LayerPlan> Penalized(NetworkPlan plan)
            => plan.Layers.Where(l => l.WeightCount > 0 && l.Spec.Weights is { } spec && (spec.L2 != 0 || spec.L1 != 0 || spec.WeightElimination != 0));

        private static void EmitPenalties(SourceWriter w, NetworkPlan plan)
        {
            var penalized = Penalized(plan).ToList();
            if (penalized.Count == 0) return;
            w.Line();
            w.Line("// Penalties on the weights (chapter 8), added to the loss and its gradient.");
            w.Line(ReadOnlySpan + " p = _parameters;");
            w.Line(Span + " g = _gradients;");
            foreach (var layer in penalized)
            {
                string weights = RawWeightSlice(layer, "p"), gradients = RawWeightSlice(layer, "g"); // v for a weight-normalized layer
                var spec = layer.Spec.Weights!;
                if (spec.L2 != 0) w.Line("loss += " + Call(KernelNames.L2Penalty, weights, gradients, "lambda: " + Lit(spec.L2) + "f") + "; // " + layer.Name + ", eq. 8.4");
                if (spec.L1 != 0) w.Line("loss += " + Call(KernelNames.L1Penalty, weights, gradients, "lambda: " + Lit(spec.L1) + "f") + "; // " + layer.Name + ", eq. 8.10");
                if (spec.WeightElimination != 0) w.Line("loss += " + Call(KernelNames.WeightEliminationPenalty, weights, gradients, "lambda: " + Lit(spec.WeightElimination) + "f", "w0: " + Lit(spec.W0) + "f") + "; // " + layer.Name + ", eq. 8.11");
            }
        }

        private static void EmitBackward(SourceWriter sink, Layout layout)
        {
            var plan = layout.Plan;
            sink.Line("/// <summary>");
            if (layout.ToInputs)
            {
                sink.Line("/// The input-gradient pass (InputGradients, Jacobian): backpropagation as in Backward, carried down to the network's");
                sink.Line("/// input, whose delta goes to <paramref name=\"inputGradients\"/>; the parameter gradients it computes on the way go to scratch.");
            }
            else
            {
                sink.Line("/// Backpropagation (section 4.7.1) layer by layer over the batch, in reverse declaration order, from the outputs' deltas:");
                sink.Line("/// each layer applies its activation's derivative to its delta, adds its parameter gradients and writes the deltas of");
                sink.Line("/// the layers it reads; a layer read by several layers receives the sum of their deltas.");
            }

            sink.Line("/// </summary>");
            string name = layout.ToInputs ? "InputBackward" : "Backward";
            sink.Line("private void " + name + "(" + (layout.BackwardReadsInputs ? ReadOnlySpan + " inputs, " : "") + "int batch" + (layout.BatchTraining ? ", bool training" : "") + (layout.ToInputs ? ", " + Span + " inputGradients" : "") + ")");
            sink.Open();
            var w = new PassWriter(sink);
            var scope = w.Begin(
                w.Local("p", () => ReadOnlySpan + " p = _parameters;"),
                w.Local("g", () => Span + " g = " + (layout.ToInputs ? "_inputPassGradients" : "_gradients") + ";"),
                w.Local("a", () => ReadOnlySpan + " a = _activations;"),
                w.Local("d", () => Span + " d = _deltas;"),
                w.Local("m", () => ReadOnlySpan + " m = _masks;"),
                w.Local("pre", () => ReadOnlySpan + " pre = _preActivations;"),
                w.Local("t", () => Span + " t = _scratch;"),
                w.Local("e", () => ReadOnlySpan + " e = _effective;"),
                w.Local("ge", () => Span + " ge = _effectiveGradients;"),
                w.Local("columns", () => Span + " columns = _trainColumns;"));
            for (int i = plan.Layers.Count - 1; i >= 0; i--)
            {
                if (layout.Backpropagates(plan.Layers[i])) EmitLayerBackward(w, layout, plan.Layers[i]);
            }

            w.End(scope);
            sink.Close();
        }

        /// <summary>
        /// Whether <paramref name="consumer"/>'s backward kernel applies its input's ReLU derivative: its kind can, and the
        /// input is a hidden ReLU layer read by it alone (so its delta is exactly what the consumer writes).
        /// </summary>
        internal static bool FoldsInputRelu(NetworkPlan plan, LayerPlan consumer)
        {
            if (consumer.Inputs.Count != 1 || consumer.Inputs[0] == LayerPlan.NetworkInput || !consumer.Kind.FoldsInputRelu(consumer)) return false;
            var producer = plan.Layers[consumer.Inputs[0]];
            return producer.Spec.Act == Act.ReLU && !producer.IsOutput && producer.Consumers.Count == 1 && producer.Consumers[0] == consumer.Index;
        }

        /// <summary>
        /// One layer's backward pass: its kind's code from its delta, writing its inputs' deltas (a layer read by several
        /// layers gets each one's share in scratch, added up after), each block declared where first used.
        /// </summary>
        /// <param name="tangent">
        /// The second-order passes: the kind's backward pass from a delta that is already dL/ds (no activation derivative, no
        /// ReLU folded in), run on the buffers the pass binds to "p", "g", "a", "d" and "t".
        /// </param>
        /// <param name="step">Where set (HessianDiagonal's own steps), written instead of the kind's backward pass, with the same routing.</param>
        private static void EmitLayerBackward(PassWriter w, Layout layout, LayerPlan layer, bool tangent = false, Action<LayerIo>? step = null)
        {
            var plan = layout.Plan;
            bool foldsRelu = !tangent && FoldsInputRelu(plan, layer);
            if (!tangent) w.Line("// " + Describe(plan, layer) + layer.Kind.BackwardStrategy(layer) + (foldsRelu ? ", with " + plan.Layers[layer.Inputs[0]].Name + "'s ReLU derivative" : ""));
            var candidates = new List<Local>();
            Operand Declared(LayerPlan of, string name, string type, string buffer)
            {
                var local = w.Local(name, () => type + " " + name + " = " + Block(w.Use(buffer), of) + ";");
                candidates.Add(local);
                return new Operand(local, of.OutSize);
            }

            var routes = layout.Routes[layer.Index];
            var inputDeltas = new Operand?[routes.Length];
            var adds = new List<(Operand Part, Operand Sum, string Source)>();
            for (int j = 0; j < routes.Length; j++)
            {
                if (routes[j] == Layout.NoDelta) continue;
                // the network's input (the input-gradient pass only) has its delta in the pass's inputGradients
                bool network = layer.Inputs[j] == LayerPlan.NetworkInput;
                var source = network ? null : plan.Layers[layer.Inputs[j]];
                var sum = network ? new Operand("inputGradients", plan.InputLength) : Declared(source!, DeltaName(source!), Span, "d");
                if (routes[j] == Layout.DeltaBlock)
                {
                    inputDeltas[j] = sum;
                    continue;
                }

                // a layer that reads the same input in several slots (Concat("a") after a, Add("a", "a")) has a scratch part per slot
                string slot = layer.Inputs.Count(k => k == layer.Inputs[j]) > 1 ? "Slot" + Lit(j + 1) : "";
                string sourceName = network ? LayerGraph.InputName : source!.Name;
                string name = sourceName + "DeltaFrom" + char.ToUpperInvariant(layer.Name[0]) + layer.Name.Substring(1) + slot;
                int offset = routes[j], size = sum.Size;
                var part = w.Local(name, () => Span + " " + name + " = " + w.Use("t") + ".Slice(" + (offset == 0 ? "0" : "batch * " + Lit(offset)) + ", batch * " + Lit(size) + "); // " + layer.Name + "'s share of " + sourceName + "'s delta");
                candidates.Add(part);
                inputDeltas[j] = new Operand(part, size);
                adds.Add((inputDeltas[j]!, sum, sourceName));
            }

            // declared in this order where used: the input deltas (and shares), the delta, the output, the inputs, the mask
            var delta = Declared(layer, DeltaName(layer), Span, "d");
            var output = Declared(layer, OutName(layer), ReadOnlySpan, "a");
            var inputs = layer.Inputs.Select(i => i == LayerPlan.NetworkInput ? new Operand("inputs", plan.InputLength) : Declared(plan.Layers[i], OutName(plan.Layers[i]), ReadOnlySpan, "a")).ToList();
            var io = new LayerIo(inputs, output)
            {
                Delta = delta,
                InputDeltas = inputDeltas,
                Mask = layer.Kind.UsesMask ? Declared(layer, MaskName(layer), ReadOnlySpan, "m") : null,
                PreActivations = layer.KeepsPreActivations ? Declared(layer, PreName(layer), ReadOnlySpan, "pre") : null,
                InputReluDerivative = foldsRelu,
                DerivativeApplied = !tangent && layer.Consumers.Count == 1 && FoldsInputRelu(plan, plan.Layers[layer.Consumers[0]]),
            };
            var scope = w.Begin(candidates.ToArray());
            if (step != null) step(io);
            else if (tangent) layer.Kind.GradientTangent(w, layer, io);
            else layer.Kind.Backward(w, layer, io);
            foreach (var (part, sum, source) in adds) w.Line(Call(KernelNames.Axpy, "1f", part.Name, sum.Name) + "; // " + source + " is read by several layers: their deltas add up");
            w.End(scope);
        }

        /// <summary>A layer's inputs and output as [batch, size] blocks, and its mask (declared by <paramref name="mask"/>) where it keeps one.</summary>
        private static LayerIo Io(PassWriter w, NetworkPlan plan, LayerPlan layer, Func<string> mask)
        {
            var inputs = layer.Inputs.Select(i => i == LayerPlan.NetworkInput ? new Operand("inputs", plan.InputLength) : new Operand(OutName(plan.Layers[i]), plan.Layers[i].OutSize)).ToList();
            var io = new LayerIo(inputs, new Operand(OutName(layer), layer.OutSize));
            if (layer.Kind.UsesMask) io.Mask = new Operand(w.Local(MaskName(layer), mask), layer.OutSize);
            return io;
        }

        private static string OutName(LayerPlan layer) => layer.Name + "Out";

        private static string DeltaName(LayerPlan layer) => layer.Name + "Delta";

        private static string MaskName(LayerPlan layer) => layer.Name + "Mask";

        private static string PreName(LayerPlan layer) => layer.Name + "Pre";

        /// <summary>A layer's whole [batch, size] block in <paramref name="buffer"/>.</summary>
        private static string Block(string buffer, LayerPlan layer) => buffer + ".Slice(" + Offset(layer) + ", batch * " + Lit(layer.OutSize) + ")";
    }
}
