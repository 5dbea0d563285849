using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NetGen.Generator.Model;

namespace NetGen.Generator.Emission
{
    /// <summary>How generated code spells things: the runtime's types, literals, shapes and the parameter slices of a layer.</summary>
    internal static class Code
    {
        public const string Kernels = "global::NetGen.Kernels";
        public const string Guard = "global::NetGen.Guard";
        public const string Span = "global::System.Span<float>";
        public const string ReadOnlySpan = "global::System.ReadOnlySpan<float>";
        public const string DocSpan = "global::System.ReadOnlySpan{float}";

        /// <summary>An int as a C# literal; <paramref name="grouped"/>: with thousands separators, for documentation ("61,706").</summary>
        public static string Lit(int value, bool grouped = false) => value.ToString(grouped ? "N0" : "D", CultureInfo.InvariantCulture);

        /// <summary>A double as a C# literal, invariant and round-trippable ("0.01", "2.0"); append "f" for a float.</summary>
        public static string Lit(double value)
        {
            string text = value.ToString("R", CultureInfo.InvariantCulture);
            return text.Contains(".") || text.Contains("E") ? text : text + ".0";
        }

        /// <summary>A bool as a C# literal.</summary>
        public static string Lit(bool value) => value ? "true" : "false";

        /// <summary>A call of the runtime kernel <paramref name="name"/> (a KernelNames constant) with <paramref name="arguments"/>.</summary>
        public static string Call(string name, params string[] arguments) => Kernels + "." + name + "(" + string.Join(", ", arguments) + ")";

        /// <summary>"(1, 28, 28)".</summary>
        public static string Shape(EquatableArray<int> shape) => "(" + string.Join(", ", shape.Select(v => Lit(v))) + ")";

        /// <summary>"5x5" for a square kernel, or its sizes per axis; a single number when all are equal.</summary>
        public static string Sizes(EquatableArray<int> sizes, string separator)
        {
            bool same = sizes.All(v => v == sizes[0]);
            return same ? Lit(sizes[0]) : string.Join(separator, sizes.Select(v => Lit(v)));
        }

        /// <summary>1 to 3 spatial sizes as (depth, height, width), the missing leading axes filled with <paramref name="fill"/>, as the runtime's geometries take them.</summary>
        public static (int D, int H, int W) Axes3(IEnumerable<int> sizes, int fill)
        {
            var list = sizes.ToList();
            while (list.Count < 3) list.Insert(0, fill);
            return (list[0], list[1], list[2]);
        }

        /// <summary>"(D, H, W)": <see cref="Axes3"/> as a C# tuple literal.</summary>
        public static string Triple(IEnumerable<int> sizes, int fill)
        {
            var (d, h, w) = Axes3(sizes, fill);
            return "(" + Lit(d) + ", " + Lit(h) + ", " + Lit(w) + ")";
        }

        /// <summary>"Conv1" + <paramref name="suffix"/>: a member the generated class declares for a layer ("Conv1Shape", "Dense7Offset").</summary>
        public static string LayerMember(LayerPlan layer, string suffix) => char.ToUpperInvariant(layer.Name[0]) + layer.Name.Substring(1) + suffix;

        /// <summary>"default(Conv1Shape)": a layer's shape struct (<see cref="ShapeStruct"/>), the argument its kernels are instantiated for.</summary>
        public static string ShapeArgument(LayerPlan layer) => "default(" + LayerMember(layer, "Shape") + ")";

        /// <summary>
        /// A window layer's shape as a nested empty struct implementing the runtime's shape interface with literal members
        /// ("public int C => 1;"), rows of <paramref name="members"/> per line: the generic kernels called with it are
        /// compiled for this layer alone, every size a constant. Valid from C# 7.2 (readonly struct) on.
        /// </summary>
        public static void ShapeStruct(SourceWriter w, LayerPlan layer, string shapeInterface, IEnumerable<IEnumerable<(string Name, int Value)>> members)
        {
            w.Line("/// <summary>");
            w.Line("/// " + layer.Name + "'s shape, every size a literal. The runtime's kernels are generic over it, so the JIT and NativeAOT compile them");
            w.Line("/// for this layer alone with each bound, stride and offset a constant. Chosen over emitting the loops here: one tested");
            w.Line("/// kernel body per algorithm, and measured 3-14 % faster than the same kernels reading the sizes from fields.");
            w.Line("/// </summary>");
            w.Line("private readonly struct " + LayerMember(layer, "Shape") + " : global::NetGen." + shapeInterface);
            w.Line("{");
            foreach (var row in members) w.Line("    " + string.Join(" ", row.Select(m => "public int " + m.Name + " => " + Lit(m.Value) + ";")));
            w.Line("}");
        }

