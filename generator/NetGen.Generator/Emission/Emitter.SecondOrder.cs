using System;
using System.Collections.Generic;
using System.Linq;
using NetGen.Generator.Model;
using static NetGen.Generator.Emission.Code;

namespace NetGen.Generator.Emission
{
    /// <summary>
    /// Second derivatives with respect to the parameters (section 4.9): HessianVectorProduct by Pearlmutter's R-operator
    /// (forward over reverse: R{f} = d/dr f(w + r v) at r = 0) through the generated passes, and Hessian from it. The forward
    /// pass runs as in inference, then the tangent forward pass gives R{s} and R{a} of every layer, each loss its R{delta},
    /// and the tangent backward pass runs the backward pass and its R-twin layer by layer, the R-twin's parameter gradients
    /// being H v. Each kind's part is its <see cref="SecondOrderRule"/>: a linear kind runs its own code on the tangents, a
    /// bilinear one its code three times (direction with x, weights with R{x}, minus weights with 0), a custom one its own steps.
    /// </summary>
    internal static partial class Emitter
    {
        /// <summary>Why the network has no second-order passes (a layer kind without one, weight normalization), or null.</summary>
        private static string? SecondOrderGap(NetworkPlan plan)
        {
            foreach (var layer in plan.Layers.Where(l => l.Live))
            {
                if (layer.Kind.SecondOrder(layer) == SecondOrderRule.None) return layer.Name + " (" + layer.Kind.Attribute + ") has no second-order pass in this version";
                if (layer.HasEffective) return layer.Name + " is weight-normalized, and the second-order passes do not carry w = g v / |v|'s curvature";
            }

            return null;
        }

        private static void EmitSecondOrderMembers(SourceWriter w, Layout layout)
        {
            var plan = layout.Plan;
            string? gap = SecondOrderGap(plan);
            EmitSecondOrderDocs(w, plan, hessian: false);
            w.Line("public void HessianVectorProduct(" + ReadOnlySpan + " inputs, " + ReadOnlySpan + " targets, int batch, " + ReadOnlySpan + " v, " + Span + " hv)");
            w.Open();
            if (gap != null) w.Line(NotSupported(plan, gap));
            else
            {
                SecondOrderGuards(w, "targets");
                Exclusive(w, plan, "HessianVectorPass(inputs, targets, batch, v, hv);");
            }

            w.Close();
            w.Line();
            EmitSecondOrderDocs(w, plan, hessian: true);
            w.Line("public void Hessian(" + ReadOnlySpan + " inputs, " + ReadOnlySpan + " targets, int batch, " + Span + " hessian)");
            w.Open();
            EmitHessianBody(w, plan, gap, "targets");
            w.Close();
            w.Line();
            EmitSecondOrderLabels(w, layout, gap);
            EmitDiagonalMembers(w, layout);
            if (gap == null) EmitSecondOrderPasses(w, layout);
        }

        private static string NotSupported(NetworkPlan plan, string why)
            => "throw new global::System.NotSupportedException(\"" + plan.Spec.Type.Name + " has no second-order passes: " + why + ".\");";

