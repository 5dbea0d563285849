using System;

namespace NetGen
{
    public static partial class Kernels
    {
        // Convolutions with stride 1 as one matrix product over the zero-padded input, without im2col: with the output
        // laid out on the padded input's grid (each output row IWp wide, of which OW values are kept), row t = (c, kd, kh, kw)
        // of the column matrix is the padded input itself, starting at c*plane + kd*DD*IHp*IWp + kh*DH*IWp + kw*DW.
        // Y_ext[F, J] = W[F, T] X_shift[T, J] reads those rows in place; the kept outputs are then copied out with the bias.

        /// <summary>
        /// The scratch <see cref="ConvForwardImplicit"/> needs, in floats: the padded input (with slack for the last shifted
        /// row) and the output on the padded grid.
        /// </summary>
        public static int ImplicitConvScratchLength<TShape>(in TShape g)
            where TShape : struct, IConvShape
            => (int)ConvScratch.ImplicitLength(g.C, g.F, (g.ID, g.IH, g.IW), (g.PD, g.PH, g.PW), (g.KD, g.KH, g.KW), (g.DD, g.DH, g.DW), (g.OD, g.OH, g.OW));

        /// <summary>The implicit layout of <paramref name="g"/> (see <see cref="ConvScratch.ImplicitLayout"/>).</summary>
        private static void ImplicitLayout<TShape>(in TShape g, out int padded, out int extended, out int width)
            where TShape : struct, IConvShape
        {
            ConvScratch.ImplicitLayout(g.C, (g.ID, g.IH, g.IW), (g.PD, g.PH, g.PW), (g.KD, g.KH, g.KW), (g.DD, g.DH, g.DW), (g.OD, g.OH, g.OW), out long p, out long x, out long w);
            padded = (int)p;
            extended = (int)x;
            width = (int)w;
        }

        [ThreadStatic]
        private static int[]? t_shifts;

        /// <summary>
        /// Convolution forward (stride 1) as one matrix product over shifted rows of the padded input: y = b + w * x, and with
        /// <paramref name="relu"/> max(0, y) applied as each kept row is copied out (no separate sweep over y).
        /// </summary>
        public static void ConvForwardImplicit<TShape>(in TShape g, ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> x, Span<float> y, Span<float> scratch, bool relu = false)
            where TShape : struct, IConvShape
        {
            if (g.SD != 1 || g.SH != 1 || g.SW != 1) throw new ArgumentException($"Expected stride 1, but got ({g.SD}, {g.SH}, {g.SW}).", nameof(g));
            ImplicitLayout(g, out int paddedLength, out _, out int width);
            if (scratch.Length < paddedLength + g.F * width) throw new ArgumentException($"Expected scratch.Length >= {paddedLength + g.F * width}, but got {scratch.Length}.", nameof(scratch));
            int idp = g.ID + 2 * g.PD, ihp = g.IH + 2 * g.PH, iwp = g.IW + 2 * g.PW, plane = idp * ihp * iwp;
            var padded = scratch.Slice(0, paddedLength);
            var output = scratch.Slice(paddedLength, g.F * width);

            padded.Clear();
            Pad(g, x, padded);
            int taps = g.C * g.KD * g.KH * g.KW;
            // the bias first, then the sums added to it (as the im2col kernel does: the same bits)
            for (int f = 0; f < g.F; f++) output.Slice(f * width, width).Fill(b.IsEmpty ? 0f : b[f]);
            Gemm.MultiplyRows(false, g.F, width, taps, w, taps, padded, Shifts(g), output, width, accumulate: true);

            // the kept outputs
            for (int f = 0; f < g.F; f++)
            for (int d = 0; d < g.OD; d++)
            for (int h = 0; h < g.OH; h++)
            {
                var row = y.Slice(((f * g.OD + d) * g.OH + h) * g.OW, g.OW);
                output.Slice(f * width + (d * ihp + h) * iwp, g.OW).CopyTo(row);
                if (relu) ReLU(row);
            }
        }

        /// <summary>Copies one sample into the interior of the zero-padded input (its padding is already zero).</summary>
        private static void Pad<TShape>(in TShape g, ReadOnlySpan<float> x, Span<float> padded)
            where TShape : struct, IConvShape
        {
            int ihp = g.IH + 2 * g.PH, iwp = g.IW + 2 * g.PW, plane = (g.ID + 2 * g.PD) * ihp * iwp;
            for (int c = 0; c < g.C; c++)
            for (int d = 0; d < g.ID; d++)
            for (int h = 0; h < g.IH; h++)
            {
                x.Slice(((c * g.ID + d) * g.IH + h) * g.IW, g.IW).CopyTo(padded.Slice(c * plane + ((d + g.PD) * ihp + h + g.PH) * iwp + g.PW, g.IW));
            }
        }

