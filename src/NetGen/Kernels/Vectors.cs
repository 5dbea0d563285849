using System;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetGen
{
    public static partial class Kernels
    {
        // ---- linear algebra ------------------------------------------------------------------

        /// <summary>Sum of a[i] * b[i].</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
        {
            int n = a.Length;
            int i = 0;
            float sum = 0f;
            if (System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated && n >= 32)
            {
                // two 512-bit accumulators of fused multiply-adds
                ref float ra = ref MemoryMarshal.GetReference(a);
                ref float rb = ref MemoryMarshal.GetReference(b.Slice(0, n));
                var acc0 = System.Runtime.Intrinsics.Vector512<float>.Zero;
                var acc1 = System.Runtime.Intrinsics.Vector512<float>.Zero;
                for (; i + 32 <= n; i += 32)
                {
                    acc0 = System.Runtime.Intrinsics.X86.Avx512F.FusedMultiplyAdd(System.Runtime.Intrinsics.Vector512.LoadUnsafe(ref ra, (nuint)i), System.Runtime.Intrinsics.Vector512.LoadUnsafe(ref rb, (nuint)i), acc0);
                    acc1 = System.Runtime.Intrinsics.X86.Avx512F.FusedMultiplyAdd(System.Runtime.Intrinsics.Vector512.LoadUnsafe(ref ra, (nuint)(i + 16)), System.Runtime.Intrinsics.Vector512.LoadUnsafe(ref rb, (nuint)(i + 16)), acc1);
                }

                if (i + 16 <= n)
                {
                    acc0 = System.Runtime.Intrinsics.X86.Avx512F.FusedMultiplyAdd(System.Runtime.Intrinsics.Vector512.LoadUnsafe(ref ra, (nuint)i), System.Runtime.Intrinsics.Vector512.LoadUnsafe(ref rb, (nuint)i), acc0);
                    i += 16;
                }

                sum = System.Runtime.Intrinsics.Vector512.Sum(acc0 + acc1);
            }
            else if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
            {
                var va = MemoryMarshal.Cast<float, Vector<float>>(a);
                var vb = MemoryMarshal.Cast<float, Vector<float>>(b.Slice(0, n));
                Vector<float> acc0 = Vector<float>.Zero, acc1 = Vector<float>.Zero;
                int j = 0;
                for (; j + 1 < va.Length; j += 2)
                {
                    acc0 += va[j] * vb[j];
                    acc1 += va[j + 1] * vb[j + 1];
                }

                if (j < va.Length) acc0 += va[j] * vb[j];
                sum = Vector.Dot(acc0 + acc1, Vector<float>.One);
                i = va.Length * Vector<float>.Count;
            }

            for (; i < n; i++) sum += a[i] * b[i];
            return sum;
        }

        /// <summary>x[i] *= factor.</summary>
        public static void Scale(Span<float> x, float factor)
        {
            for (int i = 0; i < x.Length; i++) x[i] *= factor;
        }

        /// <summary>y[i] += alpha * x[i].</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Axpy(float alpha, ReadOnlySpan<float> x, Span<float> y)
        {
            int n = x.Length;
            int i = 0;
            if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
            {
                var vx = MemoryMarshal.Cast<float, Vector<float>>(x);
                var vy = MemoryMarshal.Cast<float, Vector<float>>(y.Slice(0, n));
                var va = new Vector<float>(alpha);
                for (int j = 0; j < vx.Length; j++) vy[j] += va * vx[j];
                i = vx.Length * Vector<float>.Count;
            }

            for (; i < n; i++) y[i] += alpha * x[i];
        }
    }
}
