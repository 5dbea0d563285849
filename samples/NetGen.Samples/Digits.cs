using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;

namespace NetGen.Samples
{
    /// <summary>The built-in digits (8x8, 1797 images), as LeNet-5 input: each pixel a 3x3 block, padded by 2 to 28x28, scaled to [0, 1].</summary>
    public static class Digits
    {
        public const int Count = 1797;
        public const int Side = 28;

        /// <summary>Reads the embedded digits.csv.gz.</summary>
        public static (float[] Images, int[] Labels) Load28()
        {
            using var resource = typeof(Digits).Assembly.GetManifestResourceStream("digits.csv.gz")
                ?? throw new InvalidOperationException("The embedded resource digits.csv.gz is missing.");
            using var reader = new StreamReader(new GZipStream(resource, CompressionMode.Decompress));
            var images = new List<float>(Count * Side * Side);
            var labels = new List<int>(Count);
            string? line;
            var image = new float[Side * Side];
            while ((line = reader.ReadLine()) != null)
            {
                if (line.Length == 0) continue;
                var cells = line.Split(',');
                if (cells.Length != 65) throw new InvalidDataException($"Expected 65 values per row of digits.csv.gz, but got {cells.Length} in row {labels.Count + 1}.");
                Array.Clear(image);
                for (int r = 0; r < 8; r++)
                for (int c = 0; c < 8; c++)
                {
                    float v = float.Parse(cells[r * 8 + c], CultureInfo.InvariantCulture) / 16f;
                    for (int dr = 0; dr < 3; dr++)
                    for (int dc = 0; dc < 3; dc++)
                        image[(2 + r * 3 + dr) * Side + 2 + c * 3 + dc] = v;
                }

                images.AddRange(image);
                labels.Add(int.Parse(cells[64], CultureInfo.InvariantCulture));
            }

            return (images.ToArray(), labels.ToArray());
        }
    }
}
