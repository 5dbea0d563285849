namespace NetGen.Generator.Layers
{
    /// <summary>
    /// [AlphaDropout]: alpha dropout for SELU networks (section 10.4) as nn.AlphaDropout: dropped units take the SELU's
    /// saturation value, then an affine map keeps mean 0 and variance 1.
    /// </summary>
    internal sealed class AlphaDropoutLayer : Masking
    {
        public static readonly AlphaDropoutLayer Instance = new AlphaDropoutLayer();

        public override string Attribute => "AlphaDropout";

        /// <summary>The runtime kernels of this kind.</summary>
        internal static new class KernelNames
        {
            public const string Forward = "AlphaDropout";
        }

        protected override string Kernel => KernelNames.Forward;
    }
}
