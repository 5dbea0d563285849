using System;

namespace NetGen
{
    /// <summary>
    /// One layer's statistics over a training batch (fig. 10.1 and 10.7; the note after eq. 4.81): the mean and standard deviation
    /// of its outputs, the L2 norm of its deltas dL/ds (summed over the batch, as the mean loss's gradient flows) and of its
    /// weight's gradient (0 for a layer without a weight). Shrinking norms towards the input are vanishing gradients.
    /// </summary>
    public sealed record LayerStatistics(string Layer, double Mean, double Std, double DeltaNorm, double WeightGradientNorm)
    {
        /// <summary>The statistics of one layer's output block, delta block and weight gradient, in double.</summary>
        public static LayerStatistics Of(string layer, ReadOnlySpan<float> outputs, ReadOnlySpan<float> deltas, ReadOnlySpan<float> weightGradient)
        {
            double sum = 0, squares = 0;
            foreach (float v in outputs) sum += v;
            double mean = outputs.Length == 0 ? 0 : sum / outputs.Length;
            foreach (float v in outputs) squares += (v - mean) * (v - mean);
            return new LayerStatistics(layer, mean, outputs.Length == 0 ? 0 : Math.Sqrt(squares / outputs.Length), Norm(deltas), Norm(weightGradient));
        }

        private static double Norm(ReadOnlySpan<float> values)
        {
            double sum = 0;
            foreach (float v in values) sum += (double)v * v;
            return Math.Sqrt(sum);
        }
    }
}
