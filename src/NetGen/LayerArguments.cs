// This file is compiled into the runtime library and linked into the generator and the analyzers, so the layer
// attributes, the parser that reads them, the shape checks and the diagnostics' messages share one home for the
// arguments' names and defaults.
#if NETGEN_ROSLYN
namespace NetGen.Generator.Model
#else
namespace NetGen
#endif
{
    /// <summary>The names of the layer attributes' constructor parameters and properties, as the compiler reports them.</summary>
    internal static class LayerArguments
    {
        public const string Units = "units", Filters = "filters", Kernel = "k", Stride = "s", Padding = "p", Dilation = "d", OutputPadding = "a";
        public const string Act = "act", Rate = "rate", Std = "std", Eps = "eps", Momentum = "momentum", Name = "name", Names = "names";
        public const string Bias = "Bias", PaddingMode = "Padding", KernelSize = "KernelSize", CountIncludePad = "CountIncludePad";
        public const string Init = "Init", InitScale = "InitScale", Gain = "Gain", BiasInit = "BiasInit";
        public const string L2 = "L2", L1 = "L1", WeightElimination = "WeightElimination", W0 = "W0", WeightNorm = "WeightNorm", WeightNoise = "WeightNoise";
        public const string LayerName = "Name", From = "From", Output = "Output", LossWeight = "LossWeight", Loss = "Loss";
        public const string Alpha = "Alpha", Trainable = "Trainable", PerChannel = "perChannel", Groups = "Groups", Pads = "pads", Mode = "Mode", ModeOfPadding = "PaddingMode", Scale = "scale";
        public const string HuberDelta = "HuberDelta", LabelSmoothing = "LabelSmoothing", ClassWeights = "ClassWeights";
        public const string InputShape = "inputShape";
    }

    /// <summary>The defaults of the layer attributes' optional arguments.</summary>
    internal static class LayerDefaults
    {
        public const int Stride = 1, Padding = 0, Dilation = 1, OutputPadding = 0;
        public const bool Bias = true, CountIncludePad = true;
        /// <summary>PReLU's initial slope (PyTorch's init = 0.25).</summary>
        public const double PReLUInit = 0.25;
        public const double InitScale = 0.01, Gain = 1.0, BiasInit = 0.0, W0 = 0.2, Eps = 1e-5, Momentum = 0.1, LossWeight = 1.0;
    }
}
