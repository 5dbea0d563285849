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
