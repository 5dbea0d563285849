using System.Collections.Generic;
using System.Linq;

namespace NetGen.Samples
{
    /// <summary>Writes test accuracy against sparsity (the pruning sample) as a PNG with ScottPlot.</summary>
    public static class PruningCurve
    {
        public static void Save(IReadOnlyList<(double Sparsity, double Pruned, double Retrained)> points, double dense, string path, string title)
        {
            var plot = new ScottPlot.Plot();
            plot.Title(title);
            plot.XLabel("sparsity of the weights (%)");
            plot.YLabel("test accuracy (%)");
            double[] x = points.Select(p => 100 * p.Sparsity).ToArray();
            var pruned = plot.Add.Scatter(x, points.Select(p => 100 * p.Pruned).ToArray());
            pruned.LegendText = "right after pruning";
            pruned.LinePattern = ScottPlot.LinePattern.Dashed;
            var retrained = plot.Add.Scatter(x, points.Select(p => 100 * p.Retrained).ToArray());
            retrained.LegendText = "after retraining";
            var line = plot.Add.HorizontalLine(100 * dense);
            line.LegendText = "dense network";
            line.LinePattern = ScottPlot.LinePattern.Dotted;
            plot.ShowLegend(ScottPlot.Alignment.LowerLeft);
            plot.SavePng(path, 900, 540);
        }
    }
}
