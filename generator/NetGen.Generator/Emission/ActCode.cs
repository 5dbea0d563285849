using NetGen.Generator.Model;
using static NetGen.Generator.Emission.Code;

namespace NetGen.Generator.Emission
{
    /// <summary>The activations of appendix A in generated code: in place over one sample or a block, and their derivatives (eq. 4.71's f').</summary>
    internal static class ActCode
    {
        /// <summary>Writes the activation <paramref name="act"/> in place over one sample (nothing for identity).</summary>
        public static void Forward(PassWriter w, Act act, string values)
        {
            if (act == Act.Identity) return;
            w.Line(Call(KernelNames.ActForward(act), values) + ";");
        }

        /// <summary>Writes the activation over a whole block: elementwise at once, softmax (which normalizes each sample) sample by sample.</summary>
        public static void BatchForward(PassWriter w, Act act, Operand block)
        {
            if (act == Act.Softmax)
            {
                w.Line("for (int n = 0; n < batch; n++) " + Call(KernelNames.ActForward(act), block.Sample("n")) + ";");
                return;
            }

            Forward(w, act, block.Name);
        }

        /// <summary>Writes delta *= f'(s) for one sample, computed from its activations (nothing for identity).</summary>
        public static void Backward(PassWriter w, Act act, string output, string delta)
        {
            if (act == Act.Identity) return;
            w.Line(Call(KernelNames.ActBackward(act), output, delta) + ";");
        }

        /// <summary>Writes delta *= f'(s) over a whole block, computed from the activations (nothing for identity).</summary>
        public static void BatchBackward(PassWriter w, Act act, Operand output, Operand delta)
        {
            if (act == Act.Identity) return;
            if (act == Act.Softmax)
            {
                w.Line("for (int n = 0; n < batch; n++) " + Call(KernelNames.ActBackward(act), output.Sample("n"), delta.Sample("n")) + ";");
                return;
            }

            w.Line(Call(KernelNames.ActBackward(act), output.Name, delta.Name) + ";");
        }
    }
}