        private static void EmitSecondOrderDocs(SourceWriter w, NetworkPlan plan, bool hessian)
        {
            w.Line("/// <summary>");
            if (hessian)
            {
                w.Line("/// The Hessian H[i, j] = d^2 L / dw_i dw_j (eq. 4.88) of the loss of ComputeGradients with respect to Parameters,");
                w.Line("/// " + Lit(plan.ParameterCount) + " x " + Lit(plan.ParameterCount) + " row-major, one Hessian-vector product per column (so its cost is ParameterCount");
                w.Line("/// backward passes). Up to 46,340 parameters (the matrix fills one array); above, NotSupportedException.");
            }
            else
            {
                w.Line("/// H v, H the Hessian (eq. 4.88) of the loss of ComputeGradients (mean data loss plus the weight penalties) with");
                w.Line("/// respect to Parameters, exactly, by the R-operator through the generated passes (forward over reverse, as");
                w.Line("/// <c>torch.autograd.functional.hvp</c>), not by finite differences; LeNet-5's costs 4.6 times ComputeGradients.");
            }

            w.Line("/// Inference mode (dropout and noise off, batch normalization with its running statistics). Frozen and pruned parameters");
            w.Line("/// are constants: their entries of v are ignored and theirs of the result are 0. ReLU's, max pooling's and the other piecewise");
            w.Line("/// linear pieces' second derivatives are 0 almost everywhere, as PyTorch's.");
            w.Line("/// </summary>");
            w.Line("/// <param name=\"inputs\">batch * " + Lit(plan.InputLength) + " values.</param>");
            w.Line("/// <param name=\"targets\">batch * " + Lit(plan.OutputLength) + " target values laid out as the outputs; NaN marks a missing label.</param>");
            w.Line("/// <param name=\"batch\">The number of samples.</param>");
            if (hessian) w.Line("/// <param name=\"hessian\">ParameterCount * ParameterCount values, written.</param>");
            else
            {
                w.Line("/// <param name=\"v\">The direction, ParameterCount values laid out as Parameters.</param>");
                w.Line("/// <param name=\"hv\">H v, ParameterCount values, written.</param>");
            }

            w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length, or batch is not positive.</exception>");
            w.Line("/// <exception cref=\"global::System.NotSupportedException\">A layer has no second-order pass" + (hessian ? ", or the Hessian would not fit one array" : "") + ".</exception>");
        }

        private static void SecondOrderGuards(SourceWriter w, string targets)
        {
            w.Line(Guard + ".Batch(batch);");
            w.Line(Guard + ".BatchLength(\"inputs\", batch, InputLength, inputs.Length);");
            if (targets == "targets") w.Line(Guard + ".BatchLength(\"targets\", batch, OutputLength, targets.Length);");
            else
            {
                w.Line(Guard + ".Length(\"labels\", batch, labels.Length);");
                w.Line(Guard + ".Labels(labels, OutputLength);");
            }
        }

        /// <summary>Hessian's body: a Hessian-vector product per unit vector, each the Hessian's column (and, H being symmetric, its row).</summary>
        private static void EmitHessianBody(SourceWriter w, NetworkPlan plan, string? gap, string targets)
        {
            if (gap != null || (long)plan.ParameterCount * plan.ParameterCount > int.MaxValue)
            {
                w.Line(gap != null ? NotSupported(plan, gap) : "throw new global::System.NotSupportedException(\"The Hessian of " + plan.Spec.Type.Name + " would have " + Lit(plan.ParameterCount)
                    + " x " + Lit(plan.ParameterCount) + " values, more than one array holds (up to 46,340 parameters); use HessianVectorProduct or HessianDiagonal.\");");
                return;
            }

            SecondOrderGuards(w, targets);
            w.Line(Guard + ".Length(\"hessian\", " + Lit(plan.ParameterCount * plan.ParameterCount) + ", hessian.Length);");
            var statements = new List<string>();
            if (targets != "targets") statements.AddRange(LabelTargets());
            statements.Add("var unit = new float[ParameterCount];");
            statements.Add("for (int j = 0; j < ParameterCount; j++)");
            statements.Add("{");
            statements.Add("    unit[j] = 1f;");
            statements.Add("    HessianVectorPass(inputs, targets, batch, unit, hessian.Slice(j * ParameterCount, ParameterCount));");
            statements.Add("    unit[j] = 0f;");
            statements.Add("}");
            Exclusive(w, plan, statements.ToArray());
        }

        private static string[] LabelTargets() => new[]
        {
            "Reserve(batch);",
            ReadOnlySpan + " targets = new " + ReadOnlySpan + "(_labelTargets, 0, batch * OutputLength);",
            "for (int n = 0; n < batch; n++) " + Call(KernelNames.LabelToTarget, "labels[n]", "new " + Span + "(_labelTargets, n * OutputLength, OutputLength)") + ";",
        };

