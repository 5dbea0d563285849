using System;
using System.Collections.Generic;
using System.Linq;
using NetGen.Generator.Emission;
using NetGen.Generator.Model;
using NetGen.Generator.Parsing;
using static NetGen.Generator.Emission.Code;

namespace NetGen.Generator.Layers
{
    /// <summary>The arguments of a convolution and its transpose: filters, window and weight.</summary>
    internal sealed record ConvOptions(int Filters, WindowSpec Window, WeightSpec Weight, int Groups = 1, PadMode PadMode = PadMode.Zeros) : LayerOptions
    {
        public override WeightSpec? Weights => Weight;
    }

    /// <summary>
    /// What a convolution and its transpose share: the arguments, the window arithmetic of their role, the geometry of
    /// literals their kernels take, the scratch and the choice between im2col and direct loops (long contiguous rows
    /// unless the column matrix would exceed 4M floats).
    /// </summary>
    internal abstract class Convolution : LayerKind<ConvOptions>
    {
        /// <summary>The runtime kernels of the convolutions (a transposed convolution runs them with the roles swapped).</summary>
        internal static class KernelNames
        {
            public const string Forward = "ConvForward";
            public const string ForwardColumns = "ConvForwardColumns";
            public const string ForwardImplicit = "ConvForwardImplicit";
            public const string ImplicitBatch = "ConvImplicitBatch";
            public const string WeightGradient = "ConvWeightGradient";
            public const string WeightGradientColumns = "ConvWeightGradientColumns";
            public const string WeightGradientImplicit = "ConvWeightGradientImplicit";
            public const string BackwardInput = "ConvBackwardInput";
            public const string BackwardInputColumns = "ConvBackwardInputColumns";
            public const string ChannelBiasGradient = "ChannelBiasGradient";
            public const string AddChannelBias = "AddChannelBias";
        }

        private const long MaxColumns = 4L << 20;

        public override string? SizeArgument => LayerArguments.Filters;

        /// <summary>The role of the window: a convolution's or a transposed convolution's.</summary>
        protected abstract WindowRole Role { get; }

        /// <summary>Whether the geometry is that of the convolution from this layer's output back to its input.</summary>
        protected bool Transposed => Role == WindowRole.Transposed;

        protected override ConvOptions Read(ArgumentReader arguments)
            => new ConvOptions(arguments.Int(LayerArguments.Filters, 0), arguments.Window(strideIsWindow: false), arguments.Weight(), arguments.Int(LayerArguments.Groups, 1),
                (PadMode)arguments.Int(LayerArguments.ModeOfPadding, 0));

        /// <summary>The layer's groups (1: an ordinary convolution).</summary>
        protected static int Groups(LayerPlan layer) => Options(layer).Groups;

        /// <summary>
        /// Whether the layer pads its input itself, reflected, replicated or wrapped (PaddingMode other than Zeros, as
        /// nn.Conv*d(padding_mode)): it pads each sample into scratch and convolves that without padding, by direct loops.
        /// </summary>
        protected static bool PadsItself(LayerPlan layer) => Options(layer).PadMode != PadMode.Zeros;

        /// <summary>The input as a self-padding layer convolves it: each spatial axis grown by 2p.</summary>
        private static IEnumerable<int> PaddedInput(LayerPlan layer) => layer.InShape.Skip(1).Select((n, a) => n + 2 * layer.Window!.Padding[a]);

        /// <summary>The padded input's values per sample (the scratch holds it, and its delta after it).</summary>
        protected static int PaddedLength(LayerPlan layer) => layer.InShape[0] * PaddedInput(layer).Aggregate(1, (p, d) => p * d);

        /// <summary>The pad kernels' arguments for one sample of a self-padding layer.</summary>
        protected static string[] PaddingArguments(LayerPlan layer, string from, string to)
            => PaddingCode.Arguments(from, to, Lit(layer.InShape[0]), layer.InShape.Skip(1), Sides(layer), Options(layer).PadMode);

        /// <summary>The padding on both sides of each spatial axis.</summary>
        protected static (int Before, int After)[] Sides(LayerPlan layer) => layer.Window!.Padding.Select(p => (p, p)).ToArray();