        /// <summary>Where each tap's row (c, kd, kh, kw) starts in the padded input.</summary>
        private static ReadOnlySpan<int> Shifts<TShape>(in TShape g)
            where TShape : struct, IConvShape
        {
            int ihp = g.IH + 2 * g.PH, iwp = g.IW + 2 * g.PW, plane = (g.ID + 2 * g.PD) * ihp * iwp;
            int taps = g.C * g.KD * g.KH * g.KW;
            var shifts = t_shifts;
            if (shifts is null || shifts.Length < taps) t_shifts = shifts = new int[Math.Max(taps, 256)];
            int t = 0;
            for (int c = 0; c < g.C; c++)
            for (int kd = 0; kd < g.KD; kd++)
            for (int kh = 0; kh < g.KH; kh++)
            for (int kw = 0; kw < g.KW; kw++)
            {
                shifts[t++] = c * plane + kd * g.DD * ihp * iwp + kh * g.DH * iwp + kw * g.DW;
            }

            return shifts.AsSpan(0, taps);
        }

        /// <summary>
        /// The weight gradient of a batch (stride 1): dW[f, t] += sum over samples and kept outputs j of dY[f, j] X_shift[t, j],
        /// with the shifted rows read in place and the deltas placed on the padded grid (zeros between rows). Long rows (at
        /// least <see cref="DotsMinimumLength"/> values) run as 16-lane sums over each chunk of samples (<see cref="Dots"/>);
        /// short ones as one product dW^T[T, F] = X_shift[T, J] dY_ext^T[J, F] per sample. The batch's chunks are summed in a
        /// fixed order, then added to dW once.
        /// </summary>
        public static unsafe void ConvWeightGradientImplicit<TShape>(in TShape g, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dw, int batch, Span<float> scratch)
            where TShape : struct, IConvShape
        {
            if (g.SD != 1 || g.SH != 1 || g.SW != 1) throw new ArgumentException($"Expected stride 1, but got ({g.SD}, {g.SH}, {g.SW}).", nameof(g));
            int taps = g.C * g.KD * g.KH * g.KW, block = taps * g.F, work = WeightGradientWork(g);
            if (scratch.Length < work + GradientChunks * block) throw new ArgumentException($"Expected scratch.Length >= {work + GradientChunks * block}, but got {scratch.Length}.", nameof(scratch));
            var partials = scratch.Slice(work, GradientChunks * block);

            // The batch in a fixed number of chunks of samples, each summed on its own (by whichever thread), the chunks then
            // added in order: the same bits for any thread count.
            int parts = Math.Min(Math.Min(Parallelism.MaxDegreeOfParallelism, GradientChunks), batch);
            var workers = parts > 1 ? Workers.TryAcquire(parts - 1) : null;
            if (workers is null)
            {
                WeightGradientChunks(g, x, dy, batch, 0, GradientChunks, scratch.Slice(0, work), partials);
            }
            else
            {
                try
                {
                    fixed (float* px = x, pdy = dy, pp = partials)
                    {
                        for (int part = 1; part < parts; part++)
                        {
                            var chunkBlock = Workers.Slot(ref ChunkBlock<TShape>.s_blocks, part - 1);
                            chunkBlock.Set(g, px, x.Length, pdy, dy.Length, pp, partials.Length, batch, GradientChunks * part / parts, GradientChunks * (part + 1) / parts);
                            workers[part - 1].Start(chunkBlock.Run);
                        }

                        WeightGradientChunks(g, x, dy, batch, 0, GradientChunks / parts, scratch.Slice(0, work), partials);
                        for (int part = 1; part < parts; part++) workers[part - 1].Wait();
                    }
                }
                finally
                {
                    Workers.Release();
                }
            }

            for (int f = 0; f < g.F; f++)
            {
                var row = dw.Slice(f * taps, taps);
                for (int t = 0; t < taps; t++)
                {
                    float sum = partials[t * g.F + f];
                    for (int chunk = 1; chunk < GradientChunks; chunk++) sum += partials[chunk * block + t * g.F + f];
                    row[t] += sum;
                }
            }
        }

