using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using NetGen.Tool.Onnx;

namespace NetGen.Tool.Import
{
    /// <summary>
    /// Maps an ONNX graph onto NetGen's layer attributes and tensors (issue 19). Nodes are read in the file's order (ONNX
    /// keeps them topologically sorted); each becomes a layer, folds into the layer before it (an activation after a layer
    /// whose output nothing else reads, a bias Add after a MatMul) or passes its input on (Identity, Dropout, a Flatten of
    /// a vector). What cannot be represented is refused, one line per node, never approximated. README.md ("From PyTorch
    /// to NetGen") lists the operators; the graph's outputs become the network's heads.
    /// </summary>
    internal sealed class Importer
    {
        /// <summary>One declared layer: its attribute's text without Name, its name, its activation, and the nodes it came from.</summary>
        private sealed class Layer
        {
            public Layer(string kind, string arguments, string name, int[] shape)
            {
                Kind = kind;
                Arguments = arguments;
                Name = name;
                Shape = shape;
            }

            public string Kind { get; }

            public string Arguments { get; set; }

            /// <summary>The attribute's named properties ("Groups = 2, Bias = false"), written after the constructor's arguments.</summary>
            public string Properties { get; set; } = "";

            public string Name { get; }

            public int[] Shape { get; }

            public string? Act { get; set; }

            public string ActArguments { get; set; } = "";

            public string? From { get; set; }

            public List<string> Nodes { get; } = new List<string>();

            /// <summary>A Dense layer from a MatMul, whose bias the next Add may supply.</summary>
            public bool AwaitsBias { get; set; }
        }

        /// <summary>A value of the graph: the layer that writes it (-1: the network's input) and its per-sample shape.</summary>
        private readonly record struct Value(int Layer, int[] Shape);

        private readonly OnnxModel _model;
        private readonly List<Layer> _layers = new List<Layer>();
        private readonly Dictionary<string, Value> _values = new Dictionary<string, Value>(StringComparer.Ordinal);
        private readonly Dictionary<string, TensorModel> _constants;
        private readonly Dictionary<string, int> _readers = new Dictionary<string, int>(StringComparer.Ordinal);
        private readonly List<(string Name, int[] Shape, float[] Values)> _tensors = new List<(string, int[], float[])>();
        private readonly List<(string Name, long Value)> _counters = new List<(string, long)>();
        private readonly List<string> _problems = new List<string>();
        private readonly HashSet<string> _names = new HashSet<string>(StringComparer.Ordinal) { "input" };

        /// <summary>The graph's output values: a layer whose value is one keeps it (nothing after it folds in).</summary>
        private readonly HashSet<string> _graphOutputs = new HashSet<string>(StringComparer.Ordinal);

        /// <summary>The nodes that read each value, in order (for the patterns PyTorch writes: GELU's Erf, SiLU's Mul).</summary>
        private readonly Dictionary<string, List<NodeModel>> _consumers = new Dictionary<string, List<NodeModel>>(StringComparer.Ordinal);

        /// <summary>Nodes a pattern has taken in already; skipped when their turn comes.</summary>
        private readonly HashSet<NodeModel> _taken = new HashSet<NodeModel>();

        /// <summary>Values downstream of a refused node: their nodes are skipped, so each problem is reported once, at its cause.</summary>
        private readonly HashSet<string> _refused = new HashSet<string>(StringComparer.Ordinal);
        private int[] _input = Array.Empty<int>();

        /// <summary>The batch size the model was exported with, where it is fixed (a Reshape may then name it as a constant); null where symbolic.</summary>
        private long? _fixedBatch;

        private readonly bool _foldBatchNorm;

        /// <summary>Integer values the importer computes from shapes and constants (Shape, Gather, Unsqueeze, Concat): the shape arithmetic PyTorch writes before a Reshape. <see cref="Batch"/> stands for the batch size.</summary>
        private readonly Dictionary<string, long[]> _ints = new Dictionary<string, long[]>(StringComparer.Ordinal);

        /// <summary>The batch size in <see cref="_ints"/>: known only when the network runs.</summary>
        private const long Batch = long.MinValue;

        private Importer(OnnxModel model, bool foldBatchNorm)
        {
            _model = model;
            _foldBatchNorm = foldBatchNorm;
            _constants = new Dictionary<string, TensorModel>(model.Graph.Initializers, StringComparer.Ordinal);
        }

        /// <summary>The declaration's layers as attribute lines, the weights by the declaration's tensor names, and the problems (empty when the import succeeded).</summary>
        public sealed record Result(int[] InputShape, IReadOnlyList<string> Attributes, IReadOnlyList<(string Name, int[] Shape, float[] Values)> Tensors, IReadOnlyList<string> Problems)
        {
            /// <summary>The int64 tensors (batch normalization's num_batches_tracked, which ONNX does not keep: 0).</summary>
            public IReadOnlyList<(string Name, long Value)> Counters { get; init; } = Array.Empty<(string, long)>();

            /// <summary>The model's outputs in the order Forward writes them side by side per sample (the heads' layer order).</summary>
            public IReadOnlyList<string> Outputs { get; init; } = Array.Empty<string>();

            /// <summary>The layer table <c>netgen import</c> prints (empty when the import failed).</summary>
            public string Table { get; init; } = "";

            /// <summary>Writes the weights as a safetensors file the declaration's Load reads strictly.</summary>
            public void SaveWeights(System.IO.Stream stream) => SafeTensors.Save(stream, Tensors, Counters);

            /// <summary>The C# file: the partial class with [Network] and one attribute per layer.</summary>
            public string Source(string className, string? ns, string origin)
            {
                var text = new StringBuilder();
                text.Append("// Generated by netgen import from ").Append(origin).Append(". The weights are in ").Append(className).Append(".safetensors:\n");
                text.Append("// new ").Append(className).Append("().Load(\"").Append(className).Append(".safetensors\") reads them.\n");
                if (Outputs.Count > 1) text.Append("// Forward writes the model's outputs side by side per sample: ").Append(string.Join(", ", Outputs.Select(o => "\"" + o + "\""))).Append(".\n");
                text.Append("using NetGen;\n\n");
                string indent = ns is null ? "" : "    ";
                if (ns != null) text.Append("namespace ").Append(ns).Append("\n{\n");
                text.Append(indent).Append("[Network(").Append(string.Join(", ", InputShape.Select(d => d.ToString(CultureInfo.InvariantCulture)))).Append(")]\n");
                foreach (var line in Attributes) text.Append(indent).Append(line).Append('\n');
                text.Append(indent).Append("public partial class ").Append(className).Append(" { }\n");
                if (ns != null) text.Append("}\n");
                return text.ToString();
            }
        }

        /// <summary>
        /// Imports <paramref name="model"/>. With <paramref name="foldBatchNorm"/>, a batch normalization directly after a
        /// convolution or dense layer (read by nothing else) is folded into that layer's weight and bias: the same outputs
        /// in inference, one layer less, but the statistics are gone (the model trains without them).
        /// </summary>
        /// <param name="model">The model read.</param>
        /// <param name="foldBatchNorm">Whether batch normalization folds into the layer before it.</param>
        /// <param name="addSoftmax">
        /// Whether the network ends in a softmax: a classifier's outputs are class scores (logits), which PyTorch trains with
        /// nn.CrossEntropyLoss; NetGen's cross-entropy needs the softmax in the network (its Forward then gives probabilities).
        /// </param>
        public static Result Import(OnnxModel model, bool foldBatchNorm = false, bool addSoftmax = false)
        {
            var importer = new Importer(model, foldBatchNorm);
            importer.Run();
            if (addSoftmax && importer._problems.Count == 0) importer.AddSoftmax();
            var lines = importer._layers.Select(l => "[" + l.Kind + "(" + Join(l.Arguments, l.Act is null ? "" : "act: Act." + l.Act, l.ActArguments.TrimStart(',', ' '), l.Properties, l.From is null ? "" : "From = \"" + l.From + "\"", "Name = \"" + l.Name + "\"") + ")] // "
                + string.Join(", ", l.Nodes)).ToList();
            return new Result(importer._input, lines, importer._tensors, importer._problems) { Counters = importer._counters, Table = importer.Table(), Outputs = importer.OutputOrder };
        }