        /// <summary>The labels overloads: one-hot targets, as ComputeGradients' (several outputs: NotSupportedException).</summary>
        private static void EmitSecondOrderLabels(SourceWriter w, Layout layout, string? gap)
        {
            var plan = layout.Plan;
            string labels = "global::System.ReadOnlySpan<int> labels";
            string fail = "throw new global::System.NotSupportedException(\"" + plan.Spec.Type.Name + " has " + Lit(layout.Heads.Count) + " outputs: pass targets.\");";
            w.Line("/// <summary>As <see cref=\"HessianVectorProduct(" + DocSpan + ", " + DocSpan + ", int, " + DocSpan + ", global::System.Span{float})\"/> with class labels (one-hot targets).</summary>");
            w.Line("public void HessianVectorProduct(" + ReadOnlySpan + " inputs, " + labels + ", int batch, " + ReadOnlySpan + " v, " + Span + " hv)");
            w.Open();
            if (gap != null) w.Line(NotSupported(plan, gap));
            else if (!layout.Labels) w.Line(fail);
            else
            {
                SecondOrderGuards(w, "labels");
                Exclusive(w, plan, LabelTargets().Concat(new[] { "HessianVectorPass(inputs, targets, batch, v, hv);" }).ToArray());
            }

            w.Close();
            w.Line();
            w.Line("/// <summary>As <see cref=\"Hessian(" + DocSpan + ", " + DocSpan + ", int, global::System.Span{float})\"/> with class labels (one-hot targets).</summary>");
            w.Line("public void Hessian(" + ReadOnlySpan + " inputs, " + labels + ", int batch, " + Span + " hessian)");
            w.Open();
            if (gap == null && !layout.Labels) w.Line(fail);
            else EmitHessianBody(w, plan, gap, "labels");
            w.Close();
            w.Line();
        }

        private static void EmitSecondOrderPasses(SourceWriter w, Layout layout)
        {
            var plan = layout.Plan;
            int widest = plan.Layers.Max(l => l.OutSize);
            int zeros = Math.Max(plan.InputLength, widest);
            w.Line("private float[] _tangents = global::System.Array.Empty<float>(), _tangentOutputs = global::System.Array.Empty<float>(), _tangentDeltas = global::System.Array.Empty<float>(); // R{s}, R{a}, R{delta} blocks");
            w.Line("private float[] _tangentScratch = global::System.Array.Empty<float>(), _tangentZeros = global::System.Array.Empty<float>(); // the shares of R{delta}, two layer blocks; zeros");
            w.Line("private float[] _direction = global::System.Array.Empty<float>(), _discardedGradients = global::System.Array.Empty<float>(), _zeroInputGradients = global::System.Array.Empty<float>();");
            w.Line("private float[] _squaredInputs = global::System.Array.Empty<float>(); // HessianDiagonal's");
            w.Line("private int _tangentCapacity;");
            w.Line();
            w.Line("/// <summary>The second-order passes' storage for <paramref name=\"batch\"/> samples (allocated on first use, grown as needed).</summary>");
            w.Line("private void ReserveTangents(int batch)");
            w.Open();
            w.Line("if (_direction.Length == 0)");
            w.Open();
            w.Line("_direction = new float[ParameterCount];");
            w.Line("_discardedGradients = new float[ParameterCount];");
            w.Line("_zeroInputGradients = new float[ParameterCount];");
            w.Close();
            w.Line("if (batch <= _tangentCapacity) return;");
            w.Line("_tangents = new float[(long)batch * " + Lit(plan.BlockLength) + "];");
            w.Line("_tangentOutputs = new float[(long)batch * " + Lit(plan.BlockLength) + "];");
            w.Line("_tangentDeltas = new float[(long)batch * " + Lit(plan.BlockLength) + "];");
            w.Line("_tangentScratch = new float[(long)batch * " + Lit(layout.ScratchLength + 2 * widest) + "];");
            w.Line("_tangentZeros = new float[(long)batch * " + Lit(zeros) + "];");
            w.Line("_tangentCapacity = batch;");
            w.Close();
            w.Line();
            EmitHessianVectorPass(w, layout);
            EmitTangentForward(w, layout);
            EmitTangentBackward(w, layout);
        }

