using NetGen.Generator.Emission;
using NetGen.Generator.Model;
using NetGen.Generator.Parsing;

namespace NetGen.Generator.Layers
{
    /// <summary>
    /// A kind whose function copies its input (s = x) before its activation: the values keep their order, so one copy
    /// serves a sample and a batch, and dL/dx = dL/ds.
    /// </summary>
    internal abstract class CopyLayer : LayerKind<NoOptions>
    {
        protected override NoOptions Read(ArgumentReader arguments) => NoOptions.Instance;

        protected override void Compute(PassWriter w, LayerPlan layer, SampleIo io)
        {
            w.Line(io.Input + ".CopyTo(" + io.Output + ");");
        }

        /// <summary>The samples are contiguous in both blocks: one copy.</summary>
        protected override void ComputeBatch(PassWriter w, LayerPlan layer, LayerIo io)
        {
            w.Line(io.Inputs[0] + ".CopyTo(" + io.Output + ");");
        }

        /// <summary>s = x, so dL/dx = dL/ds.</summary>
        protected override void GradientBatch(PassWriter w, LayerPlan layer, LayerIo io, bool derivative) => PassThroughGradient(w, layer, io, derivative);
    }
}
