using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetGen
{
    public static partial class Kernels
    {
        // Sample-blocked convolutions (stride 1, 1-D and 2-D): 16 samples side by side, value (c, h, w) of sample s at
        // ((c * H + h) * W + w) * 16 + s. An output row then holds OW * 16 contiguous values, and tap t's input row for it
        // is as contiguous in the padded block, so each output row is one matrix product over shifted rows with no column
        // off the kept outputs (the per-sample layout computes the padded grid's extra columns and rounds to whole panels).
        // Each output is the same chain of multiply-adds as in the per-sample kernel, so the bits do not depend on which
        // samples are blocked. Layers whose block would take more than 4 MiB stay per sample.

        private const int BlockLanes = ConvScratch.BlockLanes;

        private const int TapChunk = ConvScratch.TapChunk;

        [ThreadStatic]
        private static float[]? t_blocked;

        [ThreadStatic]
        private static int[]? t_blockedShifts; // apart from the per-sample kernels' table, which a caller may hold

        /// <summary>Whether batches of <paramref name="g"/> run in sample blocks (<see cref="ConvScratch.UsesBlocks"/>).</summary>
        internal static bool UsesBlocks<TShape>(in TShape g)
            where TShape : struct, IConvShape
            => ConvScratch.UsesBlocks(g.C, g.F, (g.ID, g.IH, g.IW), (g.PD, g.PH, g.PW), (g.KD, g.KH, g.KW), (g.SD, g.SH, g.SW), (g.OD, g.OH, g.OW));

        /// <summary>The padded block's length (<see cref="ConvScratch.BlockedInputLength"/>; within int: <see cref="UsesBlocks"/> caps blocks at 1 M values).</summary>
        private static int BlockedInputLength<TShape>(in TShape g)
            where TShape : struct, IConvShape
            => (int)ConvScratch.BlockedInputLength(g.C, (g.ID, g.IH, g.IW), (g.PD, g.PH, g.PW));

        /// <summary>A thread's block storage: the padded input block, the output block and (input gradient) every row's columns.</summary>
        private static float[] BlockedStorage(long length)
        {
            var storage = t_blocked;
            if (storage is null || storage.Length < length) t_blocked = storage = new float[length];
            return storage;
        }

        /// <summary>Where each tap's row (c, kh, kw) starts in the padded block: its offset in one padded sample (<see cref="Shifts"/>) times the lanes.</summary>
        private static ReadOnlySpan<int> BlockedShifts<TShape>(in TShape g)
            where TShape : struct, IConvShape
        {
            var perSample = Shifts(g);
            var shifts = t_blockedShifts;
            if (shifts is null || shifts.Length < perSample.Length) t_blockedShifts = shifts = new int[Math.Max(perSample.Length, 256)];
            for (int t = 0; t < perSample.Length; t++) shifts[t] = perSample[t] * BlockLanes;
            return shifts.AsSpan(0, perSample.Length);
        }

        /// <summary>Copies 16 samples of [C, IH, IW] into the interior of the padded block (its padding already zero).</summary>
        private static void ToBlock<TShape>(in TShape g, ReadOnlySpan<float> x, Span<float> block)
            where TShape : struct, IConvShape
        {
            int iwp = g.IW + 2 * g.PW, ihp = g.IH + 2 * g.PH;
            for (int c = 0; c < g.C; c++)
            for (int h = 0; h < g.IH; h++)
            {
                // [16 samples, IW] -> [IW, 16] at the row's place in the padded block
                Transpose(x.Slice((c * g.IH + h) * g.IW), g.InputLength, block.Slice(((c * ihp + h + g.PH) * iwp + g.PW) * BlockLanes), BlockLanes, BlockLanes, g.IW);
            }
        }

        /// <summary>
        /// Convolution forward of 16 samples (x and y hold them one after the other): y = b + w * x, with
        /// <paramref name="relu"/> max(0, y) applied as the outputs are copied back per sample.
        /// </summary>
        private static void ConvForwardBlock<TShape>(in TShape g, ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> x, Span<float> y, bool relu)
            where TShape : struct, IConvShape
        {
            int inputLength = BlockedInputLength(g), plane = g.OH * g.OW, outputLength = g.F * plane * BlockLanes;
            var storage = BlockedStorage((long)inputLength + outputLength);
            var input = storage.AsSpan(0, inputLength);
            var output = storage.AsSpan(inputLength, outputLength);
            input.Clear();
            ToBlock(g, x, input);
            for (int f = 0; f < g.F; f++) output.Slice(f * plane * BlockLanes, plane * BlockLanes).Fill(b.IsEmpty ? 0f : b[f]);

            int taps = g.C * g.KH * g.KW, iwp = g.IW + 2 * g.PW, row = g.OW * BlockLanes;
            var shifts = BlockedShifts(g);
            for (int oh = 0; oh < g.OH; oh++)
            {
                // filters x (this row's OW positions x 16 samples), the bias already in place
                Gemm.MultiplyRows(false, g.F, row, taps, w, taps, input.Slice(oh * iwp * BlockLanes), shifts, output.Slice(oh * row), plane * BlockLanes, accumulate: true);
            }

            for (int f = 0; f < g.F; f++) Transpose(output.Slice(f * plane * BlockLanes), BlockLanes, y.Slice(f * plane), g.OutputLength, plane, BlockLanes);
            if (relu) ReLU(y.Slice(0, BlockLanes * g.OutputLength));
        }
        /// <summary>
        /// The input gradient of 16 samples (dy and dx hold them one after the other), overwriting dx: each output row's
        /// columns dCols[T, OW * 16] = W^T dY_row (for a chunk of taps at a time), then every tap's rows added at its shift into
        /// the padded block's gradient, tap by tap (the one-sample kernel's order, so the same bits), whose interior is dx.
        /// </summary>
        private static void ConvBackwardInputBlock<TShape>(in TShape g, ReadOnlySpan<float> w, ReadOnlySpan<float> dy, Span<float> dx)
            where TShape : struct, IConvShape
        {
            int plane = g.OH * g.OW, row = g.OW * BlockLanes, taps = g.C * g.KH * g.KW;
            int chunk = Math.Min(taps, TapChunk), inputLength = BlockedInputLength(g), deltaLength = g.F * plane * BlockLanes, columnsLength = g.OH * chunk * row;
            var storage = BlockedStorage((long)inputLength + deltaLength + columnsLength);
            var padded = storage.AsSpan(0, inputLength);
            var deltas = storage.AsSpan(inputLength, deltaLength);
            var columns = storage.AsSpan(inputLength + deltaLength, columnsLength);
            DeltasToBlock(g, dy, deltas);
            padded.Clear();
            int iwp = g.IW + 2 * g.PW, ihp = g.IH + 2 * g.PH;
            var shifts = BlockedShifts(g);
            for (int t0 = 0; t0 < taps; t0 += chunk)
            {
                // the columns of a chunk of taps for every output row (kept in cache), then added tap by tap
                int count = Math.Min(chunk, taps - t0);
                for (int oh = 0; oh < g.OH; oh++)
                {
                    Gemm.Multiply(true, false, count, row, g.F, w.Slice(t0), taps, deltas.Slice(oh * row), plane * BlockLanes, columns.Slice(oh * count * row, count * row), row, accumulate: false);
                }

                for (int t = t0; t < t0 + count; t++)
                for (int oh = 0; oh < g.OH; oh++)
                {
                    Axpy(1f, columns.Slice((oh * count + t - t0) * row, row), padded.Slice(oh * iwp * BlockLanes + shifts[t], row));
                }
            }

            for (int c = 0; c < g.C; c++)
            for (int h = 0; h < g.IH; h++)
            {
                Transpose(padded.Slice(((c * ihp + h + g.PH) * iwp + g.PW) * BlockLanes), BlockLanes, dx.Slice((c * g.IH + h) * g.IW), g.InputLength, g.IW, BlockLanes);
            }
        }
        /// <summary>
        /// The weight gradient of 16 samples, added to (or, without <paramref name="accumulate"/>, written into) the partial
        /// dW^T[T, F]: per output row, dW^T += X_shift[T, OW * 16] dY_row^T, every column a kept output of some sample.
        /// </summary>
        private static void WeightGradientBlock<TShape>(in TShape g, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> partial, bool accumulate)
            where TShape : struct, IConvShape
        {
            int plane = g.OH * g.OW, row = g.OW * BlockLanes, taps = g.C * g.KH * g.KW;
            int inputLength = BlockedInputLength(g), deltaLength = g.F * plane * BlockLanes;
            var storage = BlockedStorage((long)inputLength + deltaLength);
            var input = storage.AsSpan(0, inputLength);
            var deltas = storage.AsSpan(inputLength, deltaLength);
            input.Clear();
            ToBlock(g, x, input);
            DeltasToBlock(g, dy, deltas);
            int iwp = g.IW + 2 * g.PW;
            var shifts = BlockedShifts(g);
            for (int oh = 0; oh < g.OH; oh++)
            {
                Gemm.MultiplyRowsA(taps, g.F, row, input.Slice(oh * iwp * BlockLanes), shifts, true, deltas.Slice(oh * row), plane * BlockLanes, partial, g.F, accumulate || oh > 0);
            }
        }

        /// <summary>Copies 16 samples' deltas [F, OH, OW] into the block layout.</summary>
        private static void DeltasToBlock<TShape>(in TShape g, ReadOnlySpan<float> dy, Span<float> deltas)
            where TShape : struct, IConvShape
        {
            Transpose(dy, g.OutputLength, deltas, BlockLanes, BlockLanes, g.OutputLength);
        }
        /// <summary>
        /// dst[j * dstStride + i] = src[i * srcStride + j] for i &lt; rows, j &lt; cols: in 8 x 8 tiles of 256-bit shuffles
        /// where AVX is there, the edges one by one.
        /// </summary>
        private static void Transpose(ReadOnlySpan<float> src, int srcStride, Span<float> dst, int dstStride, int rows, int cols)
        {
            if ((long)(rows - 1) * srcStride + cols > src.Length || (long)(cols - 1) * dstStride + rows > dst.Length)
            {
                throw new ArgumentException($"Expected a {rows} x {cols} block inside src ({src.Length}) and its transpose inside dst ({dst.Length}).");
            }

            int i = 0;
            if (Avx.IsSupported)
            {
                ref float s0 = ref MemoryMarshal.GetReference(src);
                ref float d0 = ref MemoryMarshal.GetReference(dst);
                for (; i + 8 <= rows; i += 8)
                {
                    int j = 0;
                    for (; j + 8 <= cols; j += 8) Transpose8x8(ref Unsafe.Add(ref s0, (nint)i * srcStride + j), srcStride, ref Unsafe.Add(ref d0, (nint)j * dstStride + i), dstStride);
                    for (; j < cols; j++)
                    {
                        for (int r = i; r < i + 8; r++) dst[j * dstStride + r] = src[r * srcStride + j];
                    }
                }
            }

            for (; i < rows; i++)
            {
                for (int j = 0; j < cols; j++) dst[j * dstStride + i] = src[i * srcStride + j];
            }
        }

        /// <summary>One 8 x 8 tile: unpack pairs of rows, shuffle pairs of pairs, then swap 128-bit halves.</summary>
        private static void Transpose8x8(ref float src, nint srcStride, ref float dst, nint dstStride)
        {
            var r0 = Vector256.LoadUnsafe(ref src);
            var r1 = Vector256.LoadUnsafe(ref src, (nuint)srcStride);
            var r2 = Vector256.LoadUnsafe(ref src, (nuint)(2 * srcStride));
            var r3 = Vector256.LoadUnsafe(ref src, (nuint)(3 * srcStride));
            var r4 = Vector256.LoadUnsafe(ref src, (nuint)(4 * srcStride));
            var r5 = Vector256.LoadUnsafe(ref src, (nuint)(5 * srcStride));
            var r6 = Vector256.LoadUnsafe(ref src, (nuint)(6 * srcStride));
            var r7 = Vector256.LoadUnsafe(ref src, (nuint)(7 * srcStride));
            var t0 = Avx.UnpackLow(r0, r1);
            var t1 = Avx.UnpackHigh(r0, r1);
            var t2 = Avx.UnpackLow(r2, r3);
            var t3 = Avx.UnpackHigh(r2, r3);
            var t4 = Avx.UnpackLow(r4, r5);
            var t5 = Avx.UnpackHigh(r4, r5);
            var t6 = Avx.UnpackLow(r6, r7);
            var t7 = Avx.UnpackHigh(r6, r7);
            var u0 = Avx.Shuffle(t0, t2, 0x44);
            var u1 = Avx.Shuffle(t0, t2, 0xEE);
            var u2 = Avx.Shuffle(t1, t3, 0x44);
            var u3 = Avx.Shuffle(t1, t3, 0xEE);
            var u4 = Avx.Shuffle(t4, t6, 0x44);
            var u5 = Avx.Shuffle(t4, t6, 0xEE);
            var u6 = Avx.Shuffle(t5, t7, 0x44);
            var u7 = Avx.Shuffle(t5, t7, 0xEE);
            Avx.Permute2x128(u0, u4, 0x20).StoreUnsafe(ref dst);
            Avx.Permute2x128(u1, u5, 0x20).StoreUnsafe(ref dst, (nuint)dstStride);
            Avx.Permute2x128(u2, u6, 0x20).StoreUnsafe(ref dst, (nuint)(2 * dstStride));
            Avx.Permute2x128(u3, u7, 0x20).StoreUnsafe(ref dst, (nuint)(3 * dstStride));
            Avx.Permute2x128(u0, u4, 0x31).StoreUnsafe(ref dst, (nuint)(4 * dstStride));
            Avx.Permute2x128(u1, u5, 0x31).StoreUnsafe(ref dst, (nuint)(5 * dstStride));
            Avx.Permute2x128(u2, u6, 0x31).StoreUnsafe(ref dst, (nuint)(6 * dstStride));
            Avx.Permute2x128(u3, u7, 0x31).StoreUnsafe(ref dst, (nuint)(7 * dstStride));
        }
    }
}
