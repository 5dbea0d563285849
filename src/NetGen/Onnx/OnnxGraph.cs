using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.IO;
using System.Linq;
using NetGen.Onnx;

namespace NetGen
{
    /// <summary>
    /// Builds a network's inference graph as an ONNX model (opset 17, IR version 8): generated networks call one method
    /// per layer from their <c>ExportOnnx</c>, in declaration order, then <see cref="Write(Stream)"/>. The weights become
    /// initializers named as in <c>state_dict()</c>; the input is <c>input</c> of shape [batch, ...] with a symbolic
    /// batch; each output is named after its layer. Dropout and noise are identities in inference and add no node;
    /// batch normalization uses its running statistics; weight normalization exports g v / ||v||.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public sealed class OnnxGraph
    {
        private const int Opset = 17;
        private const int IrVersion = 8;

        private readonly INetwork _network;
        private readonly string _name;
        private readonly int[] _inputShape;
        private readonly List<ProtoWriter> _nodes = new List<ProtoWriter>();
        private readonly List<ProtoWriter> _initializers = new List<ProtoWriter>();
        private readonly List<ProtoWriter> _outputs = new List<ProtoWriter>();
        private readonly HashSet<string> _initialized = new HashSet<string>(StringComparer.Ordinal);

        /// <summary>A graph named <paramref name="name"/> for <paramref name="network"/>, whose samples have <paramref name="inputShape"/>.</summary>
        public OnnxGraph(INetwork network, string name, params int[] inputShape)
        {
            _network = Guard.NotNull(network, nameof(network));
            _name = Guard.NotNull(name, nameof(name));
            _inputShape = Guard.NotNull(inputShape, nameof(inputShape));
        }

        /// <summary>The graph's input value.</summary>
        public string Input => "input";

        /// <summary>A tensor of the network as an initializer (once); returns its name.</summary>
        public string Initializer(TensorInfo tensor)
        {
            Guard.NotNull(tensor, nameof(tensor));
            if (_initialized.Add(tensor.Name))
            {
                var values = (tensor.Store == TensorStore.Parameters ? _network.Parameters : _network.Buffers).Slice(tensor.Offset, tensor.Length);
                AddInitializer(tensor.Name, tensor.Shape.ToArray(), values);
            }

            return tensor.Name;
        }

        /// <summary>Weight normalization's effective weight w = g v / ||v|| (PyTorch's dim 0) as an initializer named after the layer.</summary>
        public string NormalizedWeight(string layer, TensorInfo g, TensorInfo v)
        {
            var w = new float[v.Length];
            Kernels.WeightNorm(_network.Parameters.Slice(g.Offset, g.Length), _network.Parameters.Slice(v.Offset, v.Length), w, g.Length);
            string name = layer + ".weight";
            AddInitializer(name, v.Shape.ToArray(), w);
            return name;
        }

        /// <summary>A dense layer, y = x W^T + b (Gemm), after a Flatten where the input is a feature map (as nn.Flatten).</summary>
        public string Dense(string name, string input, int inputRank, string weight, string? bias)
        {
            if (inputRank > 1) input = Node("Flatten", name + "/Flatten", new[] { input }, Int("axis", 1));
            var inputs = bias is null ? new[] { input, weight } : new[] { input, weight, bias };
            return Node("Gemm", name + "/Gemm", inputs, Int("transB", 1));
        }

        /// <summary>A convolution (1 to 3 spatial axes) with symmetric zero padding.</summary>
        public string Conv(string name, string input, string weight, string? bias, int[] kernel, int[] strides, int[] padding, int[] dilations) => Conv(name, input, weight, bias, kernel, strides, padding, dilations, 1);

        /// <summary>A grouped convolution (ONNX Conv's group attribute).</summary>
        public string Conv(string name, string input, string weight, string? bias, int[] kernel, int[] strides, int[] padding, int[] dilations, int group)
        {
            var inputs = bias is null ? new[] { input, weight } : new[] { input, weight, bias };
            var attributes = new List<ProtoWriter> { Ints("kernel_shape", kernel), Ints("strides", strides), Ints("pads", padding.Concat(padding).ToArray()), Ints("dilations", dilations) };
            if (group != 1) attributes.Add(Int("group", group));
            return Node("Conv", name + "/Conv", inputs, attributes.ToArray());
        }

        /// <summary>A transposed convolution (appendix E, relationship 14) with its output padding.</summary>
        public string ConvTranspose(string name, string input, string weight, string? bias, int[] kernel, int[] strides, int[] padding, int[] dilations, int outputPadding)
        {
            var inputs = bias is null ? new[] { input, weight } : new[] { input, weight, bias };
            return Node("ConvTranspose", name + "/ConvTranspose", inputs, Ints("kernel_shape", kernel), Ints("strides", strides), Ints("pads", padding.Concat(padding).ToArray()),
                Ints("dilations", dilations), Ints("output_padding", Enumerable.Repeat(outputPadding, kernel.Length).ToArray()));
        }

        /// <summary>Max pooling (padding never wins the maximum, as in PyTorch).</summary>
        public string MaxPool(string name, string input, int[] kernel, int[] strides, int[] padding, int[] dilations) =>
            Node("MaxPool", name + "/MaxPool", new[] { input }, Ints("kernel_shape", kernel), Ints("strides", strides), Ints("pads", padding.Concat(padding).ToArray()), Ints("dilations", dilations));

        /// <summary>Average pooling; <paramref name="countIncludePad"/> as PyTorch's (its default, true, is not ONNX's).</summary>
        public string AveragePool(string name, string input, int[] kernel, int[] strides, int[] padding, bool countIncludePad) =>
            Node("AveragePool", name + "/AveragePool", new[] { input }, Ints("kernel_shape", kernel), Ints("strides", strides), Ints("pads", padding.Concat(padding).ToArray()), Int("count_include_pad", countIncludePad ? 1 : 0));

        /// <summary>Batch normalization in inference form: the running statistics.</summary>
        public string BatchNorm(string name, string input, string scale, string bias, string mean, string variance, double eps) =>
            Node("BatchNormalization", name + "/BatchNormalization", new[] { input, scale, bias, mean, variance }, Float("epsilon", (float)eps));

        /// <summary>Layer normalization over every axis but the batch.</summary>
        public string LayerNorm(string name, string input, string scale, string bias, double eps) =>
            Node("LayerNormalization", name + "/LayerNormalization", new[] { input, scale, bias }, Int("axis", 1), Float("epsilon", (float)eps));

        /// <summary>Global pooling (<paramref name="op"/>: GlobalAveragePool or GlobalMaxPool) of each channel plane, flattened to (N, C).</summary>
        public string GlobalPool(string name, string input, string op)
            => Node("Flatten", name + "/Flatten", new[] { Node(op, name + "/" + op, new[] { input }) }, Int("axis", 1));

        /// <summary>
        /// A parametric ReLU with its <paramref name="slope"/> initializer; per-channel slopes of a feature map with
        /// <paramref name="spatialAxes"/> axes are reshaped to [C, 1, ...] so they broadcast over the positions.
        /// </summary>
        public string PRelu(string name, string input, string slope, int spatialAxes)
        {
            if (spatialAxes > 0)
            {
                string shape = name + "/slope_shape";
                AddInitializer(shape, new long[] { -1 }.Concat(Enumerable.Repeat(1L, spatialAxes)).ToArray());
                slope = Node("Reshape", name + "/SlopeReshape", new[] { slope, shape });
            }

            return Node("PRelu", name + "/PRelu", new[] { input, slope });
        }

        /// <summary>
        /// Padding of the spatial axes by before/after each (first axis first): ONNX Pad with mode constant, reflect or edge;
        /// circular (ONNX has it only from opset 19) as slices of the far ends concatenated on each axis.
        /// </summary>
        public string Padding(string name, string input, int[] before, int[] after, PadMode mode)
        {
            if (mode == PadMode.Circular)
            {
                string value = input;
                for (int a = 0; a < before.Length; a++)
                {
                    if (before[a] == 0 && after[a] == 0) continue;
                    long axis = 2 + a;
                    var parts = new List<string>();
                    string At(string what, long[] values)
                    {
                        string id = name + "/" + what + "_" + axis;
                        AddInitializer(id, values);
                        return id;
                    }

                    if (before[a] > 0) parts.Add(Node("Slice", name + "/Before" + axis, new[] { value, At("before_start", new[] { (long)-before[a] }), At("before_end", new[] { long.MaxValue }), At("axis", new[] { axis }) }));
                    parts.Add(value);
                    if (after[a] > 0) parts.Add(Node("Slice", name + "/After" + axis, new[] { value, At("after_start", new[] { 0L }), At("after_end", new[] { (long)after[a] }), At("axis_after", new[] { axis }) }));
                    value = Node("Concat", name + "/Concat" + axis, parts.ToArray(), Int("axis", axis));
                }

                return value;
            }

            // pads: [N, C, axes...] begins, then ends
            var pads = new long[] { 0, 0 }.Concat(before.Select(v => (long)v)).Concat(new long[] { 0, 0 }).Concat(after.Select(v => (long)v)).ToArray();
            AddInitializer(name + "/pads", pads);
            return Node("Pad", name + "/Pad", new[] { input, name + "/pads" }, Text("mode", mode == PadMode.Zeros ? "constant" : mode == PadMode.Reflect ? "reflect" : "edge"));
        }

        /// <summary>
        /// Upsampling by <paramref name="scale"/> on the spatial axes (ONNX Resize): nearest as PyTorch's (asymmetric source,
        /// floor), linear with pytorch_half_pixel (align_corners=False).
        /// </summary>
        public string Resize(string name, string input, int scale, int spatialAxes, UpsampleMode mode)
        {
            string scales = name + "/scales";
            AddInitializer(scales, new[] { spatialAxes + 2 }, new float[] { 1, 1 }.Concat(Enumerable.Repeat((float)scale, spatialAxes)).ToArray());
            return mode == UpsampleMode.Nearest
                ? Node("Resize", name + "/Resize", new[] { input, "", scales }, Text("mode", "nearest"), Text("coordinate_transformation_mode", "asymmetric"), Text("nearest_mode", "floor"))
                : Node("Resize", name + "/Resize", new[] { input, "", scales }, Text("mode", "linear"), Text("coordinate_transformation_mode", "pytorch_half_pixel"));
        }

        /// <summary>Flattens a sample to a vector.</summary>
        public string Flatten(string name, string input) => Node("Flatten", name + "/Flatten", new[] { input }, Int("axis", 1));

        /// <summary>The elementwise sum of the inputs.</summary>
        public string Add(string name, params string[] inputs)
        {
            string sum = inputs[0];
            for (int i = 1; i < inputs.Length; i++) sum = Node("Add", name + "/Add" + (inputs.Length > 2 ? i.ToString(System.Globalization.CultureInfo.InvariantCulture) : ""), new[] { sum, inputs[i] });
            return sum;
        }

        /// <summary>The inputs side by side along the channels (or units).</summary>
        public string Concat(string name, params string[] inputs) => Node("Concat", name + "/Concat", inputs, Int("axis", 1));

        /// <summary>
        /// The activation (appendix A) of a layer's values; softmax over all of a sample's values (through a flat view
        /// where the sample, of per-sample <paramref name="shape"/>, is a feature map).
        /// </summary>
        public string Apply(string name, string input, Act act, params int[] shape) => Apply(name, input, act, float.NaN, shape);

        /// <summary>
        /// The activation with its Alpha (LeakyReLU's negative slope, ELU's alpha; NaN: the default); GELU as its erf form
        /// and SiLU as x sigmoid(x) (opset 17 has neither as an operator), ReLU6 as Clip(0, 6).
        /// </summary>
        public string Apply(string name, string input, Act act, float alpha, params int[] shape)
        {
            switch (act)
            {
                case Act.Identity:
                    return input;
                case Act.Sigmoid:
                    return Node("Sigmoid", name + "/Sigmoid", new[] { input });
                case Act.Tanh:
                    return Node("Tanh", name + "/Tanh", new[] { input });
                case Act.ReLU:
                    return Node("Relu", name + "/Relu", new[] { input });
                case Act.LeakyReLU:
                    return Node("LeakyRelu", name + "/LeakyRelu", new[] { input }, Float("alpha", float.IsNaN(alpha) ? 0.01f : alpha));
                case Act.ELU:
                    return Node("Elu", name + "/Elu", new[] { input }, Float("alpha", float.IsNaN(alpha) ? 1f : alpha));
                case Act.GELU:
                {
                    string scaled = Node("Div", name + "/Div", new[] { input, Scalar(name + "/sqrt2", 1.41421356f) });
                    string erf = Node("Erf", name + "/Erf", new[] { scaled });
                    string plus = Node("Add", name + "/Add", new[] { erf, Scalar(name + "/one", 1f) });
                    string times = Node("Mul", name + "/Mul", new[] { input, plus });
                    return Node("Mul", name + "/Half", new[] { times, Scalar(name + "/half", 0.5f) });
                }
                case Act.SiLU:
                    return Node("Mul", name + "/Mul", new[] { input, Node("Sigmoid", name + "/Sigmoid", new[] { input }) });
                case Act.Softplus:
                    return Node("Softplus", name + "/Softplus", new[] { input });
                case Act.Softsign:
                    return Node("Softsign", name + "/Softsign", new[] { input });
                case Act.ReLU6:
                    return Node("Clip", name + "/Clip", new[] { input, Scalar(name + "/min", 0f), Scalar(name + "/max", 6f) });
                case Act.Hardswish:
                    return Node("HardSwish", name + "/HardSwish", new[] { input });
                case Act.Hardsigmoid:
                    return Node("HardSigmoid", name + "/HardSigmoid", new[] { input }, Float("alpha", 1f / 6f), Float("beta", 0.5f));
                case Act.LogSoftmax:
                    return OverSample(name, input, "LogSoftmax", shape);
                case Act.SELU:
                    return Node("Selu", name + "/Selu", new[] { input }); // ONNX's default alpha and gamma are eq. 10.19's constants
                case Act.Softmax:
                    return OverSample(name, input, "Softmax", shape);
                case Act.Sign:
                    return Node("Sign", name + "/Sign", new[] { input });
                default:
                    throw new ArgumentOutOfRangeException(nameof(act), $"Expected an activation ONNX has, but got {act}.");
            }
        }

        /// <summary>Softmax or LogSoftmax over all of a sample's values, through a flat view where the sample is a feature map.</summary>
        private string OverSample(string name, string input, string op, int[] shape)
        {
            if (shape.Length <= 1) return Node(op, name + "/" + op, new[] { input }, Int("axis", 1));
            string flat = Node("Flatten", name + "/Flatten", new[] { input }, Int("axis", 1));
            string normalized = Node(op, name + "/" + op, new[] { flat }, Int("axis", 1));
            string target = name + "/shape";
            AddInitializer(target, new long[] { -1 }.Concat(shape.Select(d => (long)d)).ToArray());
            return Node("Reshape", name + "/Reshape", new[] { normalized, target });
        }

        /// <summary>A float scalar initializer (a 0-d tensor) named <paramref name="name"/>.</summary>
        private string Scalar(string name, float value)
        {
            AddInitializer(name, new int[0], new[] { value });
            return name;
        }

        /// <summary>Makes <paramref name="value"/> a graph output named <paramref name="name"/> with per-sample <paramref name="shape"/>.</summary>
        public void Output(string value, string name, params int[] shape)
        {
            if (value != name) Node("Identity", name + "/Identity", new[] { value }, output: name);
            _outputs.Add(ValueInfo(name, shape));
        }

        /// <summary>Writes the model.</summary>
        public void Write(Stream stream)
        {
            Guard.NotNull(stream, nameof(stream));
            var graph = new ProtoWriter();
            foreach (var node in _nodes) graph.Message(1, node);
            graph.String(2, _name);
            foreach (var tensor in _initializers) graph.Message(5, tensor);
            graph.Message(11, ValueInfo(Input, _inputShape));
            foreach (var output in _outputs) graph.Message(12, output);

            var model = new ProtoWriter()
                .Varint(1, IrVersion)
                .String(2, "NetGen")
                .String(3, typeof(OnnxGraph).Assembly.GetName().Version?.ToString(3) ?? "")
                .Message(7, graph)
                .Message(8, new ProtoWriter().String(1, "").Varint(2, Opset));
            model.CopyTo(stream);
        }

        /// <summary>Writes the model to <paramref name="path"/> atomically (a temporary file in the same folder, then renamed).</summary>
        public void Write(string path) => AtomicFile.Write(path, Write);

        // ---- nodes, attributes, tensors ----

        private string Node(string op, string name, string[] inputs, params ProtoWriter[] attributes) => Node(op, name, inputs, name, attributes);

        private string Node(string op, string name, string[] inputs, string output, params ProtoWriter[] attributes)
        {
            var node = new ProtoWriter();
            foreach (var input in inputs) node.String(1, input);
            node.String(2, output).String(3, name).String(4, op);
            foreach (var attribute in attributes) node.Message(5, attribute);
            _nodes.Add(node);
            return output;
        }

        private static ProtoWriter Int(string name, long value) => new ProtoWriter().String(1, name).Varint(3, value).Varint(20, 2); // INT

        private static ProtoWriter Text(string name, string value) => new ProtoWriter().String(1, name).String(4, value).Varint(20, 3); // STRING

        private static ProtoWriter Ints(string name, int[] values)
        {
            var attribute = new ProtoWriter().String(1, name);
            foreach (int v in values) attribute.Varint(8, v);
            return attribute.Varint(20, 7); // INTS
        }

        private static ProtoWriter Float(string name, float value) => new ProtoWriter().String(1, name).Float(2, value).Varint(20, 1); // FLOAT

        private void AddInitializer(string name, int[] shape, ReadOnlySpan<float> values)
        {
            var raw = new byte[4 * values.Length];
            for (int i = 0; i < values.Length; i++) System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(4 * i), values[i]);
            var tensor = new ProtoWriter();
            foreach (int d in shape) tensor.Varint(1, d);
            tensor.Varint(2, 1).String(8, name).Bytes(9, raw); // FLOAT, raw little-endian data
            _initializers.Add(tensor);
        }

        private void AddInitializer(string name, long[] values)
        {
            var raw = new byte[8 * values.Length];
            for (int i = 0; i < values.Length; i++) System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(raw.AsSpan(8 * i), values[i]);
            var tensor = new ProtoWriter().Varint(1, values.Length).Varint(2, 7).String(8, name).Bytes(9, raw); // INT64
            _initializers.Add(tensor);
        }

        /// <summary>A float tensor value of shape [batch, ...shape], the batch symbolic.</summary>
        private static ProtoWriter ValueInfo(string name, int[] shape)
        {
            var dims = new ProtoWriter().Message(1, new ProtoWriter().String(2, "batch"));
            foreach (int d in shape) dims.Message(1, new ProtoWriter().Varint(1, d));
            var tensorType = new ProtoWriter().Varint(1, 1).Message(2, dims);
            return new ProtoWriter().String(1, name).Message(2, new ProtoWriter().Message(1, tensorType));
        }
    }
}