        private const int GradientChunks = KernelChoices.GradientChunks;

        /// <summary>A weight gradient's working memory per thread (per-sample products): the padded input and the deltas on its grid.</summary>
        private static int WeightGradientWork<TShape>(in TShape g)
            where TShape : struct, IConvShape
        {
            ImplicitLayout(g, out int paddedLength, out _, out int width);
            return paddedLength + g.F * width;
        }

        /// <summary>
        /// The partial dW^T of chunks [first, last), each over its samples: as lane sums (<see cref="LaneChunks"/>) where rows
        /// are long, else per sample the padded input and the deltas on its grid (zeros between rows, in
        /// <paramref name="work"/>) and one matrix product.
        /// </summary>
        private static void WeightGradientChunks<TShape>(in TShape g, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, int batch, int first, int last, Span<float> work, Span<float> partials)
            where TShape : struct, IConvShape
        {
            ImplicitLayout(g, out int paddedLength, out int extended, out int width);
            int taps = g.C * g.KD * g.KH * g.KW, block = taps * g.F;
            if (UsesLanes(extended))
            {
                LaneChunks(g, x, dy, batch, first, last, partials);
                return;
            }

            // short rows (few outputs per sample): one matrix product per sample, dW^T[T, F] += X_shift[T, J] dY^T[J, F]
            var padded = work.Slice(0, paddedLength);
            var deltas = work.Slice(paddedLength, g.F * width);
            padded.Clear();
            deltas.Clear(); // the columns between kept outputs stay zero
            var shifts = Shifts(g);
            for (int chunk = first; chunk < last; chunk++)
            {
                var partial = partials.Slice(chunk * block, block);
                int from = batch * chunk / GradientChunks, to = batch * (chunk + 1) / GradientChunks;
                if (from == to) partial.Clear();
                int n = from;
                if (UsesBlocks(g))
                {
                    for (; n + BlockLanes <= to; n += BlockLanes) WeightGradientBlock(g, x.Slice(n * g.InputLength, BlockLanes * g.InputLength), dy.Slice(n * g.OutputLength, BlockLanes * g.OutputLength), partial, accumulate: n > from);
                }

                for (; n < to; n++)
                {
                    PlaceSample(g, x, dy, n, padded, deltas, width);
                    Gemm.MultiplyRowsA(taps, g.F, extended, padded, shifts, true, deltas, width, partial, g.F, accumulate: n > from);
                }
            }
        }

        [ThreadStatic]
        private static float[]? t_lanes;

        [ThreadStatic]
        private static int[]? t_laneRows;

