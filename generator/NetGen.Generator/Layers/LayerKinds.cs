using System.Collections.Generic;
using System.Linq;
using NetGen.Generator.Model;

namespace NetGen.Generator.Layers
{
    /// <summary>The registry: every layer kind NetGen knows, once. A new kind is one file in this folder and one line here.</summary>
    internal static class LayerKinds
    {
        public static readonly IReadOnlyList<LayerKind> All = new LayerKind[]
        {
            DenseLayer.Instance,
            ActivationLayer.Instance,
            PReLULayer.Instance,
            ConvLayer.Instance,
            ConvTransposeLayer.Instance,
            MaxPoolLayer.Instance,
            AvgPoolLayer.Instance,
            GlobalAvgPoolLayer.Instance,
            GlobalMaxPoolLayer.Instance,
            PadLayer.Instance,
            UpsampleLayer.Instance,
            FlattenLayer.Instance,
            DropoutLayer.Instance,
            AlphaDropoutLayer.Instance,
            GaussianNoiseLayer.Instance,
            BatchNormLayer.Instance,
            LayerNormLayer.Instance,
            AddLayer.Instance,
            ConcatLayer.Instance,
            IdentityLayer.Instance,
        };

        private static readonly Dictionary<string, LayerKind> ByName = All.ToDictionary(k => k.Attribute);

        /// <summary>The kind of the attribute named <paramref name="attribute"/> (without the suffix), or null.</summary>
        public static LayerKind? ByAttribute(string attribute) => ByName.TryGetValue(attribute, out var kind) ? kind : null;
    }
}
