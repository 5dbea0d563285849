using System;
using System.Collections.Generic;

namespace NetGen
{
    /// <summary>
    /// Data augmentation for images (section 8.10): label-preserving random transformations applied to each mini-batch as it
    /// is drawn, so every epoch sees a new variant of every training image (as torchvision's transforms in a DataLoader).
    /// Built by chaining steps, applied in the order added: random shifts (a crop of the zero-padded image, as
    /// RandomCrop(size, padding)), horizontal flips (only where the label survives mirroring: not for digits), small rotations
    /// (bilinear, zero outside), Gaussian noise. Seeded through the <see cref="Rng"/> it is given, so a training run is
    /// reproducible; after the first batch it allocates nothing. Give it to <see cref="TrainingOptions.Augmentation"/>, or call
    /// <see cref="Apply"/> on a batch yourself.
    /// </summary>
    /// <remarks>
    /// Eq. 8.47 adds L generated samples beside the N originals, each set with a mean of its own. Augmenting on the fly
    /// instead replaces each sample by a random variant (the identity among them, for a shift of 0 or an angle near 0), as
    /// the deep-learning libraries do: the expected loss is over the transformed distribution.
    /// </remarks>
    public sealed class Augmentation
    {
        private readonly List<Step> _steps = new List<Step>();
        private float[]? _scratch;

        /// <summary>Augmentation of images of <paramref name="channels"/> x <paramref name="height"/> x <paramref name="width"/> values (C, H, W contiguous, as the networks take them).</summary>
        public Augmentation(int channels, int height, int width)
        {
            if (channels < 1 || height < 1 || width < 1)
                throw new ArgumentOutOfRangeException(nameof(channels), $"Expected an image shape of positive sizes, but got ({channels}, {height}, {width}).");
            Channels = channels;
            Height = height;
            Width = width;
        }

        /// <summary>Channels of an image.</summary>
        public int Channels { get; }

        /// <summary>Rows of an image.</summary>
        public int Height { get; }

        /// <summary>Columns of an image.</summary>
        public int Width { get; }

        /// <summary>Values per image, C H W.</summary>
        public int Length => Channels * Height * Width;

        /// <summary>
        /// Moves each image by a random whole number of rows and of columns in [-<paramref name="pixels"/>, <paramref name="pixels"/>]
        /// (each offset equally likely), filling what comes in with <paramref name="fill"/>: torchvision's RandomCrop(size,
        /// padding=pixels, fill) on the padded image.
        /// </summary>
        public Augmentation Shift(int pixels, float fill = 0f)
        {
            if (pixels < 0 || pixels >= Math.Max(Height, Width))
                throw new ArgumentOutOfRangeException(nameof(pixels), pixels, $"Expected 0 <= pixels < {Math.Max(Height, Width)} (the image's larger side), but got {pixels}.");
            _steps.Add(new Step(StepKind.Shift, pixels, fill));
            return this;
        }

        /// <summary>Mirrors each image left to right with probability <paramref name="probability"/> (RandomHorizontalFlip).</summary>
        public Augmentation HorizontalFlip(double probability = 0.5)
        {
            if (!(probability >= 0 && probability <= 1)) throw new ArgumentOutOfRangeException(nameof(probability), probability, $"Expected a probability in [0, 1], but got {probability}.");
            _steps.Add(new Step(StepKind.Flip, probability, 0));
            return this;
        }

        /// <summary>
        /// Rotates each image about its centre by an angle drawn uniformly from [-<paramref name="maxDegrees"/>, <paramref name="maxDegrees"/>]
        /// (counter-clockwise as displayed, rows downwards), sampling bilinearly, <paramref name="fill"/> outside (RandomRotation with bilinear interpolation).
        /// </summary>
        public Augmentation Rotate(double maxDegrees, float fill = 0f)
        {
            if (!(maxDegrees >= 0 && maxDegrees <= 180)) throw new ArgumentOutOfRangeException(nameof(maxDegrees), maxDegrees, $"Expected maxDegrees in [0, 180], but got {maxDegrees}.");
            _steps.Add(new Step(StepKind.Rotate, maxDegrees, fill));
            return this;
        }

        /// <summary>Adds Gaussian noise of standard deviation <paramref name="std"/> to every value (brightness noise).</summary>
        public Augmentation Noise(double std)
        {
            if (!(std >= 0) || double.IsInfinity(std)) throw new ArgumentOutOfRangeException(nameof(std), std, $"Expected a finite std >= 0, but got {std}.");
            _steps.Add(new Step(StepKind.Noise, std, 0));
            return this;
        }

        /// <summary>The steps, in the order they apply (for logs: "shift 2, rotate 10°").</summary>
        public override string ToString() => _steps.Count == 0 ? "none" : string.Join(", ", _steps.ConvertAll(s => s.ToString()));