        /// <summary>
        /// Lane sums over a pass of several samples at once: per channel, the samples' padded planes one after the other (so a
        /// tap's shifted row runs through all of them), each filter's deltas laid out the same way (zeros off the kept
        /// outputs, so what a shifted row reads across a plane's end is multiplied by 0), and every (tap, filter) dot
        /// product as 16 lane sums carried across the chunk (<see cref="Dots"/>), summed in a fixed tree at its end.
        /// </summary>
        private static unsafe void LaneChunks<TShape>(in TShape g, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, int batch, int first, int last, Span<float> partials)
            where TShape : struct, IConvShape
        {
            int idp = g.ID + 2 * g.PD, ihp = g.IH + 2 * g.PH, iwp = g.IW + 2 * g.PW, plane = idp * ihp * iwp;
            int taps = g.C * g.KD * g.KH * g.KW, block = taps * g.F;
            int samples = PassSamples(plane), full = (samples * plane + 15) / 16 * 16;
            int within = (g.KD - 1) * g.DD * ihp * iwp + (g.KH - 1) * g.DH * iwp + (g.KW - 1) * g.DW;
            int region = (full + within + 15) / 16 * 16; // one channel's planes plus the slack its last shifted row reads
            long needed = (long)g.C * region + (long)g.F * full + 16L * block;
            var work = t_lanes;
            if (work is null || work.Length < needed) t_lanes = work = new float[needed];
            var rows = t_laneRows;
            if (rows is null || rows.Length < taps) t_laneRows = rows = new int[taps];
            // the taps' shifts in one sample's padded input, with each channel's planes now a region apart
            var shifts = Shifts(g);
            int perChannel = g.KD * g.KH * g.KW;
            for (int t = 0; t < taps; t++) rows[t] = shifts[t] + t / perChannel * (region - plane);

            var inputs = work.AsSpan(0, g.C * region);
            var deltas = work.AsSpan(g.C * region, g.F * full);
            var lanes = work.AsSpan(g.C * region + g.F * full, 16 * block);
            inputs.Clear();
            deltas.Clear();
            fixed (float* pi = inputs, pd = deltas, pl = lanes)
            {
                for (int chunk = first; chunk < last; chunk++)
                {
                    var partial = partials.Slice(chunk * block, block);
                    int from = batch * chunk / GradientChunks, to = batch * (chunk + 1) / GradientChunks;
                    lanes.Clear();
                    for (int n0 = from; n0 < to; n0 += samples)
                    {
                        int count = Math.Min(samples, to - n0);
                        for (int i = 0; i < samples; i++)
                        {
                            int n = n0 + i;
                            for (int f = 0; f < g.F; f++)
                            for (int d = 0; d < g.OD; d++)
                            for (int h = 0; h < g.OH; h++)
                            {
                                var target = deltas.Slice(f * full + i * plane + (d * ihp + h) * iwp, g.OW);
                                if (i < count) dy.Slice(n * g.OutputLength + ((f * g.OD + d) * g.OH + h) * g.OW, g.OW).CopyTo(target);
                                else target.Clear(); // a short last pass: the slots it leaves contribute nothing
                            }

                            if (i >= count) continue;
                            for (int c = 0; c < g.C; c++)
                            for (int d = 0; d < g.ID; d++)
                            for (int h = 0; h < g.IH; h++)
                            {
                                x.Slice(n * g.InputLength + ((c * g.ID + d) * g.IH + h) * g.IW, g.IW)
                                    .CopyTo(inputs.Slice(c * region + i * plane + ((d + g.PD) * ihp + h + g.PH) * iwp + g.PW, g.IW));
                            }
                        }

                        Dots.Accumulate(pi, rows.AsSpan(0, taps), pd, full, g.F, (count * plane + 15) / 16 * 16, pl);
                    }

                    // partial is dW^T: [tap, filter]
                    for (int i = 0; i < block; i++) partial[i] = Dots.Reduce(pl + 16 * i);
                }
            }
        }

        /// <summary>Samples per pass of the lane sums: rows of at least 4,096 values.</summary>
        private static int PassSamples(int plane) => Math.Max(1, (4096 + plane - 1) / plane);

        /// <summary>
        /// Whether the weight gradient runs as lane sums (<see cref="LaneChunks"/>) rather than one product per sample, from the
        /// length of a sample's kept outputs on the padded grid: a choice by shape alone, so every machine and thread count
        /// computes the same sums.
        /// </summary>
        private static bool UsesLanes(int extended) => extended >= DotsMinimumLength;

        /// <summary>Rows shorter than this (a sample's kept outputs on the padded grid) run as per-sample products instead of lane sums.</summary>
        private const int DotsMinimumLength = KernelChoices.LaneSumMinimumRow;

        /// <summary>Sample n's input into the padded grid and its deltas onto the grid's rows of <paramref name="width"/> (zeros between).</summary>
        private static void PlaceSample<TShape>(in TShape g, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, int n, Span<float> padded, Span<float> deltas, int width)
            where TShape : struct, IConvShape
        {
            int ihp = g.IH + 2 * g.PH, iwp = g.IW + 2 * g.PW;
            Pad(g, x.Slice(n * g.InputLength, g.InputLength), padded);
            var sample = dy.Slice(n * g.OutputLength, g.OutputLength);
            for (int f = 0; f < g.F; f++)
            for (int d = 0; d < g.OD; d++)
            for (int h = 0; h < g.OH; h++)
            {
                sample.Slice(((f * g.OD + d) * g.OH + h) * g.OW, g.OW).CopyTo(deltas.Slice(f * width + (d * ihp + h) * iwp, g.OW));
            }
        }

