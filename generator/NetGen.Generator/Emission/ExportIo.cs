using System.Collections.Generic;
using System.Linq;
using NetGen.Generator.Model;
using static NetGen.Generator.Emission.Code;

namespace NetGen.Generator.Emission
{
    /// <summary>What a layer's export reads: its inputs' values, and its tensors as initializers.</summary>
    internal sealed class ExportIo
    {
        private readonly Dictionary<string, int> _index;

        public ExportIo(IReadOnlyList<string> inputs, Dictionary<string, int> index)
        {
            Inputs = inputs;
            _index = index;
        }

        /// <summary>The values (C# expressions) of the layers this one reads.</summary>
        public IReadOnlyList<string> Inputs { get; }

        /// <summary>The layer's tensor whose name ends in <paramref name="suffix"/> (".weight") as an initializer.</summary>
        public string Initializer(LayerPlan layer, string suffix) => "onnx.Initializer(" + Tensor(layer, suffix) + ")";

        /// <summary>The weight the layer computes with in inference: weight normalization's g v / ||v||, else the weight.</summary>
        public string Weight(LayerPlan layer) => layer.NormCount > 0
            ? "onnx.NormalizedWeight(\"" + layer.Name + "\", " + Tensor(layer, ".weight_g") + ", " + Tensor(layer, ".weight_v") + ")"
            : Initializer(layer, ".weight");

        /// <summary>The bias as an initializer, or null.</summary>
        public string Bias(LayerPlan layer) => layer.BiasCount > 0 ? Initializer(layer, ".bias") : "null";

        private string Tensor(LayerPlan layer, string suffix) => "s_tensors[" + Lit(_index[layer.Tensors.Single(t => t.Name.EndsWith(suffix, System.StringComparison.Ordinal)).Name]) + "]";
    }
}