        /// <summary>The product's pass: inference forward, losses and their R{delta}, tangent forward and backward, penalties.</summary>
        private static void EmitHessianVectorPass(SourceWriter w, Layout layout)
        {
            var plan = layout.Plan;
            w.Line("private void HessianVectorPass(" + ReadOnlySpan + " inputs, " + ReadOnlySpan + " targets, int batch, " + ReadOnlySpan + " v, " + Span + " hv)");
            w.Open();
            w.Line("global::NetGen.Guard.Length(\"v\", ParameterCount, v.Length);");
            w.Line("global::NetGen.Guard.Length(\"hv\", ParameterCount, hv.Length);");
            w.Line("Reserve(batch);");
            w.Line("ReserveTangents(batch);");
            w.Line("global::NetGen.Kernels.ApplyMask(_parameters, _pruneMask); // pruned parameters are 0");
            w.Line("v.CopyTo(_direction);");
            w.Line("global::NetGen.Kernels.ApplyMask(_direction, _pruneMask); // pruned parameters are constants");
            bool frozen = plan.Layers.Any(l => l.Frozen);
            if (frozen) w.Line("foreach (var (offset, length) in s_frozen) global::System.Array.Clear(_direction, offset, length); // frozen layers are constants");
            w.Line("hv.Clear();");
            w.Line("global::System.Array.Clear(_zeroInputGradients);");
            w.Line("BatchForward(" + BatchForwardArguments(layout, "inputs", "batch", "false", "false", "_activations", "_preActivations", "_trainColumns", "_effective") + ");");
            w.Line("TangentForward(inputs, batch" + (layout.BatchTraining ? ", training: false" : "") + ");");
            EmitLossCurvatures(w, layout, diagonal: false);
            w.Line("TangentBackward(inputs, batch" + (layout.BatchTraining ? ", training: false" : "") + ", hv);");
            w.Line(Call(KernelNames.Axpy, "-1f", "_zeroInputGradients", "hv") + "; // the bilinear layers' terms at x = 0 (their biases' share), counted twice");
            EmitPenaltyCurvatures(w, plan, "_direction", "hv");
            w.Close();
            w.Line();
        }

        /// <summary>
        /// Each loss's delta and, into "rd", its R{delta} (the Hessian-vector product) or its curvature's diagonal (HessianDiagonal),
        /// from the forward pass's storage.
        /// </summary>
        private static void EmitLossCurvatures(SourceWriter w, Layout layout, bool diagonal)
        {
            w.Line(Span + " a = _activations;");
            w.Line(Span + " d = _deltas;");
            w.Line(Span + " rs = _tangents;");
            w.Line(Span + " ra = _tangentOutputs;");
            w.Line(Span + " rd = _tangentDeltas;");
            w.Line("double loss = 0;");
            foreach (var head in layout.Heads) EmitHeadLoss(w, layout, head, tangent: !diagonal, diagonal: diagonal);
            w.Line();
        }

        /// <summary>
        /// The weight penalties' second derivatives (diagonal: L2's lambda, weight elimination's; L1 has none) times
        /// <paramref name="direction"/> (all ones for HessianDiagonal), added to <paramref name="result"/>; then frozen and
        /// pruned parameters' entries set to 0.
        /// </summary>
        private static void EmitPenaltyCurvatures(SourceWriter w, NetworkPlan plan, string direction, string result)
        {
            var penalized = Penalized(plan).ToList();
            if (penalized.Count > 0)
            {
                w.Line(ReadOnlySpan + " p = _parameters;");
                w.Line(ReadOnlySpan + " direction = " + direction + ";");
            }

            foreach (var layer in penalized)
            {
                var spec = layer.Spec.Weights!;
                string weights = RawWeightSlice(layer, "p"), along = RawWeightSlice(layer, "direction"), product = RawWeightSlice(layer, result);
                if (spec.L2 != 0) w.Line(Call(KernelNames.L2Penalty + "Tangent", weights, along, product, "lambda: " + Lit(spec.L2) + "f") + "; // " + layer.Name + ", eq. 8.4: lambda I");
                if (spec.WeightElimination != 0) w.Line(Call(KernelNames.WeightEliminationPenalty + "Tangent", weights, along, product, "lambda: " + Lit(spec.WeightElimination) + "f", "w0: " + Lit(spec.W0) + "f") + "; // " + layer.Name + ", eq. 8.11");
            }

            if (plan.Layers.Any(l => l.Frozen)) w.Line("foreach (var (offset, length) in s_frozen) " + result + ".Slice(offset, length).Clear(); // frozen layers are constants");
            w.Line("global::NetGen.Kernels.ApplyMask(" + result + ", _pruneMask); // pruned parameters are constants");
        }

