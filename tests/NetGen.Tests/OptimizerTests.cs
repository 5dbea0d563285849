using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using NetGen.Tests.Parity;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>
    /// Optimizers step for step against <c>torch.optim</c> (20 steps on a small network, fixtures recorded by
    /// tests/fixtures/make_fixtures.py): parameters within 1e-5 relative after every step. The notes' own
    /// DeltaBarDelta and Quickprop are checked against steps worked out by hand from eq. 7.44 and 7.52.
    /// (The loss before each step is compared too, with an absolute floor of 1e-7 where it nears zero.)
    /// </summary>
    public class OptimizerTests
    {
        public static TheoryData<string> Trajectories => new TheoryData<string>
        {
            "sgd_plain", "sgd_momentum", "sgd_nesterov", "adam", "adam_wd", "adamw", "adagrad",
            "rmsprop", "rmsprop_centered", "adadelta", "adadelta_wd", "rprop", "rprop_custom",
            "sgd_clipped", "adam_clipped", // ClipGradNorm around SGD with momentum and Adam (clip_grad_norm_ before each step)
        };

        /// <summary>The NetGen optimizer with the fixture's torch.optim arguments (PyTorch's names in camelCase).</summary>
        private static IOptimizer Create(string optimizer, JsonElement o)
        {
            float F(string key, float fallback) => o.TryGetProperty(key, out var v) ? v.GetSingle() : fallback;
            bool B(string key) => o.TryGetProperty(key, out var v) && v.GetBoolean();
            float Pair(string key, int i, float fallback) => o.TryGetProperty(key, out var v) ? v[i].GetSingle() : fallback;
            switch (optimizer)
            {
                case "SGD": return new Sgd(F("lr", 0f), F("momentum", 0f), F("dampening", 0f), F("weight_decay", 0f), B("nesterov"));
                case "Adam": return new Adam(F("lr", 1e-3f), Pair("betas", 0, 0.9f), Pair("betas", 1, 0.999f), F("eps", 1e-8f), F("weight_decay", 0f));
                case "AdamW": return new AdamW(F("lr", 1e-3f), Pair("betas", 0, 0.9f), Pair("betas", 1, 0.999f), F("eps", 1e-8f), F("weight_decay", 1e-2f));
                case "Adagrad": return new AdaGrad(F("lr", 1e-2f), F("lr_decay", 0f), F("weight_decay", 0f), F("initial_accumulator_value", 0f), F("eps", 1e-10f));
                case "RMSprop": return new RmsProp(F("lr", 1e-2f), F("alpha", 0.99f), F("eps", 1e-8f), F("weight_decay", 0f), F("momentum", 0f), B("centered"));
                case "Adadelta": return new AdaDelta(F("lr", 1f), F("rho", 0.9f), F("eps", 1e-6f), F("weight_decay", 0f));
                case "Rprop": return new Rprop(F("lr", 1e-2f), Pair("etas", 0, 0.5f), Pair("etas", 1, 1.2f), Pair("step_sizes", 0, 1e-6f), Pair("step_sizes", 1, 50f));
                default: throw new ArgumentOutOfRangeException(nameof(optimizer), optimizer, "no such optimizer");
            }
        }

        [Theory]
        [MemberData(nameof(Trajectories))]
        public void Trajectory_matches_torch_optim(string name)
        {
            var fixture = Fixture.Load(name);
            var optimizer = Create(fixture["optimizer"].GetString()!, fixture["options"]);
            var clip = fixture.Has("clip") ? new ClipGradNorm(optimizer, (float)fixture.Double("clip")) : null;
            var norms = clip is null ? null : fixture.Floats("norms");
            var net = new TanhSoftmax();
            fixture.Floats("parameters").AsSpan().CopyTo(net.Parameters);
            var inputs = fixture.Floats("inputs");
            var labels = fixture.Ints("labels");
            var losses = fixture.Floats("losses");
            var trajectory = fixture["trajectory"].EnumerateArray().Select(s => s.EnumerateArray().Select(e => e.GetSingle()).ToArray()).ToArray();
            Assert.Equal(20, trajectory.Length);
            for (int step = 0; step < trajectory.Length; step++)
            {
                float loss = net.TrainStep(inputs, labels, fixture.Int("batch"), clip ?? optimizer);
                if (clip != null) ParityTests.AssertClose(new[] { norms![step] }, new[] { clip.LastNorm }, $"gradient norm before step {step + 1}");
                // The loss near zero is a difference of float32 logits in PyTorch: 1e-5 relative plus 1e-7 absolute.
                Assert.True(Math.Abs(loss - losses[step]) <= 1e-5 * Math.Abs(losses[step]) + 1e-7, $"loss before step {step + 1}: NetGen {loss}, PyTorch {losses[step]}");
                ParityTests.AssertClose(trajectory[step], net.Parameters.ToArray(), $"parameters after step {step + 1}");
            }
        }

        [Fact]
        public void DeltaBarDelta_follows_eq_7_44_by_hand()
        {
            // lr 0.1, kappa 0.05, phi 0.5, theta 0.5; two weights, three steps.
            var opt = new DeltaBarDelta(lr: 0.1f, kappa: 0.05f, phi: 0.5f, theta: 0.5f);
            var w = new float[] { 1f, 1f };
            // step 1: g = (1, -1); g_bar(0) = 0, so eta stays 0.1: w = (0.9, 1.1); g_bar = (0.5, -0.5)
            opt.Step(w, new float[] { 1f, -1f });
            Assert.Equal(new[] { 0.9f, 1.1f }, w);
            // step 2: g = (1, 1); g_bar*g = (0.5, -0.5): eta = (0.15, 0.05); w = (0.9 - 0.15, 1.1 - 0.05); g_bar = (0.75, 0.25)
            opt.Step(w, new float[] { 1f, 1f });
            Assert.Equal(0.75f, w[0], 6);
            Assert.Equal(1.05f, w[1], 6);
            // step 3: g = (-2, 2); g_bar*g = (-1.5, 0.5): eta = (0.15 - 0.075, 0.05 + 0.05) = (0.075, 0.1); w = (0.75 + 0.15, 1.05 - 0.2)
            opt.Step(w, new float[] { -2f, 2f });
            Assert.Equal(0.9f, w[0], 6);
            Assert.Equal(0.85f, w[1], 6);
        }

        [Fact]
        public void DeltaDelta_follows_eq_7_42_and_7_43_by_hand()
        {
            // lr 0.1, gamma 0.5; two weights, three steps.
            var opt = new DeltaDelta(lr: 0.1f, gamma: 0.5f);
            var w = new float[] { 1f, 1f };
            // step 1: no previous gradient, eta stays 0.1; g = (1, -2): w = (0.9, 1.2)
            opt.Step(w, new float[] { 1f, -2f });
            Assert.Equal(0.9f, w[0], 6);
            Assert.Equal(1.2f, w[1], 6);
            // step 2: g = (2, 1); eta += 0.5 g g_prev = (0.1 + 1, 0.1 - 1) = (1.1, -0.9): w = (0.9 - 2.2, 1.2 + 0.9), eta may turn negative
            opt.Step(w, new float[] { 2f, 1f });
            Assert.Equal(-1.3f, w[0], 5);
            Assert.Equal(2.1f, w[1], 5);
            // step 3: g = (-1, 0.5); eta += 0.5 (-2, 0.5) = (0.1, -0.65): w = (-1.3 + 0.1, 2.1 + 0.325)
            opt.Step(w, new float[] { -1f, 0.5f });
            Assert.Equal(-1.2f, w[0], 5);
            Assert.Equal(2.425f, w[1], 5);
        }

        [Fact]
        public void Quickprop_jumps_to_the_minimum_of_a_parabola()
        {
            // E(w) = 2 (w - 3)^2, g = 4 (w - 3); from w = 0: a gradient step, then the secant of eq. 7.52 lands on w = 3.
            var opt = new Quickprop(lr: 0.1f, maxGrowth: 10f);
            var w = new float[] { 0f };
            opt.Step(w, new[] { 4f * (w[0] - 3f) }); // dw = -0.1 * -12 = 1.2
            Assert.Equal(1.2f, w[0], 6);
            opt.Step(w, new[] { 4f * (w[0] - 3f) }); // g: -12 -> -7.2; dw = 1.2 * -7.2 / (-12 + 7.2) = 1.8
            Assert.Equal(3f, w[0], 5);
        }

        [Fact]
        public void Quickprop_limits_a_step_to_max_growth_times_the_last()
        {
            // A nearly flat secant would jump far: g: -1 -> -0.99 after dw = 1 asks for dw = 99; mu = 1.75 caps it at 1.75.
            var opt = new Quickprop(lr: 1f, maxGrowth: 1.75f);
            var w = new float[] { 0f };
            opt.Step(w, new[] { -1f });
            opt.Step(w, new[] { -0.99f });
            Assert.Equal(2.75f, w[0], 5);
        }

        [Fact]
        public void Saved_state_resumes_the_same_trajectory()
        {
            var grads = Enumerable.Range(0, 37).Select(i => (float)Math.Sin(i)).ToArray();
            foreach (var make in new Func<Optimizer>[] { () => new Adam(0.01f), () => new Sgd(0.1f, momentum: 0.9f), () => new Rprop(), () => new RmsProp(centered: true, momentum: 0.5f) })
            {
                var a = make();
                var b = make();
                var pa = Enumerable.Range(0, 37).Select(i => (float)i / 10).ToArray();
                for (int i = 0; i < 3; i++) a.Step(pa, grads);
                using var stream = new MemoryStream();
                a.SaveState(stream);
                stream.Position = 0;
                b.LoadState(stream);
                var pb = (float[])pa.Clone();
                for (int i = 0; i < 3; i++)
                {
                    a.Step(pa, grads);
                    b.Step(pb, grads);
                }

                Assert.Equal(pa, pb);
                Assert.Equal(a.Steps, b.Steps);
            }
        }

        [Fact]
        public void Loading_a_bad_state_changes_nothing()
        {
            var adam = new Adam(0.01f);
            var p = new float[] { 1, 2, 3 };
            adam.Step(p, new float[] { 1, 1, 1 });
            using var other = new MemoryStream();
            new Sgd(0.1f).SaveState(other);
            other.Position = 0;
            var e = Assert.Throws<InvalidDataException>(() => adam.LoadState(other));
            Assert.Contains("Expected the state of a Adam, but got one of a Sgd", e.Message);
            using var truncated = new MemoryStream();
            adam.SaveState(truncated);
            var bytes = truncated.ToArray().AsSpan(0, (int)truncated.Length - 3).ToArray();
            Assert.Throws<InvalidDataException>(() => adam.LoadState(new MemoryStream(bytes)));
            Assert.Equal(1, adam.Steps);
            // a damaged length (int.MaxValue values) is refused as truncated, without allocating what it claims
            var damaged = truncated.ToArray();
            int at = damaged.Length - 2 * (4 + 3 * 4) + 0; // the first state buffer's length field
            BitConverter.GetBytes(int.MaxValue).CopyTo(damaged, at);
            long before = GC.GetAllocatedBytesForCurrentThread();
            Assert.Throws<InvalidDataException>(() => adam.LoadState(new MemoryStream(damaged)));
            Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 10_000_000);
            Assert.Equal(1, adam.Steps);
        }
    }
}
