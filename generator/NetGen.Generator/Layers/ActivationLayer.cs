using NetGen.Generator.Emission;
using NetGen.Generator.Model;

namespace NetGen.Generator.Layers
{
    /// <summary>[Activation]: an activation on its own (appendix A): s = x, then a = f(s), as PyTorch's activation modules.</summary>
    internal sealed class ActivationLayer : CopyLayer
    {
        public static readonly ActivationLayer Instance = new ActivationLayer();

        public override string Attribute => "Activation";

        /// <summary>The layer is the activation module itself.</summary>
        public override bool ActIsOwnModule => false;

        protected override LayerShape? Infer(NoOptions options, LayerContext context) => context.Input is { } input ? LayerShape.Same(input) : null;

        public override string Signature(LayerPlan layer) => "Activation(" + layer.Spec.Act + ")";

        /// <summary>The activation itself is added after every layer's export: nothing before it.</summary>
        public override string Export(LayerPlan layer, ExportIo io) => io.Inputs[0];
    }
}