        /// <summary>--add-softmax: the last layer's activation becomes the softmax where it has none and can take one, else a softmax layer follows.</summary>
        private void AddSoftmax()
        {
            var last = _layers[^1];
            if (last.Shape.Length != 1) _problems.Add($"--add-softmax: the output has the shape ({string.Join(", ", last.Shape)}); a softmax over classes needs a vector per sample");
            else if (last.Act is "Softmax" or "LogSoftmax" || (last.Kind == "Activation" && last.Arguments is "Act.Softmax" or "Act.LogSoftmax")) _problems.Add("--add-softmax: the model already ends in a softmax");
            else if (last.Act is null && last.Kind is "Dense" or "Conv" or "Add")
            {
                last.Act = "Softmax";
                last.Nodes.Add("--add-softmax");
            }
            else
            {
                string name = "softmax" + Lit(_layers.Count + 1);
                while (!_names.Add(name)) name += "_";
                var layer = new Layer("Activation", "Act.Softmax", name, last.Shape);
                layer.Nodes.Add("--add-softmax");
                _layers.Add(layer);
            }
        }

        /// <summary>The layer table the command prints: number, name, kind (with its activation), output shape per sample, parameters, source nodes.</summary>
        private string Table()
        {
            var rows = new List<string[]> { new[] { "#", "name", "layer", "output", "parameters", "from" } };
            long total = 0;
            for (int i = 0; i < _layers.Count; i++)
            {
                var layer = _layers[i];
                // PyTorch's count: batch normalization's running statistics are buffers, not parameters
                long parameters = _tensors.Where(t => t.Name.StartsWith(layer.Name + ".", StringComparison.Ordinal) && !t.Name.EndsWith(".running_mean", StringComparison.Ordinal) && !t.Name.EndsWith(".running_var", StringComparison.Ordinal))
                    .Sum(t => (long)t.Values.Length);
                total += parameters;
                string kind = layer.Kind == "Activation" ? layer.Arguments.Replace("Act.", "", StringComparison.Ordinal) : layer.Kind + (layer.Act is null ? "" : " + " + layer.Act);
                rows.Add(new[] { Lit(i + 1), layer.Name, kind, "(" + string.Join(", ", layer.Shape) + ")", parameters.ToString("N0", CultureInfo.InvariantCulture),
                    string.Join(", ", layer.Nodes.Select(n => n.StartsWith("node ", StringComparison.Ordinal) ? n.Substring(5) : n)) });
            }

            var widths = Enumerable.Range(0, 5).Select(c => rows.Max(r => r[c].Length)).ToArray();
            var text = new StringBuilder();
            foreach (var row in rows)
            {
                for (int c = 0; c < 5; c++) text.Append(c is 0 or 4 ? row[c].PadLeft(widths[c]) : row[c].PadRight(widths[c])).Append("  ");
                text.Append(row[5]).Append('\n');
            }

            text.Append(_layers.Count).Append(" layers, ").Append(total.ToString("N0", CultureInfo.InvariantCulture)).Append(" parameters, input (").Append(string.Join(", ", _input)).Append(")\n");
            return text.ToString();
        }

        private static string Join(params string[] parts) => string.Join(", ", parts.Where(p => p.Length > 0));

        private void Run()
        {
            var graph = _model.Graph;
            foreach (var node in graph.Nodes)
            {
                // constants are known up front, wherever the file puts their nodes (a pattern may look ahead to one)
                if (node.Outputs.Count > 0 && node.OpType == "Constant" && node.Attribute("value")?.Tensor is { } constant) _constants[node.Outputs[0]] = constant;
                if (node.Outputs.Count > 0 && node.OpType == "Identity" && node.Inputs.Count == 1 && _constants.TryGetValue(node.Inputs[0], out var same)) _constants[node.Outputs[0]] = same; // PyTorch's shared initializers
                foreach (var input in node.Inputs)
                {
                    _readers[input] = _readers.TryGetValue(input, out int n) ? n + 1 : 1;
                    if (!_consumers.TryGetValue(input, out var list)) _consumers[input] = list = new List<NodeModel>();
                    list.Add(node);
                }
            }

            if (_model.Opset < 6)
            {
                _problems.Add($"opset {_model.Opset}; the importer reads opsets 6 and later");
                return;
            }

            foreach (var output in graph.Outputs) _graphOutputs.Add(output.Name);
            var inputs = graph.Inputs.Where(i => !_constants.ContainsKey(i.Name)).ToList();
            if (inputs.Count != 1)
            {
                _problems.Add($"the graph has {inputs.Count} inputs besides its initializers; NetGen networks have one");
                return;
            }

            var dims = inputs[0].Dims;
            if (dims.Count < 2 || dims.Skip(1).Any(d => d is null or <= 0 or > int.MaxValue))
            {
                _problems.Add($"input \"{inputs[0].Name}\" has the dimensions [{string.Join(", ", dims.Select(d => d?.ToString(CultureInfo.InvariantCulture) ?? "?"))}]; expected a batch, then fixed sizes");
                return;
            }

            _input = dims.Skip(1).Select(d => (int)d!.Value).ToArray();
            _fixedBatch = dims[0];
            _values[inputs[0].Name] = new Value(-1, _input);
            foreach (var node in graph.Nodes)
            {
                if (_taken.Contains(node)) continue;
                if (node.Inputs.Any(_refused.Contains))
                {
                    foreach (var output in node.Outputs) _refused.Add(output);
                    continue;
                }

                try
                {
                    Node(node);
                }
                catch (Refused refused)
                {
                    _problems.Add($"node \"{node.Name}\" ({node.OpType}): {refused.Message}");
                    foreach (var output in node.Outputs) _refused.Add(output);
                }
                catch (Exception e) when (e is not System.IO.InvalidDataException)
                {
                    // a last line of defence: a damaged file must never crash the tool (the fuzz test fails on this line)
                    _problems.Add($"node \"{node.Name}\" ({node.OpType}): the importer could not read it ({e.GetType().Name}: {e.Message}); an importer defect, please report it");
                    foreach (var output in node.Outputs) _refused.Add(output);
                }
            }

            if (_problems.Count == 0) Outputs(graph);
        }

        /// <summary>
        /// The graph's outputs become the network's heads: each must be a layer's own value, one per layer, and the last layer
        /// must be one (NetGen's last layer always is); the others get Output = true. Forward lays heads out in layer order.
        /// </summary>
        private void Outputs(GraphModel graph)
        {
            if (graph.Outputs.Count == 0)
            {
                _problems.Add("the graph has no output");
                return;
            }

            var heads = new List<int>();
            foreach (var value in graph.Outputs)
            {
                if (!_values.TryGetValue(value.Name, out var output)) _problems.Add($"output \"{value.Name}\" is not a value the importer has computed");
                else if (output.Layer < 0) _problems.Add($"output \"{value.Name}\" is the network's input; a head must be a layer's output");
                else if (heads.Contains(output.Layer)) _problems.Add($"output \"{value.Name}\" is the same layer's value as another output");
                else heads.Add(output.Layer);
            }

            if (_problems.Count > 0) return;
            if (!heads.Contains(_layers.Count - 1))
            {
                _problems.Add($"no output is the last layer's value ({_layers[^1].Name}); NetGen's last layer is always an output");
                return;
            }

            foreach (int head in heads.Where(h => h != _layers.Count - 1)) _layers[head].Properties = Join(_layers[head].Properties, "Output = true");
            OutputOrder = heads.OrderBy(h => h).Select(h => graph.Outputs[heads.IndexOf(h)].Name).ToList();
        }

        /// <summary>The graph's outputs in the order Forward lays them out (layer order).</summary>
        private List<string> OutputOrder { get; set; } = new List<string>();

        private sealed class Refused : Exception
        {
            public Refused(string message)
                : base(message)
            {
            }
        }

        private Value In(NodeModel node, int i)
        {
            if (i >= node.Inputs.Count || !_values.TryGetValue(node.Inputs[i], out var value)) throw new Refused($"input {i + 1} (\"{(i < node.Inputs.Count ? node.Inputs[i] : "")}\") is not a value the importer has computed");
            return value;
        }

        private TensorModel? Constant(NodeModel node, int i) => i < node.Inputs.Count && node.Inputs[i].Length > 0 && _constants.TryGetValue(node.Inputs[i], out var t) ? t : null;

        private static long[] Ints(NodeModel node, string name, long[] fallback) => node.Attribute(name) is { } a ? a.Ints.ToArray() : fallback;

        private static long Int(NodeModel node, string name, long fallback) => node.Attribute(name) is { } a ? a.Int : fallback;

        private static float Float(NodeModel node, string name, float fallback) => node.Attribute(name) is { } a ? a.Float : fallback;

