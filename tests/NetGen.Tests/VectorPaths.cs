using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>The vector widths this machine runs, for tests that force each (Gemm.Path holds for the calling thread and its helpers).</summary>
    internal static class VectorPaths
    {
        /// <summary>Scalar, then 256-bit and 512-bit where the processor accelerates them.</summary>
        public static IReadOnlyList<VectorPath> Available()
        {
            var paths = new List<VectorPath> { VectorPath.Scalar };
            if (System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated) paths.Add(VectorPath.Vector256);
            if (System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated) paths.Add(VectorPath.Vector512);
            return paths;
        }

        /// <summary>Every row of <paramref name="rows"/> once per available path (the path last).</summary>
        public static TheoryData<T, VectorPath> Each<T>(IEnumerable<T> rows)
        {
            var data = new TheoryData<T, VectorPath>();
            foreach (var row in rows)
            foreach (var path in Available()) data.Add(row, path);
            return data;
        }

        /// <summary>Runs <paramref name="test"/> with <paramref name="path"/> forced on this thread, then restores the setting.</summary>
        public static void With(VectorPath path, Action test)
        {
            var saved = Gemm.Path;
            try
            {
                Gemm.Path = path;
                Assert.Equal(path, Gemm.Effective);
                test();
            }
            finally
            {
                Gemm.Path = saved;
            }
        }
    }
}
