using System.Collections.Generic;
using System.Linq;

namespace NetGen.Samples
{
    /// <summary>Writes test accuracy against sparsity (the pruning sample) as a PNG with ScottPlot.</summary>
    public static class PruningCurve
    {
        /// <summary>One pair of lines per method: right after pruning (dashed) and after retraining (solid), in the method's color.</summary>
        public static void Save(IReadOnlyList<(string Method, IReadOnlyList<(double Sparsity, double Pruned, double Retrained)> Points)> series, double dense, string path, string title)
        {
            var plot = new ScottPlot.Plot();
            plot.Title(title);
            plot.XLabel("sparsity of the weights (%)");
            plot.YLabel("test accuracy (%)");
            var palette = new ScottPlot.Palettes.Category10();
            for (int m = 0; m < series.Count; m++)
            {
                var (method, points) = series[m];
                double[] x = points.Select(p => 100 * p.Sparsity).ToArray();
                var pruned = plot.Add.Scatter(x, points.Select(p => 100 * p.Pruned).ToArray());
                pruned.LegendText = method + ", right after pruning";
                pruned.LinePattern = ScottPlot.LinePattern.Dashed;
                pruned.Color = palette.GetColor(m);
                var retrained = plot.Add.Scatter(x, points.Select(p => 100 * p.Retrained).ToArray());
                retrained.LegendText = method + ", after retraining";
                retrained.Color = palette.GetColor(m);
            }

            var line = plot.Add.HorizontalLine(100 * dense);
            line.LegendText = "dense network";
            line.LinePattern = ScottPlot.LinePattern.Dotted;
            line.Color = ScottPlot.Colors.Gray;
            plot.ShowLegend(ScottPlot.Alignment.LowerLeft);
            plot.SavePng(path, 900, 540);
        }
    }
}
