using System;

namespace NetGen
{
    /// <summary>
    /// A seeded pseudo-random generator that gives the same numbers on every machine and runtime:
    /// xoshiro256** seeded through SplitMix64, normal deviates by Marsaglia's polar method with a
    /// logarithm computed from IEEE additions, multiplications and divisions only (no libm call whose
    /// last bit could differ between platforms).
    /// </summary>
    public sealed class Rng
    {
        private ulong _s0, _s1, _s2, _s3;
        private double _spare;
        private bool _hasSpare;

        /// <summary>A generator for <paramref name="seed"/>; different <paramref name="stream"/>s give independent sequences (one per layer).</summary>
        public Rng(long seed, long stream = 0)
        {
            ulong x = unchecked((ulong)seed ^ ((ulong)stream * 0xD1B54A32D192ED03UL));
            _s0 = SplitMix(ref x);
            _s1 = SplitMix(ref x);
            _s2 = SplitMix(ref x);
            _s3 = SplitMix(ref x);
        }

        private Rng(ulong s0, ulong s1, ulong s2, ulong s3)
        {
            _s0 = s0;
            _s1 = s1;
            _s2 = s2;
            _s3 = s3;
        }

        /// <summary>A generator with the given raw state (for tests against the reference sequence).</summary>
        internal static Rng FromState(ulong s0, ulong s1, ulong s2, ulong s3) => new Rng(s0, s1, s2, s3);

        private static ulong SplitMix(ref ulong x)
        {
            unchecked
            {
                ulong z = x += 0x9E3779B97F4A7C15UL;
                z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
                z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
                return z ^ (z >> 31);
            }
        }

        private static ulong Rotl(ulong x, int k) => (x << k) | (x >> (64 - k));

        /// <summary>The next 64 random bits.</summary>
        public ulong NextUInt64()
        {
            unchecked
            {
                ulong result = Rotl(_s1 * 5, 7) * 9;
                ulong t = _s1 << 17;
                _s2 ^= _s0;
                _s3 ^= _s1;
                _s1 ^= _s2;
                _s0 ^= _s3;
                _s2 ^= t;
                _s3 = Rotl(_s3, 45);
                return result;
            }
        }

        /// <summary>Uniform on [0, 1) with 53 random bits.</summary>
        public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

        /// <summary>Uniform on [<paramref name="low"/>, <paramref name="high"/>).</summary>
        public double NextUniform(double low, double high) => low + (high - low) * NextDouble();

        /// <summary>Uniform integer on [0, <paramref name="n"/>) without modulo bias.</summary>
        public int NextInt(int n)
        {
            if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), n, "Expected a positive bound.");
            ulong bound = (ulong)n;
            ulong threshold = (0UL - bound) % bound;
            while (true)
            {
                ulong r = NextUInt64();
                if (r >= threshold) return (int)(r % bound);
            }
        }

        /// <summary>Standard normal deviate (mean 0, variance 1).</summary>
        public double NextNormal()
        {
            if (_hasSpare)
            {
                _hasSpare = false;
                return _spare;
            }

            double u, v, s;
            do
            {
                u = 2.0 * NextDouble() - 1.0;
                v = 2.0 * NextDouble() - 1.0;
                s = u * u + v * v;
            }
            while (s >= 1.0 || s == 0.0);

            double f = Math.Sqrt(-2.0 * Log(s) / s); // sqrt is correctly rounded by IEEE 754
            _spare = v * f;
            _hasSpare = true;
            return u * f;
        }

        /// <summary>
        /// Natural logarithm of a positive finite <paramref name="x"/> from exactly rounded operations only,
        /// so it is bit-identical everywhere: x = m 2^e with m in [sqrt(1/2), sqrt(2)),
        /// ln m = 2 atanh((m - 1) / (m + 1)) by its series.
        /// </summary>
        internal static double Log(double x)
        {
            long bits = BitConverter.DoubleToInt64Bits(x);
            int e = (int)((bits >> 52) & 0x7FF) - 1023;
            double m = BitConverter.Int64BitsToDouble((bits & 0x000FFFFFFFFFFFFFL) | 0x3FF0000000000000L);
            if (e == -1023)
            {
                // subnormal: scale into the normal range first
                return Log(x * 18014398509481984.0) - 54 * Ln2;
            }

            if (m > 1.4142135623730951)
            {
                m *= 0.5;
                e += 1;
            }

            double t = (m - 1.0) / (m + 1.0);
            double t2 = t * t;
            double term = t;
            double sum = 0.0;
            for (int k = 1; k < 60; k += 2)
            {
                double add = term / k;
                double next = sum + add;
                if (next == sum) break;
                sum = next;
                term *= t2;
            }

            return 2.0 * sum + e * Ln2;
        }

        private const double Ln2 = 0.69314718055994530942;
    }
}