        /// <summary>
        /// Writes <paramref name="body"/> in a block of its own, with its own bindings of the buffers the kinds' code reads:
        /// "p" (the weights the layer computes with), "g" (where parameter gradients go), "d" (deltas), "t" (their shares),
        /// and the rest as in the backward pass; a binding is declared only where the block uses it.
        /// </summary>
        private static void InBlock(SourceWriter sink, string comment, Action<PassWriter> body, string parameters = "_parameters", string gradients = "_discardedGradients", string deltas = "_deltas", string scratch = "_scratch", string activations = "_activations")
        {
            sink.Line("// " + comment);
            sink.Open();
            var w = new PassWriter(sink);
            var scope = w.Begin(
                w.Local("p", () => ReadOnlySpan + " p = " + parameters + ";"),
                w.Local("v", () => ReadOnlySpan + " v = _direction;"),
                w.Local("g", () => Span + " g = " + gradients + ";"),
                w.Local("a", () => ReadOnlySpan + " a = " + activations + ";"),
                w.Local("pre", () => ReadOnlySpan + " pre = _preActivations;"),
                w.Local("rs", () => Span + " rs = _tangents;"),
                w.Local("ra", () => Span + " ra = _tangentOutputs;"),
                w.Local("rd", () => Span + " rd = _tangentDeltas;"),
                w.Local("d", () => Span + " d = " + deltas + ";"),
                w.Local("m", () => ReadOnlySpan + " m = _masks;"),
                w.Local("t", () => Span + " t = " + scratch + ";"),
                w.Local("tt", () => Span + " tt = _tangentScratch;"),
                w.Local("e", () => ReadOnlySpan + " e = _effective;"),
                w.Local("ge", () => Span + " ge = _effectiveGradients;"),
                w.Local("columns", () => Span + " columns = _trainColumns;"));
            var blocks = w.Begin(); // the layers' blocks, declared after the buffers they slice
            body(w);
            blocks.Candidates.AddRange(w.Locals.Where(l => !scope.Candidates.Contains(l)));
            w.End(blocks);
            w.End(scope);
            sink.Close();
        }

        /// <summary>A layer's block in <paramref name="buffer"/> as a local <paramref name="name"/> of the block.</summary>
        private static Operand BlockOf(PassWriter w, LayerPlan layer, string name, string buffer, bool readOnly = true)
            => new Operand(w.Local(name, () => (readOnly ? ReadOnlySpan : Span) + " " + name + " = " + Block(w.Use(buffer), layer) + ";"), layer.OutSize);

        /// <summary>The first <paramref name="size"/> values per sample of the zeros, as a local of the block.</summary>
        private static Operand Zeros(PassWriter w, int size)
            => new Operand(w.Local("zeros", () => ReadOnlySpan + " zeros = new " + ReadOnlySpan + "(_tangentZeros, 0, batch * " + Lit(size) + "); // s(w; 0)"), size);

        /// <summary>Input j of a layer: the network's input or a layer's outputs (x), or their tangents R{x} (the network's input's are 0).</summary>
        private static Operand InputOf(PassWriter w, NetworkPlan plan, LayerPlan layer, int j, bool tangent)
        {
            int source = layer.Inputs[j];
            if (source == LayerPlan.NetworkInput) return tangent ? Zeros(w, plan.InputLength) : new Operand("inputs", plan.InputLength);
            var of = plan.Layers[source];
            return tangent ? BlockOf(w, of, of.Name + "Ra", "ra") : BlockOf(w, of, OutName(of), "a");
        }

