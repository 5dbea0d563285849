using System.Linq;
using NetGen.Generator.Model;
using static NetGen.Generator.Emission.Code;

namespace NetGen.Generator.Emission
{
    /// <summary>
    /// HessianDiagonal (Optimal Brain Damage's H_ii, section 8.7): LeCun et al.'s backpropagated approximation in its
    /// Gauss-Newton form, one backward-like pass. From the loss's exact d^2 L / d(output)^2 (its diagonal), each layer's
    /// activation gives q_s = f'(s)^2 q_a, and each kind's backward pass run on squared coefficients gives its inputs'
    /// q_x = sum_i (ds_i / dx_j)^2 q_s,i and its parameters' H_ww = sum_i (ds_i / dw)^2 q_s,i (a dense or convolution layer:
    /// its code on the squared weights and squared inputs). The cross terms d^2 L / ds_i ds_k and the f'' terms are dropped,
    /// so the values are estimates, never negative (penalties aside).
    /// </summary>
    internal static partial class Emitter
    {
        /// <summary>Why the network has no HessianDiagonal, or null.</summary>
        private static string? DiagonalGap(NetworkPlan plan)
        {
            if (SecondOrderGap(plan) is { } gap) return gap;
            foreach (var layer in plan.Layers.Where(l => l.Live))
            {
                if (layer.Kind.DiagonalGap(layer) is { } why) return layer.Name + ": " + why;
                if (ActTraits.OverSample(layer.Spec.Act) && !layer.FusedLoss) return layer.Name + ": a " + layer.Spec.Act + " read by a loss that takes its outputs couples its units, which LeCun's recursion has no step for";
            }

            return null;
        }

        private static void EmitDiagonalMembers(SourceWriter w, Layout layout)
        {
            var plan = layout.Plan;
            string? gap = DiagonalGap(plan);
            w.Line("/// <summary>");
            w.Line("/// Optimal Brain Damage's H_ii (section 8.7): LeCun et al.'s backpropagated estimate of the Hessian's diagonal in its");
            w.Line("/// Gauss-Newton form, in one backward-like pass: d^2 L / ds^2 = f'(s)^2 sum_i w_i^2 d^2 L / ds_i^2 down the layers, from the");
            w.Line("/// loss's exact curvature at the outputs, and H_ww = d^2 L / ds^2 x^2 (x = 1 for a bias). It drops the cross terms and the");
            w.Line("/// f'' terms, so it is not the exact diagonal (which Hessian gives for small networks), and it is never negative. The loss");
            w.Line("/// is ComputeGradients' (mean data loss plus the weight penalties), in inference mode; frozen and pruned parameters get 0.");
            w.Line("/// </summary>");
            w.Line("/// <param name=\"inputs\">batch * " + Lit(plan.InputLength) + " values.</param>");
            w.Line("/// <param name=\"targets\">batch * " + Lit(plan.OutputLength) + " target values laid out as the outputs; NaN marks a missing label.</param>");
            w.Line("/// <param name=\"batch\">The number of samples.</param>");
            w.Line("/// <param name=\"diagonal\">ParameterCount values laid out as Parameters, written.</param>");
            w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length, or batch is not positive.</exception>");
            w.Line("/// <exception cref=\"global::System.NotSupportedException\">A layer has no step in LeCun's recursion.</exception>");
            w.Line("public void HessianDiagonal(" + ReadOnlySpan + " inputs, " + ReadOnlySpan + " targets, int batch, " + Span + " diagonal)");
            w.Open();
            if (gap != null) w.Line(NotSupportedDiagonal(plan, gap));
            else
            {
                SecondOrderGuards(w, "targets");
                Exclusive(w, plan, "DiagonalPass(inputs, targets, batch, diagonal);");
            }

            w.Close();
            w.Line();
            w.Line("/// <summary>As <see cref=\"HessianDiagonal(" + DocSpan + ", " + DocSpan + ", int, global::System.Span{float})\"/> with class labels (one-hot targets).</summary>");
            w.Line("public void HessianDiagonal(" + ReadOnlySpan + " inputs, global::System.ReadOnlySpan<int> labels, int batch, " + Span + " diagonal)");
            w.Open();
            if (gap != null) w.Line(NotSupportedDiagonal(plan, gap));
            else if (!layout.Labels) w.Line("throw new global::System.NotSupportedException(\"" + plan.Spec.Type.Name + " has " + Lit(layout.Heads.Count) + " outputs: pass targets.\");");
            else
            {
                SecondOrderGuards(w, "labels");
                Exclusive(w, plan, LabelTargets().Concat(new[] { "DiagonalPass(inputs, targets, batch, diagonal);" }).ToArray());
            }

            w.Close();
            w.Line();
            if (gap == null)
            {
                EmitDiagonalPass(w, layout);
                EmitDiagonalBackward(w, layout);
            }
        }

        private static string NotSupportedDiagonal(NetworkPlan plan, string why)
            => "throw new global::System.NotSupportedException(\"" + plan.Spec.Type.Name + " has no HessianDiagonal: " + why + ".\");";

