using NetGen.Generator.Model;

namespace NetGen.Generator
{
    public sealed partial class NetworkGenerator
    {
        internal static partial class Emitter
        {
            /// <summary>Activation layers: a = f(x) on the previous layer's output, no parameters.</summary>
            private static class ActivationLayer
            {
                public static void Forward(SourceWriter w, LayerPlan layer, string input, string output, bool isOutput)
                {
                    w.Line(input + ".CopyTo(" + output + ");");
                    if (isOutput && layer.Spec.Act != Act.Identity)
                    {
                        w.Line("if (outputActivation)");
                        w.Open();
                        EmitActivation(w, layer.Spec.Act, output);
                        w.Close();
                    }
                    else
                    {
                        EmitActivation(w, layer.Spec.Act, output);
                    }
                }

                public static void Backward(SourceWriter w, LayerPlan layer, string delta, string? inputDelta)
                {
                    // The deltas arriving here are already dL/d(input of f), because s = x for this layer.
                    if (inputDelta != null) w.Line(delta + ".CopyTo(" + inputDelta + ");");
                }
            }
        }
    }
}
