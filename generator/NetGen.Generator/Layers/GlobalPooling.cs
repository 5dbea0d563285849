using System.Linq;
using NetGen.Generator.Emission;
using NetGen.Generator.Model;
using NetGen.Generator.Parsing;
using static NetGen.Generator.Emission.Code;

namespace NetGen.Generator.Layers
{
    /// <summary>
    /// What the global pooling kinds share: (C, spatial...) -> (C), one value per channel plane, as PyTorch's
    /// nn.AdaptiveAvgPool*d(1) / nn.AdaptiveMaxPool*d(1) followed by nn.Flatten() (two modules of an nn.Sequential).
    /// </summary>
    internal abstract class GlobalPooling : LayerKind<NoOptions>
    {
        protected override NoOptions Read(ArgumentReader arguments) => NoOptions.Instance;

        protected override LayerShape? Infer(NoOptions options, LayerContext context)
        {
            if (context.Input is not { } input) return null;
            if (input.Count < 2)
            {
                context.Add(Problems.Make(DiagnosticIds.NoSpatialAxes, context.Index, null, -1, context.Layer.AttributeName, context.Number, Problems.Shape(input)));
                return null;
            }

            return new LayerShape(new EquatableArray<int>(new[] { input[0] }));
        }

        /// <summary>The pool and the flatten after it.</summary>
        public override int Modules => 2;

        public override string Signature(LayerPlan layer) => Attribute;

        /// <summary>The values per channel plane.</summary>
        protected static int PlaneSize(LayerPlan layer) => layer.InShape.Skip(1).Aggregate(1, (p, d) => p * d);

        /// <summary>The ONNX operator (GlobalAveragePool, GlobalMaxPool), then a Flatten to (N, C).</summary>
        protected abstract string OnnxOperator { get; }

        public override string Export(LayerPlan layer, ExportIo io) => "onnx.GlobalPool(\"" + layer.Name + "\", " + io.Inputs[0] + ", \"" + OnnxOperator + "\")";

        /// <summary>The planes of every sample are contiguous: one call serves a sample and a batch.</summary>
        protected override void Compute(PassWriter w, LayerPlan layer, SampleIo io) => Pool(w, layer, io.Input, io.Output);

        protected override void ComputeBatch(PassWriter w, LayerPlan layer, LayerIo io) => Pool(w, layer, io.Inputs[0].Name, io.Output.Name);

        protected abstract void Pool(PassWriter w, LayerPlan layer, string input, string output);

        /// <summary>No parameters: the activation's derivative, then the input's delta where a layer below needs it.</summary>
        protected override void GradientBatch(PassWriter w, LayerPlan layer, LayerIo io, bool derivative)
        {
            if (io.InputDeltas[0] is null) return;
            if (derivative) Derivative(w, layer, io);
            PoolBackward(w, layer, io);
        }

        protected abstract void PoolBackward(PassWriter w, LayerPlan layer, LayerIo io);
    }
}
