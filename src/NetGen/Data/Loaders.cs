using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;

namespace NetGen
{
    /// <summary>
    /// Reads the IDX files of MNIST and Fashion-MNIST (plain or gzip): images scaled to [0, 1] with shape (1, rows, cols),
    /// labels as classes. Everything is checked before a dataset is returned: magic numbers, sizes, counts.
    /// </summary>
    public static class Idx
    {
        private const int ImagesMagic = 0x00000803, LabelsMagic = 0x00000801;

        /// <summary>Reads an images file and its labels file into a dataset of <paramref name="classes"/> classes.</summary>
        /// <exception cref="InvalidDataException">A file has the wrong magic number, is truncated, or the counts differ.</exception>
        public static Dataset Read(string imagesPath, string labelsPath, int classes = 10)
        {
            var images = ReadAll(imagesPath);
            var labels = ReadAll(labelsPath);
            int count = Header(images, ImagesMagic, 3, imagesPath, out var dims);
            int labelCount = Header(labels, LabelsMagic, 1, labelsPath, out _);
            if (count != labelCount)
                throw new InvalidDataException($"{imagesPath} holds {count} images but {labelsPath} holds {labelCount} labels; expected the same count.");
            int rows = dims[1], cols = dims[2];
            long pixels = (long)count * rows * cols;
            long expectedImages = 16 + pixels;
            if (images.Length < expectedImages) throw new InvalidDataException($"{imagesPath} is truncated: expected {expectedImages} bytes for {count} images of {rows}x{cols}, but got {images.Length}.");
            if (labels.Length < 8 + count) throw new InvalidDataException($"{labelsPath} is truncated: expected {8 + count} bytes for {count} labels, but got {labels.Length}.");
            var inputs = new float[pixels];
            for (long i = 0; i < pixels; i++) inputs[i] = images[16 + i] / 255f;
            var classesOf = new int[count];
            for (int i = 0; i < count; i++)
            {
                classesOf[i] = labels[8 + i];
                if (classesOf[i] >= classes) throw new InvalidDataException($"{labelsPath}: label {i} is {classesOf[i]}; expected a class below {classes}.");
            }

            return new Dataset(inputs, classesOf, rows * cols, classes);
        }

        /// <summary>The file's bytes, gunzipped when it starts with the gzip magic 1f 8b.</summary>
        private static byte[] ReadAll(string path)
        {
            byte[] bytes = File.ReadAllBytes(path);
            if (bytes.Length >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b)
            {
                try
                {
                    using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
                    using var output = new MemoryStream();
                    gzip.CopyTo(output);
                    return output.ToArray();
                }
                catch (InvalidDataException e)
                {
                    throw new InvalidDataException($"{path} is not a valid gzip file: {e.Message}", e);
                }
            }

            return bytes;
        }

        private static int Header(byte[] data, int magic, int dimensions, string path, out int[] dims)
        {
            int headerLength = 4 + 4 * dimensions;
            if (data.Length < headerLength) throw new InvalidDataException($"{path} is truncated: expected an IDX header of {headerLength} bytes, but the file has {data.Length}.");
            int found = BigEndian(data, 0);
            if (found != magic) throw new InvalidDataException($"{path} has magic number 0x{found:X8}; expected 0x{magic:X8} (IDX {(magic == ImagesMagic ? "images" : "labels")}).");
            dims = new int[dimensions];
            for (int d = 0; d < dimensions; d++)
            {
                dims[d] = BigEndian(data, 4 + 4 * d);
                if (dims[d] < 0) throw new InvalidDataException($"{path}: dimension {d} is {dims[d]}.");
            }

            return dims[0];
        }

        private static int BigEndian(byte[] data, int offset) => (data[offset] << 24) | (data[offset + 1] << 16) | (data[offset + 2] << 8) | data[offset + 3];
    }

    /// <summary>
    /// Reads CSV files of numeric features and an integer class label (<see cref="Read(TextReader, int, bool, string)"/>), or
    /// numeric targets (<see cref="ReadRegression(TextReader, int, bool, string)"/>); invariant culture, errors name the line and column.
    /// </summary>
    public static class Csv
    {
        /// <summary>
        /// Reads <paramref name="reader"/>: every row numbers, the label in column <paramref name="labelColumn"/> (negative: from the end,
        /// -1 is the last). With <paramref name="header"/> the first line is skipped. Classes: 1 + the largest label.
        /// </summary>
        /// <exception cref="InvalidDataException">A value is not a number, a row has another number of columns, or a label is not a non-negative integer.</exception>
        public static Dataset Read(TextReader reader, int labelColumn = -1, bool header = false, string source = "CSV")
        {
            Guard.NotNull(reader, nameof(reader));
            var inputs = new List<float>();
            var labels = new List<int>();
            int columns = -1, lineNumber = 0;
            string? line;
            if (header)
            {
                reader.ReadLine();
                lineNumber++;
            }

            while ((line = reader.ReadLine()) != null)
            {
                lineNumber++;
                if (line.Trim().Length == 0) continue;
                var cells = line.Split(',');
                if (columns < 0) columns = cells.Length;
                if (cells.Length != columns) throw new InvalidDataException($"{source} line {lineNumber}: expected {columns} columns, but got {cells.Length}.");
                if (columns < 2) throw new InvalidDataException($"{source} line {lineNumber}: expected at least one feature and a label, but got {columns} column.");
                int label = labelColumn < 0 ? columns + labelColumn : labelColumn;
                if (label < 0 || label >= columns) throw new ArgumentOutOfRangeException(nameof(labelColumn), $"Expected a label column in [-{columns}, {columns - 1}] (negative counts from the end), but got {labelColumn}.");
                for (int c = 0; c < columns; c++)
                {
                    string cell = cells[c].Trim();
                    if (c == label)
                    {
                        if (!int.TryParse(cell, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < 0)
                            throw new InvalidDataException($"{source} line {lineNumber}, column {c + 1}: expected a class label (an integer >= 0), but got '{cell}'.");
                        labels.Add(value);
                    }
                    else
                    {
                        if (!float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out float value))
                            throw new InvalidDataException($"{source} line {lineNumber}, column {c + 1}: expected a number, but got '{cell}'.");
                        inputs.Add(value);
                    }
                }
            }

            if (labels.Count == 0) throw new InvalidDataException($"{source} holds no rows.");
            int classes = 2;
            foreach (int l in labels) classes = Math.Max(classes, l + 1);
            return new Dataset(inputs.ToArray(), labels.ToArray(), columns - 1, classes);
        }