        private static LayerIo TangentIo(PassWriter w, NetworkPlan plan, LayerPlan layer, bool tangentInputs, Operand output)
        {
            var inputs = layer.Inputs.Select((_, j) => InputOf(w, plan, layer, j, tangentInputs)).ToList();
            var io = new LayerIo(inputs, output) { TangentInputs = layer.Inputs.Select((_, j) => InputOf(w, plan, layer, j, tangent: true)).ToList() };
            if (layer.Kind.UsesMask) io.Mask = new Operand(w.Local(MaskName(layer), () => Span + " " + MaskName(layer) + " = default; // inference reads no mask"), layer.OutSize);
            return io;
        }

        /// <summary>
        /// The tangent forward pass: R{s} and R{a} = f'(s) R{s} of every layer, in declaration order, from the forward pass's
        /// activations; the network's input has R{x} = 0.
        /// </summary>
        private static void EmitTangentForward(SourceWriter sink, Layout layout)
        {
            var plan = layout.Plan;
            sink.Line("/// <summary>The R-operator's forward pass (direction _direction): R{s} of every layer into _tangents, R{a} = f'(s) R{s} into _tangentOutputs.</summary>");
            sink.Line("private void TangentForward(" + ReadOnlySpan + " inputs, int batch" + (layout.BatchTraining ? ", bool training" : "") + ")");
            sink.Open();
            foreach (var layer in plan.Layers.Where(l => l.Live))
            {
                var rule = layer.Kind.SecondOrder(layer);
                bool network = layer.Inputs.All(i => i == LayerPlan.NetworkInput);
                string name = layer.Name;
                if (rule == SecondOrderRule.Bilinear)
                {
                    InBlock(sink, name + ": R{s} = s(v; x)" + (network ? " (R{x} = 0)" : " + s(w; R{x}) - s(w; 0)"), w =>
                    {
                        layer.Kind.ComputeTangent(w, layer, TangentIo(w, plan, layer, false, BlockOf(w, layer, name + "Rs", "rs", readOnly: false)));
                    }, parameters: "_direction");
                    if (!network)
                    {
                        InBlock(sink, name + ": + s(w; R{x}) - s(w; 0)", w =>
                        {
                            var rs = BlockOf(w, layer, name + "Rs", "rs", readOnly: false);
                            var first = new Operand(w.Local(name + "Linear", () => Span + " " + name + "Linear = " + w.Use("tt") + ".Slice(0, batch * " + Lit(layer.OutSize) + ");"), layer.OutSize);
                            var second = new Operand(w.Local(name + "AtZero", () => Span + " " + name + "AtZero = " + w.Use("tt") + ".Slice(batch * " + Lit(layer.OutSize) + ", batch * " + Lit(layer.OutSize) + ");"), layer.OutSize);
                            layer.Kind.ComputeTangent(w, layer, TangentIo(w, plan, layer, true, first));
                            var atZero = new LayerIo(new[] { Zeros(w, layer.InSize) }, second);
                            layer.Kind.ComputeTangent(w, layer, atZero);
                            w.Line(Call(KernelNames.Axpy, "1f", first.Name, rs.Name) + ";");
                            w.Line(Call(KernelNames.Axpy, "-1f", second.Name, rs.Name) + ";");
                        });
                    }
                }
                else
                {
                    InBlock(sink, name + ": R{s}" + (rule == SecondOrderRule.Linear ? " = s(R{x}), s being linear" : ""), w =>
                    {
                        var io = TangentIo(w, plan, layer, rule == SecondOrderRule.Linear, BlockOf(w, layer, name + "Rs", "rs", readOnly: false));
                        if (rule == SecondOrderRule.Linear) layer.Kind.ComputeTangent(w, layer, io);
                        else layer.Kind.TangentForward(w, layer, io);
                    });
                }

                if (!layer.FusedLoss) InBlock(sink, name + (layer.Spec.Act == Act.Identity ? ": R{a} = R{s}" : ": R{a} = f'(s) R{s}"), w => EmitActTangent(w, layer));
            }

            sink.Close();
            sink.Line();
        }

