using System.Collections.Generic;
using NetGen.Generator.Emission;
using NetGen.Generator.Model;
using NetGen.Generator.Parsing;
using static NetGen.Generator.Emission.Code;

namespace NetGen.Generator.Layers
{
    /// <summary>[BatchNorm]'s arguments: eps and the running averages' momentum.</summary>
    internal sealed record BatchNormOptions(double Eps, double Momentum) : LayerOptions;

    /// <summary>
    /// [BatchNorm]: batch normalization (eq. 10.4-10.7, backward 10.12) per unit of a vector or per channel of a feature
    /// map, as nn.BatchNorm*d: training normalizes with the whole batch's statistics and updates the running averages
    /// (the buffers); inference, and training passes in inference mode, use the running averages.
    /// </summary>
    internal sealed class BatchNormLayer : Normalization<BatchNormOptions>
    {
        public static readonly BatchNormLayer Instance = new BatchNormLayer();

        /// <summary>The runtime kernels of this kind.</summary>
        internal static class KernelNames
        {
            public const string Inference = "BatchNormInference";
            public const string Train = "BatchNormTrain";
            public const string Backward = "BatchNormBackward";
            public const string InferenceBackward = "BatchNormInferenceBackward";
            public const string Diagonal = "BatchNormDiagonal";
        }

        public override string Attribute => "BatchNorm";

        public override bool BatchReadsTraining => true;

        protected override BatchNormOptions Read(ArgumentReader arguments)
            => new BatchNormOptions(arguments.Double(LayerArguments.Eps, LayerDefaults.Eps), arguments.Double(LayerArguments.Momentum, LayerDefaults.Momentum));

        protected override IEnumerable<(string Argument, double Value)> Reals(BatchNormOptions options)
        {
            yield return (LayerArguments.Eps, options.Eps);
            yield return (LayerArguments.Momentum, options.Momentum);
        }

        /// <summary>The input's shape; gamma and beta per channel (a vector's units are its channels); running mean and variance per channel, and a batch counter.</summary>
        protected override LayerShape? Infer(BatchNormOptions options, LayerContext context)
        {
            CheckEps(context, options.Eps);
            if (!(options.Momentum >= 0 && options.Momentum <= 1)) context.OutOfRange(LayerArguments.Momentum, Problems.Real(options.Momentum), "0 <= " + LayerArguments.Momentum + " <= 1");
            if (context.Input is not { } input) return null;
            int channels = input.Count > 0 ? input[0] : 0; // no shape: the input shape is already reported
            return new LayerShape(input) { Weights = channels, Biases = channels, WeightShape = new[] { channels }, Init = Init.Constant, BufferCount = 2 * channels, Counter = true };
        }

        public override string Export(LayerPlan layer, ExportIo io) =>
            "onnx.BatchNorm(\"" + layer.Name + "\", " + io.Inputs[0] + ", scale: " + io.Initializer(layer, ".weight") + ", bias: " + io.Initializer(layer, ".bias") + ", mean: " + io.Initializer(layer, ".running_mean") + ", "
            + "variance: " + io.Initializer(layer, ".running_var") + ", eps: " + Lit(Options(layer).Eps) + ")";

        public override string Signature(LayerPlan layer) => "BatchNorm(eps: " + Lit(Options(layer).Eps) + ", momentum: " + Lit(Options(layer).Momentum) + ")";

        /// <summary>gamma 1, beta 0, running mean 0, running variance 1, no batches tracked.</summary>
        public override void Initialize(PassWriter w, LayerPlan layer)
        {
            base.Initialize(w, layer);
            int channels = layer.BufferCount / 2;
            w.Line("global::System.Array.Clear(_buffers, " + Lit(layer.BufferOffset) + ", " + Lit(channels) + "); // running mean 0");
            w.Line("global::System.Array.Fill(_buffers, 1f, " + Lit(layer.BufferOffset + channels) + ", " + Lit(channels) + "); // running variance 1");
            w.Line("_counters[" + Lit(layer.CounterIndex) + "] = 0; // num_batches_tracked");
        }

