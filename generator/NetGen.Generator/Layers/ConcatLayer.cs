using System.Collections.Generic;
using System.Linq;
using NetGen.Generator.Emission;
using NetGen.Generator.Model;
using static NetGen.Generator.Emission.Code;

namespace NetGen.Generator.Layers
{
    /// <summary>
    /// [Concat]: concatenation of branches (as torch.cat along dim 1): each sample's output is its inputs' values one after
    /// the other (channels of equal-sized maps, NG0020, or vectors end to end); each input's delta is its part of dL/ds.
    /// </summary>
    internal sealed class ConcatLayer : Merge
    {
        public static readonly ConcatLayer Instance = new ConcatLayer();

        public override string Attribute => "Concat";

        protected override string MismatchId => DiagnosticIds.ConcatSizesDiffer;

        /// <summary>The same rank and the same sizes past the channels.</summary>
        protected override bool Fits(EquatableArray<int> first, EquatableArray<int> other) => other.Count == first.Count && other.Skip(1).SequenceEqual(first.Skip(1));

        /// <summary>The channels (a vector's values) add up.</summary>
        protected override EquatableArray<int> Output(IReadOnlyList<EquatableArray<int>> inputs)
        {
            var joined = inputs[0].ToArray();
            joined[0] = inputs.Sum(s => s[0]);
            return new EquatableArray<int>(joined);
        }

        public override string Export(LayerPlan layer, ExportIo io) => "onnx.Concat(\"" + layer.Name + "\", " + string.Join(", ", io.Inputs) + ")";

        public override string Signature(LayerPlan layer) => "Concat(" + string.Join(", ", Options(layer).Names.Select(n => "\"" + n + "\"")) + ")";

        protected override void Compute(PassWriter w, LayerPlan layer, SampleIo io)
        {
            int offset = 0;
            for (int j = 0; j < io.Inputs.Count; j++)
            {
                int size = layer.InputSizes[j];
                w.Line(io.Inputs[j] + ".CopyTo(" + io.Output + ".Slice(" + Lit(offset) + ", " + Lit(size) + "));");
                offset += size;
            }
        }

        protected override void Gradient(PassWriter w, LayerPlan layer, SampleIo io)
        {
            int offset = 0;
            for (int j = 0; j < io.InputDeltas.Count; j++)
            {
                int size = layer.InputSizes[j];
                if (io.InputDeltas[j] is { } dx) w.Line(io.Delta + ".Slice(" + Lit(offset) + ", " + Lit(size) + ").CopyTo(" + dx + ");");
                offset += size;
            }
        }

        protected override void GradientBatch(PassWriter w, LayerPlan layer, LayerIo io, bool derivative)
        {
            if (io.InputDeltas.Any(d => d != null)) base.GradientBatch(w, layer, io, derivative);
        }
    }
}