        private static string Lit(long v) => v.ToString(CultureInfo.InvariantCulture);

        private static string Lit(float v) => ((double)v).ToString("R", CultureInfo.InvariantCulture);

        private void Alias(NodeModel node, Value value) => _values[node.Outputs[0]] = value;

        private Layer Add(NodeModel node, string kind, string arguments, int[] shape, Value input, string properties = "")
        {
            string name = ModuleName(node, kind) ?? kind.ToLowerInvariant() + (_layers.Count + 1).ToString(CultureInfo.InvariantCulture);
            while (!_names.Add(name)) name += "_";
            var layer = new Layer(kind, arguments, name, shape) { Properties = properties };
            if (input.Layer != _layers.Count - 1) layer.From = input.Layer < 0 ? "input" : _layers[input.Layer].Name;
            layer.Nodes.Add("node \"" + node.Name + "\" (" + node.OpType + ")");
            _layers.Add(layer);
            _values[node.Outputs[0]] = new Value(_layers.Count - 1, shape);
            return layer;
        }

        /// <summary>
        /// The PyTorch module a layer with parameters came from, as an identifier: torch.onnx.export names nodes by their
        /// module path ("/layer4/layer4.1/conv2/Conv", each segment qualified by the one before), which becomes
        /// "layer4_1_conv2" (its tensors "layer4_1_conv2.weight" beside PyTorch's "layer4.1.conv2.weight"). Null for layers
        /// without parameters, for names without a module path and where the path is no identifier (nn.Sequential's "0").
        /// </summary>
        private static string? ModuleName(NodeModel node, string kind)
        {
            if (kind is not ("Conv" or "ConvTranspose" or "Dense" or "BatchNorm" or "PReLU") || !node.Name.StartsWith("/", StringComparison.Ordinal)) return null;
            var segments = node.Name.Split('/', StringSplitOptions.RemoveEmptyEntries);
            var parts = new List<string>();
            foreach (string segment in segments.Take(segments.Length - 1))
            {
                if (parts.Count > 0 && segment.StartsWith(parts[^1] + ".", StringComparison.Ordinal)) parts[^1] = segment;
                else parts.Add(segment);
            }

            string name = string.Join("_", parts).Replace('.', '_');
            return IsIdentifier(name) && name != "input" ? name : null;
        }

        /// <summary>C#'s reserved keywords, which are no identifiers (a module named "out" keeps the importer's name).</summary>
        private static readonly HashSet<string> Keywords = new HashSet<string>(StringComparer.Ordinal)
        {
            "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const", "continue", "decimal", "default",
            "delegate", "do", "double", "else", "enum", "event", "explicit", "extern", "false", "finally", "fixed", "float", "for", "foreach", "goto",
            "if", "implicit", "in", "int", "interface", "internal", "is", "lock", "long", "namespace", "new", "null", "object", "operator", "out",
            "override", "params", "private", "protected", "public", "readonly", "ref", "return", "sbyte", "sealed", "short", "sizeof", "stackalloc",
            "static", "string", "struct", "switch", "this", "throw", "true", "try", "typeof", "uint", "ulong", "unchecked", "unsafe", "ushort",
            "using", "virtual", "void", "volatile", "while",
        };

        /// <summary>Whether <paramref name="name"/> is a C# identifier: letters, digits and underscores, not starting with a digit, no keyword.</summary>
        internal static bool IsIdentifier(string name) =>
            name.Length > 0 && (char.IsLetter(name[0]) || name[0] == '_') && name.All(c => char.IsLetterOrDigit(c) || c == '_') && !Keywords.Contains(name);

        private void Node(NodeModel node)
        {
            if (node.Domain.Length > 0 && node.Domain != "ai.onnx") throw new Refused($"operator of the domain \"{node.Domain}\" not supported");
            if (node.Outputs.Count == 0 || node.Outputs[0].Length == 0) throw new Refused("a node without an output");
            if (node.OpType != "Constant" && (node.Inputs.Count == 0 || node.Inputs[0].Length == 0)) throw new Refused("a node without its first input");
            switch (node.OpType)
            {
                case "Identity" when _constants.ContainsKey(node.Outputs[0]):
                    return;
                case "Identity":
                case "Dropout":
                    Alias(node, In(node, 0));
                    return;
                case "Constant":
                    if (node.Attribute("value")?.Tensor is null) throw new Refused("a constant without a tensor value (value_float, value_ints, ... are not read yet)");
                    return;
                case "Conv":
                    Conv(node);
                    return;
                case "Gemm":
                    Gemm(node);
                    return;
                case "MatMul":
                    MatMul(node);
                    return;
                case "MaxPool":
                case "AveragePool":
                    Pool(node, In(node, 0));
                    return;
                case "GlobalAveragePool":
                case "GlobalMaxPool":
                {
                    var input = In(node, 0);
                    if (input.Shape.Length < 2) throw new Refused("global pooling of a value without spatial axes");
                    Add(node, node.OpType == "GlobalAveragePool" ? "GlobalAvgPool" : "GlobalMaxPool", "", new[] { input.Shape[0] }, input);
                    return;
                }

                case "Flatten":
                {
                    var input = In(node, 0);
                    if (Int(node, "axis", 1) != 1) throw new Refused($"axis = {Int(node, "axis", 1)}; only the flattening of each sample (axis 1) is a layer");
                    if (input.Shape.Length == 1) Alias(node, input);
                    else Add(node, "Flatten", "", new[] { input.Shape.Aggregate(1, (p, d) => p * d) }, input);
                    return;
                }

                case "Add":
                    AddNode(node);
                    return;
                case "Pad":
                    PadNode(node);
                    return;
                case "BatchNormalization":
                    BatchNorm(node);
                    return;
                case "ConvTranspose":
                    ConvTranspose(node);
                    return;
                case "Resize":
                    Resize(node);
                    return;
                case "Div" when Gelu(node):
                    return;
                case "Shape":
                {
                    var input = In(node, 0);
                    var dims = new[] { Batch }.Concat(input.Shape.Select(d => (long)d)).ToArray();
                    int start = (int)Math.Clamp(Axis(Int(node, "start", 0), dims.Length), 0, dims.Length), end = (int)Math.Clamp(Axis(Int(node, "end", dims.Length), dims.Length), start, dims.Length);
                    _ints[node.Outputs[0]] = dims[start..end];
                    return;
                }

                case "Gather" when IntsOf(node, 0) is { } data:
                {
                    var indices = IntsOf(node, 1) ?? throw new Refused("indices that are not constants");
                    if (Int(node, "axis", 0) != 0) throw new Refused($"gathering along axis {Int(node, "axis", 0)} of a shape");
                    _ints[node.Outputs[0]] = indices.Select(i => data[(int)Index(Axis(i, data.Length), data.Length)]).ToArray();
                    return;
                }

                case "Unsqueeze" or "Squeeze" or "Cast" when IntsOf(node, 0) is { } same:
                    _ints[node.Outputs[0]] = same;
                    return;
                case "Cast" when Constant(node, 0) is { } constant:
                {
                    long to = Int(node, "to", 0);
                    if (to is (long)DataType.Int64 or (long)DataType.Int32) _ints[node.Outputs[0]] = constant.ToFloats().Select(v => (long)v).ToArray();
                    else if (to is (long)DataType.Float or (long)DataType.Double) _constants[node.Outputs[0]] = TensorModel.FromFloats(node.Outputs[0], constant.Dims, constant.ToFloats());
                    else throw new Refused($"a cast of a constant to the element type {(DataType)to}");
                    return;
                }

                case "Unsqueeze" or "Squeeze" when Constant(node, 0) is { } constant:
                {
                    // a constant given axes of size 1 or rid of them (PyTorch's PReLU slope, [C] -> [C, 1, 1])
                    var dims = constant.Dims.ToList();
                    var axes = node.OpType == "Squeeze" && node.Attribute("axes") is null && node.Inputs.Count < 2 ? Enumerable.Range(0, dims.Count).Where(a => dims[a] == 1).Select(a => (long)a).ToArray() : SqueezeAxes(node);
                    int rank = node.OpType == "Unsqueeze" ? dims.Count + axes.Length : dims.Count;
                    var sorted = axes.Select(a => (int)Index(Axis(a, rank), rank)).OrderBy(a => a).ToList();
                    if (node.OpType == "Unsqueeze") foreach (int a in sorted) dims.Insert(a, 1);
                    else
                    {
                        if (sorted.Any(a => dims[a] != 1)) throw new Refused($"squeezing an axis of size other than 1 from [{string.Join(", ", dims)}]");
                        for (int i = sorted.Count - 1; i >= 0; i--) dims.RemoveAt(sorted[i]);
                    }

                    _constants[node.Outputs[0]] = TensorModel.FromFloats(node.Outputs[0], dims, constant.ToFloats());
                    return;
                }
                case "Concat" when node.Inputs.All(i => _ints.ContainsKey(i) || IsIntConstant(i)):
                    _ints[node.Outputs[0]] = Enumerable.Range(0, node.Inputs.Count).SelectMany(i => IntsOf(node, i)!).ToArray();
                    return;
                case "Unsqueeze":
                    UnsqueezedPool(node);
                    return;
                case "Transpose" when Constant(node, 0) is { } matrix:
                {
                    // PyTorch's linear layer without bias (and shared weights): the weight transposed by a node
                    var perm = Ints(node, "perm", new long[] { 1, 0 });
                    if (matrix.Dims.Count != 2 || !perm.SequenceEqual(new long[] { 1, 0 })) throw new Refused($"transposing a constant of the dimensions [{string.Join(", ", matrix.Dims)}] by [{string.Join(", ", perm)}]; only a matrix's transpose is folded");
                    int rows = (int)matrix.Dims[0], columns = (int)matrix.Dims[1];
                    var values = matrix.ToFloats();
                    var transposed = new float[values.Length];
                    for (int r = 0; r < rows; r++)
                    for (int c = 0; c < columns; c++) transposed[c * rows + r] = values[r * columns + c];
                    _constants[node.Outputs[0]] = TensorModel.FromFloats(node.Outputs[0], new long[] { columns, rows }, transposed);
                    return;
                }

                case "Reshape":
                    Reshape(node);
                    return;
                case "PRelu":
                    PRelu(node);
                    return;
                case "Upsample":
                    Resize(node);
                    return;
                case "Concat":
                {
                    // [Concat("b", "c", ...)] after (or From) the first: its channels, then the others' in order
                    var a = In(node, 0);
                    long axis = Int(node, "axis", 1);
                    if (axis != 1 && axis != -a.Shape.Length - 1) throw new Refused($"axis = {axis}; NetGen concatenates channels (axis 1)");
                    if (node.Inputs.Count < 2) throw new Refused("a concatenation of one value");
                    var others = Enumerable.Range(1, node.Inputs.Count - 1).Select(i => In(node, i)).ToList();
                    if (others.Any(b => !a.Shape.Skip(1).SequenceEqual(b.Shape.Skip(1)))) throw new Refused("branches of different spatial sizes");
                    if (others.Any(b => b.Layer < 0)) throw new Refused("the network's input as a later branch");
                    Add(node, "Concat", string.Join(", ", others.Select(b => "\"" + _layers[b.Layer].Name + "\"")), new[] { a.Shape[0] + others.Sum(b => b.Shape[0]) }.Concat(a.Shape.Skip(1)).ToArray(), a);
                    return;
                }

                default:
                    if (Activation(node)) return;
                    throw new Refused("operator not supported");
            }
        }

