using System;
using System.ComponentModel;

namespace NetGen
{
    /// <summary>Weight initializers of chapter 9; the generated <c>Initialize</c> calls <see cref="Initialize"/> with each layer's fans.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class Initializers
    {
        /// <summary>
        /// Fills <paramref name="weights"/> by <paramref name="init"/> (see <see cref="Init"/> for each rule); <paramref name="scale"/> is
        /// the constant, the uniform bound or the normal deviation of the plain rules, <paramref name="gain"/> the variance factor
        /// of eq. 9.13 for the fan-based rules; each takes the attributes' default where its rule does not read it.
        /// </summary>
        public static void Initialize(Span<float> weights, Init init, int fanIn, int fanOut, Rng rng, double scale = LayerDefaults.InitScale, double gain = LayerDefaults.Gain)
        {
            if (rng is null) throw new ArgumentNullException(nameof(rng));
            switch (init)
            {
                case Init.Constant: weights.Fill((float)scale); break;
                case Init.Uniform: Uniform(weights, -scale, scale, rng); break;
                case Init.Normal: Normal(weights, scale, rng); break;
                case Init.TruncatedNormal: TruncatedNormal(weights, scale, rng); break;
                case Init.LeCunNormal: Normal(weights, Math.Sqrt(gain / fanIn), rng); break;
                case Init.LeCunUniform: Bounded(weights, Math.Sqrt(3 * gain / fanIn), rng); break;
                case Init.GlorotNormal: Normal(weights, Math.Sqrt(gain * 2.0 / (fanIn + fanOut)), rng); break;
                case Init.GlorotUniform: Bounded(weights, Math.Sqrt(6 * gain / (fanIn + fanOut)), rng); break;
                case Init.HeNormal: Normal(weights, Math.Sqrt(gain * 2.0 / fanIn), rng); break;
                case Init.HeUniform: Bounded(weights, Math.Sqrt(6 * gain / fanIn), rng); break;
                default: throw new ArgumentOutOfRangeException(nameof(init), init, "Expected a concrete initializer (Auto is resolved by the generator).");
            }
        }

        /// <summary>Glorot/Xavier uniform (eq. 9.7): U(-sqrt(6/(J+I)), sqrt(6/(J+I))).</summary>
        public static void GlorotUniform(Span<float> weights, int fanIn, int fanOut, Rng rng) => Initialize(weights, Init.GlorotUniform, fanIn, fanOut, rng);

        /// <summary>He/Kaiming normal (eq. 9.12): N(0, 2/J).</summary>
        public static void HeNormal(Span<float> weights, int fanIn, Rng rng) => Initialize(weights, Init.HeNormal, fanIn, 0, rng);

        /// <summary>LeCun normal (eq. 9.5): N(0, 1/J), the initialization of self-normalizing networks (section 10.4).</summary>
        public static void LeCunNormal(Span<float> weights, int fanIn, Rng rng) => Initialize(weights, Init.LeCunNormal, fanIn, 0, rng);

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

        /// <summary>N(0, std^2) with every draw outside +-2 std drawn again (eq. 9.3): the result's deviation is 0.8796 std.</summary>
        public static void TruncatedNormal(Span<float> values, double std, Rng rng)
        {
            if (rng is null) throw new ArgumentNullException(nameof(rng));
            for (int i = 0; i < values.Length; i++)
            {
                double z;
                do z = rng.NextNormal(); while (z < -2 || z > 2);
                values[i] = (float)(std * z);
            }
        }

        private static void Bounded(Span<float> values, double limit, Rng rng) => Uniform(values, -limit, limit, rng);
    }
}
