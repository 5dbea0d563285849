using System;

namespace NetGen
{
    /// <summary>
    /// Gradient clipping by global norm, then another optimizer's step: as <c>torch.nn.utils.clip_grad_norm_(parameters,
    /// maxNorm)</c> before <c>optimizer.step()</c>. The L2 norm of all gradients together is computed (in double); where it
    /// exceeds <see cref="MaxNorm"/>, the inner optimizer sees the gradients times maxNorm / (norm + 1e-6), PyTorch's factor.
    /// The network's own gradients are left as they are. Frozen layers' gradients are 0, so they add nothing to the norm.
    /// </summary>
    /// <example><code>var optimizer = new ClipGradNorm(new Adam(1e-3f), maxNorm: 1f);</code></example>
    public sealed class ClipGradNorm : IWrappingOptimizer
    {
        private float[] _clipped = Array.Empty<float>();

        /// <summary>Clips to <paramref name="maxNorm"/> (&gt; 0), then steps <paramref name="inner"/>.</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is not positive and finite.</exception>
        public ClipGradNorm(IOptimizer inner, float maxNorm)
        {
            Inner = Guard.NotNull(inner, nameof(inner));
            if (!(maxNorm > 0f) || float.IsInfinity(maxNorm))
            {
                throw new ArgumentOutOfRangeException(nameof(maxNorm), $"Expected maxNorm > 0 and finite, but got {maxNorm.ToString(System.Globalization.CultureInfo.InvariantCulture)}.");
            }

            MaxNorm = maxNorm;
        }

        /// <summary>The optimizer that takes the clipped gradients (a schedule is built on it).</summary>
        public IOptimizer Inner { get; }

        /// <summary>The largest global gradient norm passed on.</summary>
        public float MaxNorm { get; }

        /// <summary>The global norm of the gradients of the last step, before clipping (what clip_grad_norm_ returns); NaN before the first.</summary>
        public float LastNorm { get; private set; } = float.NaN;

        /// <summary>Whether the last step clipped.</summary>
        public bool LastClipped { get; private set; }

        /// <inheritdoc />
        public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
        {
            Guard.Length(nameof(gradients), parameters.Length, gradients.Length);
            double sum = 0;
            foreach (float g in gradients) sum += (double)g * g;
            double norm = Math.Sqrt(sum);
            LastNorm = (float)norm;
            double coefficient = MaxNorm / (norm + 1e-6);
            LastClipped = coefficient < 1;
            if (!LastClipped)
            {
                Inner.Step(parameters, gradients);
                return;
            }

            if (_clipped.Length != gradients.Length) _clipped = new float[gradients.Length];
            float c = (float)coefficient;
            for (int i = 0; i < gradients.Length; i++) _clipped[i] = gradients[i] * c;
            Inner.Step(parameters, _clipped);
        }
    }
}
