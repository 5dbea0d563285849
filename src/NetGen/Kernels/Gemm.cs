using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetGen
{
    /// <summary>The vector width the matrix products use: the widest the processor accelerates, or one forced (tests).</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public enum VectorPath
    {
        /// <summary>The widest accelerated: 512-bit where AVX-512 is there, else 256-bit, else scalar.</summary>
        Auto,

        /// <summary>Plain scalar loops.</summary>
        Scalar,

        /// <summary>256-bit vectors: 6x16 register tiles.</summary>
        Vector256,

        /// <summary>512-bit vectors: 8x32 register tiles (6x64 where 8-row tiles would leave rows idle, 12x16 for 16 columns or fewer).</summary>
        Vector512,
    }

    /// <summary>
    /// Single-precision matrix products C = op(A) op(B), or C += op(A) op(B), on row-major spans: the core the dense and
    /// convolution kernels share. op(A) is m x k (A[i, p] = a[i lda + p], or a[p lda + i] when <c>transA</c>), op(B) is
    /// k x n (B[p, j] = b[p ldb + j], or b[j ldb + p] when <c>transB</c>). The product runs in register tiles of MR rows
    /// by NR columns (two vectors wide) over the whole k: each tile's sums stay in registers, A is read in place (one
    /// broadcast per row and step), B in place where its rows are contiguous, else from a zero-padded packed panel.
    /// Every entry of C is a sum over p in increasing order of products, the same for any m, n and tiling, so a row of C
    /// does not depend on how many rows are computed with it (batch-size independent results).
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class Gemm
    {
        /// <summary>
        /// Forces a vector width on the calling thread and the helper threads its kernels hand work to (for tests and
        /// comparisons); <see cref="VectorPath.Auto"/> by default. An unavailable width falls back to the next narrower.
        /// </summary>
        public static VectorPath Path
        {
            get => t_path;
            set => t_path = value;
        }

        [ThreadStatic]
        private static VectorPath t_path;

        [ThreadStatic]
        private static float[]? t_panel;

        /// <summary>The width in effect.</summary>
        public static VectorPath Effective
        {
            get
            {
                var path = Path;
                if ((path == VectorPath.Auto || path == VectorPath.Vector512) && Vector512.IsHardwareAccelerated && Avx512F.IsSupported) return VectorPath.Vector512;
                if ((path == VectorPath.Auto || path == VectorPath.Vector512 || path == VectorPath.Vector256) && Vector256.IsHardwareAccelerated) return VectorPath.Vector256;
                return VectorPath.Scalar;
            }
        }

        /// <summary>C (m x n, row stride ldc) = op(A) op(B), plus C's old values when <paramref name="accumulate"/>.</summary>
        public static void Multiply(bool transA, bool transB, int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate)
        {
            if (m <= 0 || n <= 0) return;
            if (k <= 0)
            {
                if (!accumulate)
                {
                    for (int i = 0; i < m; i++) c.Slice(i * ldc, n).Clear();
                }

                return;
            }

            CheckLength(a, transA ? (long)(k - 1) * lda + m : (long)(m - 1) * lda + k, "a");
            CheckLength(b, transB ? (long)(n - 1) * ldb + k : (long)(k - 1) * ldb + n, "b");
            CheckLength(c, (long)(m - 1) * ldc + n, "c");
            if (transB)
            {
                Run(transA, default, true, m, n, k, a, lda, b, ldb, default, c, ldc, accumulate);
                return;
            }

            var rows = RowOffsets(k);
            for (int p = 0; p < k; p++) rows[p] = p * ldb;
            Run(transA, default, false, m, n, k, a, lda, b, ldb, rows.AsSpan(0, k), c, ldc, accumulate);
        }

        /// <summary>
        /// C (m x n) = op(A) B (+ C), where row p of B starts at b[bRows[p]] and holds its n values contiguously: an
        /// implicit matrix, such as a convolution's shifted input rows, that is never copied.
        /// </summary>
        internal static void MultiplyRows(bool transA, int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, ReadOnlySpan<int> bRows, Span<float> c, int ldc, bool accumulate)
        {
            if (m <= 0 || n <= 0 || k <= 0) throw new ArgumentException("Expected m, n and k >= 1.");
            for (int p = 0; p < k; p++)
            {
                if (bRows[p] < 0 || bRows[p] + (long)n > b.Length) throw new ArgumentException($"Expected row {p} of b inside b, but it starts at {bRows[p]} of {b.Length}.", nameof(bRows));
            }

            CheckLength(c, (long)(m - 1) * ldc + n, "c");
            Run(transA, default, false, m, n, k, a, lda, b, 0, bRows, c, ldc, accumulate);
        }

        /// <summary>
        /// C (m x n) = A op(B) (+ C), where row i of A starts at a[aRows[i]] and holds its k values contiguously (an implicit
        /// matrix, such as a convolution's shifted input rows, read in place).
        /// </summary>
        internal static void MultiplyRowsA(int m, int n, int k, ReadOnlySpan<float> a, ReadOnlySpan<int> aRows, bool transB, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate)
        {
            if (m <= 0 || n <= 0 || k <= 0) throw new ArgumentException("Expected m, n and k >= 1.");
            for (int i = 0; i < m; i++)
            {
                if (aRows[i] < 0 || aRows[i] + (long)k > a.Length) throw new ArgumentException($"Expected row {i} of a inside a, but it starts at {aRows[i]} of {a.Length}.", nameof(aRows));
            }

            CheckLength(b, transB ? (long)(n - 1) * ldb + k : (long)(k - 1) * ldb + n, "b");
            CheckLength(c, (long)(m - 1) * ldc + n, "c");
            var rows = RowOffsets(k);
            for (int p = 0; p < k; p++) rows[p] = p * ldb;
            Run(false, aRows.Slice(0, m), transB, m, n, k, a, 1, b, ldb, transB ? default : rows.AsSpan(0, k), c, ldc, accumulate);
        }

        private static void Run(bool transA, ReadOnlySpan<int> aRows, bool transB, int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, ReadOnlySpan<int> bRows, Span<float> c, int ldc, bool accumulate)
        {
            switch (Effective)
            {
                case VectorPath.Vector512 when n > 32 && (m + 5) / 6 * 6 < (m + 7) / 8 * 8:
                    // few rows that 8-row tiles would leave partly idle (a convolution's 6 filters): 6 x 64 tiles
                    Tiles(transA, aRows, transB, m, n, k, a, lda, b, ldb, bRows, c, ldc, accumulate, mr: 6, nr: 64);
                    break;
                case VectorPath.Vector512 when n > 16:
                    Tiles(transA, aRows, transB, m, n, k, a, lda, b, ldb, bRows, c, ldc, accumulate, mr: 8, nr: 32);
                    break;
                case VectorPath.Vector512 when n <= 8:
                case VectorPath.Vector256 when n <= 8: // 8 columns or fewer (a weight gradient's filters): 12 rows of one 256-bit vector
                    Tiles(transA, aRows, transB, m, n, k, a, lda, b, ldb, bRows, c, ldc, accumulate, mr: 12, nr: 8);
                    break;
                case VectorPath.Vector512: // 9 to 16 columns (a weight gradient's filters): 12 rows of one 512-bit vector
                    Tiles(transA, aRows, transB, m, n, k, a, lda, b, ldb, bRows, c, ldc, accumulate, mr: 12, nr: 16);
                    break;
                case VectorPath.Vector256: // 16 columns or fewer: the 6x16 tile wastes fewer lanes (the same sums, bit for bit)
                    Tiles(transA, aRows, transB, m, n, k, a, lda, b, ldb, bRows, c, ldc, accumulate, mr: 6, nr: 16);
                    break;
                default:
                    Scalar(transA, aRows, transB, m, n, k, a, lda, b, ldb, bRows, c, ldc, accumulate);
                    break;
            }
        }

        [ThreadStatic]
        private static int[]? t_rows;

        [ThreadStatic]
        private static int[]?[]? t_packedRows; // per panel width (8, 16, 32, 64): the offsets p * nr

        private static int[] RowOffsets(int k)
        {
            var rows = t_rows;
            if (rows is null || rows.Length < k) t_rows = rows = new int[Math.Max(k, 1024)];
            return rows;
        }

        /// <summary>Offsets p * nr of a packed panel's rows.</summary>
        private static ReadOnlySpan<int> PackedRows(int k, int nr)
        {
            var widths = t_packedRows ??= new int[]?[65];
            var rows = widths[nr];
            if (rows is null || rows.Length < k)
            {
                rows = new int[Math.Max(k, 1024)];
                for (int p = 0; p < rows.Length; p++) rows[p] = p * nr;
                widths[nr] = rows;
            }

            return rows.AsSpan(0, k);
        }

        private static void CheckLength(ReadOnlySpan<float> span, long needed, string name)
        {
            if (span.Length < needed) throw new ArgumentException($"Expected {name}.Length >= {needed}, but got {span.Length}.", name);
        }

        private static unsafe void Tiles(bool transA, ReadOnlySpan<int> aRows, bool transB, int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, ReadOnlySpan<int> bRows, Span<float> c, int ldc, bool accumulate, int mr, int nr)
        {
            // Opt-in: split large products into blocks of whole tiles, one per thread (each output computed by one thread
            // with the same operations, so the result does not depend on the thread count).
            int parallel = Parallelism.MaxDegreeOfParallelism;
            int panels = (n + nr - 1) / nr, rowTiles = (m + mr - 1) / mr;
            bool byColumns = panels >= rowTiles;
            int parts = Math.Min(parallel, byColumns ? panels : rowTiles);
            if (parts > 1 && (long)m * n * k >= 1_000_000) // smaller products finish before a hand-over pays
            {
                var workers = Workers.TryAcquire(parts - 1);
                if (workers != null)
                {
                    try
                    {
                        fixed (float* pa = a, pb = b, pc = c)
                        fixed (int* par = aRows, pbr = bRows)
                        {
                            int units = byColumns ? panels : rowTiles;
                            for (int part = 1; part < parts; part++)
                            {
                                var block = Workers.Slot(ref s_blocks, part - 1);
                                block.Set(transA, par, aRows.Length, transB, m, n, k, pa, a.Length, lda, pb, b.Length, ldb, pbr, bRows.Length, pc, c.Length, ldc, accumulate, mr, nr);
                                int from = units * part / parts, to = units * (part + 1) / parts;
                                if (byColumns) block.Range(0, m, from * nr, Math.Min(n, to * nr));
                                else block.Range(from * mr, Math.Min(m, to * mr), 0, n);
                                workers[part - 1].Start(block.Run);
                            }

                            int end = units / parts;
                            if (byColumns) Tiles(transA, aRows, transB, m, n, k, a, lda, b, ldb, bRows, c, ldc, accumulate, mr, nr, 0, m, 0, Math.Min(n, end * nr));
                            else Tiles(transA, aRows, transB, m, n, k, a, lda, b, ldb, bRows, c, ldc, accumulate, mr, nr, 0, Math.Min(m, end * mr), 0, n);
                            for (int part = 1; part < parts; part++) workers[part - 1].Wait();
                        }
                    }
                    finally
                    {
                        Workers.Release();
                    }

                    return;
                }
            }

            Tiles(transA, aRows, transB, m, n, k, a, lda, b, ldb, bRows, c, ldc, accumulate, mr, nr, 0, m, 0, n);
        }

        private static Block[] s_blocks = Array.Empty<Block>();

        /// <summary>One block of a product handed to a helper thread: the operands pinned by the caller, which waits for it.</summary>
        private sealed unsafe class Block
        {
            private bool _transA, _transB, _accumulate;
            private int _m, _n, _k, _lda, _ldb, _ldc, _mr, _nr, _aLength, _bLength, _cLength, _aRowsLength, _bRowsLength, _iFrom, _iTo, _jFrom, _jTo;
            private float* _a, _b, _c;
            private int* _aRows, _bRows;

            public Block() => Run = Execute;

            /// <summary>The cached delegate the helper runs (no allocation per product).</summary>
            public Action Run { get; }

            public void Set(bool transA, int* aRows, int aRowsLength, bool transB, int m, int n, int k, float* a, int aLength, int lda, float* b, int bLength, int ldb, int* bRows, int bRowsLength, float* c, int cLength, int ldc, bool accumulate, int mr, int nr)
            {
                _transA = transA; _aRows = aRows; _aRowsLength = aRowsLength; _transB = transB; _m = m; _n = n; _k = k;
                _a = a; _aLength = aLength; _lda = lda; _b = b; _bLength = bLength; _ldb = ldb; _bRows = bRows; _bRowsLength = bRowsLength;
                _c = c; _cLength = cLength; _ldc = ldc; _accumulate = accumulate; _mr = mr; _nr = nr;
            }

            public void Range(int iFrom, int iTo, int jFrom, int jTo)
            {
                _iFrom = iFrom; _iTo = iTo; _jFrom = jFrom; _jTo = jTo;
            }

            private void Execute() => Tiles(_transA, new ReadOnlySpan<int>(_aRows, _aRowsLength), _transB, _m, _n, _k, new ReadOnlySpan<float>(_a, _aLength), _lda,
                new ReadOnlySpan<float>(_b, _bLength), _ldb, new ReadOnlySpan<int>(_bRows, _bRowsLength), new Span<float>(_c, _cLength), _ldc, _accumulate, _mr, _nr, _iFrom, _iTo, _jFrom, _jTo);
        }

        /// <summary>The tiles of rows [iFrom, iTo) and columns [jFrom, jTo) (tile-aligned, or the matrix's end).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Tiles(bool transA, ReadOnlySpan<int> aRows, bool transB, int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, ReadOnlySpan<int> bRows, Span<float> c, int ldc, bool accumulate, int mr, int nr, int iFrom, int iTo, int jFrom, int jTo)
        {
            nint rowStride = transA ? 1 : lda, stepStride = transA ? lda : 1; // A[i, p] = a[i rowStride + p stepStride]
            ref float a0 = ref MemoryMarshal.GetReference(a);
            ref float b0 = ref MemoryMarshal.GetReference(b);
            ref float c0 = ref MemoryMarshal.GetReference(c);
            Span<float> tile = stackalloc float[6 * 64]; // the largest tile: 6 x 64 (8 x 32, 12 x 16 are smaller)
            Span<nint> offsets = stackalloc nint[12];
            for (int j = jFrom; j < jTo; j += nr)
            {
                int cols = Math.Min(nr, n - j);
                ref float panel = ref b0;
                ReadOnlySpan<int> panelRows;
                if (!transB && cols == nr)
                {
                    panel = ref Unsafe.Add(ref b0, j); // B's rows hold the panel's columns contiguously
                    panelRows = bRows;
                }
                else
                {
                    var packed = Pack(transB, k, b, ldb, bRows, j, cols, nr);
                    panel = ref MemoryMarshal.GetArrayDataReference(packed);
                    panelRows = PackedRows(k, nr);
                }

                ref int rowOffsets = ref MemoryMarshal.GetReference(panelRows);

                for (int i = iFrom; i < iTo; i += mr)
                {
                    int rows = Math.Min(mr, m - i);
                    // where each of the tile's rows starts relative to its first (rows past the end repeat the last)
                    nint first = aRows.IsEmpty ? i * rowStride : aRows[i];
                    for (int r = 0; r < mr; r++)
                    {
                        int row = i + Math.Min(r, rows - 1);
                        offsets[r] = (aRows.IsEmpty ? row * rowStride : aRows[row]) - first;
                    }

                    ref float ai = ref Unsafe.Add(ref a0, first);
                    ref float ci = ref Unsafe.Add(ref c0, (nint)i * ldc + j);
                    bool whole = cols == nr; // rows below mr are stored directly; a column tail goes through the scratch tile
                    ref float target = ref whole ? ref ci : ref MemoryMarshal.GetReference(tile);
                    if (mr == 6 && nr == 64)
                    {
                        Kernel6x64(k, ref ai, offsets, stepStride, rows, ref panel, ref rowOffsets, ref target, whole ? ldc : nr, whole && accumulate);
                    }
                    else if (mr == 8)
                    {
                        Kernel8x32(k, ref ai, offsets, stepStride, rows, ref panel, ref rowOffsets, ref target, whole ? ldc : nr, whole && accumulate);
                    }
                    else if (mr == 12 && nr == 16)
                    {
                        Kernel12x16(k, ref ai, offsets, stepStride, rows, ref panel, ref rowOffsets, ref target, whole ? ldc : nr, whole && accumulate);
                    }
                    else if (mr == 12 && rows <= 4)
                    {
                        Kernel4x8(k, ref ai, offsets, stepStride, rows, ref panel, ref rowOffsets, ref target, whole ? ldc : nr, whole && accumulate); // a short last tile
                    }
                    else if (mr == 12)
                    {
                        Kernel12x8(k, ref ai, offsets, stepStride, rows, ref panel, ref rowOffsets, ref target, whole ? ldc : nr, whole && accumulate);
                    }
                    else
                    {
                        Kernel6x16(k, ref ai, offsets, stepStride, rows, ref panel, ref rowOffsets, ref target, whole ? ldc : nr, whole && accumulate);
                    }

                    if (whole) continue;
                    for (int r = 0; r < rows; r++)
                    {
                        var source = tile.Slice(r * nr, cols);
                        var destination = c.Slice((i + r) * ldc + j, cols);
                        if (accumulate)
                        {
                            for (int q = 0; q < cols; q++) destination[q] += source[q];
                        }
                        else
                        {
                            source.CopyTo(destination);
                        }
                    }
                }
            }
        }

        /// <summary>Copies columns [j, j + cols) of op(B) into a k x nr panel, zero-padded on the right.</summary>
        private static float[] Pack(bool transB, int k, ReadOnlySpan<float> b, int ldb, ReadOnlySpan<int> bRows, int j, int cols, int nr)
        {
            int length = k * nr;
            var panel = t_panel;
            if (panel is null || panel.Length < length) t_panel = panel = new float[Math.Max(length, 64 * 1024)];
            if (transB)
            {
                // column by column: each read sequential, the writes strided by nr
                if (cols < nr) panel.AsSpan(0, length).Clear();
                for (int q = 0; q < cols; q++)
                {
                    var column = b.Slice((j + q) * ldb, k);
                    for (int p = 0; p < k; p++) panel[p * nr + q] = column[p];
                }

                return panel;
            }

            for (int p = 0; p < k; p++)
            {
                var row = panel.AsSpan(p * nr, nr);
                b.Slice(bRows[p] + j, cols).CopyTo(row);
                row.Slice(cols).Clear();
            }

            return panel;
        }

        /// <summary>
        /// An 8 x 32 tile of 512-bit accumulators over all k steps: C[r, 0..32) (+)= sum_p A[r, p] B[p, 0..32). Rows beyond
        /// <paramref name="rows"/> repeat the last valid row and are not stored.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Kernel8x32(int k, ref float a, ReadOnlySpan<nint> rowOffsets, nint stepStride, int rows, ref float b, ref int bRows, ref float c, nint ldc, bool accumulate)
        {
            nint r1 = rowOffsets[1], r2 = rowOffsets[2], r3 = rowOffsets[3], r4 = rowOffsets[4], r5 = rowOffsets[5], r6 = rowOffsets[6], r7 = rowOffsets[7];
            Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
            Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
            for (int p = 0; p < k; p++)
            {
                ref float bp = ref Unsafe.Add(ref b, Unsafe.Add(ref bRows, p));
                var b0 = Vector512.LoadUnsafe(ref bp);
                var b1 = Vector512.LoadUnsafe(ref bp, 16);
                ref float ap = ref Unsafe.Add(ref a, p * stepStride);
                var x = Vector512.Create(ap);
                c00 = Avx512F.FusedMultiplyAdd(x, b0, c00);
                c01 = Avx512F.FusedMultiplyAdd(x, b1, c01);
                x = Vector512.Create(Unsafe.Add(ref ap, r1));
                c10 = Avx512F.FusedMultiplyAdd(x, b0, c10);
                c11 = Avx512F.FusedMultiplyAdd(x, b1, c11);
                x = Vector512.Create(Unsafe.Add(ref ap, r2));
                c20 = Avx512F.FusedMultiplyAdd(x, b0, c20);
                c21 = Avx512F.FusedMultiplyAdd(x, b1, c21);
                x = Vector512.Create(Unsafe.Add(ref ap, r3));
                c30 = Avx512F.FusedMultiplyAdd(x, b0, c30);
                c31 = Avx512F.FusedMultiplyAdd(x, b1, c31);
                x = Vector512.Create(Unsafe.Add(ref ap, r4));
                c40 = Avx512F.FusedMultiplyAdd(x, b0, c40);
                c41 = Avx512F.FusedMultiplyAdd(x, b1, c41);
                x = Vector512.Create(Unsafe.Add(ref ap, r5));
                c50 = Avx512F.FusedMultiplyAdd(x, b0, c50);
                c51 = Avx512F.FusedMultiplyAdd(x, b1, c51);
                x = Vector512.Create(Unsafe.Add(ref ap, r6));
                c60 = Avx512F.FusedMultiplyAdd(x, b0, c60);
                c61 = Avx512F.FusedMultiplyAdd(x, b1, c61);
                x = Vector512.Create(Unsafe.Add(ref ap, r7));
                c70 = Avx512F.FusedMultiplyAdd(x, b0, c70);
                c71 = Avx512F.FusedMultiplyAdd(x, b1, c71);
            }

            Store512(ref c, 0, c00, c01, accumulate);
            if (rows > 1) Store512(ref c, ldc, c10, c11, accumulate);
            if (rows > 2) Store512(ref c, 2 * ldc, c20, c21, accumulate);
            if (rows > 3) Store512(ref c, 3 * ldc, c30, c31, accumulate);
            if (rows > 4) Store512(ref c, 4 * ldc, c40, c41, accumulate);
            if (rows > 5) Store512(ref c, 5 * ldc, c50, c51, accumulate);
            if (rows > 6) Store512(ref c, 6 * ldc, c60, c61, accumulate);
            if (rows > 7) Store512(ref c, 7 * ldc, c70, c71, accumulate);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Store512(ref float c, nint offset, Vector512<float> v0, Vector512<float> v1, bool accumulate)
        {
            ref float row = ref Unsafe.Add(ref c, offset);
            if (accumulate)
            {
                v0 += Vector512.LoadUnsafe(ref row);
                v1 += Vector512.LoadUnsafe(ref row, 16);
            }

            v0.StoreUnsafe(ref row);
            v1.StoreUnsafe(ref row, 16);
        }

        /// <summary>
        /// A 6 x 64 tile of 512-bit accumulators (24 of the 32 registers), for products with few rows such as a convolution's
        /// 6 filters: four loads and six broadcasts feed 24 multiply-adds, and no row of the tile is idle.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Kernel6x64(int k, ref float a, ReadOnlySpan<nint> rowOffsets, nint stepStride, int rows, ref float b, ref int bRows, ref float c, nint ldc, bool accumulate)
        {
            nint r1 = rowOffsets[1], r2 = rowOffsets[2], r3 = rowOffsets[3], r4 = rowOffsets[4], r5 = rowOffsets[5];
            Vector512<float> c00 = default, c01 = default, c02 = default, c03 = default, c10 = default, c11 = default, c12 = default, c13 = default;
            Vector512<float> c20 = default, c21 = default, c22 = default, c23 = default, c30 = default, c31 = default, c32 = default, c33 = default;
            Vector512<float> c40 = default, c41 = default, c42 = default, c43 = default, c50 = default, c51 = default, c52 = default, c53 = default;
            for (int p = 0; p < k; p++)
            {
                ref float bp = ref Unsafe.Add(ref b, Unsafe.Add(ref bRows, p));
                var b0 = Vector512.LoadUnsafe(ref bp);
                var b1 = Vector512.LoadUnsafe(ref bp, 16);
                var b2 = Vector512.LoadUnsafe(ref bp, 32);
                var b3 = Vector512.LoadUnsafe(ref bp, 48);
                ref float ap = ref Unsafe.Add(ref a, p * stepStride);
                var x = Vector512.Create(ap);
                c00 = Avx512F.FusedMultiplyAdd(x, b0, c00); c01 = Avx512F.FusedMultiplyAdd(x, b1, c01);
                c02 = Avx512F.FusedMultiplyAdd(x, b2, c02); c03 = Avx512F.FusedMultiplyAdd(x, b3, c03);
                x = Vector512.Create(Unsafe.Add(ref ap, r1));
                c10 = Avx512F.FusedMultiplyAdd(x, b0, c10); c11 = Avx512F.FusedMultiplyAdd(x, b1, c11);
                c12 = Avx512F.FusedMultiplyAdd(x, b2, c12); c13 = Avx512F.FusedMultiplyAdd(x, b3, c13);
                x = Vector512.Create(Unsafe.Add(ref ap, r2));
                c20 = Avx512F.FusedMultiplyAdd(x, b0, c20); c21 = Avx512F.FusedMultiplyAdd(x, b1, c21);
                c22 = Avx512F.FusedMultiplyAdd(x, b2, c22); c23 = Avx512F.FusedMultiplyAdd(x, b3, c23);
                x = Vector512.Create(Unsafe.Add(ref ap, r3));
                c30 = Avx512F.FusedMultiplyAdd(x, b0, c30); c31 = Avx512F.FusedMultiplyAdd(x, b1, c31);
                c32 = Avx512F.FusedMultiplyAdd(x, b2, c32); c33 = Avx512F.FusedMultiplyAdd(x, b3, c33);
                x = Vector512.Create(Unsafe.Add(ref ap, r4));
                c40 = Avx512F.FusedMultiplyAdd(x, b0, c40); c41 = Avx512F.FusedMultiplyAdd(x, b1, c41);
                c42 = Avx512F.FusedMultiplyAdd(x, b2, c42); c43 = Avx512F.FusedMultiplyAdd(x, b3, c43);
                x = Vector512.Create(Unsafe.Add(ref ap, r5));
                c50 = Avx512F.FusedMultiplyAdd(x, b0, c50); c51 = Avx512F.FusedMultiplyAdd(x, b1, c51);
                c52 = Avx512F.FusedMultiplyAdd(x, b2, c52); c53 = Avx512F.FusedMultiplyAdd(x, b3, c53);
            }

            Store512(ref c, 0, c00, c01, accumulate);
            Store512(ref c, 32, c02, c03, accumulate);
            if (rows > 1) { Store512(ref c, ldc, c10, c11, accumulate); Store512(ref c, ldc + 32, c12, c13, accumulate); }
            if (rows > 2) { Store512(ref c, 2 * ldc, c20, c21, accumulate); Store512(ref c, 2 * ldc + 32, c22, c23, accumulate); }
            if (rows > 3) { Store512(ref c, 3 * ldc, c30, c31, accumulate); Store512(ref c, 3 * ldc + 32, c32, c33, accumulate); }
            if (rows > 4) { Store512(ref c, 4 * ldc, c40, c41, accumulate); Store512(ref c, 4 * ldc + 32, c42, c43, accumulate); }
            if (rows > 5) { Store512(ref c, 5 * ldc, c50, c51, accumulate); Store512(ref c, 5 * ldc + 32, c52, c53, accumulate); }
        }

        /// <summary>A 6 x 16 tile of 256-bit accumulators, as <see cref="Kernel8x32"/> for processors without AVX-512.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Kernel6x16(int k, ref float a, ReadOnlySpan<nint> rowOffsets, nint stepStride, int rows, ref float b, ref int bRows, ref float c, nint ldc, bool accumulate)
        {
            nint r1 = rowOffsets[1], r2 = rowOffsets[2], r3 = rowOffsets[3], r4 = rowOffsets[4], r5 = rowOffsets[5];
            Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
            Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
            for (int p = 0; p < k; p++)
            {
                ref float bp = ref Unsafe.Add(ref b, Unsafe.Add(ref bRows, p));
                var b0 = Vector256.LoadUnsafe(ref bp);
                var b1 = Vector256.LoadUnsafe(ref bp, 8);
                ref float ap = ref Unsafe.Add(ref a, p * stepStride);
                var x = Vector256.Create(ap);
                c00 = MultiplyAdd(x, b0, c00);
                c01 = MultiplyAdd(x, b1, c01);
                x = Vector256.Create(Unsafe.Add(ref ap, r1));
                c10 = MultiplyAdd(x, b0, c10);
                c11 = MultiplyAdd(x, b1, c11);
                x = Vector256.Create(Unsafe.Add(ref ap, r2));
                c20 = MultiplyAdd(x, b0, c20);
                c21 = MultiplyAdd(x, b1, c21);
                x = Vector256.Create(Unsafe.Add(ref ap, r3));
                c30 = MultiplyAdd(x, b0, c30);
                c31 = MultiplyAdd(x, b1, c31);
                x = Vector256.Create(Unsafe.Add(ref ap, r4));
                c40 = MultiplyAdd(x, b0, c40);
                c41 = MultiplyAdd(x, b1, c41);
                x = Vector256.Create(Unsafe.Add(ref ap, r5));
                c50 = MultiplyAdd(x, b0, c50);
                c51 = MultiplyAdd(x, b1, c51);
            }

            Store256(ref c, 0, c00, c01, accumulate);
            if (rows > 1) Store256(ref c, ldc, c10, c11, accumulate);
            if (rows > 2) Store256(ref c, 2 * ldc, c20, c21, accumulate);
            if (rows > 3) Store256(ref c, 3 * ldc, c30, c31, accumulate);
            if (rows > 4) Store256(ref c, 4 * ldc, c40, c41, accumulate);
            if (rows > 5) Store256(ref c, 5 * ldc, c50, c51, accumulate);
        }

        /// <summary>A 12 x 16 tile of 512-bit accumulators, for products with 9 to 16 columns (one 512-bit vector wide).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Kernel12x16(int k, ref float a, ReadOnlySpan<nint> rowOffsets, nint stepStride, int rows, ref float b, ref int bRows, ref float c, nint ldc, bool accumulate)
        {
            nint r1 = rowOffsets[1], r2 = rowOffsets[2], r3 = rowOffsets[3], r4 = rowOffsets[4], r5 = rowOffsets[5];
            nint r6 = rowOffsets[6], r7 = rowOffsets[7], r8 = rowOffsets[8], r9 = rowOffsets[9], r10 = rowOffsets[10], r11 = rowOffsets[11];
            Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
            Vector512<float> c6 = default, c7 = default, c8 = default, c9 = default, c10 = default, c11 = default;
            for (int p = 0; p < k; p++)
            {
                var bv = Vector512.LoadUnsafe(ref Unsafe.Add(ref b, Unsafe.Add(ref bRows, p)));
                ref float ap = ref Unsafe.Add(ref a, p * stepStride);
                c0 = Avx512F.FusedMultiplyAdd(Vector512.Create(ap), bv, c0);
                c1 = Avx512F.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref ap, r1)), bv, c1);
                c2 = Avx512F.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref ap, r2)), bv, c2);
                c3 = Avx512F.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref ap, r3)), bv, c3);
                c4 = Avx512F.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref ap, r4)), bv, c4);
                c5 = Avx512F.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref ap, r5)), bv, c5);
                c6 = Avx512F.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref ap, r6)), bv, c6);
                c7 = Avx512F.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref ap, r7)), bv, c7);
                c8 = Avx512F.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref ap, r8)), bv, c8);
                c9 = Avx512F.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref ap, r9)), bv, c9);
                c10 = Avx512F.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref ap, r10)), bv, c10);
                c11 = Avx512F.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref ap, r11)), bv, c11);
            }

            Store16(ref c, 0, c0, accumulate);
            if (rows > 1) Store16(ref c, 1 * ldc, c1, accumulate);
            if (rows > 2) Store16(ref c, 2 * ldc, c2, accumulate);
            if (rows > 3) Store16(ref c, 3 * ldc, c3, accumulate);
            if (rows > 4) Store16(ref c, 4 * ldc, c4, accumulate);
            if (rows > 5) Store16(ref c, 5 * ldc, c5, accumulate);
            if (rows > 6) Store16(ref c, 6 * ldc, c6, accumulate);
            if (rows > 7) Store16(ref c, 7 * ldc, c7, accumulate);
            if (rows > 8) Store16(ref c, 8 * ldc, c8, accumulate);
            if (rows > 9) Store16(ref c, 9 * ldc, c9, accumulate);
            if (rows > 10) Store16(ref c, 10 * ldc, c10, accumulate);
            if (rows > 11) Store16(ref c, 11 * ldc, c11, accumulate);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Store16(ref float c, nint offset, Vector512<float> v, bool accumulate)
        {
            ref float row = ref Unsafe.Add(ref c, offset);
            if (accumulate) v += Vector512.LoadUnsafe(ref row);
            v.StoreUnsafe(ref row);
        }

        /// <summary>A 12 x 8 tile of 256-bit accumulators, for products with 8 columns or fewer (one vector wide).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Kernel12x8(int k, ref float a, ReadOnlySpan<nint> rowOffsets, nint stepStride, int rows, ref float b, ref int bRows, ref float c, nint ldc, bool accumulate)
        {
            nint r1 = rowOffsets[1], r2 = rowOffsets[2], r3 = rowOffsets[3], r4 = rowOffsets[4], r5 = rowOffsets[5];
            nint r6 = rowOffsets[6], r7 = rowOffsets[7], r8 = rowOffsets[8], r9 = rowOffsets[9], r10 = rowOffsets[10], r11 = rowOffsets[11];
            Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
            Vector256<float> c6 = default, c7 = default, c8 = default, c9 = default, c10 = default, c11 = default;
            for (int p = 0; p < k; p++)
            {
                var bv = Vector256.LoadUnsafe(ref Unsafe.Add(ref b, Unsafe.Add(ref bRows, p)));
                ref float ap = ref Unsafe.Add(ref a, p * stepStride);
                c0 = MultiplyAdd(Vector256.Create(ap), bv, c0);
                c1 = MultiplyAdd(Vector256.Create(Unsafe.Add(ref ap, r1)), bv, c1);
                c2 = MultiplyAdd(Vector256.Create(Unsafe.Add(ref ap, r2)), bv, c2);
                c3 = MultiplyAdd(Vector256.Create(Unsafe.Add(ref ap, r3)), bv, c3);
                c4 = MultiplyAdd(Vector256.Create(Unsafe.Add(ref ap, r4)), bv, c4);
                c5 = MultiplyAdd(Vector256.Create(Unsafe.Add(ref ap, r5)), bv, c5);
                c6 = MultiplyAdd(Vector256.Create(Unsafe.Add(ref ap, r6)), bv, c6);
                c7 = MultiplyAdd(Vector256.Create(Unsafe.Add(ref ap, r7)), bv, c7);
                c8 = MultiplyAdd(Vector256.Create(Unsafe.Add(ref ap, r8)), bv, c8);
                c9 = MultiplyAdd(Vector256.Create(Unsafe.Add(ref ap, r9)), bv, c9);
                c10 = MultiplyAdd(Vector256.Create(Unsafe.Add(ref ap, r10)), bv, c10);
                c11 = MultiplyAdd(Vector256.Create(Unsafe.Add(ref ap, r11)), bv, c11);
            }

            Store8(ref c, 0, c0, accumulate);
            if (rows > 1) Store8(ref c, ldc, c1, accumulate);
            if (rows > 2) Store8(ref c, 2 * ldc, c2, accumulate);
            if (rows > 3) Store8(ref c, 3 * ldc, c3, accumulate);
            if (rows > 4) Store8(ref c, 4 * ldc, c4, accumulate);
            if (rows > 5) Store8(ref c, 5 * ldc, c5, accumulate);
            if (rows > 6) Store8(ref c, 6 * ldc, c6, accumulate);
            if (rows > 7) Store8(ref c, 7 * ldc, c7, accumulate);
            if (rows > 8) Store8(ref c, 8 * ldc, c8, accumulate);
            if (rows > 9) Store8(ref c, 9 * ldc, c9, accumulate);
            if (rows > 10) Store8(ref c, 10 * ldc, c10, accumulate);
            if (rows > 11) Store8(ref c, 11 * ldc, c11, accumulate);
        }

        /// <summary>Up to 4 rows of one 256-bit vector: the last tile of a 12x8 product when few rows remain.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Kernel4x8(int k, ref float a, ReadOnlySpan<nint> rowOffsets, nint stepStride, int rows, ref float b, ref int bRows, ref float c, nint ldc, bool accumulate)
        {
            nint r1 = rowOffsets[1], r2 = rowOffsets[2], r3 = rowOffsets[3];
            Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default;
            for (int p = 0; p < k; p++)
            {
                var bv = Vector256.LoadUnsafe(ref Unsafe.Add(ref b, Unsafe.Add(ref bRows, p)));
                ref float ap = ref Unsafe.Add(ref a, p * stepStride);
                c0 = MultiplyAdd(Vector256.Create(ap), bv, c0);
                c1 = MultiplyAdd(Vector256.Create(Unsafe.Add(ref ap, r1)), bv, c1);
                c2 = MultiplyAdd(Vector256.Create(Unsafe.Add(ref ap, r2)), bv, c2);
                c3 = MultiplyAdd(Vector256.Create(Unsafe.Add(ref ap, r3)), bv, c3);
            }

            Store8(ref c, 0, c0, accumulate);
            if (rows > 1) Store8(ref c, ldc, c1, accumulate);
            if (rows > 2) Store8(ref c, 2 * ldc, c2, accumulate);
            if (rows > 3) Store8(ref c, 3 * ldc, c3, accumulate);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Store8(ref float c, nint offset, Vector256<float> v, bool accumulate)
        {
            ref float row = ref Unsafe.Add(ref c, offset);
            if (accumulate) v += Vector256.LoadUnsafe(ref row);
            v.StoreUnsafe(ref row);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static Vector256<float> MultiplyAdd(Vector256<float> x, Vector256<float> y, Vector256<float> sum)
            => Fma.IsSupported ? Fma.MultiplyAdd(x, y, sum) : x * y + sum;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Store256(ref float c, nint offset, Vector256<float> v0, Vector256<float> v1, bool accumulate)
        {
            ref float row = ref Unsafe.Add(ref c, offset);
            if (accumulate)
            {
                v0 += Vector256.LoadUnsafe(ref row);
                v1 += Vector256.LoadUnsafe(ref row, 8);
            }

            v0.StoreUnsafe(ref row);
            v1.StoreUnsafe(ref row, 8);
        }

        /// <summary>Plain loops, one fused multiply-add per step where the processor has it, in the same order as the tiles.</summary>
        private static void Scalar(bool transA, ReadOnlySpan<int> aRows, bool transB, int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, ReadOnlySpan<int> bRows, Span<float> c, int ldc, bool accumulate)
        {
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    float sum = 0f;
                    for (int p = 0; p < k; p++)
                    {
                        float x = !aRows.IsEmpty ? a[aRows[i] + p] : transA ? a[p * lda + i] : a[i * lda + p];
                        float y = transB ? b[j * ldb + p] : b[bRows[p] + j];
                        sum = MathF.FusedMultiplyAdd(x, y, sum);
                    }

                    c[i * ldc + j] = accumulate ? c[i * ldc + j] + sum : sum;
                }
            }
        }
    }
}