        /// <summary>Transforms <paramref name="batch"/> images in <paramref name="inputs"/> in place, drawing from <paramref name="rng"/>.</summary>
        /// <exception cref="ArgumentException"><paramref name="inputs"/> does not hold <paramref name="batch"/> images of <see cref="Length"/> values.</exception>
        public void Apply(Span<float> inputs, int batch, Rng rng)
        {
            Guard.NotNull(rng, nameof(rng));
            Guard.Batch(batch);
            Guard.BatchLength(nameof(inputs), batch, Length, inputs.Length);
            _scratch ??= new float[Length];
            for (int n = 0; n < batch; n++)
            {
                var image = inputs.Slice(n * Length, Length);
                foreach (var step in _steps)
                {
                    switch (step.Kind)
                    {
                        case StepKind.Shift:
                            int p = (int)step.Amount;
                            ShiftImage(image, rng.NextInt(2 * p + 1) - p, rng.NextInt(2 * p + 1) - p, step.Fill);
                            break;
                        case StepKind.Flip:
                            if (rng.NextDouble() < step.Amount) Flip(image);
                            break;
                        case StepKind.Rotate:
                            RotateImage(image, rng.NextUniform(-step.Amount, step.Amount) * Math.PI / 180, step.Fill);
                            break;
                        case StepKind.Noise:
                            for (int i = 0; i < image.Length; i++) image[i] += (float)(step.Amount * rng.NextNormal());
                            break;
                    }
                }
            }
        }

        /// <summary>out(r, c) = in(r - dy, c - dx), fill where that falls outside.</summary>
        private void ShiftImage(Span<float> image, int dy, int dx, float fill)
        {
            if (dy == 0 && dx == 0) return;
            var source = _scratch.AsSpan();
            image.CopyTo(source);
            int plane = Height * Width;
            for (int ch = 0; ch < Channels; ch++)
            for (int r = 0; r < Height; r++)
            for (int c = 0; c < Width; c++)
            {
                int sr = r - dy, sc = c - dx;
                image[ch * plane + r * Width + c] = sr >= 0 && sr < Height && sc >= 0 && sc < Width ? source[ch * plane + sr * Width + sc] : fill;
            }
        }

        private void Flip(Span<float> image)
        {
            for (int row = 0; row < Channels * Height; row++) image.Slice(row * Width, Width).Reverse();
        }

        /// <summary>out(p) = in(R(-angle) (p - centre) + centre), bilinear, with <paramref name="fill"/> for the neighbours outside.</summary>
        private void RotateImage(Span<float> image, double angle, float fill)
        {
            if (angle == 0) return;
            var source = _scratch.AsSpan();
            image.CopyTo(source);
            double cos = Math.Cos(angle), sin = Math.Sin(angle), cy = (Height - 1) / 2.0, cx = (Width - 1) / 2.0;
            int plane = Height * Width;
            for (int r = 0; r < Height; r++)
            for (int c = 0; c < Width; c++)
            {
                // counter-clockwise on screen, where rows grow downwards: (x, y) goes to (x cos + y sin, -x sin + y cos), so the
                // source of a target point is the target turned back
                double y = r - cy, x = c - cx;
                double sx = cos * x - sin * y + cx, sy = sin * x + cos * y + cy;
                int r0 = (int)Math.Floor(sy), c0 = (int)Math.Floor(sx);
                double fy = sy - r0, fx = sx - c0;
                for (int ch = 0; ch < Channels; ch++)
                {
                    var p = source.Slice(ch * plane, plane);
                    double v = (1 - fy) * ((1 - fx) * At(p, r0, c0, fill) + fx * At(p, r0, c0 + 1, fill))
                        + fy * ((1 - fx) * At(p, r0 + 1, c0, fill) + fx * At(p, r0 + 1, c0 + 1, fill));
                    image[ch * plane + r * Width + c] = (float)v;
                }
            }
        }

        private float At(ReadOnlySpan<float> plane, int r, int c, float fill) => r >= 0 && r < Height && c >= 0 && c < Width ? plane[r * Width + c] : fill;

        private enum StepKind { Shift, Flip, Rotate, Noise }

        private readonly struct Step
        {
            public Step(StepKind kind, double amount, float fill)
            {
                Kind = kind;
                Amount = amount;
                Fill = fill;
            }

            public StepKind Kind { get; }

            public double Amount { get; }

            public float Fill { get; }

            public override string ToString() => Kind switch
            {
                StepKind.Shift => FormattableString.Invariant($"shift {Amount}"),
                StepKind.Flip => FormattableString.Invariant($"flip p {Amount}"),
                StepKind.Rotate => FormattableString.Invariant($"rotate {Amount} degrees"),
                _ => FormattableString.Invariant($"noise {Amount}"),
            };
        }
    }
}
