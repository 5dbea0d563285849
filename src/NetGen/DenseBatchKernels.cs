using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace NetGen
{
    public static partial class Kernels
    {
        // Dense layers over a batch ([batch, in] -> [batch, out]) with four samples per pass over a weight row, so each
        // row of W is read from cache once per four samples instead of once per sample.

        /// <summary>Y[n, o] = b[o] + sum_i W[o, i] X[n, i] for a batch (b empty without bias).</summary>
        public static void DenseForwardBatch(ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> x, Span<float> y, int batch, int inSize, int outSize)
        {
            int n = 0;
            for (; n + 4 <= batch; n += 4)
            {
                var x0 = x.Slice(n * inSize, inSize);
                var x1 = x.Slice((n + 1) * inSize, inSize);
                var x2 = x.Slice((n + 2) * inSize, inSize);
                var x3 = x.Slice((n + 3) * inSize, inSize);
                for (int o = 0; o < outSize; o++)
                {
                    Dot4(w.Slice(o * inSize, inSize), x0, x1, x2, x3, out float s0, out float s1, out float s2, out float s3);
                    float bias = b.IsEmpty ? 0f : b[o];
                    y[n * outSize + o] = s0 + bias;
                    y[(n + 1) * outSize + o] = s1 + bias;
                    y[(n + 2) * outSize + o] = s2 + bias;
                    y[(n + 3) * outSize + o] = s3 + bias;
                }
            }

            for (; n < batch; n++) DenseForward(w, b, x.Slice(n * inSize, inSize), y.Slice(n * outSize, outSize), inSize, outSize);
        }

        /// <summary>
        /// Dense backward over a batch: dW[o, :] += sum_n dY[n, o] X[n, :]; db[o] += sum_n dY[n, o]; and, unless dx is empty,
        /// dX[n, :] = sum_o dY[n, o] W[o, :] (eq. 4.71, before the activation's derivative).
        /// </summary>
        public static void DenseBackwardBatch(ReadOnlySpan<float> w, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dw, Span<float> db, Span<float> dx, int batch, int inSize, int outSize)
        {
            for (int o = 0; o < outSize; o++)
            {
                var row = dw.Slice(o * inSize, inSize);
                int n = 0;
                for (; n + 4 <= batch; n += 4)
                {
                    Axpy4(dy[n * outSize + o], x.Slice(n * inSize, inSize), dy[(n + 1) * outSize + o], x.Slice((n + 1) * inSize, inSize),
                        dy[(n + 2) * outSize + o], x.Slice((n + 2) * inSize, inSize), dy[(n + 3) * outSize + o], x.Slice((n + 3) * inSize, inSize), row);
                }

                for (; n < batch; n++)
                {
                    float d = dy[n * outSize + o];
                    if (d != 0f) Axpy(d, x.Slice(n * inSize, inSize), row);
                }

                if (!db.IsEmpty)
                {
                    float sum = 0f;
                    for (n = 0; n < batch; n++) sum += dy[n * outSize + o];
                    db[o] += sum;
                }
            }

            if (dx.IsEmpty) return;
            dx.Slice(0, batch * inSize).Clear();
            int m = 0;
            for (; m + 4 <= batch; m += 4)
            {
                var dx0 = dx.Slice(m * inSize, inSize);
                var dx1 = dx.Slice((m + 1) * inSize, inSize);
                var dx2 = dx.Slice((m + 2) * inSize, inSize);
                var dx3 = dx.Slice((m + 3) * inSize, inSize);
                for (int o = 0; o < outSize; o++)
                {
                    Scatter4(w.Slice(o * inSize, inSize), dy[m * outSize + o], dx0, dy[(m + 1) * outSize + o], dx1, dy[(m + 2) * outSize + o], dx2, dy[(m + 3) * outSize + o], dx3);
                }
            }

            for (; m < batch; m++) DenseBackwardInput(w, dy.Slice(m * outSize, outSize), dx.Slice(m * inSize, inSize), inSize, outSize);
        }

        /// <summary>Four dot products of one row with four vectors, the row loaded once.</summary>
        private static void Dot4(ReadOnlySpan<float> w, ReadOnlySpan<float> x0, ReadOnlySpan<float> x1, ReadOnlySpan<float> x2, ReadOnlySpan<float> x3,
            out float s0, out float s1, out float s2, out float s3)
        {
            int i = 0, n = w.Length;
            s0 = s1 = s2 = s3 = 0f;
            if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
            {
                var vw = MemoryMarshal.Cast<float, Vector<float>>(w);
                var v0 = MemoryMarshal.Cast<float, Vector<float>>(x0);
                var v1 = MemoryMarshal.Cast<float, Vector<float>>(x1);
                var v2 = MemoryMarshal.Cast<float, Vector<float>>(x2);
                var v3 = MemoryMarshal.Cast<float, Vector<float>>(x3);
                Vector<float> a0 = Vector<float>.Zero, a1 = Vector<float>.Zero, a2 = Vector<float>.Zero, a3 = Vector<float>.Zero;
                for (int j = 0; j < vw.Length; j++)
                {
                    var c = vw[j];
                    a0 += c * v0[j];
                    a1 += c * v1[j];
                    a2 += c * v2[j];
                    a3 += c * v3[j];
                }

                s0 = Vector.Dot(a0, Vector<float>.One);
                s1 = Vector.Dot(a1, Vector<float>.One);
                s2 = Vector.Dot(a2, Vector<float>.One);
                s3 = Vector.Dot(a3, Vector<float>.One);
                i = vw.Length * Vector<float>.Count;
            }

            for (; i < n; i++)
            {
                s0 += w[i] * x0[i];
                s1 += w[i] * x1[i];
                s2 += w[i] * x2[i];
                s3 += w[i] * x3[i];
            }
        }

        /// <summary>y += a0 x0 + a1 x1 + a2 x2 + a3 x3, y loaded and stored once.</summary>
        private static void Axpy4(float a0, ReadOnlySpan<float> x0, float a1, ReadOnlySpan<float> x1, float a2, ReadOnlySpan<float> x2, float a3, ReadOnlySpan<float> x3, Span<float> y)
        {
            int i = 0, n = y.Length;
            if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
            {
                var vy = MemoryMarshal.Cast<float, Vector<float>>(y);
                var v0 = MemoryMarshal.Cast<float, Vector<float>>(x0);
                var v1 = MemoryMarshal.Cast<float, Vector<float>>(x1);
                var v2 = MemoryMarshal.Cast<float, Vector<float>>(x2);
                var v3 = MemoryMarshal.Cast<float, Vector<float>>(x3);
                Vector<float> c0 = new Vector<float>(a0), c1 = new Vector<float>(a1), c2 = new Vector<float>(a2), c3 = new Vector<float>(a3);
                for (int j = 0; j < vy.Length; j++) vy[j] += c0 * v0[j] + c1 * v1[j] + c2 * v2[j] + c3 * v3[j];
                i = vy.Length * Vector<float>.Count;
            }

            for (; i < n; i++) y[i] += a0 * x0[i] + a1 * x1[i] + a2 * x2[i] + a3 * x3[i];
        }

        /// <summary>y_k += a_k w for four outputs, w loaded once.</summary>
        private static void Scatter4(ReadOnlySpan<float> w, float a0, Span<float> y0, float a1, Span<float> y1, float a2, Span<float> y2, float a3, Span<float> y3)
        {
            int i = 0, n = w.Length;
            if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
            {
                var vw = MemoryMarshal.Cast<float, Vector<float>>(w);
                var v0 = MemoryMarshal.Cast<float, Vector<float>>(y0);
                var v1 = MemoryMarshal.Cast<float, Vector<float>>(y1);
                var v2 = MemoryMarshal.Cast<float, Vector<float>>(y2);
                var v3 = MemoryMarshal.Cast<float, Vector<float>>(y3);
                Vector<float> c0 = new Vector<float>(a0), c1 = new Vector<float>(a1), c2 = new Vector<float>(a2), c3 = new Vector<float>(a3);
                for (int j = 0; j < vw.Length; j++)
                {
                    var c = vw[j];
                    v0[j] += c0 * c;
                    v1[j] += c1 * c;
                    v2[j] += c2 * c;
                    v3[j] += c3 * c;
                }

                i = vw.Length * Vector<float>.Count;
            }

            for (; i < n; i++)
            {
                y0[i] += a0 * w[i];
                y1[i] += a1 * w[i];
                y2[i] += a2 * w[i];
                y3[i] += a3 * w[i];
            }
        }
    }
}
