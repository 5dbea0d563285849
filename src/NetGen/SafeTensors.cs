using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace NetGen
{
    /// <summary>
    /// Weight files in the safetensors format, with PyTorch's <c>state_dict()</c> names: an 8-byte little-endian header
    /// length, a JSON header giving each tensor's dtype, shape and byte range, then the raw little-endian data. Files
    /// written here load in PyTorch with <c>model.load_state_dict(safetensors.torch.load_file(path))</c>; files written by
    /// <c>safetensors.torch.save_file(model.state_dict(), path)</c> load here. Generated networks call these from their
    /// <c>Save</c> and <c>Load</c> members.
    /// </summary>
    public static class SafeTensors
    {
        /// <summary>
        /// "The file is not a safetensors file (...)": what a safetensors file starts with, what this one starts with, and
        /// what it looks like when its first bytes say (a zip archive such as torch.save's, an ONNX model).
        /// </summary>
        private static string NotSafeTensors(byte[] first, string why)
        {
            string bytes = string.Join(" ", Array.ConvertAll(first, b => b.ToString("x2", CultureInfo.InvariantCulture)));
            var text = new StringBuilder();
            foreach (byte b in first) text.Append(b >= 0x20 && b < 0x7f ? (char)b : '.');
            string guess = first[0] == (byte)'P' && first[1] == (byte)'K' ? " It is a zip archive, as torch.save writes (.pt, .pth): save with safetensors.torch.save_file instead."
                : first[0] == 0x08 && first[1] < 0x20 ? " It looks like an ONNX model (a protobuf starting with ir_version); NetGen reads weights from safetensors files (safetensors.torch.save_file)."
                : "";
            return $"The file is not a safetensors file, which starts with an 8-byte little-endian header length and a JSON header: {why}. Its first 8 bytes are {bytes} (\"{text}\").{guess}";
        }

        /// <summary>The largest header read, in bytes (the format's own reader refuses larger ones too).</summary>
        public const int MaxHeaderLength = 100_000_000;

        /// <summary>Writes the network's tensors (float32; counters int64) to <paramref name="stream"/>.</summary>
        public static void Save(INetwork network, Stream stream) => Save(network, stream, NoMetadata);

        /// <summary>
        /// As <see cref="Save(INetwork, Stream)"/>, with <paramref name="metadata"/> in the header's <c>__metadata__</c> (string
        /// to string, as the format defines it; <c>safetensors.safe_open(...).metadata()</c> reads it, and PyTorch's loaders
        /// ignore it). <see cref="ReadMetadata(string)"/> reads it back.
        /// </summary>
        /// <exception cref="ArgumentException">A key is empty or "format", which NetGen writes itself ("pt").</exception>
        public static void Save(INetwork network, Stream stream, IReadOnlyDictionary<string, string> metadata)
        {
            Guard.NotNull(network, nameof(network));
            Guard.NotNull(stream, nameof(stream));
            CheckMetadata(metadata);
            var masks = MasksOf(network).ToArray();
            var tensors = FileLayout(network, t => masks.Length > 0 && Array.IndexOf(masks, 0f, t.Offset, t.Length) >= 0);
            WriteHeader(stream, tensors.Select(t => (t.Name, t.Store == TensorStore.Counters ? "I64" : "F32", (IEnumerable<int>)t.Shape, (long)t.Length)), metadata);
            var chunk = new byte[ChunkBytes];
            foreach (var t in tensors)
            {
                if (t.Store == TensorStore.Counters)
                {
                    var counters = network.Counters.Slice(t.Offset, t.Length);
                    for (int i = 0; i < counters.Length; i++)
                    {
                        BinaryPrimitives.WriteInt64LittleEndian(chunk, counters[i]);
                        stream.Write(chunk, 0, 8);
                    }

                    continue;
                }

                var values = Values(network, t.Store).Slice(t.Offset, t.Length);
                for (int start = 0; start < values.Length; start += ChunkBytes / 4)
                {
                    int count = Math.Min(ChunkBytes / 4, values.Length - start);
                    for (int i = 0; i < count; i++) BinaryPrimitives.WriteSingleLittleEndian(chunk.AsSpan(4 * i), values[start + i]);
                    stream.Write(chunk, 0, 4 * count);
                }
            }
        }

        /// <summary>
        /// Writes named float32 tensors (name, shape, values in row-major order) as a safetensors file, in the given order:
        /// for weights that do not come from a network (an importer's), which a network's Load then reads by name.
        /// </summary>
        /// <exception cref="ArgumentException">A tensor's values do not match its shape, or a name repeats.</exception>
        public static void Save(Stream stream, IReadOnlyList<(string Name, int[] Shape, float[] Values)> tensors) => Save(stream, tensors, Array.Empty<(string, long)>());

        /// <summary>
        /// As <see cref="Save(Stream, IReadOnlyList{ValueTuple{string, int[], float[]}})"/>, then int64 scalars (batch
        /// normalization's num_batches_tracked) named <paramref name="counters"/>.
        /// </summary>
        public static void Save(Stream stream, IReadOnlyList<(string Name, int[] Shape, float[] Values)> tensors, IReadOnlyList<(string Name, long Value)> counters)
        {
            Guard.NotNull(stream, nameof(stream));
            Guard.NotNull(tensors, nameof(tensors));
            Guard.NotNull(counters, nameof(counters));
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (name, shape, values) in tensors)
            {
                long count = shape.Aggregate(1L, (p, d) => p * d);
                if (count != values.Length) throw new ArgumentException($"Expected tensor '{name}' of shape [{string.Join(", ", shape)}] to have {count} values, but got {values.Length}.", nameof(tensors));
                if (!names.Add(name)) throw new ArgumentException($"Expected distinct tensor names, but '{name}' repeats.", nameof(tensors));
            }

            foreach (var (name, _) in counters)
            {
                if (!names.Add(name)) throw new ArgumentException($"Expected distinct tensor names, but '{name}' repeats.", nameof(counters));
            }

            WriteHeader(stream, tensors.Select(t => (t.Name, "F32", (IEnumerable<int>)t.Shape, (long)t.Values.Length))
                .Concat(counters.Select(c => (c.Name, "I64", (IEnumerable<int>)Array.Empty<int>(), 1L))), NoMetadata);
            var chunk = new byte[ChunkBytes];
            foreach (var (_, _, values) in tensors)
            {
                for (int start = 0; start < values.Length; start += ChunkBytes / 4)
                {
                    int count = Math.Min(ChunkBytes / 4, values.Length - start);
                    for (int i = 0; i < count; i++) BinaryPrimitives.WriteSingleLittleEndian(chunk.AsSpan(4 * i), values[start + i]);
                    stream.Write(chunk, 0, 4 * count);
                }
            }

            foreach (var (_, value) in counters)
            {
                BinaryPrimitives.WriteInt64LittleEndian(chunk, value);
                stream.Write(chunk, 0, 8);
            }
        }

        /// <summary>The 8-byte header length and the JSON header (with __metadata__ format pt), padded with spaces to a multiple of 8 so the data starts aligned.</summary>
        private static void WriteHeader(Stream stream, IEnumerable<(string Name, string DType, IEnumerable<int> Shape, long Length)> tensors, IReadOnlyDictionary<string, string> metadata)
        {
            var header = new ArrayBufferWriter<byte>();
            using (var json = new Utf8JsonWriter(header))
            {
                json.WriteStartObject();
                json.WriteStartObject("__metadata__");
                json.WriteString("format", "pt");
                foreach (var (key, value) in metadata.OrderBy(m => m.Key, StringComparer.Ordinal)) json.WriteString(key, value);
                json.WriteEndObject();
                long offset = 0;
                foreach (var (name, dtype, shape, length) in tensors)
                {
                    long bytes = length * Size(dtype);
                    json.WriteStartObject(name);
                    json.WriteString("dtype", dtype);
                    json.WriteStartArray("shape");
                    foreach (int d in shape) json.WriteNumberValue(d);
                    json.WriteEndArray();
                    json.WriteStartArray("data_offsets");
                    json.WriteNumberValue(offset);
                    json.WriteNumberValue(offset + bytes);
                    json.WriteEndArray();
                    json.WriteEndObject();
                    offset += bytes;
                }

                json.WriteEndObject();
            }

            int padded = (header.WrittenCount + 7) / 8 * 8;
            var prefix = new byte[8 + padded];
            BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)padded);
            header.WrittenSpan.CopyTo(prefix.AsSpan(8));
            prefix.AsSpan(8 + header.WrittenCount).Fill((byte)' ');
            stream.Write(prefix, 0, prefix.Length);
        }

        /// <summary>
        /// Writes the network's tensors to <paramref name="path"/> atomically: into a temporary file in the same folder,
        /// which then replaces <paramref name="path"/>, so a failure leaves any earlier file as it was.
        /// </summary>
        public static void Save(INetwork network, string path)
        {
            Guard.NotNull(network, nameof(network));
            AtomicFile.Write(path, stream => Save(network, stream));
        }

        /// <summary>As <see cref="Save(INetwork, string)"/>, with <paramref name="metadata"/> in the header (see <see cref="Save(INetwork, Stream, IReadOnlyDictionary{string, string})"/>).</summary>
        public static void Save(INetwork network, string path, IReadOnlyDictionary<string, string> metadata)
        {
            Guard.NotNull(network, nameof(network));
            CheckMetadata(metadata);
            AtomicFile.Write(path, stream => Save(network, stream, metadata));
        }

        private static readonly IReadOnlyDictionary<string, string> NoMetadata = new Dictionary<string, string>();

        private static void CheckMetadata(IReadOnlyDictionary<string, string> metadata)
        {
            Guard.NotNull(metadata, nameof(metadata));
            foreach (var (key, value) in metadata)
            {
                if (string.IsNullOrEmpty(key) || key == "format") throw new ArgumentException($"Expected metadata keys other than \"\" and \"format\" (NetGen writes format = pt), but got \"{key}\".", nameof(metadata));
                if (value == null) throw new ArgumentException($"Expected a string for metadata key \"{key}\", but got null.", nameof(metadata));
            }
        }

        /// <summary>
        /// The <c>__metadata__</c> of the safetensors file at <paramref name="path"/> (empty when it has none), read from the
        /// header alone and validated as <see cref="Load(INetwork, string, TensorMatching)"/> validates headers.
        /// </summary>
        /// <exception cref="InvalidDataException">The file is not a safetensors file, or its header is malformed.</exception>
        public static IReadOnlyDictionary<string, string> ReadMetadata(string path)
        {
            using var file = new FileStream(AtomicFile.FullPath(path), FileMode.Open, FileAccess.Read, FileShare.Read);
            return ReadMetadata(file);
        }

        /// <summary>The <c>__metadata__</c> of the safetensors file in <paramref name="stream"/>; see <see cref="ReadMetadata(string)"/>.</summary>
        /// <exception cref="InvalidDataException">The stream does not hold a safetensors file, or its header is malformed.</exception>
        public static IReadOnlyDictionary<string, string> ReadMetadata(Stream stream)
        {
            Guard.NotNull(stream, nameof(stream));
            var header = ReadHeader(stream, out _);
            ParseHeader(header);
            using var document = JsonDocument.Parse(header);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            if (document.RootElement.TryGetProperty("__metadata__", out var values))
            {
                foreach (var m in values.EnumerateObject()) metadata[m.Name] = m.Value.GetString()!;
            }

            return metadata;
        }

        /// <summary>
        /// Reads a safetensors file into the network. Everything is checked before anything is written: the header, every
        /// tensor's dtype, shape and byte range, the names (or, with <see cref="TensorMatching.ByOrder"/>, order and shapes)
        /// against <see cref="INetwork.Tensors"/>, and that the data is all there. float16, bfloat16 and float64 convert to
        /// float32; counters accept int64 and int32.
        /// </summary>
        /// <exception cref="InvalidDataException">The file is malformed or does not fit the network; the message lists every problem, and the network is unchanged.</exception>
        public static void Load(INetwork network, Stream stream, TensorMatching matching = TensorMatching.ByName) => Load(network, stream, matching, strict: true);

        /// <summary>
        /// Reads a safetensors file by name; with <paramref name="strict"/> false, as PyTorch's
        /// <c>load_state_dict(strict=False)</c> for transfer learning: the tensors whose names and shapes match are loaded, and
        /// the report lists the network's tensors the file lacks (missing), the file's tensors the network lacks
        /// (unexpected), and those whose shapes differ (mismatched: kept as they were; PyTorch refuses these). The file is
        /// still validated whole (header, dtypes, byte ranges) before anything is written.
        /// </summary>
        /// <exception cref="InvalidDataException">The file is malformed (or, when strict, does not fit the network); the network is unchanged.</exception>
        public static TensorLoadReport Load(INetwork network, Stream stream, bool strict) => Load(network, stream, TensorMatching.ByName, strict);

        /// <summary>Reads the safetensors file at <paramref name="path"/> by name; see <see cref="Load(INetwork, Stream, bool)"/>.</summary>
        /// <exception cref="InvalidDataException">The file is malformed (or, when strict, does not fit the network); the network is unchanged.</exception>
        public static TensorLoadReport Load(INetwork network, string path, bool strict)
        {
            Guard.NotNull(network, nameof(network));
            using var file = new FileStream(AtomicFile.FullPath(path), FileMode.Open, FileAccess.Read, FileShare.Read);
            return Load(network, file, TensorMatching.ByName, strict);
        }

        private static TensorLoadReport Load(INetwork network, Stream stream, TensorMatching matching, bool strict)
        {
            Guard.NotNull(network, nameof(network));
            Guard.NotNull(stream, nameof(stream));
            var header = ReadHeader(stream, out long available);
            long headerLength = header.Length;
            var entries = ParseHeader(header);
            long dataLength = CheckOffsets(entries);
            if (dataLength > available - 8 - (long)headerLength)
                throw new InvalidDataException($"The tensors' data ends at byte {dataLength} of the data, beyond the file's end ({available - 8 - (long)headerLength} bytes of data).");
            if (stream.CanSeek && dataLength < available - 8 - (long)headerLength)
                throw new InvalidDataException($"The file has {available - 8 - (long)headerLength - dataLength} bytes after the last tensor's data; expected the tensors to cover the data exactly.");

            var report = new TensorLoadReport();
            var names = new HashSet<string>(entries.Select(e => e.Name), StringComparer.Ordinal);
            var expected = FileLayout(network, t => names.Contains(t.Name + "_mask"));
            var pairs = Match(network, expected, entries, matching, strict ? null : report);
            var paired = pairs.ToDictionary(p => p.Entry.Name, p => p.Tensor, StringComparer.Ordinal);

            // Read into staging sized by the network (never by the file's claims), then write the network at once.
            var parameters = new float[network.Parameters.Length];
            var buffers = new float[network.Buffers.Length];
            var counters = new long[network.Counters.Length];
            // the masks come from the file: a weight it keeps whole is unpruned after the load, one it prunes is masked
            bool pruned = expected.Any(t => t.Store == TensorStore.Masks);
            var had = MasksOf(network);
            var masks = new float[had.Length];
            Array.Fill(masks, 1f);
            network.Parameters.CopyTo(parameters);
            network.Buffers.CopyTo(buffers);
            network.Counters.CopyTo(counters);
            // the byte ranges tile the data (CheckOffsets): read them in order, back to back, skipping the tensors not loaded
            var chunk = new byte[ChunkBytes];
            foreach (var entry in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
            {
                if (!paired.TryGetValue(entry.Name, out var tensor))
                {
                    Skip(stream, chunk, entry);
                    continue;
                }

                int size = Size(entry.DType);
                long index = 0;
                while (index < tensor.Length)
                {
                    int count = (int)Math.Min(ChunkBytes / size, tensor.Length - index);
                    if (ReadAtMost(stream, chunk, count * size) < count * size)
                        throw new InvalidDataException($"The file is truncated: {entry.Name}'s data ({entry.End - entry.Begin} bytes from data byte {entry.Begin}) is incomplete.");
                    for (int i = 0; i < count; i++)
                    {
                        int at = tensor.Offset + (int)index + i;
                        var bytes = chunk.AsSpan(i * size, size);
                        if (tensor.Store == TensorStore.Counters) counters[at] = ReadInteger(entry.DType, bytes);
                        else (tensor.Store == TensorStore.Parameters ? parameters : tensor.Store == TensorStore.Masks ? masks : buffers)[at] = ReadReal(entry.DType, bytes);
                    }

                    index += count;
                }
            }

            if (pruned)
            {
                // a mask is 0 or 1 (PyTorch's weight = weight_orig * weight_mask): the weight is the masked original
                int bad = Array.FindIndex(masks, m => m != 0f && m != 1f);
                if (bad >= 0) throw new InvalidDataException($"A pruning mask holds {masks[bad]} at parameter {bad}; expected 0 or 1 (nothing was loaded).");
                Kernels.ApplyMask(parameters, masks);
            }

            masks.CopyTo(had);

            parameters.CopyTo(network.Parameters);
            buffers.CopyTo(network.Buffers);
            counters.CopyTo(network.Counters);
            foreach (var (_, tensor) in pairs) report.Loaded.Add(tensor.Name);
            return report;
        }

        /// <summary>Reads past a tensor's data (one that is not loaded), checking that it is all there.</summary>
        private static void Skip(Stream stream, byte[] chunk, Entry entry)
        {
            long left = entry.End - entry.Begin;
            while (left > 0)
            {
                int count = (int)Math.Min(chunk.Length, left);
                if (ReadAtMost(stream, chunk, count) < count)
                    throw new InvalidDataException($"The file is truncated: {entry.Name}'s data ({entry.End - entry.Begin} bytes from data byte {entry.Begin}) is incomplete.");
                left -= count;
            }
        }

        /// <summary>Reads the safetensors file at <paramref name="path"/> into the network; see <see cref="Load(INetwork, Stream, TensorMatching)"/>.</summary>
        /// <exception cref="InvalidDataException">The file is malformed or does not fit the network; the network is unchanged.</exception>
        public static void Load(INetwork network, string path, TensorMatching matching = TensorMatching.ByName)
        {
            Guard.NotNull(network, nameof(network));
            using var file = new FileStream(AtomicFile.FullPath(path), FileMode.Open, FileAccess.Read, FileShare.Read);
            Load(network, file, matching);
        }

        /// <summary>One tensor as the header describes it: byte range relative to the data's start.</summary>
        private readonly record struct Entry(string Name, string DType, long[] Shape, long Begin, long End)
        {
            public string ShapeText => "[" + string.Join(", ", Shape) + "]";
        }

        private const int ChunkBytes = 1 << 16;

        private static readonly UTF8Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

        private static Span<float> Values(INetwork network, TensorStore store) => store == TensorStore.Parameters ? network.Parameters : store == TensorStore.Masks ? network.Masks : network.Buffers;

        /// <summary>The network's masks, or nothing where the network has none (an INetwork that is not generated).</summary>
        private static Span<float> MasksOf(INetwork network)
        {
            try
            {
                return network.Masks;
            }
            catch (NotSupportedException)
            {
                return Span<float>.Empty;
            }
        }

        /// <summary>
        /// The tensors of a weight file for <paramref name="network"/>: its own, except that a pruned weight (a prunable one,
        /// "0.weight", where <paramref name="pruned"/> says so) is "0.weight_orig" (the masked weight) and "0.weight_mask", as
        /// PyTorch's torch.nn.utils.prune writes a pruned module's state_dict.
        /// </summary>
        private static List<TensorInfo> FileLayout(INetwork network, Func<TensorInfo, bool> pruned)
        {
            var prunable = new HashSet<string>(Pruning.Prunable(network).Select(t => t.Name), StringComparer.Ordinal);
            var layout = new List<TensorInfo>();
            foreach (var t in network.Tensors)
            {
                if (!prunable.Contains(t.Name) || !pruned(t))
                {
                    layout.Add(t);
                    continue;
                }

                var shape = t.Shape.ToArray();
                layout.Add(new TensorInfo(t.Name + "_orig", TensorStore.Parameters, t.Offset, shape));
                layout.Add(new TensorInfo(t.Name + "_mask", TensorStore.Masks, t.Offset, shape));
            }

            return layout;
        }

        /// <summary>Reads and checks the 8-byte header length, then the header; <paramref name="available"/> is what the stream held from its position (long.MaxValue when it cannot seek).</summary>
        private static byte[] ReadHeader(Stream stream, out long available)
        {
            available = stream.CanSeek ? stream.Length - stream.Position : long.MaxValue;
            var lengthBytes = new byte[8];
            int read = ReadAtMost(stream, lengthBytes, 8);
            if (read < 8) throw new InvalidDataException($"The file is truncated: expected an 8-byte header length, but it has {read} bytes.");
            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
            if (headerLength < 2) throw new InvalidDataException(NotSafeTensors(lengthBytes, $"the header length is {headerLength} bytes; a JSON object needs at least 2"));
            if (headerLength > MaxHeaderLength) throw new InvalidDataException(NotSafeTensors(lengthBytes, $"the header length would be {headerLength} bytes; expected at most {MaxHeaderLength}"));
            if ((long)headerLength > available - 8) throw new InvalidDataException(NotSafeTensors(lengthBytes, $"the header length would be {headerLength} bytes, beyond the file's end ({available - 8} bytes follow it)"));
            return ReadHeader(stream, (int)headerLength);
        }

        /// <summary>Reads the header, growing the buffer only as bytes arrive (a stream that cannot seek may be shorter than claimed).</summary>
        private static byte[] ReadHeader(Stream stream, int length)
        {
            var header = new byte[Math.Min(length, ChunkBytes)];
            int filled = 0;
            while (filled < length)
            {
                if (filled == header.Length) Array.Resize(ref header, (int)Math.Min(length, 2L * header.Length));
                int n = stream.Read(header, filled, header.Length - filled);
                if (n == 0) throw new InvalidDataException($"The file is truncated: the header should have {length} bytes, but only {filled} follow the length.");
                filled += n;
            }

            return header;
        }

        private static List<Entry> ParseHeader(byte[] header)
        {
            JsonDocument document;
            try
            {
                StrictUtf8.GetCharCount(header);
            }
            catch (DecoderFallbackException e)
            {
                throw new InvalidDataException($"The header is not valid UTF-8 (byte {e.Index} of it).", e);
            }

            try
            {
                document = JsonDocument.Parse(header);
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"The header is not valid JSON: {e.Message}", e);
            }

            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"Expected the header to be a JSON object, but it is {Kind(root)}.");
                var entries = new List<Entry>();
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in root.EnumerateObject())
                {
                    if (!names.Add(property.Name)) throw new InvalidDataException($"The header names '{property.Name}' twice.");
                    if (property.Name == "__metadata__")
                    {
                        if (property.Value.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"Expected __metadata__ to be an object of strings, but it is {Kind(property.Value)}.");
                        foreach (var m in property.Value.EnumerateObject())
                        {
                            if (m.Value.ValueKind != JsonValueKind.String) throw new InvalidDataException($"Expected __metadata__ to hold only strings, but '{m.Name}' is {Kind(m.Value)}.");
                        }

                        continue;
                    }

                    entries.Add(ParseEntry(property.Name, property.Value));
                }

                return entries;
            }
        }

        private static Entry ParseEntry(string name, JsonElement value)
        {
            if (value.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"Expected '{name}' to be an object with dtype, shape and data_offsets, but it is {Kind(value)}.");
            if (!value.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String) throw new InvalidDataException($"'{name}' has no dtype string.");
            string dtype = dtypeElement.GetString()!;
            if (Size(dtype) == 0) throw new InvalidDataException($"'{name}' has the unknown dtype '{dtype}'; expected one of {string.Join(", ", Sizes.Keys)}.");
            if (!value.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array) throw new InvalidDataException($"'{name}' has no shape array.");
            var shape = new List<long>();
            long count = 1;
            bool overflow = false;
            foreach (var d in shapeElement.EnumerateArray())
            {
                if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out long dim) || dim < 0) throw new InvalidDataException($"'{name}' has a shape entry {d.GetRawText()}; expected integers >= 0.");
                if (shape.Count >= 64) throw new InvalidDataException($"'{name}' has more than 64 dimensions.");
                shape.Add(dim);
                if (dim != 0 && count > long.MaxValue / 16 / dim) overflow = true;
                else count *= dim;
            }

            if (overflow && !shape.Contains(0)) throw new InvalidDataException($"'{name}' has the shape [{string.Join(", ", shape)}], whose element count overflows 64 bits.");
            if (overflow) count = 0;
            if (!value.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2) throw new InvalidDataException($"'{name}' has no data_offsets [begin, end].");
            if (!offsets[0].TryGetInt64(out long begin) || !offsets[1].TryGetInt64(out long end) || begin < 0 || end < 0)
                throw new InvalidDataException($"'{name}' has the data_offsets {offsets.GetRawText()}; expected two integers >= 0.");
            if (end < begin) throw new InvalidDataException($"'{name}' has the data_offsets [{begin}, {end}], out of order (end before begin).");
            long bytes = count * Size(dtype);
            if (end - begin != bytes) throw new InvalidDataException($"'{name}' ({dtype}, [{string.Join(", ", shape)}]) needs {bytes} bytes, but its data_offsets [{begin}, {end}] span {end - begin}.");
            return new Entry(name, dtype, shape.ToArray(), begin, end);
        }

        /// <summary>Checks that the byte ranges tile the data from 0 without gaps or overlaps; returns the data's length.</summary>
        private static long CheckOffsets(List<Entry> entries)
        {
            long end = 0;
            string? previous = null;
            foreach (var e in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
            {
                if (e.Begin < end) throw new InvalidDataException($"'{e.Name}' (bytes {e.Begin} to {e.End}) overlaps '{previous}' (which ends at {end}).");
                if (e.Begin > end) throw new InvalidDataException($"The data has a gap: bytes {end} to {e.Begin} belong to no tensor (before '{e.Name}').");
                end = e.End;
                previous = e.Name;
            }

            return end;
        }

        /// <summary>
        /// Pairs the file's tensors with the network's, or throws listing every mismatch; with a <paramref name="report"/>
        /// (non-strict), missing, unexpected and differently shaped tensors go there instead (a dtype that does not fit still throws).
        /// </summary>
        private static List<(Entry Entry, TensorInfo Tensor)> Match(INetwork network, List<TensorInfo> expected, List<Entry> entries, TensorMatching matching, TensorLoadReport? report)
        {
            var problems = new List<string>();
            var pairs = new List<(Entry Entry, TensorInfo Tensor)>();
            var used = new HashSet<string>(StringComparer.Ordinal);
            if (matching == TensorMatching.ByName)
            {
                var byName = entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
                foreach (var t in expected)
                {
                    if (!byName.TryGetValue(t.Name, out var e))
                    {
                        if (report != null) report.Missing.Add(t.Name);
                        else problems.Add($"missing tensor '{t.Name}' {t.ShapeText}");
                        continue;
                    }

                    used.Add(e.Name);
                    if (report != null && !SameShape(t, e))
                    {
                        report.Mismatched.Add($"{t.Name}: {t.ShapeText} here, {e.ShapeText} in the file");
                        continue;
                    }

                    if (Check(t, e, problems)) pairs.Add((e, t));
                }
            }
            else
            {
                var ordered = entries.OrderBy(e => e.Begin).ThenBy(e => e.End).ToList();
                foreach (var t in expected)
                {
                    int index = ordered.FindIndex(e => !used.Contains(e.Name) && SameShape(t, e));
                    if (index < 0)
                    {
                        problems.Add($"no unused tensor of shape {t.ShapeText} for '{t.Name}'");
                        continue;
                    }

                    var e = ordered[index];
                    used.Add(e.Name);
                    if (Check(t, e, problems)) pairs.Add((e, t));
                }
            }

            foreach (var e in entries)
            {
                if (used.Contains(e.Name)) continue;
                if (report != null) report.Unexpected.Add(e.Name);
                else problems.Add($"unexpected tensor '{e.Name}' {e.ShapeText}");
            }

            if (problems.Count > 0)
            {
                throw new InvalidDataException($"The file does not fit {network.GetType().Name} ({problems.Count} problem{(problems.Count == 1 ? "" : "s")}; nothing was loaded):"
                    + string.Concat(problems.Select(p => Environment.NewLine + "  " + p)));
            }

            return pairs;
        }

        private static bool Check(TensorInfo t, Entry e, List<string> problems)
        {
            bool fits = true;
            if (!SameShape(t, e))
            {
                problems.Add($"'{t.Name}': expected shape {t.ShapeText}, but the file has {e.ShapeText}");
                fits = false;
            }

            bool integer = t.Store == TensorStore.Counters;
            if (integer ? e.DType is not ("I64" or "I32") : e.DType is not ("F32" or "F64" or "F16" or "BF16"))
            {
                problems.Add($"'{t.Name}': expected {(integer ? "I64 or I32" : "F32, F64, F16 or BF16")}, but the file has {e.DType}");
                fits = false;
            }

            return fits;
        }

        private static bool SameShape(TensorInfo t, Entry e)
        {
            if (t.Shape.Count != e.Shape.Length) return false;
            for (int i = 0; i < e.Shape.Length; i++)
            {
                if (t.Shape[i] != e.Shape[i]) return false;
            }

            return true;
        }

        private static float ReadReal(string dtype, ReadOnlySpan<byte> bytes) => dtype switch
        {
            "F32" => BinaryPrimitives.ReadSingleLittleEndian(bytes),
            "F64" => (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes),
            "F16" => (float)BinaryPrimitives.ReadHalfLittleEndian(bytes),
            _ => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes) << 16), // BF16: the upper half of a float32
        };

        private static long ReadInteger(string dtype, ReadOnlySpan<byte> bytes) =>
            dtype == "I64" ? BinaryPrimitives.ReadInt64LittleEndian(bytes) : BinaryPrimitives.ReadInt32LittleEndian(bytes);

        /// <summary>The format's dtypes and their sizes in bytes (0: unknown).</summary>
        private static readonly Dictionary<string, int> Sizes = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            ["BOOL"] = 1, ["U8"] = 1, ["I8"] = 1, ["F8_E4M3"] = 1, ["F8_E5M2"] = 1, ["I16"] = 2, ["U16"] = 2, ["F16"] = 2, ["BF16"] = 2,
            ["I32"] = 4, ["U32"] = 4, ["F32"] = 4, ["I64"] = 8, ["U64"] = 8, ["F64"] = 8,
        };

        private static int Size(string dtype) => Sizes.TryGetValue(dtype, out int size) ? size : 0;

        private static string Kind(JsonElement e) => e.ValueKind switch
        {
            JsonValueKind.Array => "an array",
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.Object => "an object",
            _ => e.ValueKind.ToString().ToLowerInvariant(),
        };

        private static int ReadAtMost(Stream stream, byte[] buffer, int count)
        {
            int filled = 0;
            while (filled < count)
            {
                int n = stream.Read(buffer, filled, count - filled);
                if (n == 0) break;
                filled += n;
            }

            return filled;
        }
    }
}
