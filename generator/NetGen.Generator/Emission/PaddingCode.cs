using System.Collections.Generic;
using System.Linq;
using NetGen.Generator.Model;
using static NetGen.Generator.Emission.Code;

namespace NetGen.Generator.Emission
{
    /// <summary>The padding kernels in generated code, shared by [Pad] and convolutions whose PaddingMode is not Zeros.</summary>
    internal static class PaddingCode
    {
        /// <summary>The runtime kernels: pad planes into a larger buffer, and add the padded deltas back.</summary>
        public const string Forward = "PaddingForward", Backward = "PaddingBackward";

        /// <summary>
        /// The arguments of the padding kernels: the planes, the input's (depth, height, width) with absent leading axes 1,
        /// the padding before each, the output's sizes and the mode.
        /// </summary>
        public static string[] Arguments(string from, string to, string planes, IEnumerable<int> spatial, IReadOnlyList<(int Before, int After)> sides, PadMode mode)
        {
            var sizes = spatial.ToList();
            var input = Enumerable.Repeat(1, 3 - sizes.Count).Concat(sizes).ToArray();
            var before = Enumerable.Repeat(0, 3 - sizes.Count).Concat(sides.Select(s => s.Before)).ToArray();
            var output = Enumerable.Repeat(1, 3 - sizes.Count).Concat(sizes.Select((n, a) => n + sides[a].Before + sides[a].After)).ToArray();
            return new[] { from, to, "planes: " + planes }.Concat(input.Select(v => Lit(v))).Concat(before.Select(v => Lit(v))).Concat(output.Select(v => Lit(v)))
                .Concat(new[] { "global::NetGen.PadMode." + mode }).ToArray();
        }

        /// <summary>The padding in the exported ONNX graph (onnx.Padding: a Pad node, or slices for circular).</summary>
        public static string Export(string name, string input, IReadOnlyList<(int Before, int After)> sides, PadMode mode)
            => "onnx.Padding(\"" + name + "\", " + input + ", before: " + IntArray(sides.Select(s => s.Before)) + ", after: " + IntArray(sides.Select(s => s.After)) + ", global::NetGen.PadMode." + mode + ")";
    }
}