        /// <summary>
        /// The window's output (appendix E); weight [F, C, k...] (transposed [C, F, k...]) with PyTorch's fans: from weight
        /// dims 1 and 0 times the kernel.
        /// </summary>
        protected override LayerShape? Infer(ConvOptions options, LayerContext context)
        {
            if (context.Input is null) return null;
            var shape = WindowArithmetic.Infer(context, Role, options.Window, options.Filters, out var window, zeroPadding: options.PadMode == PadMode.Zeros);
            if (shape is null) return null;
            int channels = context.Input.Value[0], groups = options.Groups;
            if (groups < 1 || channels % groups != 0 || options.Filters % groups != 0)
            {
                context.OutOfRange(LayerArguments.Groups, Problems.Str(groups), "Groups >= 1 dividing both the " + Problems.Str(channels) + " input channels and the " + Problems.Str(options.Filters) + " filters");
                return null;
            }

            if (options.PadMode != PadMode.Zeros)
            {
                if (!System.Enum.IsDefined(typeof(PadMode), options.PadMode))
                {
                    context.OutOfRange(LayerArguments.ModeOfPadding, Problems.Str((int)options.PadMode), "a member of NetGen.PadMode");
                    return null;
                }

                if (!PaddingRules.CheckMode(context, options.PadMode, LayerArguments.ModeOfPadding, context.Input.Value, window!.Padding.Select(p => (p, p)).ToList())) return null;
            }

            long taps = 1;
            foreach (int k in window!.Kernel) taps *= k;
            int rows = Transposed ? channels : options.Filters, columns = (Transposed ? options.Filters : channels) / groups;
            shape.WeightShape = new[] { rows, columns }.Concat(window.Kernel).ToArray();
            return WeightRules.Weighted(context, options.Weight, shape, (long)rows * columns * taps, options.Filters, columns * taps, rows * taps, rows);
        }

        /// <summary>Whether the convolution runs as im2col + matrix products (a grouped one runs direct loops per group).</summary>
        protected bool UsesColumns(LayerPlan layer) => Groups(layer) == 1 && !PadsItself(layer) && ColumnsLength(layer) <= MaxColumns;

        /// <summary>Stride 1: the shifted-rows scratch (no im2col anywhere); otherwise the im2col matrix where it is small enough.</summary>
        public override long Columns(LayerPlan layer) => PadsItself(layer) ? 2L * PaddedLength(layer) : Implicit(layer) ? ImplicitLength(layer) : UsesColumns(layer) ? ColumnsLength(layer) : 0;

        /// <summary>
        /// Whether the forward pass runs as one matrix product over shifted rows of the padded input (every stride 1): no
        /// im2col copy. The runtime's Kernels.ImplicitConvScratchLength computes the same scratch and checks it.
        /// </summary>
        protected virtual bool Implicit(LayerPlan layer) => Groups(layer) == 1 && !PadsItself(layer) && layer.Window!.Stride.All(s => s == 1);

        /// <summary>The stride-1 scratch (<see cref="ConvScratch.ImplicitLength"/>, the runtime's formula).</summary>
        private static long ImplicitLength(LayerPlan layer)
        {
            var (input, padding, kernel, dilation, output) = Axes(layer);
            return ConvScratch.ImplicitLength(layer.InShape[0], layer.OutShape[0], input, padding, kernel, dilation, output);
        }

        /// <summary>Whether the runtime runs the layer's batches in blocks of 16 samples side by side (<see cref="ConvScratch.UsesBlocks"/>).</summary>
        private bool Blocked(LayerPlan layer)
        {
            if (Transposed || !Implicit(layer)) return false;
            var (input, padding, kernel, _, output) = Axes(layer);
            return ConvScratch.UsesBlocks(layer.InShape[0], layer.OutShape[0], input, padding, kernel, (1, 1, 1), output);
        }

        /// <summary>How far a sample's kept outputs span on the padded input's grid (the last one's index plus 1).</summary>
        private static long Extended(LayerPlan layer)
        {
            var (input, padding, kernel, dilation, output) = Axes(layer);
            ConvScratch.ImplicitLayout(layer.InShape[0], input, padding, kernel, dilation, output, out _, out long extended, out _);
            return extended;
        }

        /// <summary>The layer's window per axis as (depth, height, width), absent leading axes filled as the runtime's geometry fills them.</summary>
        private static ((long, long, long) Input, (long, long, long) Padding, (long, long, long) Kernel, (long, long, long) Dilation, (long, long, long) Output) Axes(LayerPlan layer)
        {
            var win = layer.Window!;
            (long, long, long) Three(System.Collections.Generic.IEnumerable<int> sizes, int fill)
            {
                var (d, h, w) = Axes3(sizes, fill);
                return (d, h, w);
            }

            return (Three(layer.InShape.Skip(1), 1), Three(win.Padding, 0), Three(win.Kernel, 1), Three(win.Dilation, 1), Three(layer.OutShape.Skip(1), 1));
        }

