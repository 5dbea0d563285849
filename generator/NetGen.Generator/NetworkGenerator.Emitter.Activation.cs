using NetGen.Generator.Model;

namespace NetGen.Generator
{
    public sealed partial class NetworkGenerator
    {
        internal static partial class Emitter
        {
            /// <summary>An activation on its own (appendix A): s = x, then a = f(s), as PyTorch's activation modules.</summary>
            private class ActivationEmitter : LayerEmitter
            {
                public static readonly ActivationEmitter Instance = new ActivationEmitter();

                public override string Signature(LayerPlan layer) => "Activation(" + layer.Spec.Act + ")";

                /// <summary>The activation itself is added after every layer's export: nothing before it.</summary>
                public override string Export(LayerPlan layer, ExportIo io) => io.Inputs[0];

                protected override void Compute(SourceWriter w, LayerPlan layer, SampleIo io)
                {
                    w.Line(io.Input + ".CopyTo(" + io.Output + ");");
                }

                /// <summary>The samples are contiguous in both blocks: one copy.</summary>
                protected override void ComputeBatch(SourceWriter w, LayerPlan layer, LayerIo io)
                {
                    w.Line(io.Inputs[0] + ".CopyTo(" + io.Output + ");");
                }

                /// <summary>s = x, so dL/dx = dL/ds.</summary>
                protected override void GradientBatch(SourceWriter w, LayerPlan layer, LayerIo io, bool derivative)
                {
                    if (io.InputDeltas[0] is null) return;
                    if (derivative) Derivative(w, layer, io);
                    w.Line(io.Delta + ".CopyTo(" + io.InputDeltas[0] + ");");
                }
            }

            /// <summary>Flatten: a feature map read as a vector (C·H·W values in NCHW order, as nn.Flatten); the values do not move.</summary>
            private sealed class FlattenEmitter : ActivationEmitter
            {
                public static new readonly FlattenEmitter Instance = new FlattenEmitter();

                public override string Signature(LayerPlan layer) => "Flatten";

                public override string Export(LayerPlan layer, ExportIo io) => "onnx.Flatten(\"" + layer.Name + "\", " + io.Inputs[0] + ")";
            }
        }
    }
}
