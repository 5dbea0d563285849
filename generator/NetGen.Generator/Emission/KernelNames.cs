namespace NetGen.Generator.Emission
{
    /// <summary>
    /// The runtime kernels (methods of NetGen.Kernels) the network-level code calls; each layer kind keeps the names of its
    /// own in a nested KernelNames class. A test checks every constant of every KernelNames class against the runtime,
    /// so renaming a kernel breaks the generator's tests, not a user's build.
    /// </summary>
    internal static class KernelNames
    {
        public const string Axpy = "Axpy";
        public const string ActCurvature = "ActCurvature";
        public const string CrossEntropyDiagonal = "CrossEntropyDiagonal";
        public const string Square = "Square";
        public const string Scale = "Scale";
        public const string LogSoftmaxTangent = "LogSoftmaxTangent";
        public const string CountLabels = "CountLabels";
        public const string LabelToTarget = "LabelToTarget";
        public const string SquaredError = "SquaredError";
        public const string SoftmaxCrossEntropy = "SoftmaxCrossEntropy";
        public const string LogSoftmaxCrossEntropy = "LogSoftmaxCrossEntropy";
        public const string NegativeLogLikelihood = "NegativeLogLikelihood";
        public const string WeightedCrossEntropy = "WeightedCrossEntropy";
        public const string WeightedCrossEntropyOfOutputs = "WeightedCrossEntropyOfOutputs";
        public const string WeightedLabelCount = "WeightedLabelCount";
        public const string AbsoluteError = "AbsoluteError";
        public const string HuberError = "HuberError";
        public const string SigmoidBinaryCrossEntropy = "SigmoidBinaryCrossEntropy";
        public const string CrossEntropyOfProbabilities = "CrossEntropyOfProbabilities";
        public const string BinaryCrossEntropyOfProbabilities = "BinaryCrossEntropyOfProbabilities";
        public const string L2Penalty = "L2Penalty";
        public const string L1Penalty = "L1Penalty";
        public const string WeightEliminationPenalty = "WeightEliminationPenalty";
        public const string WeightNorm = "WeightNorm";
        public const string WeightNormBackward = "WeightNormBackward";
        public const string RowNorms = "RowNorms";
        public const string AddNoise = "AddNoise";

        /// <summary>The activation <paramref name="act"/> in place (its kernel is named for the member of NetGen.Act).</summary>
        public static string ActForward(Model.Act act) => act.ToString();

        /// <summary>delta *= f'(s) from the activations (the member of NetGen.Act followed by "Backward").</summary>
        public static string ActBackward(Model.Act act) => act + "Backward";
    }
}
