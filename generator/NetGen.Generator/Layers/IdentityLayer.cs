using NetGen.Generator.Emission;
using NetGen.Generator.Model;

namespace NetGen.Generator.Layers
{
    /// <summary>[Identity]: y = x, as nn.Identity; its values are a copy of its input's, and dL/dx = dL/dy.</summary>
    internal sealed class IdentityLayer : CopyLayer
    {
        public static readonly IdentityLayer Instance = new IdentityLayer();

        public override string Attribute => "Identity";

        /// <summary>The input's shape.</summary>
        protected override LayerShape? Infer(NoOptions options, LayerContext context) => context.Input is { } input ? LayerShape.Same(input) : null;

        public override string Signature(LayerPlan layer) => "Identity";

        /// <summary>No node: the layer's value is its input's.</summary>
        public override string Export(LayerPlan layer, ExportIo io) => io.Inputs[0];
    }
}
