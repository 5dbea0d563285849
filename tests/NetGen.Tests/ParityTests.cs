using System;
using System.Linq;
using NetGen.Tests.Parity;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>
    /// Outputs, losses and gradients against PyTorch 1.13 (fixtures recorded by tests/fixtures/make_fixtures.py), with
    /// the fixture's parameters loaded into <c>Parameters</c> in <c>model.parameters()</c> order. Tolerance: 1e-5 relative,
    /// with the tensor's mean magnitude times 1e-5 as the floor for entries near zero (where float32 rounding in a
    /// different summation order has no relative meaning).
    /// </summary>
    public class ParityTests
    {
        public static TheoryData<string> Fixtures => new TheoryData<string>
        {
            "tanh_softmax", "relu_elu_sigmoid", "selu_leaky_identity", "sigmoid_tanh_softmax",
            "lenet5", "lenet5_blocks", "conv1d", "conv3d", "decoder", "mixed_conv",
            "weightnorm_dense", "weightnorm_conv", // weight normalization (eq. 10.16-10.17): g, v, bias per layer
            "residual_cnn", "concat_branches", "input_shortcut", // graphs: shortcut connections (eq. 4.61), branches, From = "input"
            "two_heads", // multi-task (eq. 8.21): softmax and sigmoid heads, loss weights, missing (NaN) labels
            "stochastic_eval", // dropout, alpha dropout and noise in eval mode (Mode = Inference): identities
            "identity", // nn.Identity
            "activations_dense", "activations_conv", // GELU, SiLU, Softplus, Softsign, ReLU6, Hardswish, Hardsigmoid, LogSoftmax + NLL, Alpha
            "global_max", "global_avg", // global pooling heads
            "l1", "huber", "weighted_smoothed", "smoothed_log", // losses: L1, Huber, class weights and label smoothing
            "prelu_dense", "prelu_conv", // nn.PReLU
            "grouped_conv", "grouped_conv1d", // nn.Conv*d(groups): grouped, depthwise, pointwise
            "pad_layers", "conv_padding_modes", // F.pad's modes as layers, nn.Conv*d(padding_mode)
            "upsample", "upsample1d", // nn.Upsample nearest and (bi)linear
        };

        internal static INetwork Network(string fixture) => fixture switch
        {
            "tanh_softmax" => new TanhSoftmax(),
            "relu_elu_sigmoid" => new ReluEluSigmoid(),
            "selu_leaky_identity" => new SeluLeakyIdentity(),
            "sigmoid_tanh_softmax" => new SigmoidTanhSoftmax(),
            "lenet5" or "lenet5_blocks" => new LeNet5(), // batch 2, and 20: a block of 16 samples side by side and 4 alone
            "conv1d" => new Conv1dNet(),
            "conv3d" => new Conv3dNet(),
            "decoder" => new Decoder(),
            "mixed_conv" => new MixedConv(),
            "weightnorm_dense" => new WeightNormDense(),
            "weightnorm_conv" => new WeightNormConv(),
            "residual_cnn" => new ResidualCnn(),
            "concat_branches" => new ConcatBranches(),
            "input_shortcut" => new InputShortcut(),
            "two_heads" => new TwoHeads(),
            "stochastic_eval" => new StochasticEval(),
            "identity" => new IdentityBetween(),
            "activations_dense" => new ActivationsDense(),
            "activations_conv" => new ActivationsConv(),
            "global_max" => new GlobalMaxHead(),
            "global_avg" => new GlobalAvgHead(),
            "l1" => new L1Net(),
            "huber" => new HuberNet(),
            "weighted_smoothed" => new WeightedSmoothed(),
            "smoothed_log" => new SmoothedLog(),
            "prelu_dense" => new PReLUDense(),
            "prelu_conv" => new PReLUConv(),
            "grouped_conv" => new GroupedConv(),
            "grouped_conv1d" => new GroupedConv1d(),
            "pad_layers" => new PadLayers(),
            "conv_padding_modes" => new ConvPaddingModes(),
            "upsample" => new UpsampleNet(),
            "upsample1d" => new Upsample1d(),
            _ => throw new ArgumentOutOfRangeException(nameof(fixture)),
        };

        /// <summary>Every fixture on every vector width this machine runs.</summary>
        public static TheoryData<string, VectorPath> FixturesOnEachPath => VectorPaths.Each(Fixtures.Cast<object[]>().Select(row => (string)row[0]));

        [Theory]
        [MemberData(nameof(FixturesOnEachPath))]
        public void Outputs_loss_and_gradients_match_PyTorch(string name, VectorPath path) => VectorPaths.With(path, () => MatchesPyTorch(name));

        private static void MatchesPyTorch(string name)
        {
            var fixture = Fixture.Load(name);
            var net = Network(name);
            if (fixture.Has("mode")) net.Mode = NetworkMode.Inference; // model.eval()
            int batch = fixture.Int("batch");
            var parameters = fixture.Floats("parameters");
            Assert.Equal(parameters.Length, net.ParameterCount);
            if (fixture.Has("names")) // the state_dict's names, in its order (recorded for the newer fixtures)
            {
                Assert.Equal(fixture["names"].EnumerateArray().Select(e => e.GetString()), net.Tensors.Select(t => t.Name));
            }

            parameters.CopyTo(net.Parameters);

            var inputs = fixture.Floats("inputs");
            var outputs = new float[batch * net.OutputLength];
            net.Forward(inputs, outputs, batch);
            AssertClose(fixture.Floats("outputs"), outputs, "outputs");

            float loss = fixture.Has("labels")
                ? net.ComputeGradients(inputs, fixture.Ints("labels"), batch)
                : net.ComputeGradients(inputs, fixture.Floats("targets"), batch);
            AssertClose(new[] { (float)fixture.Double("loss") }, new[] { loss }, "loss");
            AssertClose(fixture.Floats("gradients"), net.Gradients.ToArray(), "gradients");

            // Forward of one sample equals the batch's first row (up to summation order).
            var single = new float[net.OutputLength];
            net.Forward(inputs.AsSpan(0, net.InputLength), single);
            AssertClose(outputs.Take(net.OutputLength).ToArray(), single, "single-sample outputs");
        }

        internal static void AssertClose(float[] expected, float[] actual, string what, double tolerance = 1e-5)
        {
            Assert.Equal(expected.Length, actual.Length);
            double floor = tolerance * expected.Average(v => Math.Abs((double)v));
            for (int i = 0; i < expected.Length; i++)
            {
                double error = Math.Abs((double)actual[i] - expected[i]);
                Assert.True(error <= tolerance * Math.Abs(expected[i]) + floor, $"{what}[{i}]: NetGen {actual[i]:R}, PyTorch {expected[i]:R}, error {error:E2}");
            }
        }
    }
}