        /// <summary>An axis counted from the end when negative (ONNX's convention), as a count from the start.</summary>
        private static long Axis(long axis, int rank) => axis < 0 ? axis + rank : axis;

        /// <summary>An index into <paramref name="length"/> values, checked.</summary>
        private static long Index(long index, int length) => index >= 0 && index < length ? index : throw new Refused($"index {index} outside the {length} values");

        private bool IsIntConstant(string name) => _constants.TryGetValue(name, out var t) && t.DataType is DataType.Int64 or DataType.Int32;

        /// <summary>Input <paramref name="i"/> as integers, if the importer knows them: a computed shape value, or an integer constant.</summary>
        private long[]? IntsOf(NodeModel node, int i)
        {
            if (i >= node.Inputs.Count || node.Inputs[i].Length == 0) return null;
            if (_ints.TryGetValue(node.Inputs[i], out var known)) return known;
            return IsIntConstant(node.Inputs[i]) ? _constants[node.Inputs[i]].ToInt64s() : null;
        }

        /// <summary>The axes of Squeeze or Unsqueeze: an attribute before opset 13, an input from then on.</summary>
        private long[] SqueezeAxes(NodeModel node) => node.Attribute("axes") is { } a ? a.Ints.ToArray() : IntsOf(node, 1) ?? throw new Refused("axes that are not constants");

        /// <summary>
        /// Pooling over one axis written as two-dimensional pooling: Unsqueeze (a spatial axis of size 1) -> MaxPool or
        /// AveragePool (window 1 on that axis) -> Squeeze of the same axis, each read by the next alone. The three nodes are
        /// one [MaxPool] or [AvgPool] over the value's own axes; any other Unsqueeze of a value is refused.
        /// </summary>
        private void UnsqueezedPool(NodeModel unsqueeze)
        {
            var input = In(unsqueeze, 0);
            int rank = input.Shape.Length + 2; // with the batch and the new axis
            var axes = SqueezeAxes(unsqueeze);
            if (axes.Length != 1) throw new Refused($"adding {axes.Length} axes; NetGen's values keep their rank (only the pooling pattern Unsqueeze -> pool -> Squeeze is read)");
            long axis = Axis(axes[0], rank);
            var next = Only(unsqueeze.Outputs[0]);
            // PyTorch writes a Pad before average pooling; of zeros it changes nothing
            NodeModel? zeros = next is { OpType: "Pad" } pad && (IntsOf(pad, 1) ?? Ints(pad, "pads", new long[] { 1 })).All(p => p == 0) ? pad : null;
            if (zeros != null) next = Only(zeros.Outputs[0]);
            if (next is not { OpType: "MaxPool" or "AveragePool" } pool || Only(pool.Outputs[0]) is not { OpType: "Squeeze" } squeeze
                || SqueezeAxes(squeeze) is not [var back] || Axis(back, rank) != axis || axis < 2)
                throw new Refused("adding an axis; NetGen's values keep their rank (only the pooling pattern Unsqueeze -> pool -> Squeeze is read)");
            _taken.Add(pool);
            _taken.Add(squeeze);
            if (zeros != null) _taken.Add(zeros);
            var layer = Pool(pool, input, (int)axis - 2);
            if (zeros != null) layer.Nodes.Insert(0, "node \"" + zeros.Name + "\" (Pad)");
            layer.Nodes.Insert(0, "node \"" + unsqueeze.Name + "\" (Unsqueeze)");
            layer.Nodes.Add("node \"" + squeeze.Name + "\" (Squeeze)");
            _values[squeeze.Outputs[0]] = _values[pool.Outputs[0]];
        }

        /// <summary>Reshape: the one that flattens each sample ([batch, -1], [0, -1], [-1, n] and the like) is Flatten; one that keeps the shape passes its input on.</summary>
        private void Reshape(NodeModel node)
        {
            var input = In(node, 0);
            var target = IntsOf(node, 1) ?? throw new Refused("a shape that is not a constant (nor computed from shapes)");
            bool allowZero = Int(node, "allowzero", 0) != 0;
            long size = input.Shape.Aggregate(1L, (p, d) => p * d);
            // the batch first: computed from the input's shape, inferred (-1), copied (0), or the model's fixed batch size
            if (target.Length >= 2 && _fixedBatch is long fixedBatch && target[0] == fixedBatch) target = new[] { Batch }.Concat(target.Skip(1)).ToArray();
            if (target.Length < 2 || !(target[0] == Batch || target[0] == -1 || (target[0] == 0 && !allowZero)))
                throw new Refused($"a reshape to [{string.Join(", ", target.Select(t => t == Batch ? "batch" : Lit(t)))}]; NetGen keeps the batch first and flattens each sample");
            var rest = target.Skip(1).Select((t, i) => t == 0 && !allowZero ? (i < input.Shape.Length ? input.Shape[i] : -2) : t).ToArray();
            if (target[0] == -1 && rest.Any(t => t < 1)) throw new Refused("a reshape that infers the batch and another axis");
            long known = rest.Where(t => t != -1).Aggregate(1L, (p, t) => p * t);
            if (rest.Count(t => t == -1) > 1 || rest.Any(t => t < -1 || t == 0 || t == Batch) || known < 1 || size % known != 0)
                throw new Refused($"a reshape to [{string.Join(", ", target.Select(t => t == Batch ? "batch" : Lit(t)))}] of values of shape ({string.Join(", ", input.Shape)})");
            var shape = rest.Select(t => t == -1 ? size / known : t).ToArray();
            if (shape.Aggregate(1L, (p, d) => p * d) != size) throw new Refused($"a reshape of {size} values per sample to ({string.Join(", ", shape)})");
            if (shape.SequenceEqual(input.Shape.Select(d => (long)d))) Alias(node, input);
            else if (shape.Length != 1) throw new Refused($"a reshape of ({string.Join(", ", input.Shape)}) to ({string.Join(", ", shape)}); NetGen reshapes only by flattening each sample");
            else if (input.Shape.Length == 1) Alias(node, input);
            else Add(node, "Flatten", "", new[] { (int)size }, input);
        }

