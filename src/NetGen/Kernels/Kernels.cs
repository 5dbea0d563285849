using System.ComponentModel;

namespace NetGen
{
    /// <summary>
    /// Vectorized kernels called by generated networks with every size passed as a literal.
    /// Not meant to be called directly; the generated code is their documentation.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static partial class Kernels
    {
        // One file per layer kind under Layers/ (its forward and backward kernels, named for it), and the general pieces
        // beside this one: Vectors (dot, axpy), Activations, Losses, Penalties, Weights (weight normalization and noise),
        // Gemm and Dots (the matrix-product and dot-product cores).
    }
}
