using NetGen.Generator.Model;

namespace NetGen.Generator
{
    public sealed partial class NetworkGenerator
    {
        internal static partial class Emitter
        {
            // Training runs layer by layer over the whole batch: every layer's outputs for all samples are kept (one
            // block per layer, [batch, size]) for the backward pass, which also runs layer by layer. Each layer kind's
            // per-sample code is the same emitter call that writes the inference pass.

            private static void EmitTrainingFields(SourceWriter w, NetworkPlan plan, int columns)
            {
                w.Line("// Training storage for a batch: each layer's outputs and deltas as a [batch, size] block; grown when a larger batch arrives.");
                w.Line("private float[] _activations = new float[0];");
                w.Line("private float[] _deltas = new float[0];");
                w.Line("private int _capacity;");
                w.Line("private readonly float[] _trainTarget = new float[" + Lit(plan.OutputLength) + "];");
                if (columns > 0) w.Line("private readonly float[] _trainColumns = new float[" + Lit(columns) + "]; // im2col scratch of the largest convolution");
                if (HasMasks(plan)) w.Line("private float[] _masks = new float[0]; // dropout masks, laid out as the activations");
                if (plan.BufferLength > 0) w.Line("private readonly float[] _saved = new float[" + Lit(plan.BufferLength) + "]; // batch normalization: the batch's mean and 1/sigma per channel");
            }

            private static bool HasMasks(NetworkPlan plan)
            {
                foreach (var layer in plan.Layers) if (layer.HasMask) return true;
                return false;
            }

