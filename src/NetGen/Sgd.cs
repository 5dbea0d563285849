using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace NetGen
{
    /// <summary>
    /// Stochastic gradient descent with momentum, dampening, Nesterov momentum and L2 weight decay,
    /// step for step as <c>torch.optim.SGD</c>:
    /// g = g + weightDecay * w; b = momentum * b + (1 - dampening) * g (b = g on the first step);
    /// g = nesterov ? g + momentum * b : b; w = w - lr * g.
    /// The notes' momentum (eq. 7.14) is this with dampening = momentum and lr scaled by 1 / (1 - momentum).
    /// </summary>
    public sealed class Sgd : IOptimizer
    {
        private float[]? _momentumBuffer;

        /// <summary>Creates the optimizer; the arguments are <c>torch.optim.SGD</c>'s, with its defaults.</summary>
        public Sgd(float lr, float momentum = 0f, float dampening = 0f, float weightDecay = 0f, bool nesterov = false)
        {
            if (!(lr >= 0f)) throw new ArgumentOutOfRangeException(nameof(lr), lr, $"Expected lr >= 0, but got {lr}.");
            if (!(momentum >= 0f)) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, $"Expected momentum >= 0, but got {momentum}.");
            if (!(weightDecay >= 0f)) throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, $"Expected weightDecay >= 0, but got {weightDecay}.");
            if (nesterov && (momentum <= 0f || dampening != 0f))
                throw new ArgumentException($"Nesterov momentum requires momentum > 0 and dampening == 0, but got momentum = {momentum}, dampening = {dampening}.", nameof(nesterov));
            Lr = lr;
            Momentum = momentum;
            Dampening = dampening;
            WeightDecay = weightDecay;
            Nesterov = nesterov;
        }

        /// <summary>Learning rate; may be changed between steps (by a schedule).</summary>
        public float Lr { get; set; }

        /// <summary>Momentum factor mu.</summary>
        public float Momentum { get; }

        /// <summary>Dampening of the gradient in the momentum buffer.</summary>
        public float Dampening { get; }

        /// <summary>L2 penalty factor added to the gradient.</summary>
        public float WeightDecay { get; }

        /// <summary>Whether Nesterov momentum is used.</summary>
        public bool Nesterov { get; }

        /// <inheritdoc />
        public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
        {
            Guard.Length(nameof(gradients), parameters.Length, gradients.Length);
            float lr = Lr, mu = Momentum, wd = WeightDecay, keep = 1f - Dampening;
            bool first = false;
            if (mu != 0f)
            {
                if (_momentumBuffer is null)
                {
                    _momentumBuffer = new float[parameters.Length];
                    first = true;
                }
                else
                {
                    Guard.Length(nameof(parameters), _momentumBuffer.Length, parameters.Length);
                }
            }

            Span<float> buf = _momentumBuffer;
            int i = 0;
            if (Vector.IsHardwareAccelerated)
            {
                int w = Vector<float>.Count;
                var vp = MemoryMarshal.Cast<float, Vector<float>>(parameters);
                var vg = MemoryMarshal.Cast<float, Vector<float>>(gradients);
                var vb = MemoryMarshal.Cast<float, Vector<float>>(buf);
                for (int j = 0; j < vp.Length; j++)
                {
                    Vector<float> g = vg[j];
                    if (wd != 0f) g += vp[j] * wd;
                    if (mu != 0f)
                    {
                        Vector<float> b = first ? g : vb[j] * mu + g * keep;
                        vb[j] = b;
                        g = Nesterov ? g + b * mu : b;
                    }

                    vp[j] -= g * lr;
                }

                i = vp.Length * w;
            }

            for (; i < parameters.Length; i++)
            {
                float g = gradients[i];
                if (wd != 0f) g += parameters[i] * wd;
                if (mu != 0f)
                {
                    float b = first ? g : buf[i] * mu + g * keep;
                    buf[i] = b;
                    g = Nesterov ? g + b * mu : b;
                }

                parameters[i] -= g * lr;
            }
        }
    }
}
