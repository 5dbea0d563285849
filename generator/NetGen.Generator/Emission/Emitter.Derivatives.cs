using System.Linq;
using NetGen.Generator.Model;
using static NetGen.Generator.Emission.Code;

namespace NetGen.Generator.Emission
{
    /// <summary>
    /// Derivatives with respect to the input (section 4.8): InputGradients, a vector-Jacobian product dL/dx for given dL/dy,
    /// and Jacobian, the input-output Jacobian of one sample (eq. 4.85), both in inference mode. They run the forward pass
    /// into the training storage and the input-gradient pass (<see cref="Layout.ToInputs"/>), which is the backward pass
    /// carried down to the network's input.
    /// </summary>
    internal static partial class Emitter
    {
        private static void EmitDerivativeMembers(SourceWriter w, Layout layout)
        {
            var plan = layout.Plan;
            w.Line("private float[] _inputPassGradients = global::System.Array.Empty<float>(); // the input-gradient pass's parameter gradients (scratch, not kept)");
            w.Line();
            w.Line("/// <summary>");
            w.Line("/// dL/dx for given dL/dy: a vector-Jacobian product, inference mode (dropout and noise off, batch normalization with its");
            w.Line("/// running statistics), as <c>torch.autograd.grad(y, x, grad_outputs)</c> on the module in eval mode. The outputs are the");
            w.Line("/// ones Forward writes (after each output's activation). <see cref=\"Gradients\"/> is left alone.");
            w.Line("/// </summary>");
            w.Line("/// <param name=\"inputs\">batch * " + Lit(plan.InputLength) + " values.</param>");
            w.Line("/// <param name=\"outputGradients\">dL/dy: batch * " + Lit(plan.OutputLength) + " values, laid out as Forward's outputs.</param>");
            w.Line("/// <param name=\"inputGradients\">dL/dx: batch * " + Lit(plan.InputLength) + " values, written.</param>");
            w.Line("/// <param name=\"batch\">The number of samples.</param>");
            w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length, or batch is not positive.</exception>");
            w.Line("public void InputGradients(" + ReadOnlySpan + " inputs, " + ReadOnlySpan + " outputGradients, " + Span + " inputGradients, int batch)");
            w.Open();
            w.Line("global::NetGen.Guard.Batch(batch);");
            w.Line("global::NetGen.Guard.BatchLength(\"inputs\", batch, InputLength, inputs.Length);");
            w.Line("global::NetGen.Guard.BatchLength(\"outputGradients\", batch, OutputLength, outputGradients.Length);");
            w.Line("global::NetGen.Guard.BatchLength(\"inputGradients\", batch, InputLength, inputGradients.Length);");
            Exclusive(w, plan, "InputPass(inputs, outputGradients, inputGradients, batch);");
            w.Close();
            w.Line();
            w.Line("/// <summary>");
            w.Line("/// The input-output Jacobian of one sample (eq. 4.85): J[k, i] = dy_k / dx_i, " + Lit(plan.OutputLength) + " x " + Lit(plan.InputLength) + " row-major, in inference mode;");
            w.Line("/// row k is the input gradient of output k (one input-gradient pass per output, up to 32 of them as one batch).");
            w.Line("/// </summary>");
            w.Line("/// <param name=\"input\">" + Lit(plan.InputLength) + " values.</param>");
            w.Line("/// <param name=\"jacobian\">OutputLength * InputLength values, written.</param>");
            w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length.</exception>");
            w.Line("public void Jacobian(" + ReadOnlySpan + " input, " + Span + " jacobian)");
            w.Open();
            EmitJacobianBody(w, plan);
            w.Close();
            w.Line();
            w.Line("/// <summary>");
            w.Line("/// dL/dw for given dL/dy, into <see cref=\"Gradients\"/>: the parameter gradients of an arbitrary function of the outputs (as");
            w.Line("/// <c>torch.autograd.grad(y, parameters, grad_outputs)</c> in eval mode), summed over the batch; with dL/dy the unit vector of");
            w.Line("/// output k and one sample, the gradient of that output (Optimal Brain Surgeon's dy_k/dw). Inference mode; masks and");
            w.Line("/// frozen layers as in ComputeGradients.");
            w.Line("/// </summary>");
            w.Line("/// <param name=\"inputs\">batch * " + Lit(plan.InputLength) + " values.</param>");
            w.Line("/// <param name=\"outputGradients\">dL/dy: batch * " + Lit(plan.OutputLength) + " values, laid out as Forward's outputs.</param>");
            w.Line("/// <param name=\"batch\">The number of samples.</param>");
            w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length, or batch is not positive.</exception>");
            w.Line("public void ParameterGradients(" + ReadOnlySpan + " inputs, " + ReadOnlySpan + " outputGradients, int batch)");
            w.Open();
            w.Line("global::NetGen.Guard.Batch(batch);");
            w.Line("global::NetGen.Guard.BatchLength(\"inputs\", batch, InputLength, inputs.Length);");
            w.Line("global::NetGen.Guard.BatchLength(\"outputGradients\", batch, OutputLength, outputGradients.Length);");
            Exclusive(w, plan, "ParameterPass(inputs, outputGradients, batch);");
            w.Close();
            w.Line();
            EmitSeededPass(w, layout, toInputs: true);
            EmitSeededPass(w, layout, toInputs: false);
        }