        /// <summary>("D", "H", "W") members named <paramref name="prefix"/> + axis, from sizes padded to three axes with <paramref name="fill"/>.</summary>
        public static IEnumerable<(string Name, int Value)> AxisMembers(string prefix, IEnumerable<int> sizes, int fill)
        {
            var (d, h, w) = Axes3(sizes, fill);
            return new (string, int)[] { (prefix + "D", d), (prefix + "H", h), (prefix + "W", w) };
        }

        /// <summary>A window layer's ONNX attributes: ", kernel: ..., strides: ..., padding: ..." and, for kinds that dilate, ", dilations: ...".</summary>
        public static string WindowAttributes(LayerPlan layer, bool dilations, bool padded = true)
        {
            var window = layer.Window!;
            return ", kernel: " + IntArray(window.Kernel) + ", strides: " + IntArray(window.Stride) + ", padding: " + IntArray(padded ? window.Padding : window.Padding.Select(_ => 0))
                + (dilations ? ", dilations: " + IntArray(window.Dilation) : "");
        }

        /// <summary>"new[] { 5, 5 }".</summary>
        public static string IntArray(IEnumerable<int> values) => "new[] { " + string.Join(", ", values.Select(v => Lit(v))) + " }";

        /// <summary>"buffer.Slice(offset, count)".</summary>
        public static string Slice(string buffer, int offset, int count) => buffer + ".Slice(" + Lit(offset) + ", " + Lit(count) + ")";

        /// <summary>The stored weight in <paramref name="buffer"/>: v for a weight-normalized layer.</summary>
        public static string RawWeightSlice(LayerPlan layer, string buffer) => Slice(buffer, layer.WeightOffset, layer.WeightCount);

        /// <summary>Weight normalization's g in <paramref name="buffer"/>.</summary>
        public static string NormSlice(LayerPlan layer, string buffer) => Slice(buffer, layer.NormOffset, layer.NormCount);

        /// <summary>The bias in <paramref name="buffer"/>.</summary>
        public static string BiasSlice(LayerPlan layer, string buffer) => Slice(buffer, layer.BiasOffset, layer.BiasCount);

        /// <summary>The layer's effective weight (weight normalization, weight noise) in <paramref name="buffer"/>.</summary>
        public static string EffectiveSlice(LayerPlan layer, string buffer) => Slice(buffer, layer.EffectiveOffset, layer.WeightCount);

        /// <summary>
        /// "Conv(6, k: 5, s: 2, p: 2" (without the closing parenthesis): a window layer's attribute with the arguments that
        /// differ from the defaults; <paramref name="defaultStride"/> 0 means the window.
        /// </summary>
        public static string WindowSignature(LayerPlan layer, string leading, int defaultStride)
        {
            var window = layer.Window!;
            string text = layer.Spec.AttributeName + "(" + leading + Sizes(window.Kernel, "x");
            if (window.Stride[0] != (defaultStride == 0 ? window.Kernel[0] : defaultStride)) text += ", s: " + Lit(window.Stride[0]);
            if (window.Padding.Any(p => p != 0)) text += ", p: " + Sizes(window.Padding, "x");
            if (window.Dilation[0] != 1) text += ", d: " + Lit(window.Dilation[0]);
            if (window.OutputPadding != 0) text += ", a: " + Lit(window.OutputPadding);
            return text;
        }

        /// <summary>", act" for a non-identity activation.</summary>
        public static string ActSuffix(LayerPlan layer) => layer.Spec.Act == Act.Identity ? ""
            : ", " + layer.Spec.Act + (ActTraits.HasAlpha(layer.Spec.Act) && !double.IsNaN(layer.Spec.Alpha) ? ", Alpha = " + Lit(layer.Spec.Alpha) : "");

        /// <summary>", no bias" for a parameterized layer without bias.</summary>
        public static string BiasSuffix(LayerPlan layer) => layer.Spec.Weights is { Bias: false } ? ", no bias" : "";
    }
}
