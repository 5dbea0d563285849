using System;
using System.IO;
using System.Linq;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>Learning-rate schedules against torch.optim.lr_scheduler (fixture), and their saved state.</summary>
    public class ScheduleTests
    {
        [Theory]
        [InlineData("step")]
        [InlineData("cosine")]
        public void Rates_match_PyTorch(string name)
        {
            var expected = Fixture.Load("schedules")[name].EnumerateArray().Select(e => e.GetDouble()).ToArray();
            var sgd = new Sgd(lr: 0.5f);
            LearningRateSchedule schedule = name == "step" ? new StepDecay(sgd, stepSize: 3, gamma: 0.1f) : new CosineAnnealing(sgd, tMax: 5, etaMin: 0.01f);
            Assert.Equal(expected[0], sgd.Lr, 6);
            for (int epoch = 1; epoch < expected.Length; epoch++)
            {
                schedule.Step();
                Assert.True(Math.Abs(sgd.Lr - expected[epoch]) <= 1e-6 * expected[epoch] + 1e-9, $"epoch {epoch}: {sgd.Lr} vs {expected[epoch]}");
            }
        }

        /// <summary>Issue 18's schedules, stepped as PyTorch steps them (per batch for warm-up and one-cycle), from lr 0.5.</summary>
        [Theory]
        [InlineData("warmup_cosine")]
        [InlineData("warmup")]
        [InlineData("one_cycle")]
        [InlineData("one_cycle_three_linear")]
        public void Warmup_and_one_cycle_rates_match_PyTorch(string name)
        {
            var expected = Fixture.Load("schedules")[name].EnumerateArray().Select(e => e.GetDouble()).ToArray();
            var sgd = new Sgd(lr: 0.5f);
            LearningRateSchedule schedule = name switch
            {
                "warmup_cosine" => new LinearWarmup(sgd, warmupSteps: 4, startFactor: 0.25f, then: new CosineAnnealing(sgd, tMax: 8, etaMin: 0.01f)),
                "warmup" => new LinearWarmup(sgd, warmupSteps: 5, startFactor: 0.1f),
                "one_cycle" => new OneCycle(sgd, maxLr: 1f, totalSteps: 20),
                _ => new OneCycle(sgd, maxLr: 0.8f, totalSteps: 20, pctStart: 0.25f, anneal: AnnealStrategy.Linear, divFactor: 10f, finalDivFactor: 100f, threePhase: true),
            };
            for (int step = 0; step < expected.Length; step++)
            {
                if (step > 0) schedule.Step();
                Assert.True(Math.Abs(sgd.Lr - expected[step]) <= 1e-6 * Math.Abs(expected[step]) + 1e-7, $"step {step}: {sgd.Lr} vs PyTorch {expected[step]}");
            }
        }

        [Fact]
        public void One_cycle_refuses_a_step_past_its_end()
        {
            var schedule = new OneCycle(new Sgd(0.1f), maxLr: 1f, totalSteps: 3);
            for (int i = 0; i < 3; i++) schedule.Step();
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => schedule.Step());
            Assert.Contains("Expected at most totalSteps = 3 steps of the cycle, but got step 4", error.Message);
        }

        [Theory]
        [InlineData("plateau")]
        [InlineData("plateau_max_abs_cooldown")]
        public void Reduce_on_plateau_matches_PyTorch(string name)
        {
            var fixture = Fixture.Load("schedules");
            var expected = fixture[name].EnumerateArray().Select(e => e.GetDouble()).ToArray();
            var metrics = fixture["plateau_metrics"].EnumerateArray().Select(e => e.GetDouble()).ToArray();
            var sgd = new Sgd(lr: 0.5f);
            var plateau = name == "plateau"
                ? new ReduceOnPlateau(sgd, factor: 0.5f, patience: 2)
                : new ReduceOnPlateau(sgd, PlateauMode.Max, factor: 0.3f, patience: 1, threshold: 0.02f, thresholdMode: ThresholdMode.Abs, cooldown: 2, minLr: 0.02f);
            for (int epoch = 0; epoch < metrics.Length; epoch++)
            {
                plateau.Step(metrics[epoch]);
                Assert.True(Math.Abs(sgd.Lr - expected[epoch]) <= 1e-6 * expected[epoch], $"epoch {epoch}: {sgd.Lr} vs PyTorch {expected[epoch]}");
            }
        }

        [Fact]
        public void Step_decay_drops_by_ten_as_figure_7_7()
        {
            var sgd = new Sgd(lr: 1f);
            var schedule = new StepDecay(sgd, stepSize: 2);
            var rates = Enumerable.Range(0, 6).Select(_ => { schedule.Step(); return sgd.Lr; }).ToArray();
            Assert.Equal(new[] { 1f, 0.1f, 0.1f, 0.01f, 0.01f, 0.001f }, rates.Select(r => (float)Math.Round(r, 6)).ToArray());
        }

        [Fact]
        public void A_saved_schedule_resumes_with_the_same_rate()
        {
            var a = new Adam(0.1f);
            var schedule = new CosineAnnealing(a, tMax: 10);
            for (int i = 0; i < 4; i++) schedule.Step();
            using var stream = new MemoryStream();
            schedule.SaveState(stream);
            stream.Position = 0;
            var b = new Adam(0.1f);
            var resumed = new CosineAnnealing(b, tMax: 10);
            resumed.LoadState(stream);
            Assert.Equal(4, resumed.Epoch);
            Assert.Equal(a.Lr, b.Lr);
            stream.Position = 0;
            Assert.Throws<InvalidDataException>(() => new StepDecay(new Adam(0.1f), 3).LoadState(stream));
        }
    }
}
