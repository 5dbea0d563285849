using System.Collections.Generic;
using System.Linq;

namespace NetGen.Samples
{
    /// <summary>Writes learning curves (training and validation loss and accuracy per epoch) as a PNG with ScottPlot.</summary>
    public static class LearningCurve
    {
        public static void Save(IReadOnlyList<EpochRecord> history, string path, string title)
        {
            double[] epochs = history.Select(e => (double)e.Epoch).ToArray();
            var plot = new ScottPlot.Plot();
            plot.Title(title + ": learning curves");
            plot.XLabel("epoch");
            plot.YLabel("loss");
            plot.Axes.Right.Label.Text = "accuracy";

            var trainLoss = plot.Add.Scatter(epochs, history.Select(e => e.TrainLoss).ToArray());
            trainLoss.LegendText = "training loss";
            var validationLoss = plot.Add.Scatter(epochs, history.Select(e => e.ValidationLoss).ToArray());
            validationLoss.LegendText = "validation loss";
            var trainAccuracy = plot.Add.Scatter(epochs, history.Select(e => e.TrainAccuracy).ToArray());
            trainAccuracy.LegendText = "training accuracy";
            trainAccuracy.LinePattern = ScottPlot.LinePattern.Dashed;
            trainAccuracy.Axes.YAxis = plot.Axes.Right;
            var validationAccuracy = plot.Add.Scatter(epochs, history.Select(e => e.ValidationAccuracy).ToArray());
            validationAccuracy.LegendText = "validation accuracy";
            validationAccuracy.LinePattern = ScottPlot.LinePattern.Dashed;
            validationAccuracy.Axes.YAxis = plot.Axes.Right;
            plot.ShowLegend(ScottPlot.Alignment.MiddleRight);
            plot.SavePng(path, 900, 540);
        }
    }
}
