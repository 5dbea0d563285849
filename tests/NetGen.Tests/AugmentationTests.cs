using System;
using System.Linq;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>Issue 21 (section 8.10): each augmentation step checked by what it must do to an image, seeding, composition, no allocation, and the Trainer's use.</summary>
    public class AugmentationTests
    {
        /// <summary>Image n of a batch: channel c, row r, column c' holds 1 + n + 10 c + 0.1 r + 0.01 c' (all distinct, none 0).</summary>
        private static float[] Images(int batch, int channels, int height, int width)
        {
            var x = new float[batch * channels * height * width];
            for (int n = 0; n < batch; n++)
            for (int ch = 0; ch < channels; ch++)
            for (int r = 0; r < height; r++)
            for (int c = 0; c < width; c++)
                x[((n * channels + ch) * height + r) * width + c] = 1 + n + 10 * ch + 0.1f * r + 0.01f * c;
            return x;
        }

        [Fact]
        public void Shifts_move_whole_images_by_offsets_within_the_padding_and_fill_the_rest()
        {
            const int batch = 200, h = 5, w = 6;
            var original = Images(batch, 2, h, w);
            var x = (float[])original.Clone();
            new Augmentation(2, h, w).Shift(2, fill: -1).Apply(x, batch, new Rng(3));
            var offsets = new int[5, 5];
            for (int n = 0; n < batch; n++)
            {
                var found = Enumerable.Range(-2, 5).SelectMany(dy => Enumerable.Range(-2, 5).Select(dx => (dy, dx))).Where(o =>
                {
                    for (int ch = 0; ch < 2; ch++)
                    for (int r = 0; r < h; r++)
                    for (int c = 0; c < w; c++)
                    {
                        int sr = r - o.dy, sc = c - o.dx, i = ((n * 2 + ch) * h + r) * w + c;
                        float expected = sr >= 0 && sr < h && sc >= 0 && sc < w ? original[((n * 2 + ch) * h + sr) * w + sc] : -1;
                        if (x[i] != expected) return false;
                    }

                    return true;
                }).ToList();
                Assert.Single(found); // the same offset for both channels
                offsets[found[0].dy + 2, found[0].dx + 2]++;
            }

            foreach (int count in offsets) Assert.InRange(count, 1, 25); // 25 offsets, 8 expected each
        }

        [Fact]
        public void Flips_mirror_rows_and_happen_at_the_given_rate()
        {
            var original = Images(1, 1, 3, 4);
            var x = (float[])original.Clone();
            new Augmentation(1, 3, 4).HorizontalFlip(1).Apply(x, 1, new Rng(1));
            for (int r = 0; r < 3; r++) for (int c = 0; c < 4; c++) Assert.Equal(original[r * 4 + 3 - c], x[r * 4 + c]);

            const int batch = 2000;
            var many = Images(batch, 1, 1, 2);
            new Augmentation(1, 1, 2).HorizontalFlip(0.3).Apply(many, batch, new Rng(2));
            int flipped = Enumerable.Range(0, batch).Count(n => many[2 * n] > many[2 * n + 1]);
            Assert.InRange(flipped, 600 - 4 * 20.5, 600 + 4 * 20.5); // binomial(2000, 0.3): sd 20.5
        }

        [Fact]
        public void Rotations_turn_a_point_about_the_centre_by_at_most_the_angle()
        {
            // one bright pixel 3 rows above the centre of a 9x9 image: after rotation its mass stays 3 from the centre and turns counter-clockwise
            const int size = 9;
            for (int seed = 0; seed < 20; seed++)
            {
                var x = new float[size * size];
                x[1 * size + 4] = 1;
                new Augmentation(1, size, size).Rotate(30).Apply(x, 1, new Rng(seed));
                double mass = x.Sum(v => (double)v), row = 0, column = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    row += x[i] * (i / size) / mass;
                    column += x[i] * (i % size) / mass;
                }

                double dy = row - 4, dx = column - 4;
                Assert.InRange(Math.Sqrt(dx * dx + dy * dy), 2.7, 3.05); // bilinear sampling blurs inwards a little
                Assert.InRange(mass, 0.8, 1.2);
                double degrees = Math.Atan2(-dx, -dy) * 180 / Math.PI; // 0 straight up, positive towards the left (counter-clockwise on screen)
                Assert.InRange(degrees, -31, 31);
            }

            var exact = new float[size * size];
            exact[1 * size + 4] = 1;
            var quarter = new Augmentation(1, size, size).Rotate(90);
            bool sawLeft = false;
            for (int seed = 0; seed < 200 && !sawLeft; seed++)
            {
                var y = (float[])exact.Clone();
                quarter.Apply(y, 1, new Rng(seed));
                sawLeft = y[4 * size + 1] > 0.9f; // a turn of about +90 degrees puts the top point on the left
            }

            Assert.True(sawLeft, "a counter-clockwise quarter turn should move the top point to the left");
        }

        [Fact]
        public void Noise_has_mean_zero_and_the_given_deviation()
        {
            var x = new float[100_000];
            new Augmentation(1, 100, 100).Noise(0.2).Apply(x, 10, new Rng(4));
            double mean = x.Average(v => (double)v), std = Math.Sqrt(x.Average(v => (v - mean) * (v - mean)));
            Assert.InRange(mean, -4 * 0.2 / Math.Sqrt(x.Length), 4 * 0.2 / Math.Sqrt(x.Length));
            Assert.InRange(std, 0.2 * 0.99, 0.2 * 1.01);
        }

        [Fact]
        public void Steps_compose_in_order_reproducibly_and_allocate_nothing_after_the_first_batch()
        {
            var augmentation = new Augmentation(1, 8, 8).Shift(1).HorizontalFlip().Rotate(10).Noise(0.05);
            Assert.Equal("shift 1, flip p 0.5, rotate 10 degrees, noise 0.05", augmentation.ToString());
            var a = Images(16, 1, 8, 8);
            var b = (float[])a.Clone();
            augmentation.Apply(a, 16, new Rng(9));
            augmentation.Apply(b, 16, new Rng(9));
            Assert.Equal(a, b);
            var c = Images(16, 1, 8, 8);
            augmentation.Apply(c, 16, new Rng(10));
            Assert.NotEqual(a, c);
            var rng = new Rng(11);
            long before = GC.GetAllocatedBytesForCurrentThread();
            augmentation.Apply(c, 16, rng);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

            // the order is kept: flip-then-shift and shift-then-flip, each against the composition written out with the same draws
            for (int seed = 0; seed < 10; seed++)
            {
                var image = Images(1, 1, 3, 4);
                float[] Flip(float[] v) => Enumerable.Range(0, 12).Select(i => v[i / 4 * 4 + 3 - i % 4]).ToArray();
                float[] Shift(float[] v, int dy, int dx) => Enumerable.Range(0, 12).Select(i =>
                {
                    int r = i / 4 - dy, col = i % 4 - dx;
                    return r >= 0 && r < 3 && col >= 0 && col < 4 ? v[r * 4 + col] : 0f;
                }).ToArray();
                var draws = new Rng(seed);
                draws.NextDouble(); // the flip's draw (p = 1: always flips)
                int dy1 = draws.NextInt(3) - 1, dx1 = draws.NextInt(3) - 1;
                var flipShift = (float[])image.Clone();
                new Augmentation(1, 3, 4).HorizontalFlip(1).Shift(1).Apply(flipShift, 1, new Rng(seed));
                Assert.Equal(Shift(Flip(image), dy1, dx1), flipShift);
                draws = new Rng(seed);
                int dy2 = draws.NextInt(3) - 1, dx2 = draws.NextInt(3) - 1;
                var shiftFlip = (float[])image.Clone();
                new Augmentation(1, 3, 4).Shift(1).HorizontalFlip(1).Apply(shiftFlip, 1, new Rng(seed));
                Assert.Equal(Flip(Shift(image, dy2, dx2)), shiftFlip);
            }
        }

        [Fact]
        public void Bad_shapes_and_arguments_are_refused()
        {
            var augmentation = new Augmentation(1, 4, 4).Shift(1);
            var error = Assert.Throws<ArgumentException>(() => augmentation.Apply(new float[15], 1, new Rng(1)));
            Assert.Contains("batch * 16", error.Message);
            Assert.Throws<ArgumentOutOfRangeException>(() => new Augmentation(1, 4, 4).Shift(4));
            Assert.Throws<ArgumentOutOfRangeException>(() => new Augmentation(1, 4, 4).HorizontalFlip(1.5));
            Assert.Throws<ArgumentOutOfRangeException>(() => new Augmentation(1, 4, 4).Rotate(-1));
            Assert.Throws<ArgumentOutOfRangeException>(() => new Augmentation(1, 4, 4).Noise(double.NaN));
            Assert.Throws<ArgumentOutOfRangeException>(() => new Augmentation(0, 4, 4));
            var data = new Dataset(new float[] { 0, 1, 2, 3 }, new[] { 0, 1, 0, 1 }, 1, 2);
            var options = new TrainingOptions { Epochs = 1, Augmentation = new Augmentation(1, 2, 2) };
            var wrong = Assert.Throws<ArgumentException>(() => new Trainer(new TrainerTests.Spy(), new Sgd(0.1f), options).Fit(data));
            Assert.Contains("(1, 2, 2) = 4 values, but the dataset 'train' has 1", wrong.Message);
        }

        [Fact]
        public void The_trainer_augments_each_batch_it_trains_on_and_leaves_the_data_alone()
        {
            var inputs = Enumerable.Range(0, 40).Select(i => (float)i).ToArray();
            var data = new Dataset((float[])inputs.Clone(), Enumerable.Range(0, 40).Select(i => i % 2).ToArray(), 1, 2);
            TrainerTests.Spy Run(Augmentation? augmentation)
            {
                var spy = new TrainerTests.Spy();
                new Trainer(spy, new Sgd(0.1f), new TrainingOptions { Epochs = 2, BatchSize = 8, Seed = 3, Augmentation = augmentation }).Fit(data);
                return spy;
            }

            var plain = Run(null);
            var noisy = Run(new Augmentation(1, 1, 1).Noise(0.5));
            Assert.Equal(plain.Seen.Count, noisy.Seen.Count);
            var differences = plain.Seen.Zip(noisy.Seen, (p, q) => (double)q - p).ToList(); // the same order (the shuffle's stream is its own), plus noise
            Assert.All(differences, d => Assert.InRange(Math.Abs(d), 1e-9, 3));
            double std = Math.Sqrt(differences.Average(d => d * d));
            Assert.InRange(std, 0.35, 0.65);
            Assert.Equal(inputs, data.Inputs);
            Assert.Equal(noisy.Seen, Run(new Augmentation(1, 1, 1).Noise(0.5)).Seen); // seeded by TrainingOptions.Seed
        }
    }
}
