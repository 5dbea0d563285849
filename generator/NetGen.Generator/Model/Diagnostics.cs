using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace NetGen.Generator.Model
{
    /// <summary>The IDs of NetGen's diagnostics. The descriptors (titles, messages, severities) live in the analyzers' DiagnosticDescriptors.cs.</summary>
    internal static class DiagnosticIds
    {
        /// <summary>A layer's output size is not positive (issue: convolution arithmetic).</summary>
        public const string OutputSizeNotPositive = "NG0001";

        /// <summary>A layer argument is out of its range (Dense(0), an undefined activation, ...).</summary>
        public const string ArgumentOutOfRange = "NG0002";

        /// <summary>Real input rows or columns past the last window are never read while the windows touch or overlap (warning).</summary>
        public const string StrideLeavesInputUnused = "NG0003";

        /// <summary>The network class, or a type containing it, is not partial.</summary>
        public const string NotPartial = "NG0004";

        /// <summary>The input shape is missing or invalid.</summary>
        public const string InvalidInputShape = "NG0005";

        /// <summary>Layer attributes are spread over several partial declarations.</summary>
        public const string LayersSplitAcrossDeclarations = "NG0006";

        /// <summary>The loss does not fit the output activation (table 4.1).</summary>
        public const string LossDoesNotFitOutput = "NG0007";

        /// <summary>Softmax on a hidden layer (warning).</summary>
        public const string SoftmaxOnHiddenLayer = "NG0008";

        /// <summary>The network has no layers.</summary>
        public const string NoLayers = "NG0009";

        /// <summary>Layer attributes on a class without [Network] (warning).</summary>
        public const string LayersWithoutNetwork = "NG0010";

        /// <summary>Padding.Same with a stride above 1 or an even effective kernel.</summary>
        public const string SameNeedsOddKernelAndStrideOne = "NG0011";

        /// <summary>A convolution or pooling layer after a layer with no spatial axes.</summary>
        public const string NoSpatialAxes = "NG0012";

        /// <summary>Padding so large that some outputs see only zeros (warning).</summary>
        public const string PaddingOnlyZeros = "NG0013";

        /// <summary>An initializer whose gain does not fit the activation (warning, section 9.3.2).</summary>
        public const string InitGainDoesNotFit = "NG0014";

        /// <summary>Standard dropout in a SELU network (warning, section 10.4: use alpha dropout).</summary>
        public const string DropoutInSeluNetwork = "NG0015";

        /// <summary>Softmax output trained with squared error (warning, table 4.1).</summary>
        public const string SoftmaxWithSquaredError = "NG0016";

        /// <summary>From, Add or Concat names a layer that does not exist or is declared later.</summary>
        public const string UnknownLayerName = "NG0017";

        /// <summary>A layer Name that is not an identifier, is reserved ("input") or is used twice.</summary>
        public const string InvalidLayerName = "NG0018";

        /// <summary>An Add whose inputs differ in shape.</summary>
        public const string AddShapesDiffer = "NG0019";

        /// <summary>A Concat whose inputs differ in spatial size or rank.</summary>
        public const string ConcatSizesDiffer = "NG0020";

        /// <summary>A layer whose output no layer reads and that is not an output (warning: a dead branch).</summary>
        public const string DeadBranch = "NG0021";

        /// <summary>A stride larger than the window skips input rows between windows by design (info: subsampling, e.g. a 1x1 stride-2 shortcut).</summary>
        public const string SubsamplingSkipsInput = "NG0022";

        /// <summary>A problem the C# compiler already reports (an attribute with errors); no NetGen diagnostic, but no code either.</summary>
        public const string CompilerReported = "";

        /// <summary>The diagnostics that are warnings: the network still works, and code is generated. Every other ID is an error. The one place severity is declared.</summary>
        private static readonly string[] Warnings =
        {
            StrideLeavesInputUnused, SoftmaxOnHiddenLayer, LayersWithoutNetwork, PaddingOnlyZeros, InitGainDoesNotFit, DropoutInSeluNetwork, SoftmaxWithSquaredError, DeadBranch,
        };

        /// <summary>The diagnostics that only inform: nothing is wrong, the user may want to know. The one place that is declared.</summary>
        private static readonly string[] Infos = { SubsamplingSkipsInput };

        /// <summary>Whether a problem with this ID only informs.</summary>
        public static bool IsInfo(string id) => System.Array.IndexOf(Infos, id) >= 0;

        /// <summary>Whether a problem with this ID prevents code generation.</summary>
        public static bool IsError(string id) => System.Array.IndexOf(Warnings, id) < 0 && !IsInfo(id);
    }

    /// <summary>Every NetGen diagnostic: one category, IDs from <see cref="DiagnosticIds"/>, no help link (the README's diagnostics table explains each ID; the project has no published address to link to).</summary>
    internal static class DiagnosticDescriptors
    {
        private const string Category = "NetGen";

        /// <summary>A descriptor whose severity is <see cref="DiagnosticIds"/>'s: declared once, for the generator and the analyzers.</summary>
        private static DiagnosticDescriptor Create(string id, string title, string message)
            => new DiagnosticDescriptor(id, title, message, Category,
                DiagnosticIds.IsError(id) ? DiagnosticSeverity.Error : DiagnosticIds.IsInfo(id) ? DiagnosticSeverity.Info : DiagnosticSeverity.Warning, isEnabledByDefault: true);
        // No help link: the project has no published documentation address, and a guessed one would send IDE users to
        // somebody else's page. The README's "Diagnostics" table explains every ID.

        public static readonly DiagnosticDescriptor OutputSizeNotPositive = Create(
            DiagnosticIds.OutputSizeNotPositive,
            "Layer output size is not positive",
            "{0} layer {1}: {2}");

        public static readonly DiagnosticDescriptor StrideLeavesInputUnused = Create(
            DiagnosticIds.StrideLeavesInputUnused,
            "Input past the last window is never read",
            "{0} layer {1} leaves input unused (figure E.13): {2}; {3}");

        public static readonly DiagnosticDescriptor SubsamplingSkipsInput = Create(
            DiagnosticIds.SubsamplingSkipsInput,
            "Stride larger than the window skips input",
            "{0} layer {1} subsamples its input: {2}");

        public static readonly DiagnosticDescriptor SameNeedsOddKernelAndStrideOne = Create(
            DiagnosticIds.SameNeedsOddKernelAndStrideOne,
            "Same padding needs stride 1 and an odd effective kernel",
            "{0} layer {1}: Padding.Same keeps the input size only with stride 1 and an odd effective kernel (relationship 3), but {2}; {3}");

        public static readonly DiagnosticDescriptor NoSpatialAxes = Create(
            DiagnosticIds.NoSpatialAxes,
            "Convolution or pooling without spatial axes",
            "{0} layer {1} works on feature maps, but its input {2} has no spatial axis; place it before any Dense or Flatten layer, with a [Network] input shape (C, L), (C, H, W) or (C, D, H, W)");

        public static readonly DiagnosticDescriptor PaddingOnlyZeros = Create(
            DiagnosticIds.PaddingOnlyZeros,
            "Padding so large that outputs see only zeros",
            "{0} layer {1}: padding {2} is at least the effective kernel {3}, so the outermost outputs see only zeros; use p < {3}");

        public static readonly DiagnosticDescriptor InitGainDoesNotFit = Create(
            DiagnosticIds.InitGainDoesNotFit,
            "Initializer gain does not fit the activation",
            "{0} layer {1}: {2} scales the weight variance by {3}, but {4} keeps the activations' variance with a gain of {5} (eq. 9.13, section 9.3.2); use {6}");

        public static readonly DiagnosticDescriptor DropoutInSeluNetwork = Create(
            DiagnosticIds.DropoutInSeluNetwork,
            "Standard dropout in a self-normalizing network",
            "Dropout layer {0} sets units to 0 in a SELU network, which breaks the self-normalizing fixed point (mean 0, variance 1); use [AlphaDropout] (section 10.4)");

        public static readonly DiagnosticDescriptor SoftmaxWithSquaredError = Create(
            DiagnosticIds.SoftmaxWithSquaredError,
            "Softmax output trained with squared error",
            "A softmax output trained with squared error learns slowly where the softmax saturates; softmax pairs with cross-entropy (table 4.1): use Loss.CrossEntropy or Loss.Auto");

        public static readonly DiagnosticDescriptor ArgumentOutOfRange = Create(
            DiagnosticIds.ArgumentOutOfRange,
            "Layer argument out of range",
            "{0} layer {1}: {2} = {3}; expected {4}");

        public static readonly DiagnosticDescriptor NotPartial = Create(
            DiagnosticIds.NotPartial,
            "Network type must be partial",
            "'{0}' must be declared partial, because NetGen adds {2} members: write 'partial {1} {0}'");

        public static readonly DiagnosticDescriptor InvalidInputShape = Create(
            DiagnosticIds.InvalidInputShape,
            "Invalid input shape",
            "Input shape {0} is invalid: {1}");

        public static readonly DiagnosticDescriptor LayersSplitAcrossDeclarations = Create(
            DiagnosticIds.LayersSplitAcrossDeclarations,
            "Layer attributes on several partial declarations",
            "The layer attributes of '{0}' are spread over {1} partial declarations, so their order is undefined; put them all on the declaration that carries [Network]");

        public static readonly DiagnosticDescriptor LossDoesNotFitOutput = Create(
            DiagnosticIds.LossDoesNotFitOutput,
            "Loss does not fit the output activation",
            "Loss.{0} does not fit the output activation {1} (table 4.1): {0} needs a {2} output; use Act.{2} on the last layer, or Loss.{3} (or Loss.Auto) for a {1} output");

        public static readonly DiagnosticDescriptor SoftmaxOnHiddenLayer = Create(
            DiagnosticIds.SoftmaxOnHiddenLayer,
            "Softmax on a hidden layer",
            "{0} layer {1} applies {2}, which normalizes the units to probabilities (eq. 4.50) and belongs on the output layer; use ReLU, Tanh or another activation on hidden layers");

        public static readonly DiagnosticDescriptor NoLayers = Create(
            DiagnosticIds.NoLayers,
            "Network has no layers",
            "Network '{0}' has no layers; add layer attributes after [Network], for example [Dense(10, Act.Softmax)]");

        public static readonly DiagnosticDescriptor LayersWithoutNetwork = Create(
            DiagnosticIds.LayersWithoutNetwork,
            "Layer attributes without [Network]",
            "'{0}' has layer attributes but no [Network(...)] attribute, so NetGen generates nothing for it; add [Network(inputShape)] before the layers");

        public static readonly DiagnosticDescriptor UnknownLayerName = Create(
            DiagnosticIds.UnknownLayerName,
            "Unknown or later layer name",
            "{0} layer {1}: {2} = \"{3}\" {4}");

        public static readonly DiagnosticDescriptor InvalidLayerName = Create(
            DiagnosticIds.InvalidLayerName,
            "Invalid layer name",
            "{0} layer {1}: Name = \"{2}\" {3}; a Name is a C# identifier, unique in the network");

        public static readonly DiagnosticDescriptor AddShapesDiffer = Create(
            DiagnosticIds.AddShapesDiffer,
            "Add inputs differ in shape",
            "Add layer {0}: {1} has shape {2} but {3} has shape {4}; Add sums elementwise (eq. 4.61) and needs equal shapes");

        public static readonly DiagnosticDescriptor ConcatSizesDiffer = Create(
            DiagnosticIds.ConcatSizesDiffer,
            "Concat inputs differ in spatial size",
            "Concat layer {0}: {1} has shape {2} but {3} has shape {4}; Concat joins channels and needs equal spatial sizes (or vectors on both sides)");

        public static readonly DiagnosticDescriptor DeadBranch = Create(
            DiagnosticIds.DeadBranch,
            "Layer output is never used",
            "{0} layer {1} ({2}): no layer reads its output and it is not an output, so it does not affect the loss; read it with From, Add or Concat, mark it Output = true, or remove it");

        /// <summary>Every descriptor, in ID order: what the analyzer supports.</summary>
        public static readonly ImmutableArray<DiagnosticDescriptor> All = ImmutableArray.Create(
            OutputSizeNotPositive, ArgumentOutOfRange, StrideLeavesInputUnused, NotPartial, InvalidInputShape, LayersSplitAcrossDeclarations, LossDoesNotFitOutput,
            SoftmaxOnHiddenLayer, NoLayers, LayersWithoutNetwork, SameNeedsOddKernelAndStrideOne, NoSpatialAxes, PaddingOnlyZeros, InitGainDoesNotFit,
            DropoutInSeluNetwork, SoftmaxWithSquaredError, UnknownLayerName, InvalidLayerName, AddShapesDiffer, ConcatSizesDiffer, DeadBranch, SubsamplingSkipsInput);

        /// <summary>The descriptor of a problem's ID (null: a problem the compiler already reports).</summary>
        public static DiagnosticDescriptor? For(string id)
        {
            foreach (var descriptor in All)
            {
                if (descriptor.Id == id) return descriptor;
            }

            return null;
        }
    }
}
