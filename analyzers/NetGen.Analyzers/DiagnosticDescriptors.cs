using Microsoft.CodeAnalysis;
using NetGen.Generator.Model;

namespace NetGen.Analyzers
{
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
            "{0} layer {1} applies softmax, which normalizes the units to probabilities (eq. 4.50) and belongs on the output layer; use ReLU, Tanh or another activation on hidden layers");

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

        /// <summary>The descriptor for a problem ID, or null for problems the compiler reports itself.</summary>
        public static DiagnosticDescriptor? For(string id)
        {
            switch (id)
            {
                case DiagnosticIds.OutputSizeNotPositive: return OutputSizeNotPositive;
                case DiagnosticIds.StrideLeavesInputUnused: return StrideLeavesInputUnused;
                case DiagnosticIds.SubsamplingSkipsInput: return SubsamplingSkipsInput;
                case DiagnosticIds.SameNeedsOddKernelAndStrideOne: return SameNeedsOddKernelAndStrideOne;
                case DiagnosticIds.NoSpatialAxes: return NoSpatialAxes;
                case DiagnosticIds.PaddingOnlyZeros: return PaddingOnlyZeros;
                case DiagnosticIds.InitGainDoesNotFit: return InitGainDoesNotFit;
                case DiagnosticIds.DropoutInSeluNetwork: return DropoutInSeluNetwork;
                case DiagnosticIds.SoftmaxWithSquaredError: return SoftmaxWithSquaredError;
                case DiagnosticIds.ArgumentOutOfRange: return ArgumentOutOfRange;
                case DiagnosticIds.NotPartial: return NotPartial;
                case DiagnosticIds.InvalidInputShape: return InvalidInputShape;
                case DiagnosticIds.LayersSplitAcrossDeclarations: return LayersSplitAcrossDeclarations;
                case DiagnosticIds.LossDoesNotFitOutput: return LossDoesNotFitOutput;
                case DiagnosticIds.SoftmaxOnHiddenLayer: return SoftmaxOnHiddenLayer;
                case DiagnosticIds.NoLayers: return NoLayers;
                case DiagnosticIds.LayersWithoutNetwork: return LayersWithoutNetwork;
                case DiagnosticIds.UnknownLayerName: return UnknownLayerName;
                case DiagnosticIds.InvalidLayerName: return InvalidLayerName;
                case DiagnosticIds.AddShapesDiffer: return AddShapesDiffer;
                case DiagnosticIds.ConcatSizesDiffer: return ConcatSizesDiffer;
                case DiagnosticIds.DeadBranch: return DeadBranch;
                default: return null;
            }
        }
    }
}