        /// <summary>PRelu with one slope ([PReLU]) or one per channel ([PReLU(perChannel: true)]), as nn.PReLU writes them.</summary>
        private void PRelu(NodeModel node)
        {
            var input = In(node, 0);
            var slope = Constant(node, 1) ?? throw new Refused("a slope that is not a constant");
            var values = slope.ToFloats();
            int channels = input.Shape[0], rank = input.Shape.Length;
            bool perChannel = values.Length != 1;
            // the slope broadcasts from the right against (C, spatial...): per channel it is [C, 1, ...] with an axis per spatial axis
            if (perChannel && (values.Length != channels || slope.Dims.Count < rank || slope.Dims[slope.Dims.Count - rank] != channels || slope.Dims.Skip(slope.Dims.Count - rank + 1).Any(d => d != 1)))
                throw new Refused($"a slope of the dimensions [{string.Join(", ", slope.Dims)}] for values of shape ({string.Join(", ", input.Shape)}); NetGen's PReLU has one slope or one per channel");
            var layer = Add(node, "PReLU", perChannel ? "perChannel: true" : "", input.Shape, input);
            _tensors.Add((layer.Name + ".weight", new[] { values.Length }, values));
        }

        /// <summary>The activations: folded into the layer that writes their input where nothing else reads it and the layer has none, else a layer.</summary>
        private bool Activation(NodeModel node)
        {
            string? act = null, extra = "";
            switch (node.OpType)
            {
                case "Relu": act = "ReLU"; break;
                case "Sigmoid": act = "Sigmoid"; break;
                case "Tanh": act = "Tanh"; break;
                case "Selu":
                    if (Math.Abs(Float(node, "alpha", 1.67326319217681884765625f) - 1.67326319217681884765625f) > 1e-6 || Math.Abs(Float(node, "gamma", 1.05070102214813232421875f) - 1.05070102214813232421875f) > 1e-6)
                        throw new Refused("alpha and gamma other than SELU's constants (eq. 10.19)");
                    act = "SELU";
                    break;
                case "LeakyRelu": act = "LeakyReLU"; extra = ", Alpha = " + Lit(Float(node, "alpha", 0.01f)); break;
                case "Elu": act = "ELU"; extra = ", Alpha = " + Lit(Float(node, "alpha", 1f)); break;
                case "Softplus": act = "Softplus"; break;
                case "Gelu":
                    if ((node.Attribute("approximate")?.String ?? "none") != "none") throw new Refused($"approximate = \"{node.Attribute("approximate")!.String}\"; NetGen's GELU is the exact one (erf)");
                    act = "GELU";
                    break;
                case "Softsign": act = "Softsign"; break;
                case "HardSwish": act = "Hardswish"; break;
                case "HardSigmoid":
                    if (Math.Abs(Float(node, "alpha", 0.2f) - 1f / 6f) > 1e-6 || Math.Abs(Float(node, "beta", 0.5f) - 0.5f) > 1e-6) throw new Refused("alpha and beta other than PyTorch's Hardsigmoid (1/6, 1/2)");
                    act = "Hardsigmoid";
                    break;
                case "Clip":
                {
                    float min = Constant(node, 1)?.ToFloats().SingleOrDefault() ?? Float(node, "min", float.NegativeInfinity);
                    float max = Constant(node, 2)?.ToFloats().SingleOrDefault() ?? Float(node, "max", float.PositiveInfinity);
                    if (min != 0f || max != 6f) throw new Refused($"clipping to [{Lit(min)}, {Lit(max)}]; only [0, 6] (ReLU6) is an activation");
                    act = "ReLU6";
                    break;
                }

                case "Softmax":
                case "LogSoftmax":
                {
                    var input = In(node, 0);
                    long axis = Int(node, "axis", _model.Opset >= 13 ? -1 : 1);
                    bool overSample = input.Shape.Length == 1 ? axis is 1 or -1 : _model.Opset < 13 && axis == 1;
                    if (!overSample) throw new Refused($"{node.OpType} over axis {axis} of a value of rank {input.Shape.Length + 1}; NetGen normalizes over each sample's values");
                    act = node.OpType;
                    break;
                }
            }

            if (act is null) return false;
            string result = node.Outputs[0];
            // PyTorch before opset 14 writes Hardswish as x * HardSigmoid(x), and SiLU as x * Sigmoid(x)
            if ((act == "Hardsigmoid" || act == "Sigmoid") && Only(node.Outputs[0]) is { OpType: "Mul" } mul && mul.Inputs.Contains(node.Inputs[0]) && mul.Inputs.Contains(node.Outputs[0]))
            {
                act = act == "Hardsigmoid" ? "Hardswish" : "SiLU";
                _taken.Add(mul);
                result = mul.Outputs[0];
            }

            Apply(node, node.Inputs[0], result, act, extra);
            return true;
        }

        /// <summary>The one node that reads <paramref name="value"/>, or null.</summary>
        private NodeModel? Only(string value) => _consumers.TryGetValue(value, out var list) && list.Count == 1 && list[0].Outputs.Count > 0 && list[0].Outputs[0].Length > 0 ? list[0] : null;

        /// <summary>
        /// GELU as PyTorch writes it before opset 20: Div(x, sqrt 2) -> Erf -> Add(1) -> Mul(x) -> Mul(0.5), each read by the
        /// next alone; the chain becomes the activation GELU (the Div is the node at hand).
        /// </summary>
        private bool Gelu(NodeModel div)
        {
            if (Constant(div, 1)?.ToFloats() is not [var root] || Math.Abs(root - 1.41421356f) > 1e-5) return false;
            string x = div.Inputs[0];
            if (Only(div.Outputs[0]) is not { OpType: "Erf" } erf) return false;
            if (Only(erf.Outputs[0]) is not { OpType: "Add" } add || ConstantValue(add) != 1f) return false;
            if (Only(add.Outputs[0]) is not { OpType: "Mul" } times || !times.Inputs.Contains(x)) return false;
            NodeModel last = times;
            if (Only(times.Outputs[0]) is { OpType: "Mul" } half && ConstantValue(half) == 0.5f) last = half;
            else return false;
            foreach (var taken in new[] { erf, add, times, last }) _taken.Add(taken);
            Apply(div, x, last.Outputs[0], "GELU", "");
            return true;
        }

        /// <summary>A node's one-value constant input, or NaN.</summary>
        private float ConstantValue(NodeModel node)
        {
            for (int i = 0; i < node.Inputs.Count; i++)
            {
                if (Constant(node, i)?.ToFloats() is [var v]) return v;
            }

            return float.NaN;
        }

        /// <summary>The activation <paramref name="act"/> of the value <paramref name="from"/>, written as <paramref name="to"/>: folded into the layer before where it can be.</summary>
        private void Apply(NodeModel node, string from, string to, string act, string extra)
        {
            if (!_values.TryGetValue(from, out var value)) throw new Refused($"input \"{from}\" is not a value the importer has computed");
            // the activation's own readers: a pattern's first node may be read twice (x * f(x)), which still folds
            int readers = _consumers.TryGetValue(from, out var list) ? list.Count(n => !_taken.Contains(n) && n != node) + 1 : 1;
            bool folds = value.Layer >= 0 && value.Layer == _layers.Count - 1 && _layers[value.Layer].Act is null && readers == 1 && !_graphOutputs.Contains(from)
                && _layers[value.Layer].Kind is "Conv" or "Dense" or "Add";
            if (folds)
            {
                var layer = _layers[value.Layer];
                layer.Act = act;
                layer.ActArguments = extra;
                layer.Nodes.Add("node \"" + node.Name + "\" (" + node.OpType + ")");
                _values[to] = new Value(value.Layer, value.Shape);
            }
            else
            {
                Add(node, "Activation", "Act." + act, value.Shape, value, extra.TrimStart(',', ' '));
                _values[to] = _values[node.Outputs[0]];
            }
        }

