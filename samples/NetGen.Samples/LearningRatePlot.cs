using System;
using System.Linq;

namespace NetGen.Samples
{
    /// <summary>Writes a learning-rate search (the grid's validation losses and the range test's smoothed training loss) as a PNG with ScottPlot.</summary>
    public static class LearningRatePlot
    {
        /// <summary>Loss against log10 of the learning rate; diverged grid rates are drawn at the top as crosses, each suggestion as a vertical line.</summary>
        public static void Save(LearningRateSearchResult grid, LearningRateSearchResult range, string path, string title)
        {
            var plot = new ScottPlot.Plot();
            plot.Title(title);
            plot.XLabel("log10 of the learning rate");
            plot.YLabel("loss");
            var palette = new ScottPlot.Palettes.Category10();
            double top = 1.5 * Math.Max(grid.InitialLoss, range.InitialLoss);
            var stable = grid.Trials.Where(t => !t.Diverged).ToArray();
            var gridLine = plot.Add.Scatter(stable.Select(t => Math.Log10(t.LearningRate)).ToArray(), stable.Select(t => t.Loss).ToArray());
            gridLine.LegendText = "grid: validation loss after a short run";
            gridLine.Color = palette.GetColor(0);
            var diverged = grid.Trials.Where(t => t.Diverged).ToArray();
            if (diverged.Length > 0)
            {
                var crosses = plot.Add.ScatterPoints(diverged.Select(t => Math.Log10(t.LearningRate)).ToArray(), diverged.Select(_ => top).ToArray());
                crosses.LegendText = "grid: diverged";
                crosses.MarkerShape = ScottPlot.MarkerShape.Eks;
                crosses.MarkerSize = 10;
                crosses.Color = palette.GetColor(3);
            }

            var kept = range.Trials.Where(t => double.IsFinite(t.Loss) && t.Loss < top).ToArray();
            var rangeLine = plot.Add.ScatterLine(kept.Select(t => Math.Log10(t.LearningRate)).ToArray(), kept.Select(t => t.Loss).ToArray());
            rangeLine.LegendText = "range test: smoothed training loss";
            rangeLine.Color = palette.GetColor(1);
            foreach (var (result, index) in new[] { (grid, 0), (range, 1) })
            {
                var line = plot.Add.VerticalLine(Math.Log10(result.Suggested));
                line.LegendText = $"{result.Method}'s suggestion: {result.Suggested:G2}";
                line.LinePattern = ScottPlot.LinePattern.Dashed;
                line.Color = palette.GetColor(index);
            }

            plot.Axes.SetLimitsY(0, top * 1.05);
            plot.ShowLegend(ScottPlot.Alignment.UpperLeft);
            plot.SavePng(path, 900, 540);
        }
    }
}
