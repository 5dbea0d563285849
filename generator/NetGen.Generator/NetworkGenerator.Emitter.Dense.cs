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
                public static void Forward(SourceWriter w, LayerPlan layer, string input, string output, bool isOutput)
                {
                    w.Line(Kernels + ".DenseForward(" + Weight(layer) + ", " + Bias(layer) + ", " + input + ", " + output + ", " + Lit(layer.InSize) + ", " + Lit(layer.OutSize) + ");");
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

                public static void Backward(SourceWriter w, LayerPlan layer, string input, string delta, string? inputDelta)
                {
                    w.Line(Kernels + ".DenseAccumulate(" + delta + ", " + input + ", g.Slice(" + Lit(layer.WeightOffset) + ", " + Lit(layer.WeightCount) + "), " + (layer.BiasCount > 0 ? "g.Slice(" + Lit(layer.BiasOffset) + ", " + Lit(layer.BiasCount) + ")" : "default(" + Span + ")") + ", " + Lit(layer.InSize) + ", " + Lit(layer.OutSize) + ");");
                    if (inputDelta != null)
                    {
                        w.Line(Kernels + ".DenseBackwardInput(" + Weight(layer) + ", " + delta + ", " + inputDelta + ", " + Lit(layer.InSize) + ", " + Lit(layer.OutSize) + ");");
                    }
                }

                public static void Initialize(SourceWriter w, LayerPlan layer)
                {
                    string weights = "p.Slice(" + Lit(layer.WeightOffset) + ", " + Lit(layer.WeightCount) + ")";
                    string rng = "new global::NetGen.Rng(seed, " + Lit(layer.Index + 1) + ")";
                    switch (layer.Init)
                    {
                        case InitKind.HeNormal:
                            w.Line("global::NetGen.Initializers.HeNormal(" + weights + ", " + Lit(layer.InSize) + ", " + rng + ");");
                            break;
                        case InitKind.LeCunNormal:
                            w.Line("global::NetGen.Initializers.LeCunNormal(" + weights + ", " + Lit(layer.InSize) + ", " + rng + ");");
                            break;
                        default:
                            w.Line("global::NetGen.Initializers.GlorotUniform(" + weights + ", " + Lit(layer.InSize) + ", " + Lit(layer.OutSize) + ", " + rng + ");");
                            break;
                    }

                    if (layer.BiasCount > 0)
                    {
                        w.Line("p.Slice(" + Lit(layer.BiasOffset) + ", " + Lit(layer.BiasCount) + ").Clear();");
                    }
                }

                private static string Weight(LayerPlan layer) => "p.Slice(" + Lit(layer.WeightOffset) + ", " + Lit(layer.WeightCount) + ")";

                private static string Bias(LayerPlan layer) => layer.BiasCount > 0 ? "p.Slice(" + Lit(layer.BiasOffset) + ", " + Lit(layer.BiasCount) + ")" : "default(" + ReadOnlySpan + ")";
            }
        }
    }
}
