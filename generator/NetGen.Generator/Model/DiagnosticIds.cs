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
}