            /// <summary>The body shared by both ComputeGradients overloads, after their argument checks.</summary>
            private static void EmitTrainingPass(SourceWriter w, NetworkPlan plan, bool labels)
            {
                var output = plan.Layers[plan.Layers.Count - 1];
                bool fused = plan.Loss != Loss.MeanSquaredError;
                string reduction = plan.Loss == Loss.CrossEntropy ? "batch" : "batch * OutputLength";
                w.Line("Reserve(batch);");
                w.Line("global::System.Array.Clear(_gradients, 0, ParameterCount);");
                w.Line("bool training = Mode != global::NetGen.NetworkMode.Inference;");
                if (plan.EffectiveLength > 0)
                {
                    w.Line("EffectiveWeights(_effective, training);");
                    w.Line("global::System.Array.Clear(_effectiveGradients, 0, " + Lit(plan.EffectiveLength) + ");");
                }
                w.Line("BatchForward(inputs, batch, " + (fused ? "false" : "true") + ", training, _activations" + (ColumnsLength(plan) > 0 ? ", _trainColumns" : "") + EffectiveArgument(plan, "_effective") + ");");
                w.Line("double count = (double)" + reduction + ";");
                w.Line("float scale = (float)(1.0 / count);");
                w.Line(Span + " a = _activations;");
                w.Line(Span + " d = _deltas;");
                if (labels) w.Line(Span + " target = _trainTarget;");
                w.Line("double loss = 0;");
                w.Line("for (int n = 0; n < batch; n++)");
                w.Open();
                w.Line(Span + " y = " + Block("a", output, "n") + ";");
                w.Line(Span + " dy = " + Block("d", output, "n") + ";");
                string target = labels ? "target" : "targets.Slice(n * " + Lit(plan.OutputLength) + ", " + Lit(plan.OutputLength) + ")";
                if (labels) w.Line(Kernels + ".LabelToTarget(labels[n], target);");
                switch (plan.Loss)
                {
                    case Loss.CrossEntropy:
                        w.Line("// Softmax and cross-entropy fused: dL/ds = scale * (a - y) (table 4.1).");
                        w.Line("loss += " + Kernels + ".SoftmaxCrossEntropy(y, " + target + ", dy, scale);");
                        break;
                    case Loss.BinaryCrossEntropy:
                        w.Line("// Sigmoid and binary cross-entropy fused: dL/ds = scale * (a - y) (table 4.1).");
                        w.Line("loss += " + Kernels + ".SigmoidBinaryCrossEntropy(y, " + target + ", dy, scale);");
                        break;
                    default:
                        w.Line("// Squared error: dL/da = 2 * scale * (a - y)" + (output.Spec.Act == Act.Identity ? "; identity output, so dL/ds = dL/da." : ", then times " + output.Spec.Act + "'(s)."));
                        w.Line("loss += " + Kernels + ".SquaredError(y, " + target + ", dy, scale);");
                        EmitActivationBackward(w, output.Spec.Act, "y", "dy");
                        break;
                }

                w.Close();
                w.Line();
                w.Line("Backward(inputs, batch, training);");
                if (plan.EffectiveLength > 0) w.Line("EffectiveBackward();");
                var penalized = new System.Collections.Generic.List<LayerPlan>();
                foreach (var layer in plan.Layers) if (layer.WeightCount > 0 && (layer.Spec.L2 != 0 || layer.Spec.L1 != 0 || layer.Spec.WeightElimination != 0)) penalized.Add(layer);
                if (penalized.Count == 0)
                {
                    w.Line("return (float)(loss / count);");
                    return;
                }

                w.Line();
                w.Line("// Penalties on the weights (chapter 8), added to the mean loss and its gradient.");
                w.Line(ReadOnlySpan + " p = _parameters;");
                w.Line(Span + " g = _gradients;");
                w.Line("double penalty = 0;");
                foreach (var layer in penalized)
                {
                    string weights = RawWeightSlice(layer, "p"), gradients = RawWeightSlice(layer, "g"); // v for a weight-normalized layer
                    if (layer.Spec.L2 != 0) w.Line("penalty += " + Kernels + ".L2Penalty(" + weights + ", " + gradients + ", " + Real(layer.Spec.L2) + "f); // " + layer.Name + ", eq. 8.4");
                    if (layer.Spec.L1 != 0) w.Line("penalty += " + Kernels + ".L1Penalty(" + weights + ", " + gradients + ", " + Real(layer.Spec.L1) + "f); // " + layer.Name + ", eq. 8.10");
                    if (layer.Spec.WeightElimination != 0) w.Line("penalty += " + Kernels + ".WeightEliminationPenalty(" + weights + ", " + gradients + ", " + Real(layer.Spec.WeightElimination) + "f, " + Real(layer.Spec.W0) + "f); // " + layer.Name + ", eq. 8.11");
                }

                w.Line("return (float)(loss / count + penalty);");
            }

            private static void EmitReserve(SourceWriter w, NetworkPlan plan)
            {
                int all = plan.HiddenLength + plan.OutputLength;
                w.Line("/// <summary>Makes room for the activations and deltas of <paramref name=\"batch\"/> samples (" + Lit(all) + " values each).</summary>");
                w.Line("private void Reserve(int batch)");
                w.Open();
                w.Line("if (batch <= _capacity) return;");
                w.Line("_activations = new float[(long)batch * " + Lit(all) + "];");
                w.Line("_deltas = new float[(long)batch * " + Lit(all) + "];");
                if (HasMasks(plan)) w.Line("_masks = new float[(long)batch * " + Lit(all) + "];");
                w.Line("_capacity = batch;");
                w.Close();
                w.Line();
            }