        /// <summary>Pad: all zeros passes its input on (PyTorch writes one before some pooling); else a [Pad] layer of its mode.</summary>
        private void PadNode(NodeModel node)
        {
            var input = In(node, 0);
            var pads = Constant(node, 1)?.ToInt64s() ?? Ints(node, "pads", Array.Empty<long>());
            string mode = node.Attribute("mode")?.String ?? "constant";
            int rank = input.Shape.Length + 1; // with the batch
            if (pads.Length != 2 * rank) throw new Refused($"{pads.Length} pads for a value of rank {rank}");
            if (pads.All(p => p == 0))
            {
                Alias(node, input);
                return;
            }

            if (pads[0] != 0 || pads[1] != 0 || pads[rank] != 0 || pads[rank + 1] != 0) throw new Refused("padding the batch or the channels");
            if (pads.Any(p => p < 0)) throw new Refused("negative padding (cropping)");
            float fill = Constant(node, 2)?.ToFloats() is [var given] ? given : Float(node, "value", 0f); // an input from opset 11, an attribute before
            if (mode == "constant" && fill != 0f) throw new Refused($"constant padding with {Lit(fill)}; NetGen pads with zeros");
            string padMode = mode switch { "constant" => "", "reflect" => ", Mode = PadMode.Reflect", "edge" => ", Mode = PadMode.Replicate", "wrap" => ", Mode = PadMode.Circular", _ => throw new Refused($"mode \"{mode}\"") };
            int axes = input.Shape.Length - 1;
            // F.pad's order: the last axis first, (before, after) pairs
            var pairs = Enumerable.Range(0, axes).Reverse().SelectMany(a => new[] { pads[2 + a], pads[rank + 2 + a] });
            var shape = new[] { input.Shape[0] }.Concat(Enumerable.Range(0, axes).Select(a => (int)(input.Shape[a + 1] + pads[2 + a] + pads[rank + 2 + a]))).ToArray();
            Add(node, "Pad", string.Join(", ", pairs.Select(Lit)), shape, input, padMode.TrimStart(',', ' '));
        }

        /// <summary>
        /// BatchNormalization in inference: a [BatchNorm] layer with the file's scale, bias and running statistics (it stays a
        /// layer, so the model can still train); ONNX's momentum m is PyTorch's 1 - m.
        /// </summary>
        private void BatchNorm(NodeModel node)
        {
            var input = In(node, 0);
            if (node.Outputs.Count(o => o.Length > 0) > 1) throw new Refused("the training-mode outputs (running statistics as outputs)");
            if (Int(node, "spatial", 1) != 1) throw new Refused("spatial = 0 (statistics per value, not per channel)");
            var parts = Enumerable.Range(1, 4).Select(i => Constant(node, i) ?? throw new Refused($"input {i + 1} is not a constant")).Select(t => t.ToFloats()).ToArray();
            int channels = input.Shape[0];
            if (parts.Any(p => p.Length != channels)) throw new Refused($"statistics of {string.Join("/", parts.Select(p => p.Length))} values for {channels} channels");
            float eps = Float(node, "epsilon", 1e-5f), momentum = 1f - Float(node, "momentum", 0.9f);
            if (_foldBatchNorm && FoldBatchNorm(node, input, parts, eps)) return;
            string arguments = Join(Math.Abs(eps - 1e-5f) > 1e-12f ? "eps: " + Lit(eps) : "", Math.Abs(momentum - 0.1f) > 1e-6f ? "momentum: " + Lit(momentum) : "");
            var layer = Add(node, "BatchNorm", arguments, input.Shape, input);
            _tensors.Add((layer.Name + ".weight", new[] { channels }, parts[0]));
            _tensors.Add((layer.Name + ".bias", new[] { channels }, parts[1]));
            _tensors.Add((layer.Name + ".running_mean", new[] { channels }, parts[2]));
            _tensors.Add((layer.Name + ".running_var", new[] { channels }, parts[3]));
            _counters.Add((layer.Name + ".num_batches_tracked", 0));
        }

        /// <summary>
        /// --fold-batch-norm: y = gamma (x - mean) / sqrt(var + eps) + beta after a layer x = W u + b that nothing else reads is
        /// the layer with W' = W * gamma / sqrt(var + eps) per output channel and b' = (b - mean) * gamma / sqrt(var + eps) + beta.
        /// False where it cannot fold (the batch normalization stays a layer).
        /// </summary>
        private bool FoldBatchNorm(NodeModel node, Value input, float[][] parts, float eps)
        {
            if (input.Layer < 0 || input.Layer != _layers.Count - 1 || !_readers.TryGetValue(node.Inputs[0], out int readers) || readers != 1 || _graphOutputs.Contains(node.Inputs[0])) return false;
            var layer = _layers[input.Layer];
            if (layer.Kind is not ("Conv" or "Dense" or "ConvTranspose") || layer.Act != null || layer.AwaitsBias) return false;
            int channels = input.Shape[0];
            var scale = new double[channels];
            for (int c = 0; c < channels; c++) scale[c] = parts[0][c] / Math.Sqrt((double)parts[3][c] + eps);
            int w = _tensors.FindIndex(t => t.Name == layer.Name + ".weight"), b = _tensors.FindIndex(t => t.Name == layer.Name + ".bias");
            var weight = _tensors[w].Values;
            // output channels are the first axis of Conv and Dense weights, the second of ConvTranspose's [C, F, k...]
            int inner = weight.Length / channels, groups = layer.Kind == "ConvTranspose" ? _tensors[w].Shape[0] : 1, per = inner / groups;
            for (int i = 0; i < weight.Length; i++)
            {
                int c = layer.Kind == "ConvTranspose" ? i / per % channels : i / inner;
                weight[i] = (float)(weight[i] * scale[c]);
            }

            var bias = new float[channels];
            for (int c = 0; c < channels; c++) bias[c] = (float)(((b >= 0 ? _tensors[b].Values[c] : 0.0) - parts[2][c]) * scale[c] + parts[1][c]);
            if (b >= 0) _tensors[b] = (_tensors[b].Name, _tensors[b].Shape, bias);
            else _tensors.Insert(w + 1, (layer.Name + ".bias", new[] { channels }, bias));
            layer.Properties = Join(layer.Properties.Split(", ").Where(p => p != "Bias = false").ToArray());
            layer.Nodes.Add("node \"" + node.Name + "\" (BatchNormalization, folded)");
            _values[node.Outputs[0]] = input;
            return true;
        }

        /// <summary>ConvTranspose: [ConvTranspose(F, k, s, p, a)], weight [C, F, k...] as ONNX and PyTorch store it.</summary>
        private void ConvTranspose(NodeModel node)
        {
            var input = In(node, 0);
            var w = Constant(node, 1) ?? throw new Refused("a weight that is not a constant");
            var b = Constant(node, 2);
            int rank = input.Shape.Length - 1;
            if (rank < 1 || rank > 3 || w.Dims.Count != rank + 2) throw new Refused($"a weight of the dimensions [{string.Join(", ", w.Dims)}] for {rank} spatial axes");
            if (Int(node, "group", 1) != 1) throw new Refused("a grouped transposed convolution");
            if (node.Attribute("output_shape") != null) throw new Refused("output_shape (give the padding instead)");
            var kernel = w.Dims.Skip(2).ToArray();
            var strides = Ints(node, "strides", Enumerable.Repeat(1L, rank).ToArray());
            var dilations = Ints(node, "dilations", Enumerable.Repeat(1L, rank).ToArray());
            var extra = Ints(node, "output_padding", new long[rank]);
            Positive(kernel, "kernel sizes", rank);
            Positive(strides, "strides", rank);
            Positive(dilations, "dilations", rank);
            if (dilations.Any(d => d != 1)) throw new Refused("a dilated transposed convolution");
            if (extra.Length != rank || extra.Any(a => a < 0)) throw new Refused($"output_padding [{string.Join(", ", extra)}]");
            var pads = Pads(node, rank, kernel, strides, dilations);
            if (w.Dims[0] != input.Shape[0]) throw new Refused($"a weight for {w.Dims[0]} input channels, but the input has {input.Shape[0]}");
            if (kernel.Distinct().Count() > 1 || strides.Distinct().Count() > 1 || pads.Distinct().Count() > 1 || extra.Distinct().Count() > 1)
                throw new Refused("kernels, strides, padding or output padding that differ between axes");
            long filters = w.Dims[1], k = kernel[0], s = strides[0], p = pads[0], a = extra[0];
            if (filters < 1 || filters > int.MaxValue) throw new Refused($"{filters} filters");
            var output = new[] { (int)filters }.Concat(input.Shape.Skip(1).Select(n => (int)((n - 1) * s - 2 * p + k + a))).ToArray();
            string arguments = Join(Lit(filters), "k: " + Lit(k), s != 1 ? "s: " + Lit(s) : "", p != 0 ? "p: " + Lit(p) : "", a != 0 ? "a: " + Lit(a) : "");
            var layer = Add(node, "ConvTranspose", arguments, output, input, b is null ? "Bias = false" : "");
            _tensors.Add((layer.Name + ".weight", w.Dims.Select(v => (int)v).ToArray(), w.ToFloats()));
            if (b != null) _tensors.Add((layer.Name + ".bias", new[] { (int)filters }, b.ToFloats()));
        }

