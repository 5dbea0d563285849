using NetGen.Generator.Model;

namespace NetGen.Generator
{
    public sealed partial class NetworkGenerator
    {
        internal static partial class Emitter
        {
            /// <summary>
            /// Dropout and alpha dropout (eq. 8.17-8.20, section 10.4), Gaussian noise (eq. 8.2), batch normalization (eq. 10.4-10.12)
            /// and layer normalization (eq. 10.13-10.15). The per-sample code here serves inference and training's per-sample loops;
            /// batch normalization's training pass works on the whole batch and is written by <see cref="BatchForward"/> and
            /// <see cref="BatchBackward"/>. The variable <c>training</c> is in scope wherever these are written.
            /// </summary>
            private static class Normalization
            {
                public static void Forward(SourceWriter w, LayerPlan layer, string input, string output, string mask)
                {
                    var spec = layer.Spec;
                    switch (spec.Kind)
                    {
                        case LayerKind.Dropout:
                        case LayerKind.AlphaDropout:
                        case LayerKind.GaussianNoise:
                            string call = spec.Kind == LayerKind.GaussianNoise
                                ? Kernels + ".GaussianNoise(" + input + ", " + output + ", " + Real(spec.Rate) + "f, Randomness);"
                                : Kernels + "." + spec.Kind + "(" + input + ", " + output + ", " + mask + ", " + Real(spec.Rate) + "f, Randomness);";
                            w.Line("if (training) " + call);
                            w.Line("else " + input + ".CopyTo(" + output + ");");
                            break;
                        case LayerKind.BatchNorm:
                            // running statistics: inference, and training-mode passes of one sample
                            w.Line(Kernels + ".BatchNormInference(" + input + ", " + output + ", " + WeightSlice(layer) + ", " + BiasSlice(layer) + ", " + Running(layer) + ", " + Channels(layer) + ", " + Spatial(layer) + ", " + Real(spec.Eps) + "f);");
                            break;
                        default: // LayerNorm
                            w.Line(Kernels + ".LayerNorm(" + input + ", " + output + ", " + WeightSlice(layer) + ", " + BiasSlice(layer) + ", " + Real(spec.Eps) + "f);");
                            break;
                    }
                }

                public static void Backward(SourceWriter w, LayerPlan layer, string input, string delta, string? inputDelta, string mask)
                {
                    var spec = layer.Spec;
                    switch (spec.Kind)
                    {
                        case LayerKind.Dropout:
                        case LayerKind.AlphaDropout:
                            if (inputDelta is null) return;
                            w.Line("if (training) " + Kernels + ".MaskBackward(" + mask + ", " + delta + ", " + inputDelta + ");");
                            w.Line("else " + delta + ".CopyTo(" + inputDelta + ");");
                            break;
                        case LayerKind.GaussianNoise:
                            if (inputDelta != null) w.Line(delta + ".CopyTo(" + inputDelta + ");");
                            break;
                        case LayerKind.BatchNorm:
                            // inference-mode training pass (the running statistics are constants)
                            w.Line(Kernels + ".BatchNormInferenceBackward(" + input + ", " + delta + ", " + (inputDelta ?? "default(" + Span + ")") + ", " + WeightSlice(layer) + ", " + Running(layer) + ", "
                                + WeightSlice(layer, "g") + ", " + BiasSlice(layer, "g") + ", " + Channels(layer) + ", " + Spatial(layer) + ", " + Real(spec.Eps) + "f);");
                            break;
                        default: // LayerNorm
                            w.Line(Kernels + ".LayerNormBackward(" + input + ", " + delta + ", " + (inputDelta ?? "default(" + Span + ")") + ", " + WeightSlice(layer) + ", "
                                + WeightSlice(layer, "g") + ", " + BiasSlice(layer, "g") + ", " + Real(spec.Eps) + "f);");
                            break;
                    }
                }

                /// <summary>Batch normalization in training: statistics of the whole batch (blocks [batch, size]).</summary>
                public static void BatchForward(SourceWriter w, LayerPlan layer, string inputBlock, string outputBlock)
                {
                    w.Line(Kernels + ".BatchNormTrain(" + inputBlock + ", " + outputBlock + ", " + WeightSlice(layer) + ", " + BiasSlice(layer) + ", "
                        + "new " + Span + "(_buffers, " + Lit(layer.BufferOffset) + ", " + Lit(layer.BufferCount) + "), new " + Span + "(_saved, " + Lit(layer.BufferOffset) + ", " + Lit(layer.BufferCount) + "), batch, "
                        + Channels(layer) + ", " + Spatial(layer) + ", " + Real(layer.Spec.Eps) + "f, " + Real(layer.Spec.Momentum) + "f);");
                }

                public static void BatchBackward(SourceWriter w, LayerPlan layer, string inputBlock, string deltaBlock, string? inputDeltaBlock)
                {
                    w.Line(Kernels + ".BatchNormBackward(" + inputBlock + ", " + deltaBlock + ", " + (inputDeltaBlock ?? "default(" + Span + ")") + ", " + WeightSlice(layer) + ", "
                        + "new " + Span + "(_saved, " + Lit(layer.BufferOffset) + ", " + Lit(layer.BufferCount) + "), " + WeightSlice(layer, "g") + ", " + BiasSlice(layer, "g") + ", batch, "
                        + Channels(layer) + ", " + Spatial(layer) + ");");
                }

                private static string Running(LayerPlan layer) => "new " + Span + "(_buffers, " + Lit(layer.BufferOffset) + ", " + Lit(layer.BufferCount) + ")";

                private static string Channels(LayerPlan layer) => Lit(layer.InShape[0]);

                private static string Spatial(LayerPlan layer) => Lit(layer.InSize / layer.InShape[0]);
            }
        }
    }
}
