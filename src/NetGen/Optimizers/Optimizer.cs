using System;
using System.IO;

namespace NetGen
{
    /// <summary>
    /// Base of NetGen's optimizers: checks lengths, sizes the state on the first step (so one optimizer serves one
    /// parameter buffer), counts steps, and saves and restores the state so training can resume.
    /// </summary>
    public abstract class Optimizer : IOptimizer
    {
        /// <summary>The optimizer with a learning rate inside <paramref name="optimizer"/>, through any wrappers (clipping, data parallelism); null when there is none.</summary>
        internal static Optimizer? Rated(IOptimizer optimizer)
        {
            while (optimizer is IWrappingOptimizer wrapper) optimizer = wrapper.Inner;
            return optimizer as Optimizer;
        }

        private float[][] _state = Array.Empty<float[]>();
        private readonly int _stateCount;

        /// <summary>An optimizer keeping <paramref name="stateCount"/> values per parameter.</summary>
        protected Optimizer(float lr, int stateCount)
        {
            if (!(lr >= 0f)) throw new ArgumentOutOfRangeException(nameof(lr), $"Expected lr >= 0, but got {lr}.");
            Lr = lr;
            _stateCount = stateCount;
        }

        /// <summary>Learning rate; a schedule may change it between steps.</summary>
        public float Lr { get; set; }

        /// <summary>Steps taken so far (PyTorch's state["step"]).</summary>
        public long Steps { get; private set; }

        /// <summary>The state buffer <paramref name="index"/> (empty before the first step).</summary>
        protected Span<float> State(int index) => index < _state.Length ? _state[index] : Span<float>.Empty;

        /// <inheritdoc />
        public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
        {
            Guard.Length(nameof(gradients), parameters.Length, gradients.Length);
            if (_state.Length == 0 && _stateCount > 0)
            {
                _state = new float[_stateCount][];
                for (int i = 0; i < _stateCount; i++) _state[i] = new float[parameters.Length];
                InitializeState(parameters.Length);
            }
            else if (_stateCount > 0 && _state[0].Length != parameters.Length)
            {
                throw new ArgumentException($"Expected parameters.Length == {_state[0].Length} (this {GetType().Name}'s state was built for {_state[0].Length} parameters on its first step), but got {parameters.Length}; use one optimizer per parameter buffer.", nameof(parameters));
            }

            Steps++;
            Update(parameters, gradients, Steps);
        }

        /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> for <paramref name="name"/> unless <paramref name="valid"/> (NaN fails every check).</summary>
        protected static void Require(bool valid, string name, float value, string expected)
        {
            if (!valid) throw new ArgumentOutOfRangeException(name, $"Expected {expected}, but got {name} = {value.ToString(System.Globalization.CultureInfo.InvariantCulture)}.");
        }

        /// <summary>Sets the state's initial values (zero unless overridden).</summary>
        protected virtual void InitializeState(int length)
        {
        }

        /// <summary>One update of the parameters; <paramref name="step"/> counts from 1.</summary>
        protected abstract void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long step);

        /// <summary>Writes the step count, learning rate and state; <see cref="LoadState"/> restores them.</summary>
        public void SaveState(Stream stream)
        {
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            writer.Write(StateMagic);
            writer.Write(GetType().Name);
            writer.Write(Steps);
            writer.Write(Lr);
            writer.Write(_state.Length);
            foreach (var buffer in _state)
            {
                writer.Write(buffer.Length);
                foreach (float v in buffer) writer.Write(v);
            }
        }

        /// <summary>Restores what <see cref="SaveState"/> wrote; validates everything before changing anything.</summary>
        /// <exception cref="InvalidDataException">The stream holds no state of this optimizer type, or is truncated.</exception>
        public void LoadState(Stream stream)
        {
            using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            try
            {
                if (reader.ReadInt32() != StateMagic) throw new InvalidDataException("Expected a NetGen optimizer state, but the stream starts otherwise.");
                string type = reader.ReadString();
                if (type != GetType().Name) throw new InvalidDataException($"Expected the state of a {GetType().Name}, but got one of a {type}.");
                long steps = reader.ReadInt64();
                float lr = reader.ReadSingle();
                int count = reader.ReadInt32();
                if (count != 0 && count != _stateCount) throw new InvalidDataException($"Expected {_stateCount} state buffers, but got {count}.");
                var state = new float[count][];
                for (int i = 0; i < count; i++)
                {
                    int length = reader.ReadInt32();
                    if (length < 0 || (i > 0 && length != state[0].Length)) throw new InvalidDataException($"State buffer {i} has length {length}.");
                    // grown as values arrive, so a damaged length cannot claim more memory than the stream holds
                    var values = new float[Math.Min(length, 1 << 16)];
                    for (int j = 0; j < length; j++)
                    {
                        if (j == values.Length) Array.Resize(ref values, (int)Math.Min(length, 2L * values.Length));
                        values[j] = reader.ReadSingle();
                    }

                    state[i] = values;
                }

                Steps = steps;
                Lr = lr;
                _state = state;
            }
            catch (EndOfStreamException e)
            {
                throw new InvalidDataException("The optimizer state is truncated.", e);
            }
        }

        private const int StateMagic = 0x4F47474E; // "NGGO"
    }
}