        /// <summary>R{a} = f'(s) R{s}: the activation's Jacobian applied to R{s} (its backward kernel, log-softmax's own as its Jacobian is not symmetric).</summary>
        private static void EmitActTangent(PassWriter w, LayerPlan layer)
        {
            var rs = BlockOf(w, layer, layer.Name + "Rs", "rs");
            var ra = BlockOf(w, layer, layer.Name + "Ra", "ra", readOnly: false);
            w.Line(rs.Name + ".CopyTo(" + ra.Name + ");");
            var act = layer.Spec.Act;
            if (act == Act.Identity) return;
            var output = BlockOf(w, layer, OutName(layer), "a");
            if (act == Act.LogSoftmax)
            {
                w.Line("for (int n = 0; n < batch; n++) " + Call(KernelNames.LogSoftmaxTangent, output.Sample("n"), ra.Sample("n")) + ";");
                return;
            }

            ActCode.BatchBackward(w, layer, new LayerIo(new Operand[0], output) { Delta = ra, PreActivations = layer.KeepsPreActivations ? BlockOf(w, layer, PreName(layer), "pre") : null });
        }

        /// <summary>
        /// The tangent backward pass, in reverse declaration order: per layer, the activation's derivative on dL/da and on
        /// R{dL/da} (with its curvature's term f''(s) R{s} dL/da), the backward pass (its parameter gradients discarded), the
        /// backward pass of R{delta} (its parameter gradients into hv, its input deltas R{dL/dx}), and the kind's other terms.
        /// </summary>
        private static void EmitTangentBackward(SourceWriter sink, Layout layout)
        {
            var plan = layout.Plan;
            sink.Line("/// <summary>The R-operator's backward pass: R{dL/dw} = H v into <paramref name=\"hv\"/> (added), the deltas and their tangents on the way.</summary>");
            sink.Line("private void TangentBackward(" + ReadOnlySpan + " inputs, int batch, " + (layout.BatchTraining ? "bool training, " : "") + Span + " hv)");
            sink.Open();
            for (int i = plan.Layers.Count - 1; i >= 0; i--)
            {
                var layer = plan.Layers[i];
                if (!layout.Backpropagates(layer)) continue;
                string name = layer.Name;
                if (!layer.FusedLoss && layer.Spec.Act != Act.Identity) InBlock(sink, name + ": dL/ds = f'(s) dL/da, R{dL/ds} = f'(s) R{dL/da} + f''(s) R{s} dL/da", w => EmitActSecondOrder(w, layer));
                InBlock(sink, name + ": the backward pass" + layer.Kind.BackwardStrategy(layer), w => EmitLayerBackward(w, layout, layer, tangent: true));
                InBlock(sink, name + ": the backward pass of R{dL/ds}: R{dL/dw} += R{dL/ds} x^T, R{dL/dx} = w^T R{dL/ds}", w => EmitLayerBackward(w, layout, layer, tangent: true),
                    gradients: "hv", deltas: "_tangentDeltas", scratch: "_tangentScratch");
                var rule = layer.Kind.SecondOrder(layer);
                bool network = layer.Inputs.All(s => s == LayerPlan.NetworkInput);
                if (rule == SecondOrderRule.Bilinear && !network) EmitBilinearTangentBackward(sink, layout, layer);
                if (rule == SecondOrderRule.Custom)
                {
                    InBlock(sink, name + ": the terms of its own", w =>
                    {
                        var io = TangentIo(w, plan, layer, false, BlockOf(w, layer, OutName(layer), "a"));
                        io.Delta = BlockOf(w, layer, DeltaName(layer), "d");
                        io.InputDeltas = RDeltaSums(w, layout, layer);
                        layer.Kind.TangentBackward(w, layer, io);
                    }, gradients: "hv");
                }
            }

            sink.Close();
            sink.Line();
        }

        /// <summary>The R{dL/dx} sums of the layer's inputs that take a delta (null where none is needed), as locals of the block.</summary>
        private static Operand?[] RDeltaSums(PassWriter w, Layout layout, LayerPlan layer)
            => layer.Inputs.Select((source, j) => layout.Routes[layer.Index][j] == Layout.NoDelta ? null : BlockOf(w, layout.Plan.Layers[source], layout.Plan.Layers[source].Name + "Rd", "rd", readOnly: false)).ToArray();