        /// <summary>
        /// Jacobian's body: input-gradient passes over chunks of up to 32 outputs, each a batch of copies of the input seeded
        /// with rows of the identity; a Jacobian too large for one array throws.
        /// </summary>
        private static void EmitJacobianBody(SourceWriter w, NetworkPlan plan)
        {
            long size = (long)plan.OutputLength * plan.InputLength;
            int rows = System.Math.Min(plan.OutputLength, 32);
            if (size > int.MaxValue || (long)rows * plan.OutputLength > int.MaxValue)
            {
                w.Line("throw new global::System.NotSupportedException(\"The Jacobian would have " + Lit(plan.OutputLength) + " x " + Lit(plan.InputLength) + " values, more than one array holds; use InputGradients for the rows you need.\");");
                return;
            }

            w.Line("global::NetGen.Guard.Length(\"input\", InputLength, input.Length);");
            w.Line("global::NetGen.Guard.Length(\"jacobian\", " + Lit((int)size) + ", jacobian.Length);");
            w.Line("var inputs = new float[" + Lit(rows * plan.InputLength) + "];");
            w.Line("var seeds = new float[" + Lit(rows * plan.OutputLength) + "]; // rows of the identity: sample r seeds output k0 + r");
            w.Line("for (int k0 = 0; k0 < OutputLength; k0 += " + Lit(rows) + ")");
            w.Open();
            w.Line("int rows = global::System.Math.Min(" + Lit(rows) + ", OutputLength - k0);");
            w.Line("global::System.Array.Clear(seeds);");
            w.Line("for (int r = 0; r < rows; r++)");
            w.Open();
            w.Line("input.CopyTo(global::System.MemoryExtensions.AsSpan(inputs, r * InputLength, InputLength));");
            w.Line("seeds[r * OutputLength + k0 + r] = 1f;");
            w.Close();
            w.Line("InputGradients(global::System.MemoryExtensions.AsSpan(inputs, 0, rows * InputLength), global::System.MemoryExtensions.AsSpan(seeds, 0, rows * OutputLength), jacobian.Slice(k0 * InputLength, rows * InputLength), rows);");
            w.Close();
        }

        /// <summary>
        /// The bodies of InputGradients (<paramref name="toInputs"/>) and ParameterGradients: the inference forward pass into the
        /// training storage, each output's delta set to the given dL/dy (through its activation's derivative where the loss
        /// would otherwise have taken it), then the input-gradient pass or the backward pass into Gradients.
        /// </summary>
        private static void EmitSeededPass(SourceWriter sink, Layout layout, bool toInputs)
        {
            var plan = layout.Plan;
            sink.Line("private void " + (toInputs ? "InputPass" : "ParameterPass") + "(" + ReadOnlySpan + " inputs, " + ReadOnlySpan + " outputGradients, " + (toInputs ? Span + " inputGradients, " : "") + "int batch)");
            sink.Open();
            sink.Line("Reserve(batch);");
            if (toInputs)
            {
                sink.Line("if (_inputPassGradients.Length != ParameterCount) _inputPassGradients = new float[ParameterCount];");
                sink.Line("else global::System.Array.Clear(_inputPassGradients, 0, ParameterCount);");
            }
            else
            {
                sink.Line("global::NetGen.Kernels.ApplyMask(_parameters, _pruneMask); // pruned parameters are 0");
                sink.Line("global::System.Array.Clear(_gradients, 0, ParameterCount);");
            }

            if (plan.EffectiveLength > 0) sink.Line("EffectiveWeights(_effective, false);");
            if (plan.EffectiveLength > 0 && !toInputs) sink.Line("global::System.Array.Clear(_effectiveGradients, 0, " + Lit(plan.EffectiveLength) + ");");
            sink.Line("BatchForward(" + BatchForwardArguments(layout, "inputs", "batch", "true", "false", "_activations", "_preActivations", "_trainColumns", "_effective") + ");");
            var w = new PassWriter(sink);
            var scope = w.Begin(w.Local("a", () => Span + " a = _activations;"), w.Local("d", () => Span + " d = _deltas;"));
            foreach (var head in layout.Heads)
            {
                string output = OutName(head), delta = DeltaName(head);
                w.Line("// " + head.Name + ": dL/dy" + (head.FusedLoss ? " through " + head.Spec.Act + "'s derivative (its loss would take the pre-activations)" : ""));
                w.Line(Span + " " + output + " = " + Block(w.Use("a"), head) + ";");
                w.Line(Span + " " + delta + " = " + Block(w.Use("d"), head) + ";");
                string source = "outputGradients.Slice(n * OutputLength" + (head.OutputOffset == 0 ? "" : " + " + Lit(head.OutputOffset)) + ", " + Lit(head.OutSize) + ")";
                w.Line("for (int n = 0; n < batch; n++) " + source + ".CopyTo(" + new Operand(delta, head.OutSize).Sample("n") + ");");
                if (head.FusedLoss) ActCode.BatchBackward(w, head, new LayerIo(new Operand[0], new Operand(output, head.OutSize)) { Delta = new Operand(delta, head.OutSize) });
            }

            w.End(scope);
            if (toInputs)
            {
                sink.Line("inputGradients.Slice(0, batch * InputLength).Clear();");
                sink.Line("InputBackward(" + (layout.InputPass!.BackwardReadsInputs ? "inputs, " : "") + "batch" + (layout.BatchTraining ? ", false" : "") + ", inputGradients);");
            }
            else
            {
                sink.Line("Backward(" + (layout.BackwardReadsInputs ? "inputs, " : "") + "batch" + (layout.BatchTraining ? ", false" : "") + ");");
                if (plan.EffectiveLength > 0) sink.Line("EffectiveBackward();");
                if (plan.Layers.Any(l => l.Frozen)) sink.Line("foreach (var (offset, length) in s_frozen) global::System.Array.Clear(_gradients, offset, length); // frozen layers have no gradient");
                sink.Line("global::NetGen.Kernels.ApplyMask(_gradients, _pruneMask); // pruned parameters have no gradient");
            }

            sink.Close();
            sink.Line();
        }
    }
}
