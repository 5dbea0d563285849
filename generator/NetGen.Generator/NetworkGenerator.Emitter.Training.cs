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
            }

            /// <summary>The body shared by both ComputeGradients overloads, after their argument checks.</summary>
            private static void EmitTrainingPass(SourceWriter w, NetworkPlan plan, bool labels)
            {
                var output = plan.Layers[plan.Layers.Count - 1];
                bool fused = plan.Loss != Loss.MeanSquaredError;
                string reduction = plan.Loss == Loss.CrossEntropy ? "batch" : "batch * OutputLength";
                w.Line("Reserve(batch);");
                w.Line("global::System.Array.Clear(_gradients, 0, ParameterCount);");
                w.Line("TrainForward(inputs, batch, " + (fused ? "false" : "true") + ");");
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
                w.Line("Backward(inputs, batch);");
                w.Line("return (float)(loss / count);");
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
                w.Line("_capacity = batch;");
                w.Close();
                w.Line();
            }

            private static void EmitTrainForward(SourceWriter w, NetworkPlan plan)
            {
                w.Line("/// <summary>Training forward pass, layer by layer over the batch; with <paramref name=\"outputActivation\"/> false the output keeps its pre-activations (the loss applies the activation itself).</summary>");
                w.Line("private void TrainForward(" + ReadOnlySpan + " inputs, int batch, bool outputActivation)");
                w.Open();
                w.Line(ReadOnlySpan + " p = _parameters;");
                w.Line(Span + " a = _activations;");
                if (ColumnsLength(plan) > 0) w.Line(Span + " columns = _trainColumns;");
                foreach (var layer in plan.Layers)
                {
                    bool last = layer.Index == plan.Layers.Count - 1;
                    w.Line("// " + Describe(layer) + Strategy(layer) + (last ? " (output)" : ""));
                    w.Line("for (int n = 0; n < batch; n++)");
                    w.Open();
                    w.Line(ReadOnlySpan + " x = " + Input(plan, layer, "a", "n") + ";");
                    w.Line(Span + " y = " + Block("a", layer, "n") + ";");
                    EmitForward(w, layer, "x", "y", last);
                    w.Close();
                }

                w.Close();
                w.Line();
            }

            private static void EmitBackward(SourceWriter w, NetworkPlan plan)
            {
                w.Line("/// <summary>Backpropagation (section 4.7.1), layer by layer over the batch, from the output deltas: adds each layer's parameter gradients and fills the deltas below it.</summary>");
                w.Line("private void Backward(" + ReadOnlySpan + " inputs, int batch)");
                w.Open();
                w.Line(ReadOnlySpan + " p = _parameters;");
                w.Line(Span + " g = _gradients;");
                w.Line(ReadOnlySpan + " a = _activations;");
                w.Line(Span + " d = _deltas;");
                if (ColumnsLength(plan) > 0) w.Line(Span + " columns = _trainColumns;");
                for (int i = plan.Layers.Count - 1; i >= 0; i--)
                {
                    var layer = plan.Layers[i];
                    var below = i > 0 ? plan.Layers[i - 1] : null;
                    w.Line("// " + Describe(layer) + Strategy(layer));
                    w.Line("for (int n = 0; n < batch; n++)");
                    w.Open();
                    w.Line(ReadOnlySpan + " x = " + Input(plan, layer, "a", "n") + ";");
                    w.Line(Span + " dy = " + Block("d", layer, "n") + ";");
                    if (below != null) w.Line(Span + " dx = " + Block("d", below, "n") + ";");
                    EmitBackward(w, layer, "x", "dy", below != null ? "dx" : null);
                    if (below != null) EmitActivationBackward(w, below.Spec.Act, "x", "dx");
                    w.Close();
                }

                w.Close();
            }

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
