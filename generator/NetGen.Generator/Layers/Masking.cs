using System.Collections.Generic;
using NetGen.Generator.Emission;
using NetGen.Generator.Model;
using NetGen.Generator.Parsing;
using static NetGen.Generator.Emission.Code;

namespace NetGen.Generator.Layers
{
    /// <summary>The arguments of a layer that drops units at random: the drop probability.</summary>
    internal sealed record RateOptions(double Rate) : LayerOptions;

    /// <summary>
    /// What the kinds that drop units share (chapter 8): a drop probability in [0, 1); in training, each unit is dropped
    /// with that probability and the mask (the factor each unit got) is kept for the backward pass; an identity in
    /// inference. Elementwise, so a batch is one call over the whole block.
    /// </summary>
    internal abstract class Masking : LayerKind<RateOptions>
    {
        /// <summary>The runtime kernel that applies a kept mask to the deltas.</summary>
        internal static class KernelNames
        {
            public const string MaskBackward = "MaskBackward";
        }

        /// <summary>The kind's kernel: (input, output, mask, rate, rng).</summary>
        protected abstract string Kernel { get; }

        public override bool UsesMask => true;

        public override bool SampleReadsTraining => true;

        public override bool Stochastic(LayerPlan layer) => true;

        protected override RateOptions Read(ArgumentReader arguments) => new RateOptions(arguments.Double(LayerArguments.Rate, 0));

        protected override IEnumerable<(string Argument, double Value)> Reals(RateOptions options)
        {
            yield return (LayerArguments.Rate, options.Rate);
        }

        protected override LayerShape? Infer(RateOptions options, LayerContext context)
        {
            if (!(options.Rate >= 0 && options.Rate < 1)) context.OutOfRange(LayerArguments.Rate, Problems.Real(options.Rate), "0 <= " + LayerArguments.Rate + " < 1");
            return context.Input is { } input ? LayerShape.Same(input) : null;
        }

        public override string Signature(LayerPlan layer) => layer.Spec.AttributeName + "(" + Lit(Options(layer).Rate) + ")";

        /// <summary>An identity in inference: no node.</summary>
        public override string Export(LayerPlan layer, ExportIo io) => io.Inputs[0];

        private string Apply(LayerPlan layer, string input, string output, string mask)
            => Call(Kernel, input, output, mask, "rate: " + Lit(Options(layer).Rate) + "f", "rng: Randomness");

        protected override void Compute(PassWriter w, LayerPlan layer, SampleIo io)
        {
            InTrainingOnly(w, Apply(layer, io.Input, io.Output, io.Mask), io.Input, io.Output);
        }

        protected override void ComputeBatch(PassWriter w, LayerPlan layer, LayerIo io)
        {
            InTrainingOnly(w, Apply(layer, io.Inputs[0].Name, io.Output.Name, io.Mask!.Name), io.Inputs[0].Name, io.Output.Name);
        }

        protected override void GradientBatch(PassWriter w, LayerPlan layer, LayerIo io, bool derivative)
        {
            var dx = io.InputDeltas[0];
            if (dx is null) return;
            if (derivative) Derivative(w, layer, io);
            w.Line("if (training) " + Call(KernelNames.MaskBackward, io.Mask!.Name, io.Delta!.Name, dx.Name) + ";");
            w.Line("else " + io.Delta + ".CopyTo(" + dx + ");");
        }
    }
}
