using System;
using System.Collections.Generic;

namespace NetGen.Samples
{
    /// <summary>
    /// Draws digits beside their saliency maps (section 4.8: the input gradient of the predicted class's log-probability, |d log y_k / dx|) as a PNG
    /// with ScottPlot: the images on the top row, the maps below, each scaled to its own largest value.
    /// </summary>
    public static class SaliencyMap
    {
        public static void Save(IReadOnlyList<(float[] Image, float[] Saliency, string Caption)> digits, int side, string path, string title = "Saliency: |d log p(predicted class) / d pixel| below each test digit")
        {
            var plot = new ScottPlot.Plot();
            plot.Title(title);
            for (int i = 0; i < digits.Count; i++)
            {
                var (image, saliency, caption) = digits[i];
                double left = i * (side + 2);
                Add(plot, image, side, left, side + 2, new ScottPlot.Colormaps.Grayscale());
                Add(plot, saliency, side, left, 0, new ScottPlot.Colormaps.Inferno());
                var text = plot.Add.Text(caption, left + side / 2.0, 2 * side + 3);
                text.LabelFontSize = 14;
                text.LabelAlignment = ScottPlot.Alignment.MiddleCenter;
            }

            plot.HideGrid();
            plot.Axes.Frameless();
            plot.Axes.SetLimits(-1, digits.Count * (side + 2) - 1, -1, 2 * side + 5);
            plot.SavePng(path, 120 * digits.Count, 300);
        }

        private static void Add(ScottPlot.Plot plot, float[] values, int side, double left, double bottom, ScottPlot.IColormap colormap)
        {
            double max = 1e-12;
            foreach (float v in values) max = Math.Max(max, Math.Abs(v));
            var cells = new double[side, side];
            for (int r = 0; r < side; r++)
            for (int c = 0; c < side; c++) cells[r, c] = Math.Abs(values[r * side + c]) / max; // row 0 is the image's top, as ScottPlot draws it
            var heatmap = plot.Add.Heatmap(cells);
            heatmap.Colormap = colormap;
            heatmap.Position = new ScottPlot.CoordinateRect(left, left + side - 1, bottom, bottom + side - 1);
        }
    }
}