        /// <summary>
        /// The second-order passes run in inference mode, where the running statistics are constants: s = gamma (x - mean) /
        /// sqrt(var + eps) + beta is linear in gamma and beta and affine in x.
        /// </summary>
        public override SecondOrderRule SecondOrder(LayerPlan layer) => SecondOrderRule.Bilinear;

        /// <summary>Its input's coefficient gamma / sigma is not a stored weight: a step of its own in LeCun's recursion.</summary>
        public override bool OwnDiagonalStep => true;

        public override void DiagonalStep(PassWriter w, LayerPlan layer, LayerIo io)
        {
            var sample = io.Sample("n");
            w.Line("for (int n = 0; n < batch; n++) " + Call(KernelNames.Diagonal, sample.Input, sample.Delta!, sample.InputDelta ?? "default(" + Span + ")", w.Weight(layer), Running(layer),
                w.WeightGradient(layer), w.BiasGradient(layer), Channels(layer), Spatial(layer), Eps(layer)) + ";");
        }

        protected override void Compute(PassWriter w, LayerPlan layer, SampleIo io)
        {
            w.Line(Call(KernelNames.Inference, io.Input, io.Output, w.Weight(layer), w.Bias(layer), Running(layer), Channels(layer), Spatial(layer), Eps(layer)) + ";");
        }

        protected override void ComputeBatch(PassWriter w, LayerPlan layer, LayerIo io)
        {
            w.Line("if (training)");
            w.Open();
            w.Line(Call(KernelNames.Train, io.Inputs[0].Name, io.Output.Name, w.Weight(layer), w.Bias(layer), Running(layer), Saved(layer), "batch", Channels(layer), Spatial(layer), Eps(layer), "momentum: " + Lit(Options(layer).Momentum) + "f") + ";");
            w.Line("_counters[" + Lit(layer.CounterIndex) + "]++; // num_batches_tracked");
            w.Close();
            w.Line("else");
            w.Open();
            base.ComputeBatch(w, layer, io);
            w.Close();
        }

        /// <summary>Inference mode: the running statistics are constants.</summary>
        protected override void Gradient(PassWriter w, LayerPlan layer, SampleIo io)
        {
            w.Line(Call(KernelNames.InferenceBackward, io.Input, io.Delta!, io.InputDelta ?? "default(" + Span + ")", w.Weight(layer), Running(layer),
                w.WeightGradient(layer), w.BiasGradient(layer), Channels(layer), Spatial(layer), Eps(layer)) + ";");
        }

        protected override void GradientBatch(PassWriter w, LayerPlan layer, LayerIo io, bool derivative)
        {
            var dx = io.InputDeltas[0];
            if (derivative) Derivative(w, layer, io);
            w.Line("if (training)");
            w.Open();
            w.Line(Call(KernelNames.Backward, io.Inputs[0].Name, io.Delta!.Name, dx != null ? dx.Name : "default(" + Span + ")", w.Weight(layer),
                Saved(layer), w.WeightGradient(layer), w.BiasGradient(layer), "batch", Channels(layer), Spatial(layer)) + ";");
            w.Close();
            w.Line("else");
            w.Open();
            base.GradientBatch(w, layer, io, derivative: false);
            w.Close();
        }

        private static string Eps(LayerPlan layer) => "eps: " + Lit(Options(layer).Eps) + "f";

        private static string Running(LayerPlan layer) => "new " + Span + "(_buffers, " + Lit(layer.BufferOffset) + ", " + Lit(layer.BufferCount) + ")";

        private static string Saved(LayerPlan layer) => "new " + Span + "(_saved, " + Lit(layer.BufferOffset) + ", " + Lit(layer.BufferCount) + ")";

        private static string Channels(LayerPlan layer) => "channels: " + Lit(layer.InShape[0]);

        private static string Spatial(LayerPlan layer) => "spatial: " + Lit(layer.InSize / layer.InShape[0]);
    }
}