        /// <summary>Taps times output positions of the convolution geometry (for a transposed layer, of the convolution it transposes).</summary>
        private long ColumnsLength(LayerPlan layer)
        {
            var from = Transposed ? layer.OutShape : layer.InShape;
            long taps = from[0], positions = Positions(layer);
            foreach (int k in layer.Window!.Kernel) taps *= k;
            return taps * positions;
        }

        private long Positions(LayerPlan layer)
        {
            var to = Transposed ? layer.InShape : layer.OutShape;
            long positions = 1;
            for (int a = 1; a < to.Count; a++) positions *= to[a];
            return positions;
        }

        public override string Signature(LayerPlan layer) => WindowSignature(layer, Lit(Options(layer).Filters) + ", k: ", 1) + ActSuffix(layer) + BiasSuffix(layer) + (Groups(layer) > 1 ? ", Groups = " + Lit(Groups(layer)) : "")
            + (PadsItself(layer) ? ", PaddingMode = PadMode." + Options(layer).PadMode : "") + ")";

        /// <summary>Stride 1: the shifted-rows product; otherwise "im2col, 25x784 columns" or "direct loops".</summary>
        public override string ForwardStrategy(LayerPlan layer)
        {
            if (Implicit(layer))
            {
                return ", one matrix product over shifted rows of the padded input (no im2col)" + (Blocked(layer) ? ", in batches 16 samples side by side" : "")
                    + (FusesAct(layer) ? ", ReLU in its copy-out" : "");
            }

            if (PadsItself(layer)) return ", the input padded (" + Options(layer).PadMode + ") into scratch, then " + (Groups(layer) > 1 ? Lit(Groups(layer)) + " groups of direct loops" : "direct loops");
            if (Groups(layer) > 1) return ", " + Lit(Groups(layer)) + " groups of " + Lit(layer.InShape[0] / Groups(layer)) + (layer.InShape[0] == Groups(layer) ? " channel (depthwise)" : " channels") + ", direct loops per group";
            if (!UsesColumns(layer)) return ", direct loops";
            long positions = Positions(layer);
            return ", im2col, " + Lit((int)(ColumnsLength(layer) / positions)) + "x" + Lit((int)positions) + " columns";
        }

        /// <summary>Stride 1: how the weight gradient sums over the batch; otherwise as the forward pass.</summary>
        public override string BackwardStrategy(LayerPlan layer)
        {
            if (!Implicit(layer)) return ForwardStrategy(layer);
            string weights = Extended(layer) >= KernelChoices.LaneSumMinimumRow ? "16-lane dot products over the batch" : Blocked(layer) ? "one product per output row of 16 samples" : "one product per sample";
            return ", shifted rows of the padded input" + (Blocked(layer) ? ", 16 samples side by side" : "") + ", weight gradient: " + weights;
        }

        /// <summary>Linear in the weight and bias, affine in the input.</summary>
        public override SecondOrderRule SecondOrder(LayerPlan layer) => SecondOrderRule.Bilinear;

        protected string Suffix(LayerPlan layer) => UsesColumns(layer) ? "Columns" : "";

        /// <summary>The kernel <paramref name="name"/>, its im2col variant where the layer uses columns.</summary>
        protected string Kernel(LayerPlan layer, string name) => name + Suffix(layer);

        protected string Scratch(PassWriter w, LayerPlan layer) => UsesColumns(layer) ? ", " + w.Columns : "";


        /// <summary>"plane: 784": the values per channel, for the bias kernels.</summary>
        protected static string PerChannel(LayerPlan layer) => "plane: " + Lit(layer.OutSize / layer.OutShape[0]);

        public override void Fields(SourceWriter w, LayerPlan layer)
        {
            var win = layer.Window!;
            var from = Transposed ? layer.OutShape : layer.InShape;
            var to = Transposed ? layer.InShape : layer.OutShape;
            int groups = Groups(layer); // a grouped convolution's shape is one group's: C / groups channels to F / groups filters
            bool pads = PadsItself(layer); // a self-padding convolution's shape is that of its padded input, without padding
            var input = pads ? new[] { from[0] }.Concat(PaddedInput(layer)).ToArray() : from.ToArray();
            ShapeStruct(w, layer, "IConvShape", new IEnumerable<(string, int)>[]
            {
                new (string, int)[] { ("C", from[0] / groups), ("F", to[0] / groups) },
                AxisMembers("I", input.Skip(1), 1), AxisMembers("O", to.Skip(1), 1), AxisMembers("K", win.Kernel, 1), AxisMembers("S", win.Stride, 1), AxisMembers("P", pads ? win.Padding.Select(_ => 0) : win.Padding, 0), AxisMembers("D", win.Dilation, 1),
                new (string, int)[] { ("InputLength", input.Aggregate(1, (a, b) => a * b) / groups), ("OutputLength", to.Aggregate(1, (a, b) => a * b) / groups) },
            });
        }

    }

