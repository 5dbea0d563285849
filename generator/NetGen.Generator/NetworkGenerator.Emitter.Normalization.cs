using NetGen.Generator.Model;

namespace NetGen.Generator
{
    public sealed partial class NetworkGenerator
    {
        internal static partial class Emitter
        {
            /// <summary>
            /// Batch normalization (eq. 10.4-10.7, backward 10.12) per unit of a vector or per channel of a feature map, as
            /// nn.BatchNorm*d: training normalizes with the whole batch's statistics and updates the running averages (the
            /// buffers); inference, and training passes in inference mode, use the running averages.
            /// </summary>
            private sealed class BatchNormEmitter : LayerEmitter
            {
                public static readonly BatchNormEmitter Instance = new BatchNormEmitter();

                public override bool BatchReadsTraining => true;

                public override string Export(LayerPlan layer, ExportIo io) =>
                    "onnx.BatchNorm(\"" + layer.Name + "\", " + io.Inputs[0] + ", scale: " + io.Initializer(layer, ".weight") + ", bias: " + io.Initializer(layer, ".bias") + ", mean: " + io.Initializer(layer, ".running_mean") + ", "
                    + "variance: " + io.Initializer(layer, ".running_var") + ", eps: " + Real(Options(layer).Eps) + ")";

                public override string Signature(LayerPlan layer) => "BatchNorm(eps: " + Real(Options(layer).Eps) + ", momentum: " + Real(Options(layer).Momentum) + ")";

                public override void Initialize(SourceWriter w, LayerPlan layer)
                {
                    EmitNormInitializer(w, layer);
                    int channels = layer.BufferCount / 2;
                    w.Line("global::System.Array.Clear(_buffers, " + Lit(layer.BufferOffset) + ", " + Lit(channels) + "); // running mean 0");
                    w.Line("global::System.Array.Fill(_buffers, 1f, " + Lit(layer.BufferOffset + channels) + ", " + Lit(channels) + "); // running variance 1");
                    w.Line("_counters[" + Lit(layer.CounterIndex) + "] = 0; // num_batches_tracked");
                }

                protected override void Compute(SourceWriter w, LayerPlan layer, SampleIo io)
                {
                    w.Line(Kernels + ".BatchNormInference(" + io.Input + ", " + io.Output + ", " + WeightSlice(layer) + ", " + BiasSlice(layer) + ", " + Running(layer) + ", " + Channels(layer) + ", " + Spatial(layer) + ", " + Real(Options(layer).Eps) + "f);");
                }

                protected override void ComputeBatch(SourceWriter w, LayerPlan layer, LayerIo io)
                {
                    w.Line("if (training)");
                    w.Open();
                    w.Line(Kernels + ".BatchNormTrain(" + io.Inputs[0] + ", " + io.Output + ", " + WeightSlice(layer) + ", " + BiasSlice(layer) + ", "
                        + Running(layer) + ", " + Saved(layer) + ", batch, " + Channels(layer) + ", " + Spatial(layer) + ", " + Real(Options(layer).Eps) + "f, " + Real(Options(layer).Momentum) + "f);");
                    w.Line("_counters[" + Lit(layer.CounterIndex) + "]++; // num_batches_tracked");
                    w.Close();
                    w.Line("else");
                    w.Open();
                    base.ComputeBatch(w, layer, io);
                    w.Close();
                }

                /// <summary>Inference mode: the running statistics are constants.</summary>
                protected override void Gradient(SourceWriter w, LayerPlan layer, SampleIo io)
                {
                    w.Line(Kernels + ".BatchNormInferenceBackward(" + io.Input + ", " + io.Delta + ", " + (io.InputDelta ?? "default(" + Span + ")") + ", " + WeightSlice(layer) + ", " + Running(layer) + ", "
                        + WeightSlice(layer, "g") + ", " + BiasSlice(layer, "g") + ", " + Channels(layer) + ", " + Spatial(layer) + ", " + Real(Options(layer).Eps) + "f);");
                }

                protected override void GradientBatch(SourceWriter w, LayerPlan layer, LayerIo io, bool derivative)
                {
                    var dx = io.InputDeltas[0];
                    if (derivative) Derivative(w, layer, io);
                    w.Line("if (training)");
                    w.Open();
                    w.Line(Kernels + ".BatchNormBackward(" + io.Inputs[0] + ", " + io.Delta + ", " + (dx != null ? dx.Name : "default(" + Span + ")") + ", " + WeightSlice(layer) + ", "
                        + Saved(layer) + ", " + WeightSlice(layer, "g") + ", " + BiasSlice(layer, "g") + ", batch, " + Channels(layer) + ", " + Spatial(layer) + ");");
                    w.Close();
                    w.Line("else");
                    w.Open();
                    base.GradientBatch(w, layer, io, derivative: false);
                    w.Close();
                }

                private static NormOptions Options(LayerPlan layer) => (NormOptions)layer.Spec.Options;

                private static string Running(LayerPlan layer) => "new " + Span + "(_buffers, " + Lit(layer.BufferOffset) + ", " + Lit(layer.BufferCount) + ")";

                private static string Saved(LayerPlan layer) => "new " + Span + "(_saved, " + Lit(layer.BufferOffset) + ", " + Lit(layer.BufferCount) + ")";

                private static string Channels(LayerPlan layer) => Lit(layer.InShape[0]);

                private static string Spatial(LayerPlan layer) => Lit(layer.InSize / layer.InShape[0]);
            }

            /// <summary>gamma = 1 and beta = 0, as PyTorch's normalization layers start.</summary>
            private static void EmitNormInitializer(SourceWriter w, LayerPlan layer)
            {
                w.Line(RawWeightSlice(layer, "p") + ".Fill(1f); // gamma");
                w.Line(BiasSlice(layer) + ".Clear(); // beta");
            }

            /// <summary>Layer normalization (eq. 10.13-10.15) over all units of each sample, gamma and beta per unit, as nn.LayerNorm(shape): the same in training and inference.</summary>
            private sealed class LayerNormEmitter : LayerEmitter
            {
                public static readonly LayerNormEmitter Instance = new LayerNormEmitter();

                public override void Initialize(SourceWriter w, LayerPlan layer) => EmitNormInitializer(w, layer);

                private static NormOptions Options(LayerPlan layer) => (NormOptions)layer.Spec.Options;

                public override string Export(LayerPlan layer, ExportIo io) =>
                    "onnx.LayerNorm(\"" + layer.Name + "\", " + io.Inputs[0] + ", scale: " + io.Initializer(layer, ".weight") + ", bias: " + io.Initializer(layer, ".bias") + ", eps: " + Real(Options(layer).Eps) + ")";

                public override string Signature(LayerPlan layer) => "LayerNorm(eps: " + Real(Options(layer).Eps) + ")";

                protected override void Compute(SourceWriter w, LayerPlan layer, SampleIo io)
                {
                    w.Line(Kernels + ".LayerNorm(" + io.Input + ", " + io.Output + ", " + WeightSlice(layer) + ", " + BiasSlice(layer) + ", " + Real(Options(layer).Eps) + "f);");
                }

                protected override void Gradient(SourceWriter w, LayerPlan layer, SampleIo io)
                {
                    w.Line(Kernels + ".LayerNormBackward(" + io.Input + ", " + io.Delta + ", " + (io.InputDelta ?? "default(" + Span + ")") + ", " + WeightSlice(layer) + ", "
                        + WeightSlice(layer, "g") + ", " + BiasSlice(layer, "g") + ", " + Real(Options(layer).Eps) + "f);");
                }
            }
        }
    }
}
