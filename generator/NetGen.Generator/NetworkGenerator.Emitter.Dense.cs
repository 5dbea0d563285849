using NetGen.Generator.Model;

namespace NetGen.Generator
{
    public sealed partial class NetworkGenerator
    {
        internal static partial class Emitter
        {
            /// <summary>Dense layers: s = W x + b, a = f(s) (a layer of the feed-forward network, eqs. 4.61-4.62); W is [out, in] as PyTorch's nn.Linear; a feature map is read flattened.</summary>
            private sealed class DenseEmitter : LayerEmitter
            {
                public static readonly DenseEmitter Instance = new DenseEmitter();

                public override string Export(LayerPlan layer, ExportIo io) =>
                    "onnx.Dense(\"" + layer.Name + "\", " + io.Inputs[0] + ", inputRank: " + Lit(layer.InShape.Count) + ", weight: " + io.Weight(layer) + ", bias: " + io.Bias(layer) + ")";

                public override string Signature(LayerPlan layer) => "Dense(" + Lit(((DenseOptions)layer.Spec.Options).Units) + ActSuffix(layer) + BiasSuffix(layer) + ")";

                protected override void Compute(SourceWriter w, LayerPlan layer, SampleIo io)
                {
                    w.Line(Kernels + ".DenseForward(" + WeightSlice(layer) + ", " + BiasSlice(layer) + ", " + io.Input + ", " + io.Output + ", " + Lit(layer.InSize) + ", " + Lit(layer.OutSize) + ");");
                }

                /// <summary>The whole batch at once: four samples per pass over each weight row.</summary>
                protected override void ComputeBatch(SourceWriter w, LayerPlan layer, LayerIo io)
                {
                    w.Line(Kernels + ".DenseForwardBatch(" + WeightSlice(layer) + ", " + BiasSlice(layer) + ", " + io.Inputs[0] + ", " + io.Output + ", batch, " + Lit(layer.InSize) + ", " + Lit(layer.OutSize) + ");");
                }

                /// <summary>dW += delta^T X, db += sum of delta, and dX = delta W (eq. 4.71, 4.84) for the whole batch.</summary>
                protected override void GradientBatch(SourceWriter w, LayerPlan layer, LayerIo io, bool derivative)
                {
                    var dx = io.InputDeltas[0];
                    if (derivative) Derivative(w, layer, io);
                    w.Line(Kernels + ".DenseBackwardBatch(" + WeightSlice(layer) + ", " + io.Inputs[0] + ", " + io.Delta + ", " + WeightSlice(layer, "g") + ", " + BiasSlice(layer, "g") + ", "
                        + (dx != null ? dx.Name : "default(" + Span + ")") + ", batch, " + Lit(layer.InSize) + ", " + Lit(layer.OutSize) + ");");
                }
            }
        }
    }
}
