using NetGen.Generator.Emission;
using NetGen.Generator.Model;
using static NetGen.Generator.Emission.Code;

namespace NetGen.Generator.Layers
{
    /// <summary>[GlobalAvgPool]: the mean of each channel plane, (C, spatial...) -> (C), as nn.AdaptiveAvgPool*d(1) + nn.Flatten().</summary>
    internal sealed class GlobalAvgPoolLayer : GlobalPooling
    {
        public static readonly GlobalAvgPoolLayer Instance = new GlobalAvgPoolLayer();

        /// <summary>The runtime kernels of this kind.</summary>
        internal static class KernelNames
        {
            public const string Forward = "GlobalAvgPool";
            public const string Backward = "GlobalAvgPoolBackward";
        }

        public override string Attribute => "GlobalAvgPool";

        protected override string OnnxOperator => "GlobalAveragePool";

        /// <summary>Each coefficient is 1 / (plane size).</summary>
        public override double DiagonalScale(LayerPlan layer) => 1.0 / PlaneSize(layer);

        protected override void Pool(PassWriter w, LayerPlan layer, string input, string output)
            => w.Line(Call(KernelNames.Forward, input, output, "size: " + Lit(PlaneSize(layer))) + ";");

        protected override void PoolBackward(PassWriter w, LayerPlan layer, LayerIo io)
            => w.Line(Call(KernelNames.Backward, io.Delta!.Name, io.InputDeltas[0]!.Name, "size: " + Lit(PlaneSize(layer))) + ";");
    }
}
