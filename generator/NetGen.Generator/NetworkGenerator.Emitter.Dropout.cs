using NetGen.Generator.Model;

namespace NetGen.Generator
{
    public sealed partial class NetworkGenerator
    {
        internal static partial class Emitter
        {
            /// <summary>
            /// Inverted dropout (eq. 8.17-8.20) as nn.Dropout: in training each unit is dropped with probability rate and the
            /// rest scaled by 1 / (1 - rate); the mask (the factor each unit got) is kept for the backward pass. Identity in
            /// inference. Elementwise, so a batch is one call over the whole block.
            /// </summary>
            private class DropoutEmitter : LayerEmitter
            {
                public static readonly DropoutEmitter Instance = new DropoutEmitter();

                /// <summary>The drop probability (dropout) or the noise's deviation.</summary>
                protected static double Rate(LayerPlan layer) => ((RateOptions)layer.Spec.Options).Rate;

                public override bool UsesMask => true;

                public override bool SampleReadsTraining => true;

                public override bool Stochastic(LayerPlan layer) => true;

                public override string Signature(LayerPlan layer) => layer.Spec.AttributeName + "(" + Real(Rate(layer)) + ")";

                /// <summary>An identity in inference: no node.</summary>
                public override string Export(LayerPlan layer, ExportIo io) => io.Inputs[0];

                protected virtual string Kernel(LayerPlan layer, string input, string output, string mask)
                    => Kernels + "." + layer.Spec.Kind + "(" + input + ", " + output + ", " + mask + ", " + Real(Rate(layer)) + "f, Randomness)";

                protected override void Compute(SourceWriter w, LayerPlan layer, SampleIo io)
                {
                    w.Line("if (training) " + Kernel(layer, io.Input, io.Output, io.Mask) + ";");
                    w.Line("else " + io.Input + ".CopyTo(" + io.Output + ");");
                }

                protected override void ComputeBatch(SourceWriter w, LayerPlan layer, LayerIo io)
                {
                    w.Line("if (training) " + Kernel(layer, io.Inputs[0].Name, io.Output.Name, io.Mask?.Name ?? "") + ";");
                    w.Line("else " + io.Inputs[0] + ".CopyTo(" + io.Output + ");");
                }

                protected override void GradientBatch(SourceWriter w, LayerPlan layer, LayerIo io, bool derivative)
                {
                    var dx = io.InputDeltas[0];
                    if (dx is null) return;
                    if (derivative) Derivative(w, layer, io);
                    w.Line("if (training) " + Kernels + ".MaskBackward(" + io.Mask + ", " + io.Delta + ", " + dx + ");");
                    w.Line("else " + io.Delta + ".CopyTo(" + dx + ");");
                }
            }

            /// <summary>Alpha dropout for SELU networks (section 10.4) as nn.AlphaDropout: dropped units take the SELU's saturation value, then an affine map keeps mean 0 and variance 1.</summary>
            private sealed class AlphaDropoutEmitter : DropoutEmitter
            {
                public static new readonly AlphaDropoutEmitter Instance = new AlphaDropoutEmitter();
            }

            /// <summary>Gaussian noise on the activations in training (section 8.2): y = x + N(0, std^2); the gradient passes through unchanged.</summary>
            private sealed class GaussianNoiseEmitter : DropoutEmitter
            {
                public static new readonly GaussianNoiseEmitter Instance = new GaussianNoiseEmitter();

                public override bool UsesMask => false;

                protected override string Kernel(LayerPlan layer, string input, string output, string mask)
                    => Kernels + ".GaussianNoise(" + input + ", " + output + ", " + Real(Rate(layer)) + "f, Randomness)";

                protected override void GradientBatch(SourceWriter w, LayerPlan layer, LayerIo io, bool derivative)
                {
                    if (io.InputDeltas[0] is null) return;
                    if (derivative) Derivative(w, layer, io);
                    w.Line(io.Delta + ".CopyTo(" + io.InputDeltas[0] + ");");
                }
            }
        }
    }
}
