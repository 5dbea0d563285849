using NetGen.Generator.Model;

namespace NetGen.Generator
{
    public sealed partial class NetworkGenerator
    {
        internal static partial class Emitter
        {
            /// <summary>Dense layers: s = W x + b, a = f(s) (eq. 4.66); W is [out, in] as PyTorch's nn.Linear.</summary>
            private static class Dense
            {
                public static void Forward(SourceWriter w, LayerPlan layer, string input, string output)
                {
                    w.Line(Kernels + ".DenseForward(" + WeightSlice(layer) + ", " + BiasSlice(layer) + ", " + input + ", " + output + ", " + Lit(layer.InSize) + ", " + Lit(layer.OutSize) + ");");
                }

                public static void Backward(SourceWriter w, LayerPlan layer, string input, string delta, string? inputDelta)
                {
                    w.Line(Kernels + ".DenseAccumulate(" + delta + ", " + input + ", " + WeightSlice(layer, "g") + ", " + BiasSlice(layer, "g") + ", " + Lit(layer.InSize) + ", " + Lit(layer.OutSize) + ");");
                    if (inputDelta != null)
                    {
                        w.Line(Kernels + ".DenseBackwardInput(" + WeightSlice(layer) + ", " + delta + ", " + inputDelta + ", " + Lit(layer.InSize) + ", " + Lit(layer.OutSize) + ");");
                    }
                }
            }
        }
    }
}
