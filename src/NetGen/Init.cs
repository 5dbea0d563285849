using System;

namespace NetGen
{
    /// <summary>Weight initializers of chapter 9; the generated constructors call these with the layer's fan-in and fan-out.</summary>
    public static class Initializers
    {
        /// <summary>Glorot/Xavier uniform (eq. 9.7): U(-sqrt(6/(J+I)), sqrt(6/(J+I))).</summary>
        public static void GlorotUniform(Span<float> weights, int fanIn, int fanOut, Rng rng)
        {
            double limit = Math.Sqrt(6.0 / (fanIn + fanOut));
            Uniform(weights, -limit, limit, rng);
        }

        /// <summary>He/Kaiming normal (eq. 9.12): N(0, 2/J).</summary>
        public static void HeNormal(Span<float> weights, int fanIn, Rng rng) => Normal(weights, Math.Sqrt(2.0 / fanIn), rng);

        /// <summary>LeCun normal (eq. 9.5): N(0, 1/J), the initialization of self-normalizing networks (section 10.4).</summary>
        public static void LeCunNormal(Span<float> weights, int fanIn, Rng rng) => Normal(weights, Math.Sqrt(1.0 / fanIn), rng);

        /// <summary>U(low, high) for every element.</summary>
        public static void Uniform(Span<float> values, double low, double high, Rng rng)
        {
            if (rng is null) throw new ArgumentNullException(nameof(rng));
            for (int i = 0; i < values.Length; i++) values[i] = (float)rng.NextUniform(low, high);
        }

        /// <summary>N(0, std^2) for every element.</summary>
        public static void Normal(Span<float> values, double std, Rng rng)
        {
            if (rng is null) throw new ArgumentNullException(nameof(rng));
            for (int i = 0; i < values.Length; i++) values[i] = (float)(std * rng.NextNormal());
        }
    }
}
