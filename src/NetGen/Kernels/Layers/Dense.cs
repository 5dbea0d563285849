using System;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetGen
{
    public static partial class Kernels
    {
        /// <summary>Dense forward for one sample: y[o] = b[o] + sum_i w[o, i] x[i] (w is [outSize, inSize]; b empty when the layer has no bias).</summary>
        public static void DenseForward(ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> x, Span<float> y, int inSize, int outSize)
        {
            x = x.Slice(0, inSize);
            for (int o = 0; o < outSize; o++)
            {
                float s = Dot(w.Slice(o * inSize, inSize), x);
                y[o] = b.IsEmpty ? s : s + b[o];
            }
        }

        // Dense layers over a batch ([batch, in] -> [batch, out]) as matrix products: every weight loaded into registers
        // serves a whole tile of samples and outputs.

        /// <summary>Y[n, o] = b[o] + sum_i W[o, i] X[n, i] for a batch (b empty without bias): Y = X W^T on the matrix-product core.</summary>
        public static void DenseForwardBatch(ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> x, Span<float> y, int batch, int inSize, int outSize)
        {
            y = y.Slice(0, batch * outSize);
            if (batch < 4)
            {
                // a product would copy all of W^T into panels for one to three rows: dot products per sample read W once
                for (int n = 0; n < batch; n++) DenseForward(w, b, x.Slice(n * inSize, inSize), y.Slice(n * outSize, outSize), inSize, outSize);
                return;
            }

            if (b.IsEmpty)
            {
                Gemm.Multiply(false, true, batch, outSize, inSize, x, inSize, w, inSize, y, outSize, accumulate: false);
                return;
            }

            for (int n = 0; n < batch; n++) b.Slice(0, outSize).CopyTo(y.Slice(n * outSize, outSize));
            Gemm.Multiply(false, true, batch, outSize, inSize, x, inSize, w, inSize, y, outSize, accumulate: true);
        }

        /// <summary>
        /// Dense backward over a batch: dW += dY^T X; db[o] += sum_n dY[n, o]; and, unless dx is empty, dX = dY W (eq. 4.71, before
        /// the activation's derivative), on the matrix-product core.
        /// </summary>
        public static void DenseBackwardBatch(ReadOnlySpan<float> w, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dw, Span<float> db, Span<float> dx, int batch, int inSize, int outSize)
        {
            Gemm.Multiply(true, false, outSize, inSize, batch, dy, outSize, x, inSize, dw, inSize, accumulate: true);
            if (!db.IsEmpty)
            {
                for (int n = 0; n < batch; n++)
                {
                    var row = dy.Slice(n * outSize, outSize);
                    for (int o = 0; o < outSize; o++) db[o] += row[o];
                }
            }

            if (!dx.IsEmpty) Gemm.Multiply(false, false, batch, inSize, outSize, dy, outSize, w, inSize, dx, inSize, accumulate: false);
        }
    }
}
