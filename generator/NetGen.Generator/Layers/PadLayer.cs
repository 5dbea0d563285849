using System.Collections.Generic;
using System.Linq;
using NetGen.Generator.Emission;
using NetGen.Generator.Model;
using NetGen.Generator.Parsing;
using static NetGen.Generator.Emission.Code;

namespace NetGen.Generator.Layers
{
    /// <summary>[Pad]'s arguments: p on every side (null: the pairs), F.pad's (before, after) pairs, last axis first, and the mode.</summary>
    internal sealed record PadOptions(int? P, EquatableArray<int> Pads, PadMode Mode) : LayerOptions;

    /// <summary>
    /// [Pad]: feature maps padded per spatial axis, as F.pad / nn.ZeroPad*d / nn.ReflectionPad*d / nn.ReplicationPad*d /
    /// nn.CircularPad*d; the gradient adds each padded value's delta to the value it copies.
    /// </summary>
    internal sealed class PadLayer : LayerKind<PadOptions>
    {
        public static readonly PadLayer Instance = new PadLayer();

        public override string Attribute => "Pad";

        protected override PadOptions Read(ArgumentReader arguments)
            => new PadOptions(arguments.Has(LayerArguments.Padding) ? arguments.Int(LayerArguments.Padding, 0) : (int?)null, arguments.Ints(LayerArguments.Pads), (PadMode)arguments.Int(LayerArguments.Mode, 0));

        /// <summary>The (before, after) of each spatial axis, first axis first, from the options (null where the pairs do not fit the input's axes).</summary>
        private static (int Before, int After)[]? Sides(PadOptions options, int axes)
        {
            if (options.P is { } p) return Enumerable.Repeat((p, p), axes).ToArray();
            if (options.Pads.Count % 2 != 0 || options.Pads.Count > 2 * axes) return null;
            var sides = new (int, int)[axes];
            for (int pair = 0; pair < options.Pads.Count / 2; pair++) sides[axes - 1 - pair] = (options.Pads[2 * pair], options.Pads[2 * pair + 1]);
            return sides;
        }

        protected override LayerShape? Infer(PadOptions options, LayerContext context)
        {
            string argument = options.P.HasValue ? LayerArguments.Padding : LayerArguments.Pads;
            if (!System.Enum.IsDefined(typeof(PadMode), options.Mode)) context.OutOfRange(LayerArguments.Mode, Problems.Str((int)options.Mode), "a member of NetGen.PadMode");
            if (options.P is < 0) context.OutOfRange(argument, Problems.Str(options.P.Value), "p >= 0");
            for (int i = 0; i < options.Pads.Count; i++)
            {
                if (options.Pads[i] < 0) context.OutOfRange(argument, Problems.Str(options.Pads[i]), "every padding >= 0", i);
            }

            if (context.Input is not { } input) return null;
            int axes = input.Count - 1;
            if (axes < 1)
            {
                context.Add(Problems.Make(DiagnosticIds.NoSpatialAxes, context.Index, null, -1, context.Layer.AttributeName, context.Number, Problems.Shape(input)));
                return null;
            }

            var sides = Sides(options, axes);
            if (sides is null)
            {
                context.OutOfRange(argument, Problems.Str(options.Pads.Count) + " values", "(before, after) pairs for at most the input's " + Problems.Str(axes) + " spatial axes: an even count up to " + Problems.Str(2 * axes));
                return null;
            }

            if (sides.Any(s => s.Before < 0 || s.After < 0) || !PaddingRules.CheckMode(context, options.Mode, argument, input, sides)) return null;
            return new LayerShape(new EquatableArray<int>(new[] { input[0] }.Concat(input.Skip(1).Select((n, a) => n + sides[a].Before + sides[a].After))));
        }

        public override string Signature(LayerPlan layer)
        {
            var options = Options(layer);
            string sizes = options.P is { } p ? Lit(p) : string.Join(", ", options.Pads.Select(v => Lit(v)));
            return "Pad(" + sizes + (options.Mode == PadMode.Zeros ? "" : ", Mode = PadMode." + options.Mode) + ")";
        }

        /// <summary>The layer's (before, after) per spatial axis.</summary>
        private static (int Before, int After)[] Sides(LayerPlan layer) => Sides(Options(layer), layer.InShape.Count - 1)!;

        public override string Export(LayerPlan layer, ExportIo io) => PaddingCode.Export(layer.Name, io.Inputs[0], Sides(layer), Options(layer).Mode);

        protected override void Compute(PassWriter w, LayerPlan layer, SampleIo io) => w.Line(Call(PaddingCode.Forward, Arguments(layer, io.Input, io.Output, "1")) + ";");

        protected override void ComputeBatch(PassWriter w, LayerPlan layer, LayerIo io) => w.Line(Call(PaddingCode.Forward, Arguments(layer, io.Inputs[0].Name, io.Output.Name, "batch")) + ";");

        protected override void GradientBatch(PassWriter w, LayerPlan layer, LayerIo io, bool derivative)
        {
            if (io.InputDeltas[0] is null) return;
            if (derivative) Derivative(w, layer, io);
            w.Line(Call(PaddingCode.Backward, Arguments(layer, io.Delta!.Name, io.InputDeltas[0]!.Name, "batch")) + ";");
        }

        /// <summary>A pad kernel's arguments for <paramref name="samples"/> samples of the layer's channels.</summary>
        private static string[] Arguments(LayerPlan layer, string from, string to, string samples)
            => PaddingCode.Arguments(from, to, (samples == "1" ? "" : samples + " * ") + Lit(layer.InShape[0]), layer.InShape.Skip(1), Sides(layer), Options(layer).Mode);
    }
}