        /// <summary>Chunks of a weight gradient handed to a helper thread, which uses a scratch of its own.</summary>
        private sealed unsafe class ChunkBlock<TShape>
            where TShape : struct, IConvShape
        {
            internal static ChunkBlock<TShape>[] s_blocks = Array.Empty<ChunkBlock<TShape>>();

            [ThreadStatic]
            private static float[]? t_work;

            private TShape _g;
            private float* _x, _dy, _partials;
            private int _xLength, _dyLength, _partialsLength, _batch, _from, _to;

            public ChunkBlock() => Run = Execute;

            public Action Run { get; }

            public void Set(in TShape g, float* x, int xLength, float* dy, int dyLength, float* transposed, int transposedLength, int batch, int from, int to)
            {
                _g = g; _x = x; _xLength = xLength; _dy = dy; _dyLength = dyLength; _partials = transposed; _partialsLength = transposedLength;
                _batch = batch; _from = from; _to = to;
            }

            private void Execute()
            {
                int length = WeightGradientWork(_g);
                var work = t_work;
                if (work is null || work.Length < length) t_work = work = new float[length];
                WeightGradientChunks(_g, new ReadOnlySpan<float>(_x, _xLength), new ReadOnlySpan<float>(_dy, _dyLength), _batch, _from, _to, work.AsSpan(0, length), new Span<float>(_partials, _partialsLength));
            }
        }

        /// <summary>
        /// The input gradient (stride 1), overwriting dx: dCols[T, J] = W[F, T]^T dY_ext[F, J] on the padded grid (the deltas
        /// placed with zeros between the kept outputs), then each tap's row added at its shift into the padded input's
        /// gradient (contiguous rows, so the scatter of im2col's col2im becomes whole-row additions), whose interior is dx.
        /// </summary>
        public static void ConvBackwardInputImplicit<TShape>(in TShape g, ReadOnlySpan<float> w, ReadOnlySpan<float> dy, Span<float> dx, Span<float> scratch)
            where TShape : struct, IConvShape
        {
            if (g.SD != 1 || g.SH != 1 || g.SW != 1) throw new ArgumentException($"Expected stride 1, but got ({g.SD}, {g.SH}, {g.SW}).", nameof(g));
            ImplicitLayout(g, out int paddedLength, out _, out int width);
            int taps = g.C * g.KD * g.KH * g.KW;
            if (scratch.Length < paddedLength + g.F * width + taps * width) throw new ArgumentException($"Expected scratch.Length >= {paddedLength + g.F * width + taps * width}, but got {scratch.Length}.", nameof(scratch));
            int ihp = g.IH + 2 * g.PH, iwp = g.IW + 2 * g.PW, plane = (g.ID + 2 * g.PD) * ihp * iwp;
            var padded = scratch.Slice(0, paddedLength);
            var deltas = scratch.Slice(paddedLength, g.F * width);
            var columns = scratch.Slice(paddedLength + g.F * width, taps * width);
            deltas.Clear();
            for (int f = 0; f < g.F; f++)
            for (int d = 0; d < g.OD; d++)
            for (int h = 0; h < g.OH; h++)
            {
                dy.Slice(((f * g.OD + d) * g.OH + h) * g.OW, g.OW).CopyTo(deltas.Slice(f * width + (d * ihp + h) * iwp, g.OW));
            }

            Gemm.Multiply(true, false, taps, width, g.F, w, taps, deltas, width, columns, width, accumulate: false);
            padded.Clear();
            var shifts = Shifts(g);
            for (int t = 0; t < taps; t++) Axpy(1f, columns.Slice(t * width, width), padded.Slice(shifts[t], width));
            for (int c = 0; c < g.C; c++)
            for (int d = 0; d < g.ID; d++)
            for (int h = 0; h < g.IH; h++)
            {
                padded.Slice(c * plane + ((d + g.PD) * ihp + h + g.PH) * iwp + g.PW, g.IW).CopyTo(dx.Slice(((c * g.ID + d) * g.IH + h) * g.IW, g.IW));
            }
        }