            private static void EmitBatchForward(SourceWriter w, NetworkPlan plan)
            {
                w.Line("/// <summary>");
                w.Line("/// The forward pass of a batch, layer by layer, every layer's outputs kept in <paramref name=\"a\"/> as [batch, size] blocks:");
                w.Line("/// for training (the backward pass reads them) and for batched inference. With <paramref name=\"outputActivation\"/> false");
                w.Line("/// the output keeps its pre-activations (the loss applies the activation itself).");
                w.Line("/// </summary>");
                w.Line("private void BatchForward(" + ReadOnlySpan + " inputs, int batch, bool outputActivation, bool training, " + Span + " a" + (ColumnsLength(plan) > 0 ? ", " + Span + " columns" : "") + EffectiveParameter(plan) + ")");
                w.Open();
                w.Line(ReadOnlySpan + " p = _parameters;");
                if (HasMasks(plan)) w.Line(Span + " m = _masks; // written only in training, which runs on the instance's own buffers");
                foreach (var layer in plan.Layers)
                {
                    bool last = layer.Index == plan.Layers.Count - 1;
                    w.Line("// " + Describe(layer) + Strategy(layer) + (last ? " (output)" : ""));
                    if (layer.Spec.Kind == LayerKind.Dense)
                    {
                        // the whole batch at once: four samples per pass over each weight row
                        w.Line(Kernels + ".DenseForwardBatch(" + WeightSlice(layer) + ", " + BiasSlice(layer) + ", " + WholeInput(plan, layer, "a") + ", " + Whole("a", layer) + ", batch, " + Lit(layer.InSize) + ", " + Lit(layer.OutSize) + ");");
                        if (layer.Spec.Act == Act.Identity) continue;
                        if (last)
                        {
                            w.Line("if (outputActivation)");
                            w.Open();
                        }

                        EmitBatchActivation(w, layer.Spec.Act, layer);
                        if (last) w.Close();
                        continue;
                    }

                    if (layer.Spec.Kind == LayerKind.BatchNorm)
                    {
                        w.Line("if (training)");
                        w.Open();
                        Normalization.BatchForward(w, layer, WholeInput(plan, layer, "a"), Whole("a", layer));
                        w.Close();
                        w.Line("else");
                        w.Open();
                    }

                    w.Line("for (int n = 0; n < batch; n++)");
                    w.Open();
                    w.Line(ReadOnlySpan + " x = " + Input(plan, layer, "a", "n") + ";");
                    w.Line(Span + " y = " + Block("a", layer, "n") + ";");
                    EmitForward(w, layer, "x", "y", last, layer.HasMask ? Block("m", layer, "n") : "default(" + Span + ")");
                    w.Close();
                    if (layer.Spec.Kind == LayerKind.BatchNorm) w.Close();
                }

                w.Close();
                w.Line();
            }

            private static void EmitBackward(SourceWriter w, NetworkPlan plan)
            {
                w.Line("/// <summary>Backpropagation (section 4.7.1), layer by layer over the batch, from the output deltas: adds each layer's parameter gradients and fills the deltas below it.</summary>");
                w.Line("private void Backward(" + ReadOnlySpan + " inputs, int batch, bool training)");
                w.Open();
                w.Line(ReadOnlySpan + " p = _parameters;");
                w.Line(Span + " g = _gradients;");
                w.Line(ReadOnlySpan + " a = _activations;");
                w.Line(Span + " d = _deltas;");
                if (HasMasks(plan)) w.Line(ReadOnlySpan + " m = _masks;");
                if (plan.EffectiveLength > 0)
                {
                    w.Line(ReadOnlySpan + " e = _effective;");
                    w.Line(Span + " ge = _effectiveGradients;");
                }
                if (ColumnsLength(plan) > 0) w.Line(Span + " columns = _trainColumns;");
                for (int i = plan.Layers.Count - 1; i >= 0; i--)
                {
                    var layer = plan.Layers[i];
                    var below = i > 0 ? plan.Layers[i - 1] : null;
                    w.Line("// " + Describe(layer) + Strategy(layer));
                    if (layer.Spec.Kind == LayerKind.Dense)
                    {
                        w.Line(Kernels + ".DenseBackwardBatch(" + WeightSlice(layer) + ", " + WholeInput(plan, layer, "a") + ", " + Whole("d", layer) + ", " + WeightSlice(layer, "g") + ", " + BiasSlice(layer, "g") + ", "
                            + (below != null ? Whole("d", below) : "default(" + Span + ")") + ", batch, " + Lit(layer.InSize) + ", " + Lit(layer.OutSize) + ");");
                        if (below != null) EmitBatchActivationBackward(w, below);
                        continue;
                    }

                    if (layer.Spec.Kind == LayerKind.BatchNorm)
                    {
                        w.Line("if (training)");
                        w.Open();
                        Normalization.BatchBackward(w, layer, WholeInput(plan, layer, "a"), Whole("d", layer), below != null ? Whole("d", below) : null);
                        w.Close();
                        w.Line("else");
                        w.Open();
                    }

                    w.Line("for (int n = 0; n < batch; n++)");
                    w.Open();
                    w.Line(ReadOnlySpan + " x = " + Input(plan, layer, "a", "n") + ";");
                    w.Line(Span + " dy = " + Block("d", layer, "n") + ";");
                    if (below != null) w.Line(Span + " dx = " + Block("d", below, "n") + ";");
                    EmitBackward(w, layer, "x", "dy", below != null ? "dx" : null, layer.HasMask ? Block("m", layer, "n") : "default(" + Span + ")");
                    if (below != null && layer.Spec.Kind != LayerKind.BatchNorm) EmitActivationBackward(w, below.Spec.Act, "x", "dx");
                    w.Close();
                    if (layer.Spec.Kind == LayerKind.BatchNorm)
                    {
                        w.Close();
                        if (below != null) EmitBatchActivationBackward(w, below);
                    }
                }

                w.Close();
            }

