using System;
using System.Numerics;
using NetGen.Optimizers;

namespace NetGen
{
    /// <summary>
    /// Stochastic gradient descent, step for step as <c>torch.optim.SGD</c>: g += weightDecay w;
    /// b = momentum b + (1 - dampening) g (b = g on the first step); g = nesterov ? g + momentum b : b; w -= lr g.
    /// The notes' momentum (eq. 7.14: m = mu m + (1 - mu) g, w -= eta m, m0 = 0) is exactly this with dampening 0 and
    /// lr = eta (1 - mu): both buffers are sums of mu^(t-k) g_k, the notes' scaled by (1 - mu).
    /// </summary>
    public sealed class Sgd : Optimizer
    {
        /// <summary>Creates the optimizer; the arguments are <c>torch.optim.SGD</c>'s, with its defaults.</summary>
        public Sgd(float lr, float momentum = 0f, float dampening = 0f, float weightDecay = 0f, bool nesterov = false)
            : base(lr, momentum != 0f ? 1 : 0)
        {
            if (!(momentum >= 0f)) throw new ArgumentOutOfRangeException(nameof(momentum), $"Expected momentum >= 0, but got {momentum}.");
            if (!(weightDecay >= 0f)) throw new ArgumentOutOfRangeException(nameof(weightDecay), $"Expected weightDecay >= 0, but got {weightDecay}.");
            if (nesterov && (momentum <= 0f || dampening != 0f))
                throw new ArgumentException($"Nesterov momentum requires momentum > 0 and dampening == 0, but got momentum = {momentum}, dampening = {dampening}.", nameof(nesterov));
            Momentum = momentum;
            Dampening = dampening;
            WeightDecay = weightDecay;
            Nesterov = nesterov;
        }

        /// <summary>Momentum factor.</summary>
        public float Momentum { get; }

        /// <summary>Dampening of the gradient in the momentum buffer.</summary>
        public float Dampening { get; }

        /// <summary>L2 penalty factor added to the gradient.</summary>
        public float WeightDecay { get; }

        /// <summary>Whether Nesterov momentum is used.</summary>
        public bool Nesterov { get; }

        /// <inheritdoc />
        protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long step)
        {
            if (Momentum == 0f && WeightDecay == 0f)
            {
                Kernels.Axpy(-Lr, gradients, parameters); // plain gradient descent (eq. 7.3): one fused pass
                return;
            }

            var update = new Rule { Lr = Lr, Mu = Momentum, Keep = 1f - Dampening, Wd = WeightDecay, Nesterov = Nesterov, First = step == 1 };
            Elementwise.Run(ref update, parameters, gradients, State(0), default, default);
        }

        private struct Rule : IUpdate
        {
            public float Lr, Mu, Keep, Wd;
            public bool Nesterov, First;

