using System.Linq;
using NetGen.Generator.Model;
using static NetGen.Generator.Emission.Code;

namespace NetGen.Generator.Emission
{
    /// <summary>
    /// LayerStatistics (fig. 10.1 and 10.7, the note after eq. 4.81): per layer the mean and standard deviation of its outputs,
    /// the norm of its deltas and of its weight's gradient, read from the storage of the last ComputeGradients or TrainStep.
    /// </summary>
    internal static partial class Emitter
    {
        private static void EmitLayerStatistics(SourceWriter w, Layout layout)
        {
            var plan = layout.Plan;
            w.Line("private int _statisticsBatch; // the batch of the last training pass whose storage is intact, or 0");
            w.Line();
            w.Line("/// <summary>Each live layer's name, its outputs' offset and size per sample, and its weight's offset and length in Parameters (0 for none).</summary>");
            w.Line("private static readonly (string Layer, int Offset, int Size, int WeightOffset, int WeightLength)[] s_statistics =");
            w.Open();
            foreach (var layer in plan.Layers.Where(l => l.Live))
            {
                w.Line("(\"" + layer.Name + "\", " + OffsetName(layer) + ", " + Lit(layer.OutSize) + ", " + Lit(layer.WeightCount > 0 ? layer.WeightOffset : 0) + ", " + Lit(layer.WeightCount) + "),");
            }

            w.Close(";");
            w.Line();
            w.Line("/// <summary>");
            w.Line("/// Per layer, in declaration order: the mean and standard deviation of its outputs over the last ComputeGradients or");
            w.Line("/// TrainStep batch, the norm of its deltas dL/ds and of its weight's gradient (before the optimizer's step): vanishing or");
            w.Line("/// exploding gradients at a glance (fig. 10.1, 10.7). An output whose loss takes the logits shows the probabilities.");
            w.Line("/// </summary>");
            w.Line("/// <exception cref=\"global::System.InvalidOperationException\">No training pass ran since the storage was last used by another pass.</exception>");
            w.Line("public global::System.Collections.Generic.IReadOnlyList<global::NetGen.LayerStatistics> LayerStatistics()");
            w.Open();
            w.Line("int batch = _statisticsBatch;");
            w.Line("if (batch == 0) throw new global::System.InvalidOperationException(\"" + plan.Spec.Type.Name + ".LayerStatistics reads the last ComputeGradients or TrainStep, and another pass has run since (or none yet).\");");
            w.Line("var statistics = new global::NetGen.LayerStatistics[s_statistics.Length];");
            w.Line("for (int i = 0; i < statistics.Length; i++)");
            w.Open();
            w.Line("var (layer, offset, size, weightOffset, weightLength) = s_statistics[i];");
            w.Line("statistics[i] = global::NetGen.LayerStatistics.Of(layer, new " + ReadOnlySpan + "(_activations, batch * offset, batch * size), new " + ReadOnlySpan + "(_deltas, batch * offset, batch * size), new " + ReadOnlySpan + "(_gradients, weightOffset, weightLength));");
            w.Close();
            w.Line("return statistics;");
            w.Close();
            w.Line();
        }
    }
}
