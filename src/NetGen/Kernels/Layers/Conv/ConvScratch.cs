// This file is compiled into the runtime library and linked into the generator, so the scratch a stride-1 convolution
// needs has one formula: the generator sizes the network's scratch with it, the kernels lay the scratch out with it.
using System;

#if NETGEN_ROSLYN
namespace NetGen.Generator.Model
#else
namespace NetGen
#endif
{
    /// <summary>
    /// The scratch of a stride-1 convolution computed as one matrix product over shifted rows of the padded input, per
    /// spatial axis (depth, height, width; absent axes have size 1, padding 0, kernel 1, dilation 1).
    /// </summary>
    internal static class ConvScratch
    {
        /// <summary>
        /// The padded input's length (with slack for the last shifted row), the extent of the kept outputs on the padded
        /// grid, and that extent rounded up to whole 32-column panels: products over it read B in place, with no packed edge.
        /// </summary>
        public static void ImplicitLayout(
            long channels, (long D, long H, long W) input, (long D, long H, long W) padding, (long D, long H, long W) kernel, (long D, long H, long W) dilation, (long D, long H, long W) output,
            out long padded, out long extended, out long width)
        {
            long idp = input.D + 2 * padding.D, ihp = input.H + 2 * padding.H, iwp = input.W + 2 * padding.W, plane = idp * ihp * iwp;
            extended = ((output.D - 1) * ihp + (output.H - 1)) * iwp + output.W;
            width = (extended + 31) / 32 * 32;
            long lastRow = (channels - 1) * plane + (kernel.D - 1) * dilation.D * ihp * iwp + (kernel.H - 1) * dilation.H * iwp + (kernel.W - 1) * dilation.W;
            padded = Math.Max(channels * plane, lastRow + width);
        }

        /// <summary>
        /// The whole scratch, in floats: the padded input and the output (or deltas) on its grid, plus the larger of the
        /// weight gradient's partial sums (GradientChunks per weight) and the input gradient's columns on that grid.
        /// </summary>
        public static long ImplicitLength(
            long channels, long filters, (long D, long H, long W) input, (long D, long H, long W) padding, (long D, long H, long W) kernel, (long D, long H, long W) dilation, (long D, long H, long W) output)
        {
            ImplicitLayout(channels, input, padding, kernel, dilation, output, out long padded, out _, out long width);
            long taps = channels * kernel.D * kernel.H * kernel.W;
            return padded + filters * width + Math.Max(KernelChoices.GradientChunks * taps * filters, taps * width);
        }
        /// <summary>Samples a sample block holds side by side.</summary>
        public const int BlockLanes = 16;

        /// <summary>Taps whose input-gradient columns a sample block computes together.</summary>
        public const int TapChunk = 32;

        /// <summary>A sample block's padded input: C planes of (IH + 2 PH) x (IW + 2 PW) positions, <see cref="BlockLanes"/> values each.</summary>
        public static long BlockedInputLength(long channels, (long D, long H, long W) input, (long D, long H, long W) padding)
            => channels * (input.H + 2 * padding.H) * (input.W + 2 * padding.W) * BlockLanes;

        /// <summary>
        /// Whether a stride-1 convolution runs its batches in blocks of <see cref="BlockLanes"/> samples: no depth axis (1-D or
        /// 2-D), and a block's storage (the padded input, then the outputs, or the deltas with a chunk of taps' columns per
        /// output row) at most <see cref="KernelChoices.BlockedMaximumValues"/>. A choice by shape alone.
        /// </summary>
        public static bool UsesBlocks(long channels, long filters, (long D, long H, long W) input, (long D, long H, long W) padding, (long D, long H, long W) kernel, (long D, long H, long W) stride, (long D, long H, long W) output)
        {
            if (stride != (1, 1, 1) || input.D != 1 || output.D != 1 || kernel.D != 1 || padding.D != 0) return false;
            long padded = BlockedInputLength(channels, input, padding);
            long outputs = filters * output.H * output.W * BlockLanes;
            long columns = output.H * Math.Min(channels * kernel.H * kernel.W, TapChunk) * output.W * BlockLanes;
            return padded + outputs + columns <= KernelChoices.BlockedMaximumValues;
        }
    }
}