        /// <summary>
        /// Resize by one integer factor on every spatial axis: nearest as PyTorch writes it (asymmetric, floor) is
        /// [Upsample(s)], linear with (pytorch_)half_pixel is [Upsample(s, Mode = UpsampleMode.Linear)].
        /// </summary>
        private void Resize(NodeModel node)
        {
            var input = In(node, 0);
            int rank = input.Shape.Length - 1;
            if (rank < 1) throw new Refused("resizing a value without spatial axes");
            double[] factors;
            // Upsample (opsets 7-9) and Resize at opset 10: scales as an attribute (7-8) or the second input; nearest is
            // asymmetric with floor, linear asymmetric (not PyTorch's half-pixel, which came with opset 11)
            bool legacy = node.OpType == "Upsample" || _model.Opset < 11;
            if (legacy && node.Attribute("scales") is { } attribute) factors = attribute.Floats.Select(v => (double)v).ToArray();
            else if (legacy) factors = (Constant(node, 1) ?? throw new Refused("scales that are not constants")).ToFloats().Select(v => (double)v).ToArray();
            else if (Constant(node, 2) is { } scales && scales.Count > 0) factors = scales.ToFloats().Select(v => (double)v).ToArray();
            else if (Constant(node, 3) is { } sizes && sizes.Count > 0)
            {
                var target = sizes.ToInt64s();
                if (target.Length != rank + 2) throw new Refused($"{target.Length} sizes for a value of rank {rank + 2}");
                factors = target.Select((t, i) => i < 2 ? 1.0 : (double)t / input.Shape[i - 1]).ToArray();
            }
            else throw new Refused("scales or sizes that are not constants");

            if (factors.Length != rank + 2 || factors[0] != 1 || factors[1] != 1) throw new Refused($"scales [{string.Join(", ", factors)}]; only the spatial axes may grow");
            double factor = factors[2];
            if (factors.Skip(2).Any(f => f != factor) || factor < 1 || factor != Math.Floor(factor)) throw new Refused($"scales [{string.Join(", ", factors)}]; NetGen upsamples by one integer factor on every spatial axis");
            string mode = node.Attribute("mode")?.String ?? "nearest", transform = legacy ? "asymmetric" : node.Attribute("coordinate_transformation_mode")?.String ?? "half_pixel";
            string properties;
            if (mode == "nearest")
            {
                string rounding = legacy ? "floor" : node.Attribute("nearest_mode")?.String ?? "round_prefer_floor";
                if (transform != "asymmetric" || rounding != "floor") throw new Refused($"nearest resizing with {transform} coordinates and {rounding} rounding; NetGen's (PyTorch's) is asymmetric with floor");
                properties = "";
            }
            else if (mode == "linear")
            {
                if (transform is not ("pytorch_half_pixel" or "half_pixel")) throw new Refused($"linear resizing with {transform} coordinates; NetGen's is align_corners=False (half pixel)");
                properties = "Mode = UpsampleMode.Linear";
            }
            else throw new Refused($"mode \"{mode}\"");

            int scale = (int)factor;
            Add(node, "Upsample", Lit(scale), new[] { input.Shape[0] }.Concat(input.Shape.Skip(1).Select(n => n * scale)).ToArray(), input, properties);
        }

        private void Conv(NodeModel node)
        {
            var input = In(node, 0);
            var w = Constant(node, 1) ?? throw new Refused("a weight that is not a constant");
            var b = Constant(node, 2);
            int rank = input.Shape.Length - 1;
            if (rank < 1 || rank > 3) throw new Refused($"a convolution over {rank} spatial axes; NetGen has 1 to 3");
            if (w.Dims.Count != rank + 2) throw new Refused($"a weight of {w.Dims.Count} dimensions for {rank} spatial axes");
            long group = Int(node, "group", 1), filters = w.Dims[0];
            var kernel = w.Dims.Skip(2).ToArray();
            var strides = Ints(node, "strides", Enumerable.Repeat(1L, rank).ToArray());
            var dilations = Ints(node, "dilations", Enumerable.Repeat(1L, rank).ToArray());
            Positive(kernel, "kernel sizes", rank);
            Positive(strides, "strides", rank);
            Positive(dilations, "dilations", rank);
            if (group < 1 || filters < 1 || filters > int.MaxValue) throw new Refused($"group = {group} and {filters} filters");
            var pads = Pads(node, rank, kernel, strides, dilations);
            if (input.Shape[0] % group != 0 || filters % group != 0) throw new Refused($"group = {group} does not divide {input.Shape[0]} input channels and {filters} filters");
            if (w.Dims[1] * group != input.Shape[0]) throw new Refused($"a weight for {w.Dims[1] * group} input channels, but the input has {input.Shape[0]}");
            if (strides.Distinct().Count() > 1 || dilations.Distinct().Count() > 1 || pads.Distinct().Count() > 1)
                throw new Refused($"strides [{string.Join(", ", strides)}], dilations [{string.Join(", ", dilations)}] or padding [{string.Join(", ", pads)}] that differ between axes; NetGen takes one of each");
            long s = strides[0], d = dilations[0], p = pads[0];
            var output = new int[rank + 1];
            output[0] = (int)filters;
            for (int a = 0; a < rank; a++) output[a + 1] = (int)((input.Shape[a + 1] + 2 * p - d * (kernel[a] - 1) - 1) / s + 1);
            string arguments = Join(Lit(filters), "k: " + Lit(kernel[0]), s != 1 ? "s: " + Lit(s) : "", p != 0 ? "p: " + Lit(p) : "", d != 1 ? "d: " + Lit(d) : "");
            string properties = Join(kernel.Distinct().Count() == 1 ? "" : "KernelSize = new[] { " + string.Join(", ", kernel.Select(Lit)) + " }", group != 1 ? "Groups = " + Lit(group) : "", b is null ? "Bias = false" : "");
            var layer = Add(node, "Conv", arguments, output, input, properties);
            _tensors.Add((layer.Name + ".weight", w.Dims.Select(v => (int)v).ToArray(), w.ToFloats()));
            if (b != null) _tensors.Add((layer.Name + ".bias", new[] { (int)filters }, b.ToFloats()));
        }

        /// <summary>Refuses sizes that are not positive (and within an int): windows, strides, dilations.</summary>
        private static void Positive(long[] values, string what, int rank)
        {
            if (values.Length != rank) throw new Refused($"{values.Length} {what} for {rank} spatial axes");
            if (values.Any(v => v < 1 || v > int.MaxValue)) throw new Refused($"{what} [{string.Join(", ", values)}]; expected positive sizes");
        }

        /// <summary>The padding per axis (begin = end required), from pads or auto_pad.</summary>
        private static long[] Pads(NodeModel node, int rank, long[] kernel, long[] strides, long[] dilations)
        {
            string auto = node.Attribute("auto_pad")?.String ?? "NOTSET";
            if (auto == "VALID") return new long[rank];
            if (auto is "SAME_UPPER" or "SAME_LOWER")
            {
                if (strides.Any(s => s != 1) || Enumerable.Range(0, rank).Any(a => dilations[a] * (kernel[a] - 1) % 2 != 0))
                    throw new Refused($"auto_pad = {auto} with a stride above 1 or an even effective kernel: uneven padding");
                return Enumerable.Range(0, rank).Select(a => dilations[a] * (kernel[a] - 1) / 2).ToArray();
            }

            var pads = Ints(node, "pads", new long[2 * rank]);
            if (pads.Length != 2 * rank) throw new Refused($"{pads.Length} pads for {rank} spatial axes");
            if (pads.Any(p => p < 0 || p > int.MaxValue)) throw new Refused($"padding [{string.Join(", ", pads)}]; expected sizes of 0 or more");
            for (int a = 0; a < rank; a++)
            {
                if (pads[a] != pads[a + rank]) throw new Refused($"padding {pads[a]} before and {pads[a + rank]} after spatial axis {a + 1}; NetGen pads both sides alike");
            }

            return pads.Take(rank).ToArray();
        }

