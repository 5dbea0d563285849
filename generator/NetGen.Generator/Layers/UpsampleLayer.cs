using System.Linq;
using NetGen.Generator.Emission;
using NetGen.Generator.Model;
using NetGen.Generator.Parsing;
using static NetGen.Generator.Emission.Code;

namespace NetGen.Generator.Layers
{
    /// <summary>[Upsample]'s arguments: the factor and the mode.</summary>
    internal sealed record UpsampleOptions(int Scale, UpsampleMode Mode) : LayerOptions;

    /// <summary>[Upsample]: every spatial axis grown by an integer factor, nearest or (bi/tri)linear (align_corners=False), as nn.Upsample.</summary>
    internal sealed class UpsampleLayer : LayerKind<UpsampleOptions>
    {
        public static readonly UpsampleLayer Instance = new UpsampleLayer();

        /// <summary>The runtime kernels of this kind.</summary>
        internal static class KernelNames
        {
            public const string Forward = "UpsampleForward";
            public const string Backward = "UpsampleBackward";
        }

        public override string Attribute => "Upsample";

        protected override UpsampleOptions Read(ArgumentReader arguments) => new UpsampleOptions(arguments.Int(LayerArguments.Scale, 0), (UpsampleMode)arguments.Int(LayerArguments.Mode, 0));

        protected override LayerShape? Infer(UpsampleOptions options, LayerContext context)
        {
            if (options.Scale < 1) context.OutOfRange(LayerArguments.Scale, Problems.Str(options.Scale), "scale >= 1");
            if (!System.Enum.IsDefined(typeof(UpsampleMode), options.Mode)) context.OutOfRange(LayerArguments.Mode, Problems.Str((int)options.Mode), "a member of NetGen.UpsampleMode");
            if (context.Input is not { } input || options.Scale < 1) return null;
            if (input.Count < 2)
            {
                context.Add(Problems.Make(DiagnosticIds.NoSpatialAxes, context.Index, null, -1, context.Layer.AttributeName, context.Number, Problems.Shape(input)));
                return null;
            }

            return new LayerShape(new EquatableArray<int>(new[] { input[0] }.Concat(input.Skip(1).Select(n => n * options.Scale))));
        }

        /// <summary>Nearest copies (coefficients 0 or 1) take part in LeCun's recursion; linear interpolation's weights do not yet.</summary>
        public override string? DiagonalGap(LayerPlan layer) => Options(layer).Mode == UpsampleMode.Linear ? "a linear Upsample's interpolation weights have no step in LeCun's recursion in this version" : null;

        public override string Signature(LayerPlan layer) => "Upsample(" + Lit(Options(layer).Scale) + (Options(layer).Mode == UpsampleMode.Linear ? ", Mode = UpsampleMode.Linear" : "") + ")";

        public override string Export(LayerPlan layer, ExportIo io)
            => "onnx.Resize(\"" + layer.Name + "\", " + io.Inputs[0] + ", scale: " + Lit(Options(layer).Scale) + ", spatialAxes: " + Lit(layer.InShape.Count - 1) + ", global::NetGen.UpsampleMode." + Options(layer).Mode + ")";

        protected override void Compute(PassWriter w, LayerPlan layer, SampleIo io) => w.Line(Call(KernelNames.Forward, Arguments(layer, io.Input, io.Output, "1")) + ";");

        protected override void ComputeBatch(PassWriter w, LayerPlan layer, LayerIo io) => w.Line(Call(KernelNames.Forward, Arguments(layer, io.Inputs[0].Name, io.Output.Name, "batch")) + ";");

        protected override void GradientBatch(PassWriter w, LayerPlan layer, LayerIo io, bool derivative)
        {
            if (io.InputDeltas[0] is null) return;
            if (derivative) Derivative(w, layer, io);
            w.Line(Call(KernelNames.Backward, Arguments(layer, io.Delta!.Name, io.InputDeltas[0]!.Name, "batch")) + ";");
        }

        /// <summary>The kernels' arguments: planes, the input's (depth, height, width) with absent axes 1, the factor per axis (1 where absent), the mode.</summary>
        private static string[] Arguments(LayerPlan layer, string from, string to, string samples)
        {
            var spatial = layer.InShape.Skip(1).ToList();
            int absent = 3 - spatial.Count, scale = Options(layer).Scale;
            var sizes = Enumerable.Repeat(1, absent).Concat(spatial);
            var scales = Enumerable.Repeat(1, absent).Concat(Enumerable.Repeat(scale, spatial.Count));
            return new[] { from, to, "planes: " + (samples == "1" ? "" : samples + " * ") + Lit(layer.InShape[0]) }.Concat(sizes.Select(v => Lit(v))).Concat(scales.Select(v => Lit(v)))
                .Concat(new[] { "global::NetGen.UpsampleMode." + Options(layer).Mode }).ToArray();
        }
    }
}