            public void Apply(ref Vector<float> p, Vector<float> g, ref Vector<float> b, ref Vector<float> s2, ref Vector<float> s3)
            {
                if (Wd != 0f) g += p * Wd;
                if (Mu != 0f)
                {
                    b = First ? g : b * Mu + g * Keep;
                    g = Nesterov ? g + b * Mu : b;
                }

                p -= g * Lr;
            }
        }
    }

    /// <summary>
    /// Adam (Kingma and Ba, with bias correction; eq. 7.51 in the notes omits it), step for step as <c>torch.optim.Adam</c>:
    /// g += weightDecay w; m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; w -= lr / (1 - b1^t) m / (sqrt(v) / sqrt(1 - b2^t) + eps).
    /// </summary>
    public class Adam : Optimizer
    {
        /// <summary>Creates the optimizer with <c>torch.optim.Adam</c>'s arguments and defaults.</summary>
        public Adam(float lr = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float eps = 1e-8f, float weightDecay = 0f)
            : base(lr, 2)
        {
            if (!(beta1 >= 0f && beta1 < 1f)) throw new ArgumentOutOfRangeException(nameof(beta1), $"Expected 0 <= beta1 < 1, but got {beta1}.");
            if (!(beta2 >= 0f && beta2 < 1f)) throw new ArgumentOutOfRangeException(nameof(beta2), $"Expected 0 <= beta2 < 1, but got {beta2}.");
            if (!(eps >= 0f)) throw new ArgumentOutOfRangeException(nameof(eps), $"Expected eps >= 0, but got {eps}.");
            if (!(weightDecay >= 0f)) throw new ArgumentOutOfRangeException(nameof(weightDecay), $"Expected weightDecay >= 0, but got {weightDecay}.");
            Beta1 = beta1;
            Beta2 = beta2;
            Eps = eps;
            WeightDecay = weightDecay;
        }

        /// <summary>Decay of the first moment.</summary>
        public float Beta1 { get; }

        /// <summary>Decay of the second moment.</summary>
        public float Beta2 { get; }

        /// <summary>Added to the denominator.</summary>
        public float Eps { get; }

        /// <summary>Weight decay factor (L2 added to the gradient here; decoupled in <see cref="AdamW"/>).</summary>
        public float WeightDecay { get; }

        /// <summary>Whether weight decay is decoupled from the gradient (AdamW).</summary>
        private protected virtual bool Decoupled => false;

        /// <inheritdoc />
        protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long step)
        {
            double correction1 = 1 - Math.Pow(Beta1, step), correction2 = 1 - Math.Pow(Beta2, step);
            var update = new Rule
            {
                B1 = Beta1,
                B2 = Beta2,
                Eps = Eps,
                StepSize = (float)(Lr / correction1),
                InvSqrtCorrection2 = (float)(1 / Math.Sqrt(correction2)),
                Wd = Decoupled ? 0f : WeightDecay,
                Shrink = Decoupled ? 1f - Lr * WeightDecay : 1f,
            };
            Elementwise.Run(ref update, parameters, gradients, State(0), State(1), default);
        }

        private struct Rule : IUpdate
        {
            public float B1, B2, Eps, StepSize, InvSqrtCorrection2, Wd, Shrink;

            public void Apply(ref Vector<float> p, Vector<float> g, ref Vector<float> m, ref Vector<float> v, ref Vector<float> s3)
            {
                if (Shrink != 1f) p *= Shrink;
                if (Wd != 0f) g += p * Wd;
                m = m * B1 + g * (1f - B1);
                v = v * B2 + g * g * (1f - B2);
                var denominator = Vector.SquareRoot(v) * InvSqrtCorrection2 + new Vector<float>(Eps);
                p -= m / denominator * StepSize;
            }
        }
    }

    /// <summary>AdamW (Loshchilov and Hutter): Adam with decoupled weight decay w *= 1 - lr weightDecay, as <c>torch.optim.AdamW</c> (weight decay 0.01 by default).</summary>
    public sealed class AdamW : Adam
    {
        /// <summary>Creates the optimizer with <c>torch.optim.AdamW</c>'s arguments and defaults.</summary>
        public AdamW(float lr = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float eps = 1e-8f, float weightDecay = 1e-2f)
            : base(lr, beta1, beta2, eps, weightDecay)
        {
        }

        private protected override bool Decoupled => true;
    }

    /// <summary>
    /// AdaGrad (eq. 7.45-7.46), step for step as <c>torch.optim.Adagrad</c>: g += weightDecay w; s += g^2;
    /// w -= lr / (1 + (t - 1) lrDecay) g / (sqrt(s) + eps) (PyTorch adds eps outside the root, the notes inside).
    /// </summary>
    public sealed class AdaGrad : Optimizer
    {
        /// <summary>Creates the optimizer with <c>torch.optim.Adagrad</c>'s arguments and defaults.</summary>
        public AdaGrad(float lr = 1e-2f, float lrDecay = 0f, float weightDecay = 0f, float initialAccumulatorValue = 0f, float eps = 1e-10f)
            : base(lr, 1)
        {
            Require(lrDecay >= 0f, nameof(lrDecay), lrDecay, "lrDecay >= 0");
            Require(weightDecay >= 0f, nameof(weightDecay), weightDecay, "weightDecay >= 0");
            Require(initialAccumulatorValue >= 0f, nameof(initialAccumulatorValue), initialAccumulatorValue, "initialAccumulatorValue >= 0");
            Require(eps > 0f, nameof(eps), eps, "eps > 0 (with eps = 0 a parameter whose gradients are all 0 divides 0 by 0)");
            LrDecay = lrDecay;
            WeightDecay = weightDecay;
            InitialAccumulatorValue = initialAccumulatorValue;
            Eps = eps;
        }

        /// <summary>Decay of the learning rate per step.</summary>
        public float LrDecay { get; }

        /// <summary>L2 penalty factor added to the gradient.</summary>
        public float WeightDecay { get; }

        /// <summary>Initial value of the sum of squares.</summary>
        public float InitialAccumulatorValue { get; }

        /// <summary>Added to the denominator.</summary>
        public float Eps { get; }

        /// <inheritdoc />
        protected override void InitializeState(int length) => State(0).Fill(InitialAccumulatorValue);

        /// <inheritdoc />
        protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long step)
        {
            var update = new Rule { Clr = (float)(Lr / (1 + (step - 1) * (double)LrDecay)), Wd = WeightDecay, Eps = Eps };
            Elementwise.Run(ref update, parameters, gradients, State(0), default, default);
        }

        private struct Rule : IUpdate
        {
            public float Clr, Wd, Eps;

            public void Apply(ref Vector<float> p, Vector<float> g, ref Vector<float> sum, ref Vector<float> s2, ref Vector<float> s3)
            {
                if (Wd != 0f) g += p * Wd;
                sum += g * g;
                p -= g / (Vector.SquareRoot(sum) + new Vector<float>(Eps)) * Clr;
            }
        }
    }

    /// <summary>
    /// RMSprop (eq. 7.47), step for step as <c>torch.optim.RMSprop</c>: g += weightDecay w; s = alpha s + (1 - alpha) g^2;
    /// centered: a = alpha a + (1 - alpha) g, d = sqrt(s - a^2) + eps, else d = sqrt(s) + eps;
    /// momentum: b = momentum b + g / d, w -= lr b; else w -= lr g / d.
    /// </summary>
    public sealed class RmsProp : Optimizer
    {
        /// <summary>Creates the optimizer with <c>torch.optim.RMSprop</c>'s arguments and defaults.</summary>
        public RmsProp(float lr = 1e-2f, float alpha = 0.99f, float eps = 1e-8f, float weightDecay = 0f, float momentum = 0f, bool centered = false)
            : base(lr, 3)
        {
            Require(alpha >= 0f && alpha <= 1f, nameof(alpha), alpha, "0 <= alpha <= 1 (the weight of the running average)");
            Require(eps > 0f, nameof(eps), eps, "eps > 0 (with eps = 0 a parameter whose gradients are all 0 divides 0 by 0)");
            Require(weightDecay >= 0f, nameof(weightDecay), weightDecay, "weightDecay >= 0");
            Require(momentum >= 0f, nameof(momentum), momentum, "momentum >= 0");
            Alpha = alpha;
            Eps = eps;
            WeightDecay = weightDecay;
            Momentum = momentum;
            Centered = centered;
        }

        /// <summary>Smoothing constant of the squared-gradient average.</summary>
        public float Alpha { get; }

        /// <summary>Added to the denominator.</summary>
        public float Eps { get; }

        /// <summary>L2 penalty factor added to the gradient.</summary>
        public float WeightDecay { get; }

        /// <summary>Momentum factor.</summary>
        public float Momentum { get; }

        /// <summary>Whether the gradient's variance (not its second moment) normalizes the step.</summary>
        public bool Centered { get; }

        /// <inheritdoc />
        protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long step)
        {
            var update = new Rule { Lr = Lr, Alpha = Alpha, Eps = Eps, Wd = WeightDecay, Mu = Momentum, Centered = Centered };
            Elementwise.Run(ref update, parameters, gradients, State(0), State(1), State(2));
        }

        private struct Rule : IUpdate
        {
            public float Lr, Alpha, Eps, Wd, Mu;
            public bool Centered;

            public void Apply(ref Vector<float> p, Vector<float> g, ref Vector<float> square, ref Vector<float> average, ref Vector<float> buffer)
            {
                if (Wd != 0f) g += p * Wd;
                square = square * Alpha + g * g * (1f - Alpha);
                Vector<float> denominator;
                if (Centered)
                {
                    average = average * Alpha + g * (1f - Alpha);
                    denominator = Vector.SquareRoot(square - average * average) + new Vector<float>(Eps);
                }
                else
                {
                    denominator = Vector.SquareRoot(square) + new Vector<float>(Eps);
                }

                if (Mu > 0f)
                {
                    buffer = buffer * Mu + g / denominator;
                    p -= buffer * Lr;
                }
                else
                {
                    p -= g / denominator * Lr;
                }
            }
        }
    }

    /// <summary>
    /// AdaDelta (eq. 7.48-7.50), step for step as <c>torch.optim.Adadelta</c>: g += weightDecay w; s = rho s + (1 - rho) g^2;
    /// d = sqrt(u + eps) / sqrt(s + eps) g; u = rho u + (1 - rho) d^2; w -= lr d (lr = 1 is the notes' rule).
    /// </summary>
    public sealed class AdaDelta : Optimizer
    {
        /// <summary>Creates the optimizer with <c>torch.optim.Adadelta</c>'s arguments and defaults.</summary>
        public AdaDelta(float lr = 1f, float rho = 0.9f, float eps = 1e-6f, float weightDecay = 0f)
            : base(lr, 2)
        {
            Require(rho >= 0f && rho <= 1f, nameof(rho), rho, "0 <= rho <= 1 (the weight of the running averages)");
            Require(eps > 0f, nameof(eps), eps, "eps > 0 (AdaDelta's first steps are sqrt(eps) / sqrt(s + eps) g)");
            Require(weightDecay >= 0f, nameof(weightDecay), weightDecay, "weightDecay >= 0");
            Rho = rho;
            Eps = eps;
            WeightDecay = weightDecay;
        }

        /// <summary>Decay of the running averages.</summary>
        public float Rho { get; }

        /// <summary>Added inside both roots.</summary>
        public float Eps { get; }

        /// <summary>L2 penalty factor added to the gradient.</summary>
        public float WeightDecay { get; }

        /// <inheritdoc />
        protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long step)
        {
            var update = new Rule { Lr = Lr, Rho = Rho, Eps = Eps, Wd = WeightDecay };
            Elementwise.Run(ref update, parameters, gradients, State(0), State(1), default);
        }

        private struct Rule : IUpdate
        {
            public float Lr, Rho, Eps, Wd;

            public void Apply(ref Vector<float> p, Vector<float> g, ref Vector<float> square, ref Vector<float> delta2, ref Vector<float> s3)
            {
                if (Wd != 0f) g += p * Wd;
                var eps = new Vector<float>(Eps);
                square = square * Rho + g * g * (1f - Rho);
                var delta = Vector.SquareRoot(delta2 + eps) / Vector.SquareRoot(square + eps) * g;
                delta2 = delta2 * Rho + delta * delta * (1f - Rho);
                p -= delta * Lr;
            }
        }
    }

    /// <summary>
    /// Rprop (eq. 7.55-7.56), step for step as <c>torch.optim.Rprop</c> (iRprop-): per parameter a step size that grows by
    /// etaPlus while the gradient keeps its sign and shrinks by etaMinus when it flips (the step is skipped then),
    /// clamped to [stepMin, stepMax]; w -= step sign(g).
    /// </summary>
    public sealed class Rprop : Optimizer
    {
        /// <summary>Creates the optimizer with <c>torch.optim.Rprop</c>'s arguments and defaults.</summary>
        public Rprop(float lr = 1e-2f, float etaMinus = 0.5f, float etaPlus = 1.2f, float stepMin = 1e-6f, float stepMax = 50f)
            : base(lr, 2)
        {
            if (!(etaMinus > 0f && etaMinus < 1f && etaPlus > 1f))
                throw new ArgumentOutOfRangeException(nameof(etaMinus), $"Expected 0 < etaMinus < 1 < etaPlus, but got etaMinus = {etaMinus}, etaPlus = {etaPlus}.");
            EtaMinus = etaMinus;
            EtaPlus = etaPlus;
            StepMin = stepMin;
            StepMax = stepMax;
        }

        /// <summary>Factor by which a step shrinks when the gradient flips sign.</summary>
        public float EtaMinus { get; }

        /// <summary>Factor by which a step grows while the gradient keeps its sign.</summary>
        public float EtaPlus { get; }

        /// <summary>Smallest step.</summary>
        public float StepMin { get; }

        /// <summary>Largest step.</summary>
        public float StepMax { get; }

        /// <inheritdoc />
        protected override void InitializeState(int length) => State(1).Fill(Lr);

        /// <inheritdoc />
        protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long step)
        {
            var update = new Rule { EtaMinus = EtaMinus, EtaPlus = EtaPlus, Min = StepMin, Max = StepMax };
            Elementwise.Run(ref update, parameters, gradients, State(0), State(1), default);
        }

        private struct Rule : IUpdate
        {
            public float EtaMinus, EtaPlus, Min, Max;

            public void Apply(ref Vector<float> p, Vector<float> g, ref Vector<float> previous, ref Vector<float> size, ref Vector<float> s3)
            {
                var product = g * previous;
                var grow = Vector.GreaterThan(product, Vector<float>.Zero);
                var shrink = Vector.LessThan(product, Vector<float>.Zero);
                var factor = Vector.ConditionalSelect(grow, new Vector<float>(EtaPlus), Vector.ConditionalSelect(shrink, new Vector<float>(EtaMinus), Vector<float>.One));
                size = Vector.Min(Vector.Max(size * factor, new Vector<float>(Min)), new Vector<float>(Max));
                g = Vector.ConditionalSelect(shrink, Vector<float>.Zero, g);
                var sign = Vector.ConditionalSelect(Vector.GreaterThan(g, Vector<float>.Zero), Vector<float>.One,
                    Vector.ConditionalSelect(Vector.LessThan(g, Vector<float>.Zero), -Vector<float>.One, Vector<float>.Zero));
                p -= sign * size;
                previous = g;
            }
        }
    }

    /// <summary>
    /// Delta-bar-delta (Jacobs 1988; eq. 7.44): a learning rate per parameter, raised by kappa while the gradient agrees
    /// in sign with its exponential average g_bar (decay theta) and cut by the fraction phi when it disagrees:
    /// eta += kappa if g_bar(t-1) g > 0, eta -= phi eta if g_bar(t-1) g &lt; 0; then w -= eta g and g_bar = theta g_bar + (1 - theta) g.
    /// </summary>
    public sealed class DeltaBarDelta : Optimizer
    {
        /// <summary>Creates the optimizer; <paramref name="lr"/> is every parameter's initial learning rate.</summary>
        public DeltaBarDelta(float lr = 1e-2f, float kappa = 1e-3f, float phi = 0.1f, float theta = 0.7f)
            : base(lr, 2)
        {
            if (!(kappa > 0f)) throw new ArgumentOutOfRangeException(nameof(kappa), $"Expected kappa > 0, but got {kappa}.");
            if (!(phi > 0f && phi < 1f)) throw new ArgumentOutOfRangeException(nameof(phi), $"Expected 0 < phi < 1, but got {phi}.");
            if (!(theta > 0f && theta < 1f)) throw new ArgumentOutOfRangeException(nameof(theta), $"Expected 0 < theta < 1, but got {theta}.");
            Kappa = kappa;
            Phi = phi;
            Theta = theta;
        }

        /// <summary>Additive increase of a learning rate.</summary>
        public float Kappa { get; }

        /// <summary>Fraction by which a learning rate is cut.</summary>
        public float Phi { get; }

        /// <summary>Decay of the gradient average.</summary>
        public float Theta { get; }

        /// <inheritdoc />
        protected override void InitializeState(int length) => State(1).Fill(Lr);

        /// <inheritdoc />
        protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long step)
        {
            var update = new Rule { Kappa = Kappa, Phi = Phi, Theta = Theta };
            Elementwise.Run(ref update, parameters, gradients, State(0), State(1), default);
        }

        private struct Rule : IUpdate
        {
            public float Kappa, Phi, Theta;

            public void Apply(ref Vector<float> p, Vector<float> g, ref Vector<float> average, ref Vector<float> eta, ref Vector<float> s3)
            {
                var agreement = average * g;
                var change = Vector.ConditionalSelect(Vector.GreaterThan(agreement, Vector<float>.Zero), new Vector<float>(Kappa),
                    Vector.ConditionalSelect(Vector.LessThan(agreement, Vector<float>.Zero), -eta * Phi, Vector<float>.Zero));
                eta += change;
                p -= eta * g;
                average = average * Theta + g * (1f - Theta);
            }
        }
    }

    /// <summary>
    /// Delta-delta (eq. 7.42-7.43): one learning rate per weight, eta_i += gamma g_i g_i(previous) before each step, then
    /// w_i -= eta_i g_i. Agreeing signs raise eta_i, opposite ones lower it, in proportion to the gradients; eta_i may turn
    /// negative where the curvature is high (the notes name no remedy, and none is applied). At the first step there is no
    /// previous gradient and eta keeps its initial <c>lr</c>. <see cref="DeltaBarDelta"/> is the sign-based, always positive variant.
    /// </summary>
    public sealed class DeltaDelta : Optimizer
    {
        /// <summary>Creates the optimizer; <paramref name="lr"/> is every parameter's initial learning rate, <paramref name="gamma"/> the step size in learning-rate space.</summary>
        public DeltaDelta(float lr = 1e-2f, float gamma = 1e-3f)
            : base(lr, 2)
        {
            if (!(gamma > 0f)) throw new ArgumentOutOfRangeException(nameof(gamma), $"Expected gamma > 0, but got {gamma}.");
            Gamma = gamma;
        }

        /// <summary>The step size of the learning rates' own gradient descent (eq. 7.43).</summary>
        public float Gamma { get; }

        /// <inheritdoc />
        protected override void InitializeState(int length) => State(1).Fill(Lr);

        /// <inheritdoc />
        protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long step)
        {
            var update = new Rule { Gamma = Gamma };
            Elementwise.Run(ref update, parameters, gradients, State(0), State(1), default);
        }

        private struct Rule : IUpdate
        {
            public float Gamma;

            public void Apply(ref Vector<float> p, Vector<float> g, ref Vector<float> previous, ref Vector<float> eta, ref Vector<float> s3)
            {
                eta += g * previous * Gamma; // eq. 7.43 (previous is 0 at the first step)
                p -= eta * g;                // eq. 7.42
                previous = g;
            }
        }
    }

    /// <summary>
    /// Quickprop (Fahlman 1988; eq. 7.52): each weight jumps to the minimum of the parabola through its last two gradients,
    /// dw = dw_old g / (g_old - g), bootstrapped by a gradient step (dw = -lr g) where dw_old is 0, and limited to
    /// maxGrowth |dw_old| (Fahlman's mu = 1.75) where the secant is too flat or points uphill.
    /// </summary>
    public sealed class Quickprop : Optimizer
    {
        /// <summary>Creates the optimizer.</summary>
        public Quickprop(float lr = 1e-2f, float maxGrowth = 1.75f)
            : base(lr, 2)
        {
            if (!(maxGrowth > 0f)) throw new ArgumentOutOfRangeException(nameof(maxGrowth), $"Expected maxGrowth > 0, but got {maxGrowth}.");
            MaxGrowth = maxGrowth;
        }

        /// <summary>Largest ratio of a step to the previous one.</summary>
        public float MaxGrowth { get; }

        /// <inheritdoc />
        protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long step)
        {
            var update = new Rule { Lr = Lr, Mu = MaxGrowth };
            Elementwise.Run(ref update, parameters, gradients, State(0), State(1), default);
        }

        private struct Rule : IUpdate
        {
            public float Lr, Mu;

            public void Apply(ref Vector<float> p, Vector<float> g, ref Vector<float> previousGradient, ref Vector<float> previousStep, ref Vector<float> s3)
            {
                var gradientStep = -g * Lr;
                var difference = previousGradient - g;
                var secant = previousStep * g / difference;
                var limit = Vector.Abs(previousStep) * Mu;
                // the secant step is used where it exists, is finite and within mu times the last step; else the step is capped (same sign as the secant, or the last step)
                var capped = Vector.ConditionalSelect(Vector.GreaterThan(secant * previousStep, Vector<float>.Zero), previousStep * Mu, -previousStep * Mu);
                var bounded = Vector.ConditionalSelect(Vector.LessThanOrEqual(Vector.Abs(secant), limit), secant, capped);
                var noHistory = Vector.Equals(previousStep, Vector<float>.Zero);
                var flat = Vector.Equals(difference, Vector<float>.Zero);
                var stepValue = Vector.ConditionalSelect(noHistory, gradientStep, Vector.ConditionalSelect(flat, previousStep * Mu, bounded));
                p += stepValue;
                previousStep = stepValue;
                previousGradient = g;
            }
        }
    }
}