        private void Gemm(NodeModel node)
        {
            var input = In(node, 0);
            var weight = Constant(node, 1) ?? throw new Refused("a weight that is not a constant");
            var bias = Constant(node, 2);
            if (Int(node, "transA", 0) != 0) throw new Refused("transA = 1: the samples must be rows");
            if (weight.Dims.Count != 2 || weight.Dims.Any(d => d < 1 || d > int.MaxValue)) throw new Refused($"a weight of the dimensions [{string.Join(", ", weight.Dims)}]");
            bool transposed = Int(node, "transB", 0) != 0;
            int units = (int)(transposed ? weight.Dims[0] : weight.Dims[1]), inputs = (int)(transposed ? weight.Dims[1] : weight.Dims[0]);
            int size = input.Shape.Aggregate(1, (p, d) => p * d);
            if (size != inputs) throw new Refused($"a weight for {inputs} inputs, but the input has {size} values per sample");
            float alpha = Float(node, "alpha", 1f), beta = Float(node, "beta", 1f);
            var w = weight.ToFloats();
            var rows = new float[w.Length]; // [units, inputs], as nn.Linear
            for (int o = 0; o < units; o++)
            for (int i = 0; i < inputs; i++) rows[o * inputs + i] = alpha * (transposed ? w[o * inputs + i] : w[i * units + o]);
            var layer = Add(node, "Dense", Lit(units), new[] { units }, input, bias is null ? "Bias = false" : "");
            _tensors.Add((layer.Name + ".weight", new[] { units, inputs }, rows));
            if (bias is null) return;
            var b = bias.ToFloats();
            if (b.Length != units) throw new Refused($"a bias of {b.Length} values for {units} outputs (broadcasting over samples is not a layer)");
            _tensors.Add((layer.Name + ".bias", new[] { units }, b.Select(v => beta * v).ToArray()));
        }

        /// <summary>A MatMul by a constant [inputs, units]: a dense layer without bias, whose bias a following Add may bring.</summary>
        private void MatMul(NodeModel node)
        {
            var input = In(node, 0);
            var weight = Constant(node, 1) ?? throw new Refused("a product of two values; only a product with a constant weight is a layer");
            if (weight.Dims.Count != 2 || input.Shape.Length != 1 || weight.Dims[0] != input.Shape[0]) throw new Refused($"a weight of shape [{string.Join(", ", weight.Dims)}] for an input of shape ({string.Join(", ", input.Shape)})");
            int inputs = (int)weight.Dims[0], units = (int)weight.Dims[1];
            var w = weight.ToFloats();
            var rows = new float[w.Length];
            for (int o = 0; o < units; o++)
            for (int i = 0; i < inputs; i++) rows[o * inputs + i] = w[i * units + o];
            var layer = Add(node, "Dense", Lit(units), new[] { units }, input, "Bias = false");
            layer.AwaitsBias = true;
            _tensors.Add((layer.Name + ".weight", new[] { units, inputs }, rows));
        }

        /// <summary>Add: a bias after a MatMul, or the sum of two branches (a shortcut connection).</summary>
        private void AddNode(NodeModel node)
        {
            var a = In(node, 0);
            var constant = Constant(node, 1);
            if (constant != null)
            {
                var layer = a.Layer >= 0 ? _layers[a.Layer] : null;
                if (layer is null || !layer.AwaitsBias || a.Layer != _layers.Count - 1 || !_readers.TryGetValue(node.Inputs[0], out int readers) || readers != 1 || _graphOutputs.Contains(node.Inputs[0]))
                    throw new Refused("adding a constant that is not a dense layer's bias");
                var b = constant.ToFloats();
                if (b.Length != layer.Shape[0]) throw new Refused($"a bias of {b.Length} values for {layer.Shape[0]} outputs");
                layer.Properties = "";
                layer.AwaitsBias = false;
                layer.Nodes.Add("node \"" + node.Name + "\" (Add)");
                _tensors.Add((layer.Name + ".bias", new[] { b.Length }, b));
                _values[node.Outputs[0]] = a;
                return;
            }

            var other = In(node, 1);
            if (!a.Shape.SequenceEqual(other.Shape)) throw new Refused($"adding values of shapes ({string.Join(", ", a.Shape)}) and ({string.Join(", ", other.Shape)})");
            var (first, second) = other.Layer == _layers.Count - 1 ? (other, a) : (a, other);
            string named = second.Layer < 0 ? "input" : _layers[second.Layer].Name;
            Add(node, "Add", "\"" + named + "\"", a.Shape, first);
        }

        /// <summary>
        /// MaxPool or AveragePool of <paramref name="input"/>; with <paramref name="dropped"/> (the Unsqueeze pattern), the
        /// node pools over one spatial axis more, of size 1, whose window, stride and padding must leave it as it is.
        /// </summary>
        private Layer Pool(NodeModel node, Value input, int dropped = -1)
        {
            int rank = input.Shape.Length - 1 + (dropped >= 0 ? 1 : 0);
            if (rank < 1) throw new Refused("pooling a value without spatial axes");
            var kernel = Ints(node, "kernel_shape", Array.Empty<long>());
            if (kernel.Length != rank) throw new Refused($"a window of {kernel.Length} axes on {rank} spatial axes");
            var strides = Ints(node, "strides", Enumerable.Repeat(1L, rank).ToArray());
            var dilations = Ints(node, "dilations", Enumerable.Repeat(1L, rank).ToArray());
            if (dropped >= 0)
            {
                var written = Ints(node, "pads", new long[2 * rank]);
                if (dropped >= rank || kernel[dropped] != 1 || strides.Length != rank || strides[dropped] != 1 || written.Length != 2 * rank || written[dropped] != 0 || written[dropped + rank] != 0)
                    throw new Refused("pooling over the axis Unsqueeze added (window, stride or padding other than 1, 1 and 0 on it)");
                node = Without(node, dropped, rank);
                rank--;
                kernel = Ints(node, "kernel_shape", Array.Empty<long>());
                strides = Ints(node, "strides", Enumerable.Repeat(1L, rank).ToArray());
                dilations = Ints(node, "dilations", Enumerable.Repeat(1L, rank).ToArray());
            }

            if (dilations.Any(d => d != 1)) throw new Refused("dilated pooling");
            if (Int(node, "ceil_mode", 0) != 0) throw new Refused("ceil_mode = 1; NetGen's pooling rounds down");
            Positive(kernel, "window sizes", rank);
            Positive(strides, "strides", rank);
            Positive(dilations, "dilations", rank);
            var pads = Pads(node, rank, kernel, strides, dilations);
            if (kernel.Distinct().Count() > 1 || strides.Distinct().Count() > 1 || pads.Distinct().Count() > 1) throw new Refused("windows, strides or padding that differ between axes");
            long k = kernel[0], s = strides[0], p = pads[0];
            var output = new[] { input.Shape[0] }.Concat(input.Shape.Skip(1).Select(n => (int)((n + 2 * p - k) / s + 1))).ToArray();
            bool max = node.OpType == "MaxPool";
            string arguments = Lit(k) + (s != k || p != 0 ? ", " + Lit(s) : "") + (p != 0 ? ", " + Lit(p) : "");
            return Add(node, max ? "MaxPool" : "AvgPool", arguments, output, input, !max && p != 0 && Int(node, "count_include_pad", 0) == 0 ? "CountIncludePad = false" : "");
        }

        /// <summary>A copy of a pooling node with spatial axis <paramref name="axis"/> (of <paramref name="rank"/>) taken out of its per-axis attributes.</summary>
        private static NodeModel Without(NodeModel node, int axis, int rank)
        {
            foreach (string name in new[] { "kernel_shape", "strides", "dilations" })
            {
                if (node.Attribute(name) is { } a && a.Ints.Count == rank) node = node.WithInts(name, a.Ints.Where((_, i) => i != axis));
            }

            if (node.Attribute("pads") is { } pads && pads.Ints.Count == 2 * rank) node = node.WithInts("pads", pads.Ints.Where((_, i) => i != axis && i != axis + rank));
            return node;
        }
    }
}
