using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>Datasets, splits, folds, standardization, and the IDX and CSV loaders with their errors on bad files.</summary>
    public sealed class DataTests : IDisposable
    {
        private readonly string _folder = Path.Combine(Path.GetTempPath(), "netgen-data-" + Guid.NewGuid().ToString("N"));

        public DataTests() => Directory.CreateDirectory(_folder);

        public void Dispose() => Directory.Delete(_folder, recursive: true);

        private static byte[] BigEndian(params int[] values) => values.SelectMany(v => new[] { (byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v }).ToArray();

        private string Write(string name, byte[] bytes, bool gzip = false)
        {
            string path = Path.Combine(_folder, name);
            if (gzip)
            {
                using var file = File.Create(path);
                using var zip = new GZipStream(file, CompressionLevel.Fastest);
                zip.Write(bytes);
            }
            else
            {
                File.WriteAllBytes(path, bytes);
            }

            return path;
        }

        private (string Images, string Labels) IdxPair(int count = 3, int rows = 2, int cols = 2, int? labelCount = null, int imageMagic = 0x803, int truncate = 0, bool gzip = false)
        {
            var pixels = Enumerable.Range(0, count * rows * cols).Select(i => (byte)(i * 20 % 256)).ToArray();
            var images = BigEndian(imageMagic, count, rows, cols).Concat(pixels).ToArray();
            images = images.Take(images.Length - truncate).ToArray();
            int labels = labelCount ?? count;
            var labelBytes = BigEndian(0x801, labels).Concat(Enumerable.Range(0, labels).Select(i => (byte)(i % 10))).ToArray();
            return (Write("images" + (gzip ? ".gz" : ""), images, gzip), Write("labels" + (gzip ? ".gz" : ""), labelBytes, gzip));
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void Idx_files_load_plain_or_gzip(bool gzip)
        {
            var (images, labels) = IdxPair(gzip: gzip);
            var data = Idx.Read(images, labels);
            Assert.Equal(3, data.Count);
            Assert.Equal(4, data.InputLength);
            Assert.Equal(new[] { 0, 1, 2 }, data.Labels);
            Assert.Equal(20 / 255f, data.Inputs[1], 6);
        }

        [Fact]
        public void Idx_errors_name_the_problem()
        {
            var (images, labels) = IdxPair(imageMagic: 0x801);
            Assert.Contains("magic number 0x00000801; expected 0x00000803", Assert.Throws<InvalidDataException>(() => Idx.Read(images, labels)).Message);
            (images, labels) = IdxPair(truncate: 5);
            Assert.Contains("is truncated: expected 28 bytes for 3 images of 2x2, but got 23", Assert.Throws<InvalidDataException>(() => Idx.Read(images, labels)).Message);
            (images, labels) = IdxPair(labelCount: 4);
            Assert.Contains("holds 3 images but", Assert.Throws<InvalidDataException>(() => Idx.Read(images, labels)).Message);
            string tiny = Write("tiny", new byte[] { 0, 0, 8 });
            Assert.Contains("truncated: expected an IDX header", Assert.Throws<InvalidDataException>(() => Idx.Read(tiny, labels)).Message);
            string badZip = Write("bad.gz", new byte[] { 0x1f, 0x8b, 1, 2, 3, 4, 5 });
            Assert.Contains("not a valid gzip file", Assert.Throws<InvalidDataException>(() => Idx.Read(badZip, labels)).Message);
        }

        [Fact]
        public void Csv_reads_features_and_labels_and_reports_bad_rows()
        {
            var data = Csv.Read(new StringReader("a,b,c\n1.5,2,0\n3,-4e-1,1\n\n5,6,2\n"), header: true);
            Assert.Equal(3, data.Count);
            Assert.Equal(new[] { 1.5f, 2f, 3f, -0.4f, 5f, 6f }, data.Inputs);
            Assert.Equal(new[] { 0, 1, 2 }, data.Labels);
            Assert.Equal(3, data.Classes);
            Assert.Equal("CSV line 2, column 2: expected a number, but got 'x'.", Assert.Throws<InvalidDataException>(() => Csv.Read(new StringReader("1,2,0\n3,x,1\n"), -1, false)).Message);
            Assert.Equal("CSV line 2: expected 3 columns, but got 2.", Assert.Throws<InvalidDataException>(() => Csv.Read(new StringReader("1,2,0\n3,1\n"))).Message);
            Assert.Contains("expected a class label", Assert.Throws<InvalidDataException>(() => Csv.Read(new StringReader("1,2,0.5\n"))).Message);
            Assert.Equal(new[] { 7, 8 }, Csv.Read(new StringReader("7,1,2\n8,0,3\n"), labelColumn: 0).Labels);
        }

        [Fact]
        public void Built_in_data_sets_have_their_published_sizes()
        {
            var digits = BuiltInData.Digits();
            Assert.Equal((1797, 64, 10), (digits.Count, digits.InputLength, digits.Classes));
            Assert.InRange(digits.Inputs.Max(), 0.99f, 1f);
            var iris = BuiltInData.Iris();
            Assert.Equal((150, 4, 3), (iris.Count, iris.InputLength, iris.Classes));
            Assert.Equal(new[] { 50, 50, 50 }, iris.Labels!.GroupBy(l => l).OrderBy(g => g.Key).Select(g => g.Count()));
            var cancer = BuiltInData.BreastCancer();
            Assert.Equal((569, 30, 2), (cancer.Count, cancer.InputLength, cancer.Classes));
            Assert.Equal(212, cancer.Labels!.Count(l => l == 0)); // malignant
        }

        [Fact]
        public void Splits_and_folds_partition_the_samples()
        {
            var data = new Dataset(Enumerable.Range(0, 100).Select(i => (float)i).ToArray(), Enumerable.Range(0, 100).Select(i => i % 2).ToArray(), 1, 2);
            var (train, validation, test) = data.Split(0.7, 0.1, seed: 5);
            Assert.Equal((70, 10, 20), (train.Count, validation.Count, test.Count));
            Assert.Equal(Enumerable.Range(0, 100), train.Inputs.Concat(validation.Inputs).Concat(test.Inputs).Select(v => (int)v).OrderBy(v => v));
            Assert.Equal(data.Split(0.7, 0.1, seed: 5).Train.Inputs, train.Inputs); // seeded

            var folds = data.Folds(5, seed: 1).ToList();
            Assert.Equal(5, folds.Count);
            Assert.All(folds, f => Assert.Equal(100, f.Train.Count + f.Validation.Count));
            Assert.Equal(Enumerable.Range(0, 100), folds.SelectMany(f => f.Validation.Inputs).Select(v => (int)v).OrderBy(v => v));
            Assert.All(folds, f => Assert.Empty(f.Train.Inputs.Intersect(f.Validation.Inputs)));
        }

        [Fact]
        public void Standardization_is_fitted_on_the_training_set_only()
        {
            var train = new Dataset(new float[] { 1, 10, 3, 10, 5, 10 }, new[] { 0, 1, 0 }, 2, 2);
            var test = new Dataset(new float[] { 7, 4 }, new[] { 1 }, 2, 2);
            var s = Standardizer.Fit(train);
            Assert.Equal(new[] { 3f, 10f }, s.Mean);
            Assert.Equal((float)Math.Sqrt(8.0 / 3), s.Std[0], 6);
            Assert.Equal(1f, s.Std[1]); // a constant feature keeps its scale
            var t = s.Transform(test);
            Assert.Equal(4 / (float)Math.Sqrt(8.0 / 3), t.Inputs[0], 5);
            Assert.Equal(-6f, t.Inputs[1]);
            Assert.Equal(new float[] { 7, 4 }, test.Inputs); // the original is untouched
        }

        [Fact]
        public void A_dataset_rejects_inconsistent_arrays()
        {
            Assert.Contains("Expected inputs.Length == samples * inputLength = 2 * 3 = 6 (one input of 3 values per label), but got 5", Assert.Throws<ArgumentException>(() => new Dataset(new float[5], new int[2], 3, 2)).Message);
            Assert.Throws<ArgumentOutOfRangeException>(() => new Dataset(new float[2], new[] { 0, 5 }, 1, 3));
        }
    }
}
