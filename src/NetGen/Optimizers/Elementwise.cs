using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace NetGen.Optimizers
{
    /// <summary>One optimizer update written once over vectors: the parameter, its gradient and up to three state values.</summary>
    internal interface IUpdate
    {
        void Apply(ref Vector<float> p, Vector<float> g, ref Vector<float> s1, ref Vector<float> s2, ref Vector<float> s3);
    }

    /// <summary>
    /// Runs an <see cref="IUpdate"/> over whole spans with <see cref="Vector{T}"/>; the last partial vector is copied into
    /// a padded stack buffer and back, so each optimizer's formula exists once. Empty state spans stand for unused state.
    /// </summary>
    internal static class Elementwise
    {
        public static void Run<T>(ref T update, Span<float> p, ReadOnlySpan<float> g, Span<float> s1, Span<float> s2, Span<float> s3)
            where T : struct, IUpdate
        {
            int width = Vector<float>.Count;
            int full = p.Length / width;
            var vp = MemoryMarshal.Cast<float, Vector<float>>(p);
            var vg = MemoryMarshal.Cast<float, Vector<float>>(g);
            var v1 = MemoryMarshal.Cast<float, Vector<float>>(s1);
            var v2 = MemoryMarshal.Cast<float, Vector<float>>(s2);
            var v3 = MemoryMarshal.Cast<float, Vector<float>>(s3);
            Vector<float> d1 = default, d2 = default, d3 = default;
            for (int i = 0; i < full; i++)
            {
                update.Apply(
                    ref vp[i],
                    vg[i],
                    ref s1.IsEmpty ? ref d1 : ref v1[i],
                    ref s2.IsEmpty ? ref d2 : ref v2[i],
                    ref s3.IsEmpty ? ref d3 : ref v3[i]);
            }

            int start = full * width, rest = p.Length - start;
            if (rest == 0) return;
            Span<float> buffer = stackalloc float[5 * width];
            buffer.Clear();
            var tp = buffer.Slice(0, width);
            var tg = buffer.Slice(width, width);
            var t1 = buffer.Slice(2 * width, width);
            var t2 = buffer.Slice(3 * width, width);
            var t3 = buffer.Slice(4 * width, width);
            p.Slice(start).CopyTo(tp);
            g.Slice(start).CopyTo(tg);
            if (!s1.IsEmpty) s1.Slice(start).CopyTo(t1);
            if (!s2.IsEmpty) s2.Slice(start).CopyTo(t2);
            if (!s3.IsEmpty) s3.Slice(start).CopyTo(t3);
            var vtp = MemoryMarshal.Cast<float, Vector<float>>(tp);
            var vt1 = MemoryMarshal.Cast<float, Vector<float>>(t1);
            var vt2 = MemoryMarshal.Cast<float, Vector<float>>(t2);
            var vt3 = MemoryMarshal.Cast<float, Vector<float>>(t3);
            update.Apply(ref vtp[0], MemoryMarshal.Cast<float, Vector<float>>(tg)[0], ref vt1[0], ref vt2[0], ref vt3[0]);
            tp.Slice(0, rest).CopyTo(p.Slice(start));
            if (!s1.IsEmpty) t1.Slice(0, rest).CopyTo(s1.Slice(start));
            if (!s2.IsEmpty) t2.Slice(0, rest).CopyTo(s2.Slice(start));
            if (!s3.IsEmpty) t3.Slice(0, rest).CopyTo(s3.Slice(start));
        }
    }
}
