using System.Collections.Generic;
using System.Linq;

namespace NetGen.Samples
{
    /// <summary>One line of a <see cref="LinePlot"/>: its legend, points, and whether it is dashed; lines with the same color index share a color.</summary>
    public sealed record Line(string Legend, IReadOnlyList<double> X, IReadOnlyList<double> Y, int Color, bool Dashed = false);

    /// <summary>Writes lines on shared axes as a PNG with ScottPlot (the augmentation, model-complexity and bagging samples).</summary>
    public static class LinePlot
    {
        public static void Save(IEnumerable<Line> lines, string title, string xLabel, string yLabel, string path, bool logX = false)
        {
            var plot = new ScottPlot.Plot();
            plot.Title(title);
            plot.XLabel(logX ? "log2 of " + xLabel : xLabel);
            plot.YLabel(yLabel);
            var palette = new ScottPlot.Palettes.Category10();
            foreach (var line in lines)
            {
                var x = line.X.Select(v => logX ? System.Math.Log2(v) : v).ToArray();
                var scatter = plot.Add.Scatter(x, line.Y.ToArray());
                scatter.LegendText = line.Legend;
                scatter.Color = palette.GetColor(line.Color);
                if (line.Dashed) scatter.LinePattern = ScottPlot.LinePattern.Dashed;
            }

            plot.ShowLegend(ScottPlot.Alignment.UpperRight);
            plot.SavePng(path, 900, 540);
        }
    }
}
