using NetGen.Generator.Model;
using static NetGen.Generator.Emission.Code;

namespace NetGen.Generator.Emission
{
    /// <summary>
    /// The activations of appendix A in generated code: in place over one sample or a block, and their derivatives (eq.
    /// 4.71's f'), computed from the activations, or from the kept pre-activations where f cannot be inverted.
    /// </summary>
    internal static class ActCode
    {
        /// <summary>Writes the layer's activation in place over one sample (nothing for identity).</summary>
        public static void Forward(PassWriter w, LayerPlan layer, string values)
        {
            if (layer.Spec.Act == Act.Identity) return;
            w.Line(Call(KernelNames.ActForward(layer.Spec.Act), values + Alpha(layer)) + ";");
        }

        /// <summary>
        /// Writes the layer's activation over a whole block: elementwise at once, softmax and log-softmax (which normalize
        /// each sample) sample by sample; first keeps the pre-activations where the derivative needs them and a backward
        /// pass follows (<paramref name="pre"/> not empty).
        /// </summary>
        public static void BatchForward(PassWriter w, LayerPlan layer, Operand block, Operand? pre)
        {
            if (pre != null) w.Line("if (!" + pre.Name + ".IsEmpty) " + block.Name + ".CopyTo(" + pre.Name + "); // s, for " + layer.Spec.Act + "'s derivative");
            if (ActTraits.OverSample(layer.Spec.Act))
            {
                w.Line("for (int n = 0; n < batch; n++) " + Call(KernelNames.ActForward(layer.Spec.Act), block.Sample("n")) + ";");
                return;
            }

            Forward(w, layer, block.Name);
        }

        /// <summary>Writes delta *= f'(s) for one sample, computed from its activations or its kept pre-activations (nothing for identity).</summary>
        public static void Backward(PassWriter w, LayerPlan layer, SampleIo sample)
        {
            if (layer.Spec.Act == Act.Identity) return;
            string from = layer.KeepsPreActivations ? sample.PreActivations! : sample.Output;
            w.Line(Call(KernelNames.ActBackward(layer.Spec.Act), from, sample.Delta! + Alpha(layer)) + ";");
        }

        /// <summary>Writes delta *= f'(s) over a whole block, computed from the activations or the kept pre-activations (nothing for identity).</summary>
        public static void BatchBackward(PassWriter w, LayerPlan layer, LayerIo io)
        {
            var act = layer.Spec.Act;
            if (act == Act.Identity) return;
            var from = layer.KeepsPreActivations ? io.PreActivations! : io.Output;
            if (ActTraits.OverSample(act))
            {
                w.Line("for (int n = 0; n < batch; n++) " + Call(KernelNames.ActBackward(act), from.Sample("n"), io.Delta!.Sample("n")) + ";");
                return;
            }

            w.Line(Call(KernelNames.ActBackward(act), from.Name, io.Delta!.Name + Alpha(layer)) + ";");
        }

        /// <summary>", 0.2f" where the layer writes an Alpha for an activation that has one, else nothing (the kernel's default).</summary>
        private static string Alpha(LayerPlan layer)
            => ActTraits.HasAlpha(layer.Spec.Act) && !double.IsNaN(layer.Spec.Alpha) ? ", " + Lit(layer.Spec.Alpha) + "f" : "";
    }
}
