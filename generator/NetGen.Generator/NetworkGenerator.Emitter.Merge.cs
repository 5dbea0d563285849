using System.Linq;
using NetGen.Generator.Model;

namespace NetGen.Generator
{
    public sealed partial class NetworkGenerator
    {
        internal static partial class Emitter
        {
            /// <summary>
            /// Shortcut connections (section 4.6.1, eq. 4.61): s = the elementwise sum of the inputs, a = f(s). Elementwise,
            /// so a batch is one pass over the whole blocks; every input receives dL/ds.
            /// </summary>
            private sealed class AddEmitter : LayerEmitter
            {
                public static readonly AddEmitter Instance = new AddEmitter();

                public override string Export(LayerPlan layer, ExportIo io) => "onnx.Add(\"" + layer.Name + "\", " + string.Join(", ", io.Inputs) + ")";

                public override string Signature(LayerPlan layer) => "Add(" + string.Join(", ", ((MergeOptions)layer.Spec.Options).Names.Select(n => "\"" + n + "\"")) + ActSuffix(layer) + ")";

                protected override void Compute(SourceWriter w, LayerPlan layer, SampleIo io) => Sum(w, io.Inputs, io.Output);

                protected override void ComputeBatch(SourceWriter w, LayerPlan layer, LayerIo io) => Sum(w, io.Inputs.Select(i => i.Name).ToList(), io.Output.Name);

                private static void Sum(SourceWriter w, System.Collections.Generic.IReadOnlyList<string> inputs, string output)
                {
                    w.Line(Kernels + ".Sum(" + inputs[0] + ", " + inputs[1] + ", " + output + ");");
                    for (int j = 2; j < inputs.Count; j++) w.Line(Kernels + ".Axpy(1f, " + inputs[j] + ", " + output + ");");
                }

                protected override void GradientBatch(SourceWriter w, LayerPlan layer, LayerIo io, bool derivative)
                {
                    if (derivative) Derivative(w, layer, io);
                    foreach (var dx in io.InputDeltas)
                    {
                        if (dx != null) w.Line(io.Delta + ".CopyTo(" + dx + ");");
                    }
                }
            }

            /// <summary>
            /// Concatenation of branches (as torch.cat along dim 1): each sample's output is its inputs' values one after the
            /// other (channels of equal-sized maps, or vectors end to end); each input's delta is its part of dL/ds.
            /// </summary>
            private sealed class ConcatEmitter : LayerEmitter
            {
                public static readonly ConcatEmitter Instance = new ConcatEmitter();

                public override string Export(LayerPlan layer, ExportIo io) => "onnx.Concat(\"" + layer.Name + "\", " + string.Join(", ", io.Inputs) + ")";

                public override string Signature(LayerPlan layer) => "Concat(" + string.Join(", ", ((MergeOptions)layer.Spec.Options).Names.Select(n => "\"" + n + "\"")) + ")";

                protected override void Compute(SourceWriter w, LayerPlan layer, SampleIo io)
                {
                    int offset = 0;
                    for (int j = 0; j < io.Inputs.Count; j++)
                    {
                        int size = layer.InputSizes[j];
                        w.Line(io.Inputs[j] + ".CopyTo(" + io.Output + ".Slice(" + Lit(offset) + ", " + Lit(size) + "));");
                        offset += size;
                    }
                }

                protected override void Gradient(SourceWriter w, LayerPlan layer, SampleIo io)
                {
                    int offset = 0;
                    for (int j = 0; j < io.InputDeltas.Count; j++)
                    {
                        int size = layer.InputSizes[j];
                        if (io.InputDeltas[j] != null) w.Line(io.Delta + ".Slice(" + Lit(offset) + ", " + Lit(size) + ").CopyTo(" + io.InputDeltas[j] + ");");
                        offset += size;
                    }
                }

                protected override void GradientBatch(SourceWriter w, LayerPlan layer, LayerIo io, bool derivative)
                {
                    if (io.InputDeltas.Any(d => d != null)) base.GradientBatch(w, layer, io, derivative);
                }
            }
        }
    }
}
