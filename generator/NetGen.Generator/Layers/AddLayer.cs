using System.Collections.Generic;
using System.Linq;
using NetGen.Generator.Emission;
using NetGen.Generator.Model;
using static NetGen.Generator.Emission.Code;

namespace NetGen.Generator.Layers
{
    /// <summary>
    /// [Add]: shortcut connections (section 4.6.1, eq. 4.61): s = the elementwise sum of the inputs, a = f(s), all of equal
    /// shape (NG0019). Elementwise, so a batch is one pass over the whole blocks; every input receives dL/ds.
    /// </summary>
    internal sealed class AddLayer : Merge
    {
        public static readonly AddLayer Instance = new AddLayer();

        /// <summary>The runtime kernels of this kind.</summary>
        internal static class KernelNames
        {
            public const string Sum = "Sum";
        }

        public override string Attribute => "Add";

        protected override string MismatchId => DiagnosticIds.AddShapesDiffer;

        protected override bool Fits(EquatableArray<int> first, EquatableArray<int> other) => other.Equals(first);

        protected override EquatableArray<int> Output(IReadOnlyList<EquatableArray<int>> inputs) => inputs[0];

        public override string Export(LayerPlan layer, ExportIo io) => "onnx.Add(\"" + layer.Name + "\", " + string.Join(", ", io.Inputs) + ")";

        public override string Signature(LayerPlan layer) => "Add(" + string.Join(", ", Options(layer).Names.Select(n => "\"" + n + "\"")) + ActSuffix(layer) + ")";

        protected override void Compute(PassWriter w, LayerPlan layer, SampleIo io) => Sum(w, io.Inputs, io.Output);

        protected override void ComputeBatch(PassWriter w, LayerPlan layer, LayerIo io) => Sum(w, io.Inputs.Select(i => i.Name).ToList(), io.Output.Name);

        private static void Sum(PassWriter w, IReadOnlyList<string> inputs, string output)
        {
            w.Line(Call(KernelNames.Sum, inputs[0], inputs[1], output) + ";");
            for (int j = 2; j < inputs.Count; j++) w.Line(Call(Emission.KernelNames.Axpy, "1f", inputs[j], output) + ";");
        }

        protected override void GradientBatch(PassWriter w, LayerPlan layer, LayerIo io, bool derivative)
        {
            if (derivative) Derivative(w, layer, io);
            foreach (var dx in io.InputDeltas)
            {
                if (dx != null) w.Line(io.Delta + ".CopyTo(" + dx + ");");
            }
        }
    }
}
