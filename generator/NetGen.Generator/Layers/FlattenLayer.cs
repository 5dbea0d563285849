using NetGen.Generator.Emission;
using NetGen.Generator.Model;

namespace NetGen.Generator.Layers
{
    /// <summary>[Flatten]: a feature map read as a vector (C·H·W values in NCHW order, as nn.Flatten); the values do not move.</summary>
    internal sealed class FlattenLayer : CopyLayer
    {
        public static readonly FlattenLayer Instance = new FlattenLayer();

        public override string Attribute => "Flatten";

        /// <summary>(C, spatial...) -> (C·spatial).</summary>
        protected override LayerShape? Infer(NoOptions options, LayerContext context)
            => context.Input is { } input ? new LayerShape(new EquatableArray<int>(new[] { (int)LayerShape.Size(input) })) : null;

        public override string Signature(LayerPlan layer) => "Flatten";

        public override string Export(LayerPlan layer, ExportIo io) => "onnx.Flatten(\"" + layer.Name + "\", " + io.Inputs[0] + ")";
    }
}
