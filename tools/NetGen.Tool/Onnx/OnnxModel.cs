using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace NetGen.Tool.Onnx
{
    /// <summary>
    /// An ONNX model as read from its protobuf (ModelProto): the IR version, the operator sets it imports, the producer and
    /// the main graph. Only what an importer reads is kept; other fields are skipped. Field numbers are those of onnx.proto.
    /// </summary>
    internal sealed class OnnxModel
    {
        /// <summary>How deep graphs may nest (a subgraph in a node's attribute): deeper files are refused, not recursed into.</summary>
        private const int MaxDepth = 32;

        public long IrVersion { get; private set; }

        /// <summary>Operator-set versions by domain ("" is the default ONNX domain).</summary>
        public Dictionary<string, long> Opsets { get; } = new Dictionary<string, long>(StringComparer.Ordinal);

        public string Producer { get; private set; } = "";

        public string ProducerVersion { get; private set; } = "";

        public GraphModel Graph { get; private set; } = new GraphModel();

        /// <summary>The default domain's operator-set version (1 when the model imports none, as ONNX says).</summary>
        public long Opset => Opsets.TryGetValue("", out long v) ? v : Opsets.TryGetValue("ai.onnx", out v) ? v : 1;

        /// <summary>Reads a model file.</summary>
        /// <exception cref="InvalidDataException">The file is not an ONNX model, or is damaged.</exception>
        public static OnnxModel Read(string path) => Read(File.ReadAllBytes(path));

        /// <summary>Reads a model from its bytes.</summary>
        /// <exception cref="InvalidDataException">The bytes are not an ONNX model, or are damaged.</exception>
        public static OnnxModel Read(ReadOnlySpan<byte> bytes)
        {
            var model = new OnnxModel();
            var reader = new ProtoReader(bytes, "ModelProto");
            bool graph = false;
            while (reader.More)
            {
                var (field, wire) = reader.Tag();
                switch (field)
                {
                    case 1 when wire == 0: model.IrVersion = reader.Int64(); break;
                    case 2 when wire == 2: model.Producer = reader.String(); break;
                    case 3 when wire == 2: model.ProducerVersion = reader.String(); break;
                    case 7 when wire == 2: model.Graph = GraphModel.Read(reader.Bytes(), 0); graph = true; break;
                    case 8 when wire == 2:
                    {
                        var opset = new ProtoReader(reader.Bytes(), "OperatorSetIdProto");
                        string domain = "";
                        long version = 0;
                        while (opset.More)
                        {
                            var (f, w) = opset.Tag();
                            if (f == 1 && w == 2) domain = opset.String();
                            else if (f == 2 && w == 0) version = opset.Int64();
                            else opset.Skip(w);
                        }

                        model.Opsets[domain] = version;
                        break;
                    }

                    default: reader.Skip(wire); break;
                }
            }

            if (!graph || model.IrVersion <= 0)
            {
                throw new InvalidDataException(graph
                    ? $"Not an ONNX model: its IR version is {model.IrVersion}, expected 1 or more."
                    : "Not an ONNX model: it has no graph (ModelProto field 7).");
            }

            return model;
        }

        /// <summary>A graph's nested graph, read where depth allows.</summary>
        internal static GraphModel Nested(ReadOnlySpan<byte> bytes, int depth)
        {
            if (depth >= MaxDepth) throw new InvalidDataException($"Graphs nest deeper than {MaxDepth} levels; refused.");
            return GraphModel.Read(bytes, depth + 1);
        }
    }

    /// <summary>A graph (GraphProto): its nodes in order, its initializers by name, its inputs and outputs.</summary>
    internal sealed class GraphModel
    {
        public string Name { get; private set; } = "";

        public List<NodeModel> Nodes { get; } = new List<NodeModel>();

        /// <summary>The constant tensors by name (weights, shapes).</summary>
        public Dictionary<string, TensorModel> Initializers { get; } = new Dictionary<string, TensorModel>(StringComparer.Ordinal);

        /// <summary>The graph's inputs (initializers may be listed among them in older IR versions).</summary>
        public List<ValueModel> Inputs { get; } = new List<ValueModel>();

        public List<ValueModel> Outputs { get; } = new List<ValueModel>();

        internal static GraphModel Read(ReadOnlySpan<byte> bytes, int depth)
        {
            var graph = new GraphModel();
            var reader = new ProtoReader(bytes, "GraphProto");
            while (reader.More)
            {
                var (field, wire) = reader.Tag();
                switch (field)
                {
                    case 1 when wire == 2: graph.Nodes.Add(NodeModel.Read(reader.Bytes(), depth)); break;
                    case 2 when wire == 2: graph.Name = reader.String(); break;
                    case 5 when wire == 2:
                    {
                        var tensor = TensorModel.Read(reader.Bytes());
                        graph.Initializers[tensor.Name] = tensor;
                        break;
                    }

                    case 11 when wire == 2: graph.Inputs.Add(ValueModel.Read(reader.Bytes())); break;
                    case 12 when wire == 2: graph.Outputs.Add(ValueModel.Read(reader.Bytes())); break;
                    default: reader.Skip(wire); break;
                }
            }

            return graph;
        }
    }

    /// <summary>A node (NodeProto): its operator, inputs and outputs by value name ("" for an absent optional input), attributes by name.</summary>
    internal sealed class NodeModel
    {
        public string Name { get; private set; } = "";

        public string OpType { get; private set; } = "";

        public string Domain { get; private set; } = "";

        public List<string> Inputs { get; } = new List<string>();

        public List<string> Outputs { get; } = new List<string>();

        public Dictionary<string, AttributeModel> Attributes { get; } = new Dictionary<string, AttributeModel>(StringComparer.Ordinal);

        /// <summary>The attribute <paramref name="name"/>, or null.</summary>
        public AttributeModel? Attribute(string name) => Attributes.TryGetValue(name, out var a) ? a : null;

        /// <summary>A copy of this node whose integer-list attribute <paramref name="name"/> holds <paramref name="values"/> (the importer's rewrites; the file's node stays as read).</summary>
        internal NodeModel WithInts(string name, IEnumerable<long> values)
        {
            var copy = new NodeModel { Name = Name, OpType = OpType, Domain = Domain };
            copy.Inputs.AddRange(Inputs);
            copy.Outputs.AddRange(Outputs);
            foreach (var pair in Attributes) copy.Attributes[pair.Key] = pair.Value;
            copy.Attributes[name] = AttributeModel.OfInts(name, values);
            return copy;
        }

        internal static NodeModel Read(ReadOnlySpan<byte> bytes, int depth)
        {
            var node = new NodeModel();
            var reader = new ProtoReader(bytes, "NodeProto");
            while (reader.More)
            {
                var (field, wire) = reader.Tag();
                switch (field)
                {
                    case 1 when wire == 2: node.Inputs.Add(reader.String()); break;
                    case 2 when wire == 2: node.Outputs.Add(reader.String()); break;
                    case 3 when wire == 2: node.Name = reader.String(); break;
                    case 4 when wire == 2: node.OpType = reader.String(); break;
                    case 7 when wire == 2: node.Domain = reader.String(); break;
                    case 5 when wire == 2:
                    {
                        var attribute = AttributeModel.Read(reader.Bytes(), depth);
                        node.Attributes[attribute.Name] = attribute;
                        break;
                    }

                    default: reader.Skip(wire); break;
                }
            }

            return node;
        }
    }

    /// <summary>The types of an attribute (AttributeProto.AttributeType).</summary>
    internal enum AttributeType
    {
        Undefined = 0, Float = 1, Int = 2, String = 3, Tensor = 4, Graph = 5, Floats = 6, Ints = 7, Strings = 8, Tensors = 9, Graphs = 10,
    }

    /// <summary>An attribute (AttributeProto): its name, declared type and value.</summary>
    internal sealed class AttributeModel
    {
        public string Name { get; private set; } = "";

        public AttributeType Type { get; private set; }

        public float Float { get; private set; }

        public long Int { get; private set; }

        public string String { get; private set; } = "";

        public TensorModel? Tensor { get; private set; }

        public GraphModel? Graph { get; private set; }

        public List<float> Floats { get; } = new List<float>();

        public List<long> Ints { get; } = new List<long>();

        public List<string> Strings { get; } = new List<string>();

        /// <summary>An integer-list attribute made here.</summary>
        internal static AttributeModel OfInts(string name, IEnumerable<long> values)
        {
            var attribute = new AttributeModel { Name = name, Type = AttributeType.Ints };
            attribute.Ints.AddRange(values);
            return attribute;
        }

        internal static AttributeModel Read(ReadOnlySpan<byte> bytes, int depth)
        {
            var attribute = new AttributeModel();
            var reader = new ProtoReader(bytes, "AttributeProto");
            while (reader.More)
            {
                var (field, wire) = reader.Tag();
                switch (field)
                {
                    case 1 when wire == 2: attribute.Name = reader.String(); break;
                    case 20 when wire == 0: attribute.Type = (AttributeType)reader.Int32(); break;
                    case 2 when wire == 5: attribute.Float = reader.Float(); break;
                    case 3 when wire == 0: attribute.Int = reader.Int64(); break;
                    case 4 when wire == 2: attribute.String = reader.String(); break;
                    case 5 when wire == 2: attribute.Tensor = TensorModel.Read(reader.Bytes()); break;
                    case 6 when wire == 2: attribute.Graph = OnnxModel.Nested(reader.Bytes(), depth); break;
                    case 7 when wire == 5: attribute.Floats.Add(reader.Float()); break;
                    case 7 when wire == 2: Packed.Floats(reader.Bytes(), attribute.Floats, "AttributeProto.floats"); break;
                    case 8 when wire == 0: attribute.Ints.Add(reader.Int64()); break;
                    case 8 when wire == 2: Packed.Varints(reader.Bytes(), attribute.Ints, "AttributeProto.ints"); break;
                    case 9 when wire == 2: attribute.Strings.Add(reader.String()); break;
                    default: reader.Skip(wire); break;
                }
            }

            return attribute;
        }
    }

    /// <summary>The element types of a tensor (TensorProto.DataType) an importer meets.</summary>
    internal enum DataType
    {
        Undefined = 0, Float = 1, UInt8 = 2, Int8 = 3, UInt16 = 4, Int16 = 5, Int32 = 6, Int64 = 7, String = 8, Bool = 9, Float16 = 10, Double = 11,
        UInt32 = 12, UInt64 = 13, BFloat16 = 16,
    }

    /// <summary>A tensor (TensorProto): name, element type, dimensions, and its values (raw little-endian bytes or typed fields).</summary>
    internal sealed class TensorModel
    {
        private byte[] _raw = Array.Empty<byte>();
        private readonly List<float> _floats = new List<float>();
        private readonly List<long> _longs = new List<long>();
        private readonly List<double> _doubles = new List<double>();

        public string Name { get; private set; } = "";

        public DataType DataType { get; private set; }

        public List<long> Dims { get; } = new List<long>();

        /// <summary>Whether the values live in a separate file (external data): not readable from the model alone.</summary>
        public bool External { get; private set; }

        /// <summary>The number of values the dimensions say (1 for a scalar).</summary>
        /// <exception cref="InvalidDataException">The dimensions' product passes 64 bits.</exception>
        public long Count
        {
            get
            {
                long product = 1;
                foreach (long d in Dims)
                {
                    if (d != 0 && product > long.MaxValue / d) throw new InvalidDataException($"Tensor '{Name}' has the dimensions [{string.Join(", ", Dims)}], whose product passes 64 bits.");
                    product *= d;
                }

                return product;
            }
        }

        /// <summary>The values as float32 (from float, double, float16, bfloat16 or integer storage).</summary>
        /// <exception cref="InvalidDataException">The stored values do not match the dimensions, or are of a type with no numbers.</exception>
        public float[] ToFloats()
        {
            long count = Count;
            if (External) throw new InvalidDataException($"Tensor '{Name}' keeps its values in an external file, which this importer does not read.");
            if (count > int.MaxValue / 8) throw new InvalidDataException($"Tensor '{Name}' has {count} values; too many.");
            var values = new float[count];
            if (_raw.Length > 0)
            {
                int size = DataType switch { DataType.Float or DataType.Int32 => 4, DataType.Double or DataType.Int64 => 8, DataType.Float16 or DataType.BFloat16 => 2, _ => 0 };
                if (size == 0) throw new InvalidDataException($"Tensor '{Name}' has the element type {DataType}, not a number this importer reads.");
                if (_raw.Length != count * size) throw new InvalidDataException($"Tensor '{Name}' has {_raw.Length} bytes of data; its dimensions [{string.Join(", ", Dims)}] of {DataType} need {count * size}.");
                for (int i = 0; i < count; i++)
                {
                    var b = _raw.AsSpan(i * size, size);
                    values[i] = DataType switch
                    {
                        DataType.Float => BinaryPrimitives.ReadSingleLittleEndian(b),
                        DataType.Double => (float)BinaryPrimitives.ReadDoubleLittleEndian(b),
                        DataType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(b),
                        DataType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(b),
                        DataType.Float16 => (float)BinaryPrimitives.ReadHalfLittleEndian(b),
                        _ => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(b) << 16),
                    };
                }

                return values;
            }

            var typed = _floats.Count > 0 ? _floats.Select(v => (double)v).ToList() : _doubles.Count > 0 ? _doubles : _longs.Select(v => (double)v).ToList();
            if (typed.Count != count) throw new InvalidDataException($"Tensor '{Name}' has {typed.Count} values; its dimensions [{string.Join(", ", Dims)}] need {count}.");
            for (int i = 0; i < count; i++) values[i] = (float)typed[i];
            return values;
        }

        /// <summary>The values as 64-bit integers (shapes, axes, pads), from int64 or int32 storage.</summary>
        /// <exception cref="InvalidDataException">The stored values do not match the dimensions, or are not integers.</exception>
        public long[] ToInt64s()
        {
            long count = Count;
            if (External) throw new InvalidDataException($"Tensor '{Name}' keeps its values in an external file, which this importer does not read.");
            if (count > int.MaxValue / 8) throw new InvalidDataException($"Tensor '{Name}' has {count} values; too many.");
            if (DataType != DataType.Int64 && DataType != DataType.Int32) throw new InvalidDataException($"Tensor '{Name}' has the element type {DataType}; expected Int64 or Int32.");
            var values = new long[count];
            if (_raw.Length > 0)
            {
                int size = DataType == DataType.Int64 ? 8 : 4;
                if (_raw.Length != count * size) throw new InvalidDataException($"Tensor '{Name}' has {_raw.Length} bytes of data; its dimensions [{string.Join(", ", Dims)}] of {DataType} need {count * size}.");
                for (int i = 0; i < count; i++) values[i] = size == 8 ? BinaryPrimitives.ReadInt64LittleEndian(_raw.AsSpan(i * 8)) : BinaryPrimitives.ReadInt32LittleEndian(_raw.AsSpan(i * 4));
                return values;
            }

            if (_longs.Count != count) throw new InvalidDataException($"Tensor '{Name}' has {_longs.Count} values; its dimensions [{string.Join(", ", Dims)}] need {count}.");
            _longs.CopyTo(values);
            return values;
        }

        /// <summary>A float tensor made here (a constant the importer folds, such as a transposed weight).</summary>
        internal static TensorModel FromFloats(string name, IEnumerable<long> dims, float[] values)
        {
            var tensor = new TensorModel { Name = name, DataType = DataType.Float };
            tensor.Dims.AddRange(dims);
            tensor._floats.AddRange(values);
            return tensor;
        }

        internal static TensorModel Read(ReadOnlySpan<byte> bytes)
        {
            var tensor = new TensorModel();
            var reader = new ProtoReader(bytes, "TensorProto");
            while (reader.More)
            {
                var (field, wire) = reader.Tag();
                switch (field)
                {
                    case 1 when wire == 0: tensor.Dims.Add(reader.Int64()); break;
                    case 1 when wire == 2: Packed.Varints(reader.Bytes(), tensor.Dims, "TensorProto.dims"); break;
                    case 2 when wire == 0: tensor.DataType = (DataType)reader.Int32(); break;
                    case 4 when wire == 5: tensor._floats.Add(reader.Float()); break;
                    case 4 when wire == 2: Packed.Floats(reader.Bytes(), tensor._floats, "TensorProto.float_data"); break;
                    case 5 when wire == 0: tensor._longs.Add(reader.Int32()); break;
                    case 5 when wire == 2: Packed.Varints(reader.Bytes(), tensor._longs, "TensorProto.int32_data", int32: true); break;
                    case 7 when wire == 0: tensor._longs.Add(reader.Int64()); break;
                    case 7 when wire == 2: Packed.Varints(reader.Bytes(), tensor._longs, "TensorProto.int64_data"); break;
                    case 8 when wire == 2: tensor.Name = reader.String(); break;
                    case 9 when wire == 2: tensor._raw = reader.Bytes().ToArray(); break;
                    case 10 when wire == 1: tensor._doubles.Add(reader.Double()); break;
                    case 10 when wire == 2: Packed.Doubles(reader.Bytes(), tensor._doubles, "TensorProto.double_data"); break;
                    case 13 when wire == 2: tensor.External = true; reader.Skip(wire); break;
                    case 14 when wire == 0: tensor.External |= reader.Int32() == 1; break;
                    default: reader.Skip(wire); break;
                }
            }

            if (tensor.Dims.Any(d => d < 0)) throw new InvalidDataException($"Tensor '{tensor.Name}' has a negative dimension: [{string.Join(", ", tensor.Dims)}].");
            return tensor;
        }
    }

    /// <summary>A graph input or output (ValueInfoProto): its name, element type and dimensions (a value, or a symbolic name such as "batch").</summary>
    internal sealed class ValueModel
    {
        public string Name { get; private set; } = "";

        public DataType ElementType { get; private set; }

        /// <summary>The dimensions: a size, or null where the dimension is symbolic or unknown.</summary>
        public List<long?> Dims { get; } = new List<long?>();

        /// <summary>The symbolic dimensions' names, by position ("" where the dimension has a value).</summary>
        public List<string> DimNames { get; } = new List<string>();

        internal static ValueModel Read(ReadOnlySpan<byte> bytes)
        {
            var value = new ValueModel();
            var reader = new ProtoReader(bytes, "ValueInfoProto");
            while (reader.More)
            {
                var (field, wire) = reader.Tag();
                if (field == 1 && wire == 2) value.Name = reader.String();
                else if (field == 2 && wire == 2) value.ReadType(reader.Bytes());
                else reader.Skip(wire);
            }

            return value;
        }

        private void ReadType(ReadOnlySpan<byte> bytes)
        {
            var type = new ProtoReader(bytes, "TypeProto");
            while (type.More)
            {
                var (field, wire) = type.Tag();
                if (field != 1 || wire != 2)
                {
                    type.Skip(wire);
                    continue;
                }

                var tensor = new ProtoReader(type.Bytes(), "TypeProto.Tensor");
                while (tensor.More)
                {
                    var (f, w) = tensor.Tag();
                    if (f == 1 && w == 0) ElementType = (DataType)tensor.Int32();
                    else if (f == 2 && w == 2) ReadShape(tensor.Bytes());
                    else tensor.Skip(w);
                }
            }
        }

        private void ReadShape(ReadOnlySpan<byte> bytes)
        {
            var shape = new ProtoReader(bytes, "TensorShapeProto");
            while (shape.More)
            {
                var (field, wire) = shape.Tag();
                if (field != 1 || wire != 2)
                {
                    shape.Skip(wire);
                    continue;
                }

                var dim = new ProtoReader(shape.Bytes(), "TensorShapeProto.Dimension");
                long? size = null;
                string name = "";
                while (dim.More)
                {
                    var (f, w) = dim.Tag();
                    if (f == 1 && w == 0) size = dim.Int64();
                    else if (f == 2 && w == 2) name = dim.String();
                    else dim.Skip(w);
                }

                Dims.Add(size);
                DimNames.Add(name);
            }
        }
    }

    /// <summary>Packed repeated fields: a run of varints, 32-bit floats or 64-bit floats in one length-delimited value.</summary>
    internal static class Packed
    {
        public static void Varints(ReadOnlySpan<byte> bytes, List<long> into, string what, bool int32 = false)
        {
            var reader = new ProtoReader(bytes, what);
            while (reader.More) into.Add(int32 ? reader.Int32() : reader.Int64());
        }

        public static void Floats(ReadOnlySpan<byte> bytes, List<float> into, string what)
        {
            if (bytes.Length % 4 != 0) throw new InvalidDataException($"Malformed {what}: {bytes.Length} bytes of packed floats, not a multiple of 4.");
            for (int i = 0; i < bytes.Length; i += 4) into.Add(BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(i)));
        }

        public static void Doubles(ReadOnlySpan<byte> bytes, List<double> into, string what)
        {
            if (bytes.Length % 8 != 0) throw new InvalidDataException($"Malformed {what}: {bytes.Length} bytes of packed doubles, not a multiple of 8.");
            for (int i = 0; i < bytes.Length; i += 8) into.Add(BinaryPrimitives.ReadDoubleLittleEndian(bytes.Slice(i)));
        }
    }
}