        /// <summary>The diagonal's pass: inference forward, squares, each loss's curvature, the recursion, the penalties' diagonals.</summary>
        private static void EmitDiagonalPass(SourceWriter w, Layout layout)
        {
            var plan = layout.Plan;
            w.Line("private void DiagonalPass(" + ReadOnlySpan + " inputs, " + ReadOnlySpan + " targets, int batch, " + Span + " diagonal)");
            w.Open();
            w.Line("global::NetGen.Guard.Length(\"diagonal\", ParameterCount, diagonal.Length);");
            w.Line("Reserve(batch);");
            w.Line("ReserveTangents(batch);");
            w.Line("global::NetGen.Kernels.ApplyMask(_parameters, _pruneMask); // pruned parameters are 0");
            w.Line(Call(KernelNames.Square, "_parameters", "_direction") + "; // the squared weights");
            w.Line("diagonal.Clear();");
            w.Line("BatchForward(" + BatchForwardArguments(layout, "inputs", "batch", "false", "false", "_activations", "_preActivations", "_trainColumns", "_effective") + ");");
            w.Line("if (_squaredInputs.Length < batch * InputLength) _squaredInputs = new float[batch * InputLength];");
            w.Line(Call(KernelNames.Square, "inputs", "_squaredInputs") + ";");
            w.Line(Call(KernelNames.Square, "new " + ReadOnlySpan + "(_activations, 0, batch * " + Lit(plan.BlockLength) + ")", "_tangentOutputs") + "; // the squared activations");
            EmitLossCurvatures(w, layout, diagonal: true);
            w.Line("DiagonalBackward(inputs, new " + ReadOnlySpan + "(_squaredInputs, 0, batch * InputLength), batch, " + (layout.BatchTraining ? "training: false, " : "") + "diagonal);");
            if (Penalized(plan).Any())
            {
                w.Line("global::System.Array.Fill(_zeroInputGradients, 1f); // the direction of the penalties' diagonals");
            }

            EmitPenaltyCurvatures(w, plan, "_zeroInputGradients", "diagonal");
            w.Close();
            w.Line();
        }

        /// <summary>LeCun's recursion, in reverse declaration order: per layer q_s = f'(s)^2 q_a, then its backward pass on squared coefficients.</summary>
        private static void EmitDiagonalBackward(SourceWriter sink, Layout layout)
        {
            var plan = layout.Plan;
            sink.Line("/// <summary>LeCun's recursion (Gauss-Newton form) from the outputs' curvature in _tangentDeltas: H_ii estimates added to <paramref name=\"diagonal\"/>.</summary>");
            sink.Line("private void DiagonalBackward(" + ReadOnlySpan + " plainInputs, " + ReadOnlySpan + " squaredInputs, int batch, " + (layout.BatchTraining ? "bool training, " : "") + Span + " diagonal)");
            sink.Open();
            for (int i = plan.Layers.Count - 1; i >= 0; i--)
            {
                var layer = plan.Layers[i];
                if (!layout.Backpropagates(layer)) continue;
                string name = layer.Name;
                if (!layer.FusedLoss && layer.Spec.Act != Act.Identity)
                {
                    InBlock(sink, name + ": d^2L/ds^2 = f'(s)^2 d^2L/da^2", w =>
                    {
                        var output = BlockOf(w, layer, OutName(layer), "a");
                        var io = new LayerIo(new Operand[0], output) { Delta = BlockOf(w, layer, name + "Rd", "rd", readOnly: false), PreActivations = layer.KeepsPreActivations ? BlockOf(w, layer, PreName(layer), "pre") : null };
                        ActCode.BatchBackward(w, layer, io);
                        ActCode.BatchBackward(w, layer, io);
                    });
                }

                bool bilinear = layer.Kind.SecondOrder(layer) == SecondOrderRule.Bilinear;
                double scale = layer.Kind.DiagonalScale(layer);
                bool own = layer.Kind.OwnDiagonalStep;
                bilinear &= !own;
                string comment = own ? ": its own step" : bilinear ? ": its backward pass on squared weights and inputs" : ": its backward pass (coefficients 0 or 1" + (scale != 1 ? ", times " + Lit(scale) : "") + ")";
                bool network = layer.Inputs.Contains(LayerPlan.NetworkInput);
                if (network) sink.Line("// " + name + " reads the network's input" + (bilinear ? ", squared" : ""));
                InBlock(sink, name + comment, w =>
                {
                    if (network) w.Line(ReadOnlySpan + " inputs = " + (bilinear ? "squaredInputs" : "plainInputs") + ";");
                    if (scale != 1) w.Line(Call(KernelNames.Scale, Block(w.Use("d"), layer), Lit(scale) + "f") + "; // the squared coefficient over the backward pass's one");
                    if (layer.Kind.OwnDiagonalStep) EmitLayerBackward(w, layout, layer, tangent: true, step: io => layer.Kind.DiagonalStep(w, layer, io));
                    else EmitLayerBackward(w, layout, layer, tangent: true);
                }, parameters: bilinear ? "_direction" : "_parameters", gradients: "diagonal", deltas: "_tangentDeltas", scratch: "_tangentScratch", activations: bilinear ? "_tangentOutputs" : "_activations");
            }

            sink.Close();
            sink.Line();
        }
    }
}
