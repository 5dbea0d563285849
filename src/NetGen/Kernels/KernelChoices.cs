// This file is compiled into the runtime library and linked into the generator, so the kernel choices the runtime makes
// from a layer's shape and the generator names in its comments (and sizes scratch for) have one home.
#if NETGEN_ROSLYN
namespace NetGen.Generator.Model
#else
namespace NetGen
#endif
{
    /// <summary>Shape thresholds and fixed splits of the runtime's kernels.</summary>
    internal static class KernelChoices
    {
        /// <summary>
        /// A stride-1 convolution's weight gradient runs as 16-lane dot products over the batch when a sample's kept outputs
        /// span at least this many values on the padded grid; below, as one matrix product per sample.
        /// </summary>
        public const int LaneSumMinimumRow = 256;

        /// <summary>How many partial sums a batch's weight gradient is split into (at most this many threads share it).</summary>
        public const int GradientChunks = 4;

        /// <summary>
        /// Batched inference runs over chunks of samples whose activations take at most this many values (4 MiB; one sample's
        /// when that is larger), so the per-thread storage stays bounded whatever the batch.
        /// </summary>
        public const int InferenceBlockValues = 1 << 20;

        /// <summary>
        /// A stride-1 1-D or 2-D convolution runs whole blocks of 16 samples side by side when a block's storage (input,
        /// output, and the input gradient's columns) takes at most this many values (4 MiB): LeNet-5's conv1 takes 0.5 M
        /// values, conv3 0.2 M. Measured at batch 64: conv1's forward 224 -> 149 us, conv3's 348 -> 196 us.
        /// </summary>
        public const int BlockedMaximumValues = 1 << 20;
    }
}
