using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace NetGen.Generator.Model
{
    /// <summary>
    /// How problems are built and how their arguments are written: invariant numbers, round-trippable reals, shapes as
    /// "(1, 28, 28)". The leaf of the model: every model file and layer kind builds its problems here.
    /// </summary>
    internal static class Problems
    {
        /// <summary>An integer as messages write it (invariant).</summary>
        public static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);

        /// <summary>A long as messages write it (invariant).</summary>
        public static string Str(long value) => value.ToString(CultureInfo.InvariantCulture);

        /// <summary>A double as messages write it: invariant, round-trippable ("0.5", "1E+40").</summary>
        public static string Real(double value) => value.ToString("R", CultureInfo.InvariantCulture);

        /// <summary>"(1, 28, 28)".</summary>
        public static string Shape(EquatableArray<int> shape) => "(" + string.Join(", ", shape.Select(Str)) + ")";

        /// <summary>A problem of <paramref name="id"/> at a layer (index &gt;= 0) or a <see cref="ProblemTarget"/>, at an argument (null: the whole attribute) and element (-1: all).</summary>
        public static Problem Make(string id, int layer, string? argument, int element, params string[] args)
            => new Problem(id, layer, argument, element, new EquatableArray<string>(args));

        /// <summary>NG0002 at layer <paramref name="index"/>'s <paramref name="argument"/>: "{name} layer {n}: {shown} = {value}, expected {expected}".</summary>
        public static Problem OutOfRange(LayerSpec layer, int index, string? argument, string shown, string value, string expected, int element = -1)
            => Make(DiagnosticIds.ArgumentOutOfRange, index, argument, element, layer.AttributeName, Str(index + 1), shown, value, expected);

        /// <summary>NG0002 for an argument shown under its own name.</summary>
        public static void OutOfRange(List<Problem> problems, LayerSpec layer, int index, string argument, string value, string expected)
            => problems.Add(OutOfRange(layer, index, argument, argument, value, expected));
    }
}
