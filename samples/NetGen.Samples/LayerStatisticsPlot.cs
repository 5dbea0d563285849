using System;
using System.Collections.Generic;
using System.Linq;

namespace NetGen.Samples
{
    /// <summary>Writes each network's weight-gradient norm by layer (log scale) as a PNG with ScottPlot: the layers sample.</summary>
    public static class LayerStatisticsPlot
    {
        public static void Save(IReadOnlyList<(string Name, IReadOnlyList<LayerStatistics> Layers)> series, string path)
        {
            var plot = new ScottPlot.Plot();
            plot.Title("Weight-gradient norm by layer after one epoch (digits, 8 hidden layers)");
            plot.XLabel("layer (1 = next to the input)");
            plot.YLabel("log10 |dL/dW|");
            foreach (var (name, layers) in series)
            {
                var weighted = layers.Where(l => l.WeightGradientNorm > 0).ToList();
                double[] x = Enumerable.Range(1, weighted.Count).Select(i => (double)i).ToArray();
                var line = plot.Add.Scatter(x, weighted.Select(l => Math.Log10(l.WeightGradientNorm)).ToArray());
                line.LegendText = name;
            }

            plot.ShowLegend(ScottPlot.Alignment.LowerRight);
            plot.SavePng(path, 900, 540);
        }
    }
}
