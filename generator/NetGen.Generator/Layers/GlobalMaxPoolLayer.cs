using NetGen.Generator.Emission;
using NetGen.Generator.Model;
using static NetGen.Generator.Emission.Code;

namespace NetGen.Generator.Layers
{
    /// <summary>[GlobalMaxPool]: the maximum of each channel plane, (C, spatial...) -> (C), as nn.AdaptiveMaxPool*d(1) + nn.Flatten(); the gradient goes to each plane's first maximum.</summary>
    internal sealed class GlobalMaxPoolLayer : GlobalPooling
    {
        public static readonly GlobalMaxPoolLayer Instance = new GlobalMaxPoolLayer();

        /// <summary>The runtime kernels of this kind.</summary>
        internal static class KernelNames
        {
            public const string Forward = "GlobalMaxPool";
            public const string Backward = "GlobalMaxPoolBackward";
            public const string Tangent = "GlobalMaxPoolTangent";
        }

        public override string Attribute => "GlobalMaxPool";

        protected override string OnnxOperator => "GlobalMaxPool";

        protected override void Pool(PassWriter w, LayerPlan layer, string input, string output)
            => w.Line(Call(KernelNames.Forward, input, output, "size: " + Lit(PlaneSize(layer))) + ";");

        /// <summary>Piecewise linear: R{s} is R{x} at each plane's maximum; the backward pass of R{delta} is the rest.</summary>
        public override SecondOrderRule SecondOrder(LayerPlan layer) => SecondOrderRule.Custom;

        /// <summary>Coefficients 0 or 1 (the maximum's).</summary>
        public override string? DiagonalGap(LayerPlan layer) => null;

        public override void TangentForward(PassWriter w, LayerPlan layer, LayerIo io)
            => w.Line(Call(KernelNames.Tangent, io.Inputs[0].Name, io.TangentInputs[0].Name, io.Output.Name, "size: " + Lit(PlaneSize(layer))) + ";");

        /// <summary>The maximum is found again in the input (kept for the backward pass as every layer's output is).</summary>
        protected override void PoolBackward(PassWriter w, LayerPlan layer, LayerIo io)
            => w.Line(Call(KernelNames.Backward, io.Inputs[0].Name, io.Delta!.Name, io.InputDeltas[0]!.Name, "size: " + Lit(PlaneSize(layer))) + ";");
    }
}