        /// <summary>
        /// <see cref="ConvForwardImplicit"/> (<paramref name="inputGradient"/> false: x to y) or <see cref="ConvBackwardInputImplicit"/>
        /// (true: dY to dX) for each of <paramref name="batch"/> samples. With <see cref="Parallelism.MaxDegreeOfParallelism"/>
        /// above 1 the samples are split into fixed blocks across threads (each sample computed as on one thread). With
        /// <paramref name="relu"/> (forward only) the activation is applied in the forward's copy-out.
        /// </summary>
        public static unsafe void ConvImplicitBatch<TShape>(in TShape g, bool inputGradient, ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> source, Span<float> target, int batch, Span<float> scratch, bool relu = false)
            where TShape : struct, IConvShape
        {
            if (inputGradient && relu) throw new ArgumentException("Expected relu only with the forward pass (inputGradient false).", nameof(relu));
            int parts = Math.Min(Parallelism.MaxDegreeOfParallelism, batch);
            var workers = parts > 1 ? Workers.TryAcquire(parts - 1) : null;
            if (workers is null)
            {
                ConvSamples(g, inputGradient, w, b, source, target, 0, batch, scratch, relu);
                return;
            }

            try
            {
                fixed (float* pw = w, pb = b, ps = source, pt = target)
                {
                    for (int part = 1; part < parts; part++)
                    {
                        var block = Workers.Slot(ref ConvBlock<TShape>.s_blocks, part - 1);
                        block.Set(g, inputGradient, relu, pw, w.Length, pb, b.Length, ps, source.Length, pt, target.Length, batch * part / parts, batch * (part + 1) / parts);
                        workers[part - 1].Start(block.Run);
                    }

                    ConvSamples(g, inputGradient, w, b, source, target, 0, batch / parts, scratch, relu);
                    for (int part = 1; part < parts; part++) workers[part - 1].Wait();
                }
            }
            finally
            {
                Workers.Release();
            }
        }

        private static void ConvSamples<TShape>(in TShape g, bool inputGradient, ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> source, Span<float> target, int from, int to, Span<float> scratch, bool relu)
            where TShape : struct, IConvShape
        {
            int sourceLength = inputGradient ? g.OutputLength : g.InputLength, targetLength = inputGradient ? g.InputLength : g.OutputLength;
            int n = from;
            if (UsesBlocks(g))
            {
                for (; n + BlockLanes <= to; n += BlockLanes)
                {
                    var x = source.Slice(n * sourceLength, BlockLanes * sourceLength);
                    var y = target.Slice(n * targetLength, BlockLanes * targetLength);
                    if (inputGradient) ConvBackwardInputBlock(g, w, x, y);
                    else ConvForwardBlock(g, w, b, x, y, relu);
                }
            }

            for (; n < to; n++)
            {
                var x = source.Slice(n * sourceLength, sourceLength);
                var y = target.Slice(n * targetLength, targetLength);
                if (inputGradient) ConvBackwardInputImplicit(g, w, x, y, scratch);
                else ConvForwardImplicit(g, w, b, x, y, scratch, relu);
            }
        }

        /// <summary>A block of samples handed to a helper thread, which uses a scratch of its own.</summary>
        private sealed unsafe class ConvBlock<TShape>
            where TShape : struct, IConvShape
        {
            internal static ConvBlock<TShape>[] s_blocks = Array.Empty<ConvBlock<TShape>>();

            [ThreadStatic]
            private static float[]? t_scratch;

            private TShape _g;
            private bool _inputGradient, _relu;
            private float* _w, _b, _source, _target;
            private int _wLength, _bLength, _sourceLength, _targetLength, _from, _to;

            public ConvBlock() => Run = Execute;

            public Action Run { get; }

            public void Set(in TShape g, bool inputGradient, bool relu, float* w, int wLength, float* b, int bLength, float* source, int sourceLength, float* target, int targetLength, int from, int to)
            {
                _g = g; _inputGradient = inputGradient; _relu = relu; _w = w; _wLength = wLength; _b = b; _bLength = bLength;
                _source = source; _sourceLength = sourceLength; _target = target; _targetLength = targetLength; _from = from; _to = to;
            }

            private void Execute()
            {
                int length = ImplicitConvScratchLength(_g);
                var scratch = t_scratch;
                if (scratch is null || scratch.Length < length) t_scratch = scratch = new float[length];
                ConvSamples(_g, _inputGradient, new ReadOnlySpan<float>(_w, _wLength), new ReadOnlySpan<float>(_b, _bLength), new ReadOnlySpan<float>(_source, _sourceLength),
                    new Span<float>(_target, _targetLength), _from, _to, scratch, _relu);
            }
        }

        /// <summary>y[i] += value.</summary>
        private static void AddScalar(float value, Span<float> y)
        {
            int i = 0;
            if (System.Numerics.Vector.IsHardwareAccelerated && y.Length >= System.Numerics.Vector<float>.Count)
            {
                var v = new System.Numerics.Vector<float>(value);
                var vy = System.Runtime.InteropServices.MemoryMarshal.Cast<float, System.Numerics.Vector<float>>(y);
                for (int j = 0; j < vy.Length; j++) vy[j] += v;
                i = vy.Length * System.Numerics.Vector<float>.Count;
            }

            for (; i < y.Length; i++) y[i] += value;
        }
    }
}
