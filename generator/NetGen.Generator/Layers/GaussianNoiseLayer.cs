using System.Collections.Generic;
using NetGen.Generator.Emission;
using NetGen.Generator.Model;
using NetGen.Generator.Parsing;
using static NetGen.Generator.Emission.Code;

namespace NetGen.Generator.Layers
{
    /// <summary>[GaussianNoise]'s argument: the noise's standard deviation.</summary>
    internal sealed record NoiseOptions(double Std) : LayerOptions;

    /// <summary>[GaussianNoise]: noise on the activations in training (section 8.2): y = x + N(0, std^2); the gradient passes through unchanged. An identity in inference.</summary>
    internal sealed class GaussianNoiseLayer : LayerKind<NoiseOptions>
    {
        public static readonly GaussianNoiseLayer Instance = new GaussianNoiseLayer();

        /// <summary>The runtime kernels of this kind.</summary>
        internal static class KernelNames
        {
            public const string Forward = "GaussianNoise";
        }

        public override string Attribute => "GaussianNoise";

        public override bool SampleReadsTraining => true;

        public override bool Stochastic(LayerPlan layer) => true;

        protected override NoiseOptions Read(ArgumentReader arguments) => new NoiseOptions(arguments.Double(LayerArguments.Std, 0));

        protected override IEnumerable<(string Argument, double Value)> Reals(NoiseOptions options)
        {
            yield return (LayerArguments.Std, options.Std);
        }

        protected override LayerShape? Infer(NoiseOptions options, LayerContext context)
        {
            if (!(options.Std >= 0)) context.OutOfRange(LayerArguments.Std, Problems.Real(options.Std), LayerArguments.Std + " >= 0");
            return context.Input is { } input ? LayerShape.Same(input) : null;
        }

        public override string Signature(LayerPlan layer) => "GaussianNoise(" + Lit(Options(layer).Std) + ")";

        /// <summary>An identity in inference: no node.</summary>
        public override string Export(LayerPlan layer, ExportIo io) => io.Inputs[0];

        private static string Apply(LayerPlan layer, string input, string output) => Call(KernelNames.Forward, input, output, "std: " + Lit(Options(layer).Std) + "f", "rng: Randomness");

        protected override void Compute(PassWriter w, LayerPlan layer, SampleIo io)
        {
            InTrainingOnly(w, Apply(layer, io.Input, io.Output), io.Input, io.Output);
        }

        protected override void ComputeBatch(PassWriter w, LayerPlan layer, LayerIo io)
        {
            InTrainingOnly(w, Apply(layer, io.Inputs[0].Name, io.Output.Name), io.Inputs[0].Name, io.Output.Name);
        }

        /// <summary>y = x + noise, so dL/dx = dL/dy.</summary>
        protected override void GradientBatch(PassWriter w, LayerPlan layer, LayerIo io, bool derivative) => PassThroughGradient(w, layer, io, derivative);
    }
}
