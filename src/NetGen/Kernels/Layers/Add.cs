using System;

namespace NetGen
{
    public static partial class Kernels
    {
        /// <summary>y = sum of the inputs, elementwise (an Add layer's forward pass: the first input copied, the others added).</summary>
        public static void Sum(ReadOnlySpan<float> first, ReadOnlySpan<float> second, Span<float> y)
        {
            first.CopyTo(y);
            Axpy(1f, second, y);
        }
    }
}
