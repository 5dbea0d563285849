using NetGen.Generator.Emission;
using NetGen.Generator.Model;

namespace NetGen.Generator.Layers
{
    /// <summary>What the normalization kinds share: gamma = 1 and beta = 0 at the start, as PyTorch's normalization layers.</summary>
    internal abstract class Normalization<TOptions> : LayerKind<TOptions>
        where TOptions : LayerOptions
    {
        /// <summary>gamma = 1 and beta = 0.</summary>
        public override void Initialize(PassWriter w, LayerPlan layer)
        {
            w.Line(w.RawWeight(layer) + ".Fill(1f); // gamma");
            w.Line(w.Bias(layer) + ".Clear(); // beta");
        }

        /// <summary>The eps argument's range (NG0002).</summary>
        protected static void CheckEps(LayerContext context, double eps)
        {
            if (!(eps > 0)) context.OutOfRange(LayerArguments.Eps, Problems.Real(eps), LayerArguments.Eps + " > 0");
        }
    }
}