            /// <summary>A layer's activation over its whole block: elementwise at once, softmax (which normalizes each sample) sample by sample.</summary>
            private static void EmitBatchActivation(SourceWriter w, Act act, LayerPlan layer)
            {
                if (act == Act.Softmax)
                {
                    w.Line("for (int n = 0; n < batch; n++) " + Kernels + ".Softmax(" + Block("a", layer, "n") + ");");
                    return;
                }

                EmitActivation(w, act, Whole("a", layer));
            }

            /// <summary>The deltas of <paramref name="below"/> times its activation's derivative, over the whole block.</summary>
            private static void EmitBatchActivationBackward(SourceWriter w, LayerPlan below)
            {
                var act = below.Spec.Act;
                if (act == Act.Identity) return;
                if (act == Act.Softmax)
                {
                    w.Line("for (int n = 0; n < batch; n++) " + Kernels + ".SoftmaxBackward(" + Block("a", below, "n") + ", " + Block("d", below, "n") + ");");
                    return;
                }

                EmitActivationBackward(w, act, Whole("a", below), Whole("d", below));
            }

            /// <summary>A layer's whole [batch, size] block in <paramref name="buffer"/>.</summary>
            private static string Whole(string buffer, LayerPlan layer)
                => buffer + ".Slice(" + (layer.ActivationOffset == 0 ? "0" : "batch * " + Lit(layer.ActivationOffset)) + ", batch * " + Lit(layer.OutSize) + ")";

            /// <summary>A layer's whole input block: the network inputs for the first layer.</summary>
            private static string WholeInput(NetworkPlan plan, LayerPlan layer, string buffer)
                => layer.Index == 0 ? "inputs" : Whole(buffer, plan.Layers[layer.Index - 1]);

            /// <summary>Sample <paramref name="n"/>'s slice of a layer's [batch, size] block in <paramref name="buffer"/>.</summary>
            private static string Block(string buffer, LayerPlan layer, string n)
                => buffer + ".Slice(" + (layer.ActivationOffset == 0 ? "" : "batch * " + Lit(layer.ActivationOffset) + " + ") + n + " * " + Lit(layer.OutSize) + ", " + Lit(layer.OutSize) + ")";

            /// <summary>Sample <paramref name="n"/>'s input of a layer: the network input for the first, else the block of the layer below.</summary>
            private static string Input(NetworkPlan plan, LayerPlan layer, string buffer, string n)
                => layer.Index == 0
                    ? "inputs.Slice(" + n + " * " + Lit(plan.InputLength) + ", " + Lit(plan.InputLength) + ")"
                    : Block(buffer, plan.Layers[layer.Index - 1], n);
        }
    }
}