    /// <summary>
    /// [Conv]: convolutions (eq. 6.6, backward 6.8-6.11), 1-D to 3-D, with the shape as a static readonly geometry of
    /// literals; stride 1 runs as one matrix product over shifted rows of the padded input.
    /// </summary>
    internal sealed class ConvLayer : Convolution
    {
        public static readonly ConvLayer Instance = new ConvLayer();

        public override string Attribute => "Conv";

        protected override WindowRole Role => WindowRole.Convolution;

        /// <summary>A self-padding layer exports as a Pad node of its mode, then the convolution without padding.</summary>
        public override string Export(LayerPlan layer, ExportIo io)
        {
            string input = PadsItself(layer) ? PaddingCode.Export(layer.Name + "/input", io.Inputs[0], Sides(layer), Options(layer).PadMode) : io.Inputs[0];
            return "onnx.Conv(\"" + layer.Name + "\", " + input + ", weight: " + io.Weight(layer) + ", bias: " + io.Bias(layer) + WindowAttributes(layer, dilations: true, padded: !PadsItself(layer))
                + (Groups(layer) > 1 ? ", group: " + Lit(Groups(layer)) : "") + ")";
        }

        /// <summary>
        /// A grouped convolution's slices for group "group": its weight rows, biases, input channels and output channels
        /// (each contiguous in PyTorch's layouts), for one call of the direct kernel per group.
        /// </summary>
        private static (string Weight, string Bias, string Input, string Output) GroupSlices(PassWriter w, LayerPlan layer, string weight, string bias, string input, string output)
        {
            int groups = Groups(layer), weights = layer.WeightCount / groups, filters = layer.OutShape[0] / groups;
            int inputs = (PadsItself(layer) ? PaddedLength(layer) : layer.InSize) / groups, outputs = layer.OutSize / groups; // a self-padding layer's groups slice the padded input
            string Part(string span, int length) => span + ".Slice(group * " + Lit(length) + ", " + Lit(length) + ")";
            return (Part(weight, weights), layer.BiasCount > 0 ? Part(bias, filters) : bias, Part(input, inputs), Part(output, outputs));
        }

        protected override void Compute(PassWriter w, LayerPlan layer, SampleIo io)
        {
            string source = io.Input;
            if (PadsItself(layer))
            {
                source = w.Columns + ".Slice(0, " + Lit(PaddedLength(layer)) + ")";
                w.Line(Call(PaddingCode.Forward, PaddingArguments(layer, io.Input, source)) + "; // " + Options(layer).PadMode + " padding");
            }

            if (Groups(layer) > 1)
            {
                var (weight, bias, input, output) = GroupSlices(w, layer, w.Weight(layer), w.Bias(layer), source, io.Output);
                w.Line("for (int group = 0; group < " + Lit(Groups(layer)) + "; group++) " + Call(KernelNames.Forward, ShapeArgument(layer), weight, bias, input, output) + ";");
                return;
            }

            if (Implicit(layer))
            {
                w.Line(Call(KernelNames.ForwardImplicit, Fused(layer, ShapeArgument(layer), w.Weight(layer), w.Bias(layer), io.Input, io.Output, w.Columns)) + ";");
                return;
            }

            w.Line(Kernels + "." + Kernel(layer, KernelNames.Forward) + "(" + ShapeArgument(layer) + ", " + w.Weight(layer) + ", " + w.Bias(layer) + ", " + source + ", " + io.Output + Scratch(w, layer) + ");");
        }

        /// <summary>
        /// Stride 1: the weight gradient of the whole batch as one kernel (shifted input rows, summed in fixed chunks of
        /// samples), the bias gradient sample by sample, and the input deltas as one batch call.
        /// </summary>
        protected override void GradientBatch(PassWriter w, LayerPlan layer, LayerIo io, bool derivative)
        {
            if (!Implicit(layer))
            {
                base.GradientBatch(w, layer, io, derivative);
                return;
            }

            if (derivative) Derivative(w, layer, io);
            w.Line(Call(KernelNames.WeightGradientImplicit, ShapeArgument(layer), io.Inputs[0].Name, io.Delta!.Name, w.WeightGradient(layer), "batch", w.Columns) + ";");
            if (layer.BiasCount > 0) w.Line("for (int n = 0; n < batch; n++) " + Call(KernelNames.ChannelBiasGradient, io.Delta.Sample("n"), w.BiasGradient(layer), PerChannel(layer)) + ";");
            var dx = io.InputDeltas[0];
            if (dx != null) w.Line(Call(KernelNames.ImplicitBatch, ShapeArgument(layer), "inputGradient: true", w.Weight(layer), "default(" + ReadOnlySpan + ")", io.Delta.Name, dx.Name, "batch", w.Columns) + ";");
        }

