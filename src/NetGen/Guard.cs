using System;
using System.ComponentModel;

namespace NetGen
{
    /// <summary>Argument checks shared by generated networks and the library; each message names the expected and the actual value.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class Guard
    {
        /// <summary>Throws unless <paramref name="batch"/> is positive.</summary>
        public static void Batch(int batch)
        {
            if (batch <= 0)
                throw new ArgumentOutOfRangeException(nameof(batch), $"Expected batch >= 1, but got {batch}.");
        }

        /// <summary>Throws unless <paramref name="actual"/> equals <paramref name="expected"/>.</summary>
        public static void Length(string name, int expected, int actual)
        {
            if (actual != expected)
                throw new ArgumentException($"Expected {name}.Length == {expected}, but got {actual}.", name);
        }

        /// <summary>Throws unless <paramref name="actual"/> equals <paramref name="batch"/> * <paramref name="perSample"/>.</summary>
        public static void BatchLength(string name, int batch, int perSample, int actual)
        {
            long expected = (long)batch * perSample;
            if (actual != expected)
                throw new ArgumentException($"Expected {name}.Length == batch * {perSample} = {batch} * {perSample} = {expected}, but got {actual}.", name);
        }

        /// <summary>Throws unless every label is a valid class index for <paramref name="outputs"/> outputs (0 or 1 for a single output).</summary>
        public static void Labels(ReadOnlySpan<int> labels, int outputs)
        {
            int classes = outputs == 1 ? 2 : outputs;
            for (int i = 0; i < labels.Length; i++)
            {
                if ((uint)labels[i] >= (uint)classes)
                    throw new ArgumentOutOfRangeException("labels", $"Expected labels[{i}] in [0, {classes - 1}], but got {labels[i]}.");
            }
        }

        /// <summary>Throws unless <paramref name="value"/> is not null.</summary>
        public static T NotNull<T>(T? value, string name) where T : class => value ?? throw new ArgumentNullException(name);
    }
}