        /// <summary>
        /// A bilinear layer's terms beyond the backward pass of R{delta}: its code run with the direction's weights on R{x}
        /// and delta (R{dL/dw} += delta R{x}^T, R{dL/dx} += v^T delta), then at x = 0 into the terms subtracted at the end.
        /// </summary>
        private static void EmitBilinearTangentBackward(SourceWriter sink, Layout layout, LayerPlan layer)
        {
            var plan = layout.Plan;
            string name = layer.Name;
            InBlock(sink, name + ": R{dL/dw} += dL/ds R{x}^T, R{dL/dx} += v^T dL/ds", w =>
            {
                var sums = RDeltaSums(w, layout, layer);
                var share = sums[0] is null ? null : new Operand(w.Local(name + "Share", () => Span + " " + name + "Share = " + w.Use("tt") + ".Slice(batch * " + Lit(layout.ScratchLength) + ", batch * " + Lit(sums[0]!.Size) + ");"), sums[0]!.Size);
                var io = TangentIo(w, plan, layer, true, BlockOf(w, layer, OutName(layer), "a"));
                io.Delta = BlockOf(w, layer, DeltaName(layer), "d");
                io.InputDeltas = new[] { share };
                layer.Kind.GradientTangent(w, layer, io);
                if (share != null) w.Line(Call(KernelNames.Axpy, "1f", share.Name, sums[0]!.Name) + ";");
            }, parameters: "_direction", gradients: "hv");
            InBlock(sink, name + ": the same at x = 0, subtracted at the end", w =>
            {
                var io = new LayerIo(new[] { Zeros(w, layer.InSize) }, BlockOf(w, layer, OutName(layer), "a"))
                {
                    Delta = BlockOf(w, layer, DeltaName(layer), "d"),
                    InputDeltas = new Operand?[] { null },
                };
                layer.Kind.GradientTangent(w, layer, io);
            }, parameters: "_direction", gradients: "_zeroInputGradients");
        }

        /// <summary>
        /// R{dL/ds} = f'(s) R{dL/da} + f''(s) R{s} dL/da, then dL/ds = f'(s) dL/da, over the layer's blocks (the curvature term
        /// only where f'' is not 0 almost everywhere).
        /// </summary>
        private static void EmitActSecondOrder(PassWriter w, LayerPlan layer)
        {
            var act = layer.Spec.Act;
            var output = BlockOf(w, layer, OutName(layer), "a");
            var pre = layer.KeepsPreActivations ? BlockOf(w, layer, PreName(layer), "pre") : null;
            var delta = BlockOf(w, layer, DeltaName(layer), "d", readOnly: false);
            var rDelta = BlockOf(w, layer, layer.Name + "Rd", "rd", readOnly: false);
            ActCode.BatchBackward(w, layer, new LayerIo(new Operand[0], output) { Delta = rDelta, PreActivations = pre });
            if (!ActTraits.PiecewiseLinear(act))
            {
                var from = pre ?? output;
                var rs = BlockOf(w, layer, layer.Name + "Rs", "rs");
                string alpha = ActTraits.HasAlpha(act) ? ", alpha: " + Lit(double.IsNaN(layer.Spec.Alpha) ? ActTraits.DefaultAlpha(act) : layer.Spec.Alpha) + "f" : "";
                string call = "global::NetGen.Act." + act;
                if (ActTraits.OverSample(act)) w.Line("for (int n = 0; n < batch; n++) " + Call(KernelNames.ActCurvature, call, from.Sample("n"), rs.Sample("n"), delta.Sample("n"), rDelta.Sample("n")) + ";");
                else w.Line(Call(KernelNames.ActCurvature, call, from.Name, rs.Name, delta.Name, rDelta.Name + alpha) + ";");
            }

            ActCode.BatchBackward(w, layer, new LayerIo(new Operand[0], output) { Delta = delta, PreActivations = pre });
        }
    }
}