        /// <summary>Stride 1: the batch's samples through the shifted-rows product (split across threads when enabled).</summary>
        protected override void ComputeBatch(PassWriter w, LayerPlan layer, LayerIo io)
        {
            if (!Implicit(layer))
            {
                base.ComputeBatch(w, layer, io);
                return;
            }

            var arguments = new[] { ShapeArgument(layer), "inputGradient: false", w.Weight(layer), w.Bias(layer), io.Inputs[0].Name, io.Output.Name, "batch", w.Columns };
            w.Line(Call(KernelNames.ImplicitBatch, io.Tangent ? arguments : Fused(layer, arguments)) + ";");
        }

        /// <summary>Stride 1 with ReLU: the shifted-rows forward applies it as it copies each kept row out (no sweep of its own).</summary>
        protected override bool FusesAct(LayerPlan layer) => Implicit(layer) && layer.Spec.Act == Act.ReLU && !layer.FusedLoss;

        /// <summary>A forward kernel's arguments, with "relu: true" last where the kernel applies the activation.</summary>
        private string[] Fused(LayerPlan layer, params string[] arguments) => FusesAct(layer) ? arguments.Concat(new[] { "relu: true" }).ToArray() : arguments;

        protected override void Gradient(PassWriter w, LayerPlan layer, SampleIo io)
        {
            if (Groups(layer) > 1 || PadsItself(layer))
            {
                // a self-padding layer: the sample's padded input again, its delta in the scratch's second half, then unpadded
                string source = io.Input, sourceDelta = io.InputDelta ?? "";
                if (PadsItself(layer))
                {
                    int length = PaddedLength(layer);
                    source = w.Columns + ".Slice(0, " + Lit(length) + ")";
                    sourceDelta = io.InputDelta is null ? "" : w.Columns + ".Slice(" + Lit(length) + ", " + Lit(length) + ")";
                    w.Line(Call(PaddingCode.Forward, PaddingArguments(layer, io.Input, source)) + "; // " + Options(layer).PadMode + " padding");
                }

                int groups = Groups(layer);
                var (weight, _, input, output) = GroupSlices(w, layer, w.Weight(layer), w.Bias(layer), source, io.Delta!);
                var (weightGradient, _, _, _) = GroupSlices(w, layer, w.WeightGradient(layer), "", source, io.Delta!);
                string inputDelta = io.InputDelta is null ? "" : GroupSlices(w, layer, "", "", sourceDelta, "").Input;
                if (groups == 1)
                {
                    (weight, input, output, weightGradient, inputDelta) = (w.Weight(layer), source, io.Delta!, w.WeightGradient(layer), sourceDelta);
                }
                else
                {
                    w.Line("for (int group = 0; group < " + Lit(groups) + "; group++)");
                    w.Open();
                }

                w.Line(Call(KernelNames.WeightGradient, ShapeArgument(layer), input, output, weightGradient) + ";");
                if (io.InputDelta != null) w.Line(Call(KernelNames.BackwardInput, ShapeArgument(layer), weight, output, inputDelta) + ";");
                if (groups > 1) w.Close();
                if (layer.BiasCount > 0) w.Line(Call(KernelNames.ChannelBiasGradient, io.Delta!, w.BiasGradient(layer), PerChannel(layer)) + ";");
                if (PadsItself(layer) && io.InputDelta != null) w.Line(Call(PaddingCode.Backward, PaddingArguments(layer, sourceDelta, io.InputDelta)) + ";");
                return;
            }

            w.Line(Kernels + "." + Kernel(layer, KernelNames.WeightGradient) + "(" + ShapeArgument(layer) + ", " + io.Input + ", " + io.Delta + ", " + w.WeightGradient(layer) + Scratch(w, layer) + ");");
            if (layer.BiasCount > 0) w.Line(Call(KernelNames.ChannelBiasGradient, io.Delta!, w.BiasGradient(layer), PerChannel(layer)) + ";");
            if (io.InputDelta != null) w.Line(Kernels + "." + Kernel(layer, KernelNames.BackwardInput) + "(" + ShapeArgument(layer) + ", " + w.Weight(layer) + ", " + io.Delta + ", " + io.InputDelta + Scratch(w, layer) + ");");
        }
    }
}