        /// <summary>Reads the file at <paramref name="path"/> (see <see cref="Read(TextReader, int, bool, string)"/>).</summary>
        public static Dataset Read(string path, int labelColumn = -1, bool header = false)
        {
            using var reader = new StreamReader(path);
            return Read(reader, labelColumn, header, path);
        }

        /// <summary>
        /// Reads a regression file from <paramref name="reader"/>: every row numbers, the last <paramref name="targetColumns"/>
        /// columns the targets (one or more outputs), the columns before them the features. With <paramref name="header"/>
        /// the first line is skipped.
        /// </summary>
        /// <exception cref="InvalidDataException">A value is not a number, a row has another number of columns, or a row has no feature.</exception>
        public static Dataset ReadRegression(TextReader reader, int targetColumns = 1, bool header = false, string source = "CSV")
        {
            Guard.NotNull(reader, nameof(reader));
            if (targetColumns < 1) throw new ArgumentOutOfRangeException(nameof(targetColumns), $"Expected targetColumns >= 1, but got {targetColumns}.");
            var inputs = new List<float>();
            var targets = new List<float>();
            int columns = -1, lineNumber = 0;
            string? line;
            if (header)
            {
                reader.ReadLine();
                lineNumber++;
            }

            while ((line = reader.ReadLine()) != null)
            {
                lineNumber++;
                if (line.Trim().Length == 0) continue;
                var cells = line.Split(',');
                if (columns < 0) columns = cells.Length;
                if (cells.Length != columns) throw new InvalidDataException($"{source} line {lineNumber}: expected {columns} columns, but got {cells.Length}.");
                if (columns <= targetColumns) throw new InvalidDataException($"{source} line {lineNumber}: expected at least one feature and {targetColumns} target column{(targetColumns == 1 ? "" : "s")}, but got {columns} column{(columns == 1 ? "" : "s")}.");
                for (int c = 0; c < columns; c++)
                {
                    string cell = cells[c].Trim();
                    if (!float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out float value))
                        throw new InvalidDataException($"{source} line {lineNumber}, column {c + 1}: expected a number, but got '{cell}'.");
                    (c < columns - targetColumns ? inputs : targets).Add(value);
                }
            }

            if (targets.Count == 0) throw new InvalidDataException($"{source} holds no rows.");
            return new Dataset(inputs.ToArray(), targets.ToArray(), columns - targetColumns, targetColumns);
        }

        /// <summary>Reads the regression file at <paramref name="path"/> (see <see cref="ReadRegression(TextReader, int, bool, string)"/>).</summary>
        public static Dataset ReadRegression(string path, int targetColumns = 1, bool header = false)
        {
            using var reader = new StreamReader(path);
            return ReadRegression(reader, targetColumns, header, path);
        }
    }

    /// <summary>
    /// The built-in data sets, embedded in the library (UCI Machine Learning Repository, CC BY 4.0; see
    /// Data/Resources/README.md): nothing to download.
    /// </summary>
    public static class BuiltInData
    {
        /// <summary>Optical Recognition of Handwritten Digits (E. Alpaydin, C. Kaynak, 1998): 1797 images 8x8 (input shape (1, 8, 8)) scaled to [0, 1], 10 classes.</summary>
        public static Dataset Digits()
        {
            using var stream = new GZipStream(Open("digits.csv.gz"), CompressionMode.Decompress);
            var data = Csv.Read(new StreamReader(stream), -1, false, "digits.csv.gz");
            for (int i = 0; i < data.Inputs.Length; i++) data.Inputs[i] /= 16f;
            return data;
        }

        /// <summary>Iris (R. A. Fisher, 1936): 150 samples of 4 measurements (cm), 3 species.</summary>
        public static Dataset Iris() => Csv.Read(new StreamReader(Open("iris.csv")), -1, true, "iris.csv");

        /// <summary>Breast Cancer Wisconsin (Diagnostic) (W. H. Wolberg, W. N. Street, O. L. Mangasarian, 1995): 569 samples of 30 features; malignant (0) or benign (1).</summary>
        public static Dataset BreastCancer() => Csv.Read(new StreamReader(Open("breast_cancer.csv")), -1, true, "breast_cancer.csv");

        private static Stream Open(string name)
            => typeof(BuiltInData).Assembly.GetManifestResourceStream("NetGen.Data." + name)
               ?? throw new InvalidOperationException($"The embedded resource {name} is missing from NetGen.dll.");
    }
}
