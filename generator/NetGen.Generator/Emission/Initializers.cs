using NetGen.Generator.Model;
using static NetGen.Generator.Emission.Code;

namespace NetGen.Generator.Emission
{
    /// <summary>The generated Initialize(seed): each layer with parameters initialized by its kind, every layer from its own random stream.</summary>
    internal static class Initializers
    {
        public static void Emit(SourceWriter sink, NetworkPlan plan, bool stochastic)
        {
            sink.Line("/// <summary>Sets every parameter to its initial value for <paramref name=\"seed\"/>: weights by each layer's initializer (chapter 9), biases constant.</summary>");
            sink.Line("/// <param name=\"seed\">The seed; layer i draws from its own stream (seed, i), so changing one layer leaves the others' initial values alone.</param>");
            sink.Line("public void Initialize(int seed)");
            sink.Open();
            var w = new PassWriter(sink);
            var scope = w.Begin(w.Local("p", () => Span + " p = _parameters;"));
            foreach (var layer in plan.Layers)
            {
                if (layer.ParameterCount == 0) continue;
                w.Line("// " + Emitter.Describe(plan, layer));
                layer.Kind.Initialize(w, layer);
            }

            if (stochastic) w.Line("Randomness = new global::NetGen.Rng(seed, 0);");
            w.End(scope);
            sink.Close();
            sink.Line();
        }

        /// <summary>
        /// Writes a layer's weight initialization (chapter 9, from its fans; the scale only for the fixed-variance
        /// initializers, the gain only for the fan-based ones, where it is not 1) and its constant biases.
        /// </summary>
        public static void Weight(PassWriter w, LayerPlan layer)
        {
            var spec = layer.Spec.Weights!;
            string weight = w.RawWeight(layer);
            string scale = layer.Init <= Init.TruncatedNormal ? ", scale: " + Lit(spec.InitScale) : "";
            string gain = layer.Init > Init.TruncatedNormal && spec.Gain != LayerDefaults.Gain ? ", gain: " + Lit(spec.Gain) : "";
            w.Line("global::NetGen.Initializers.Initialize(" + weight + ", init: global::NetGen.Init." + layer.Init + ", fanIn: " + Lit(layer.FanIn) + ", fanOut: " + Lit(layer.FanOut)
                + scale + gain + ", rng: new global::NetGen.Rng(seed, " + Lit(layer.Index + 1) + "));");
            if (layer.NormCount > 0)
            {
                w.Line(Call(KernelNames.RowNorms, weight, NormSlice(layer, w.Use("p")), "rows: " + Lit(layer.NormCount)) + "; // weight normalization: g = ||v||, so w = v at first");
            }

            if (layer.BiasCount > 0)
            {
                string bias = BiasSlice(layer, w.Use("p"));
                w.Line(spec.BiasInit == 0 ? bias + ".Clear();" : bias + ".Fill(" + Lit(spec.BiasInit) + "f);");
            }
        }
    }
}
