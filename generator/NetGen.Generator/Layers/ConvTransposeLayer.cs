using NetGen.Generator.Emission;
using NetGen.Generator.Model;
using static NetGen.Generator.Emission.Code;

namespace NetGen.Generator.Layers
{
    /// <summary>
    /// [ConvTranspose]: transposed convolutions (section E.5), a convolution's input gradient. The geometry is that of the
    /// convolution it transposes (from this layer's output to its input), so the convolution's kernels serve, roles swapped.
    /// </summary>
    internal sealed class ConvTransposeLayer : Convolution
    {
        public static readonly ConvTransposeLayer Instance = new ConvTransposeLayer();

        public override string Attribute => "ConvTranspose";

        protected override WindowRole Role => WindowRole.Transposed;

        /// <summary>A transposed convolution's forward pass is a convolution's input gradient: no shifted-rows product.</summary>
        protected override bool Implicit(LayerPlan layer) => false;

        public override string Export(LayerPlan layer, ExportIo io)
            => "onnx.ConvTranspose(\"" + layer.Name + "\", " + io.Inputs[0] + ", weight: " + io.Weight(layer) + ", bias: " + io.Bias(layer) + WindowAttributes(layer, dilations: true)
                + ", outputPadding: " + Lit(layer.Window!.OutputPadding) + ")";

        protected override void Compute(PassWriter w, LayerPlan layer, SampleIo io)
        {
            w.Line(Kernels + "." + Kernel(layer, KernelNames.BackwardInput) + "(" + ShapeArgument(layer) + ", " + w.Weight(layer) + ", " + io.Input + ", " + io.Output + Scratch(w, layer) + ");");
            if (layer.BiasCount > 0) w.Line(Call(KernelNames.AddChannelBias, w.Bias(layer), io.Output, PerChannel(layer)) + ";");
        }

        protected override void Gradient(PassWriter w, LayerPlan layer, SampleIo io)
        {
            w.Line(Kernels + "." + Kernel(layer, KernelNames.WeightGradient) + "(" + ShapeArgument(layer) + ", " + io.Delta + ", " + io.Input + ", " + w.WeightGradient(layer) + Scratch(w, layer) + ");");
            if (layer.BiasCount > 0) w.Line(Call(KernelNames.ChannelBiasGradient, io.Delta!, w.BiasGradient(layer), PerChannel(layer)) + ";");
            if (io.InputDelta != null) w.Line(Kernels + "." + Kernel(layer, KernelNames.Forward) + "(" + ShapeArgument(layer) + ", " + w.Weight(layer) + ", default(" + ReadOnlySpan + "), " + io.Delta + ", " + io.InputDelta + Scratch(w, layer) + ");");
        }
    }
}
