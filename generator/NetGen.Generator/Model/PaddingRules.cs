using System.Collections.Generic;

namespace NetGen.Generator.Model
{
    /// <summary>The padding modes' rules, shared by [Pad] and convolutions whose PaddingMode is not Zeros.</summary>
    internal static class PaddingRules
    {
        /// <summary>Reflect pads less than an axis's size and Circular at most its size, as PyTorch requires (NG0002 at <paramref name="argument"/>).</summary>
        public static bool CheckMode(LayerContext context, PadMode mode, string argument, EquatableArray<int> input, IReadOnlyList<(int Before, int After)> sides)
        {
            for (int a = 0; a < sides.Count; a++)
            {
                int n = input[a + 1], most = System.Math.Max(sides[a].Before, sides[a].After);
                if (mode == PadMode.Reflect && most >= n || mode == PadMode.Circular && most > n)
                {
                    context.OutOfRange(argument, Problems.Str(most), (mode == PadMode.Reflect ? "reflect padding below" : "circular padding at most") + " the input's size " + Problems.Str(n) + " on spatial axis " + Problems.Str(a + 1) + " (PyTorch refuses it)");
                    return false;
                }
            }

            return true;
        }
    }
}
