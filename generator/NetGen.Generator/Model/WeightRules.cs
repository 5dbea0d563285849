using System.Collections.Generic;
using System.Globalization;
using static NetGen.Generator.Model.Problems;

namespace NetGen.Generator.Model
{
    /// <summary>
    /// The rules every kind with a weight shares (<see cref="WeightSpec"/>): the initializer from the activation (chapter
    /// 9), the fit of a written one (NG0014), weight noise's range, and the float arguments.
    /// </summary>
    internal static class WeightRules
    {
        /// <summary>The default initializer from the layer's activation (chapter 9): He for the ReLU family (GELU, SiLU, ReLU6 and Hardswish among it), LeCun normal for SELU (10.4), Glorot uniform otherwise.</summary>
        public static Init DefaultInit(Act act)
        {
            switch (act)
            {
                case Act.ReLU:
                case Act.LeakyReLU:
                case Act.ELU:
                case Act.GELU:
                case Act.SiLU:
                case Act.ReLU6:
                case Act.Hardswish:
                    return Init.HeNormal;
                case Act.SELU:
                    return Init.LeCunNormal;
                default:
                    return Init.GlorotUniform;
            }
        }

        /// <summary>
        /// Completes <paramref name="shape"/> of a weighted layer: its weight and bias counts, fans, rows and initializer;
        /// reports the initializer's fit and weight noise's range.
        /// </summary>
        public static LayerShape Weighted(LayerContext context, WeightSpec weight, LayerShape shape, long weights, long units, long fanIn, long fanOut, long rows)
        {
            shape.Weights = weights;
            shape.Biases = weight.Bias ? units : 0;
            shape.FanIn = fanIn;
            shape.FanOut = fanOut;
            shape.Rows = rows;
            shape.Init = ResolveInit(context, weight);
            if (!(weight.WeightNoise >= 0)) context.OutOfRange(LayerArguments.WeightNoise, Real(weight.WeightNoise), "WeightNoise >= 0");
            return shape;
        }

        /// <summary>The float arguments of a weight.</summary>
        public static IEnumerable<(string Argument, double Value)> Reals(WeightSpec w)
        {
            yield return (LayerArguments.BiasInit, w.BiasInit);
            yield return (LayerArguments.L2, w.L2);
            yield return (LayerArguments.L1, w.L1);
            yield return (LayerArguments.WeightElimination, w.WeightElimination);
            yield return (LayerArguments.W0, w.W0);
            yield return (LayerArguments.WeightNoise, w.WeightNoise);
        }

        /// <summary>
        /// The layer's initializer, resolving Auto; for a written fan-based initializer, warns (NG0014) when its variance
        /// factor does not fit the activation (section 9.3.2): 2 for ReLU and LeakyReLU, 1 for SELU (LeCun, 10.4), tanh,
        /// sigmoid, identity and softmax.
        /// </summary>
        private static Init ResolveInit(LayerContext context, WeightSpec weight)
        {
            var layer = context.Layer;
            if (weight.Init == Init.Auto) return DefaultInit(layer.Act);
            if (weight.Init < Init.Auto || weight.Init > Init.HeUniform)
            {
                context.OutOfRange(LayerArguments.Init, Str((int)weight.Init), "a member of NetGen.Init");
                return Init.GlorotUniform;
            }

            double fits = Fits(layer.Act);
            double factor = weight.Init == Init.HeNormal || weight.Init == Init.HeUniform ? 2 : 1;
            bool fanBased = weight.Init >= Init.LeCunNormal;
            double gain = factor * weight.Gain;
            if (fanBased && fits > 0 && System.Math.Abs(gain - fits) > 0.25 * fits)
            {
                string suggestion = "Gain = " + (fits / factor).ToString("0.###", CultureInfo.InvariantCulture);
                string better = fits == 2 ? "Init.HeNormal" : layer.Act == Act.SELU ? "Init.LeCunNormal" : "Init.GlorotUniform";
                context.Add(Make(DiagnosticIds.InitGainDoesNotFit, context.Index, LayerArguments.Init, -1, layer.AttributeName, context.Number, "Init." + weight.Init,
                    gain.ToString("0.###", CultureInfo.InvariantCulture), layer.Act.ToString(), fits.ToString("0", CultureInfo.InvariantCulture), better + " or " + suggestion));
            }

            return weight.Init;
        }

        /// <summary>
        /// The variance factor section 9.3.2 derives for the activation: 2 for ReLU and LeakyReLU, 1 for the activations
        /// linear near 0 (identity, sigmoid, tanh, SELU, softmax, log-softmax); 0 (no check) for the rest, which the notes
        /// do not analyze.
        /// </summary>
        private static double Fits(Act act)
        {
            switch (act)
            {
                case Act.ReLU:
                case Act.LeakyReLU:
                    return 2;
                case Act.Identity:
                case Act.Sigmoid:
                case Act.Tanh:
                case Act.SELU:
                case Act.Softmax:
                case Act.LogSoftmax:
                    return 1;
                default:
                    return 0;
            }
        }
    }
}
