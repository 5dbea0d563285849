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
    /// a vector). What cannot be represented is refused, one line per node, never approximated. So far: Conv, Gemm,
    /// MatMul(+Add), the activations, MaxPool/AveragePool, global pooling, Flatten, Add and Concat of branches.
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

        /// <summary>The nodes that read each value, in order (for the patterns PyTorch writes: GELU's Erf, SiLU's Mul).</summary>
        private readonly Dictionary<string, List<NodeModel>> _consumers = new Dictionary<string, List<NodeModel>>(StringComparer.Ordinal);

        /// <summary>Nodes a pattern has taken in already; skipped when their turn comes.</summary>
        private readonly HashSet<NodeModel> _taken = new HashSet<NodeModel>();

        /// <summary>Values downstream of a refused node: their nodes are skipped, so each problem is reported once, at its cause.</summary>
        private readonly HashSet<string> _refused = new HashSet<string>(StringComparer.Ordinal);
        private int[] _input = Array.Empty<int>();

        private Importer(OnnxModel model)
        {
            _model = model;
            _constants = new Dictionary<string, TensorModel>(model.Graph.Initializers, StringComparer.Ordinal);
        }

        /// <summary>The declaration's layers as attribute lines, the weights by the declaration's tensor names, and the problems (empty when the import succeeded).</summary>
        public sealed record Result(int[] InputShape, IReadOnlyList<string> Attributes, IReadOnlyList<(string Name, int[] Shape, float[] Values)> Tensors, IReadOnlyList<string> Problems)
        {
            /// <summary>The int64 tensors (batch normalization's num_batches_tracked, which ONNX does not keep: 0).</summary>
            public IReadOnlyList<(string Name, long Value)> Counters { get; init; } = Array.Empty<(string, long)>();

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

        /// <summary>Imports <paramref name="model"/>.</summary>
        public static Result Import(OnnxModel model)
        {
            var importer = new Importer(model);
            importer.Run();
            var lines = importer._layers.Select(l => "[" + l.Kind + "(" + Join(l.Arguments, l.Act is null ? "" : "act: Act." + l.Act, l.ActArguments.TrimStart(',', ' '), l.Properties, l.From is null ? "" : "From = \"" + l.From + "\"", "Name = \"" + l.Name + "\"") + ")] // "
                + string.Join(", ", l.Nodes)).ToList();
            return new Result(importer._input, lines, importer._tensors, importer._problems) { Counters = importer._counters, Table = importer.Table() };
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
                    string.Join(", ", layer.Nodes.Select(n => n.Substring(n.IndexOf('"', StringComparison.Ordinal)))) });
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

            if (_problems.Count == 0 && graph.Outputs.Count != 1) _problems.Add($"the graph has {graph.Outputs.Count} outputs; the importer takes one so far");
            else if (_problems.Count == 0 && (!_values.TryGetValue(graph.Outputs[0].Name, out var output) || output.Layer != _layers.Count - 1))
            {
                _problems.Add($"output \"{graph.Outputs[0].Name}\" is not the last layer's value");
            }
        }

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
            return name.Length > 0 && (char.IsLetter(name[0]) || name[0] == '_') && name.All(c => char.IsLetterOrDigit(c) || c == '_') && name != "input" ? name : null;
        }

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
                    Pool(node);
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
                case "Concat":
                {
                    var a = In(node, 0);
                    if (node.Inputs.Count != 2) throw new Refused($"a concatenation of {node.Inputs.Count} values; the importer takes two so far");
                    var b = In(node, 1);
                    long axis = Int(node, "axis", 1);
                    if (axis != 1) throw new Refused($"axis = {axis}; NetGen concatenates channels (axis 1)");
                    if (!a.Shape.Skip(1).SequenceEqual(b.Shape.Skip(1))) throw new Refused("branches of different spatial sizes");
                    if (b.Layer < 0) throw new Refused("the network's input as the second branch");
                    Add(node, "Concat", "\"" + _layers[b.Layer].Name + "\"", new[] { a.Shape[0] + b.Shape[0] }.Concat(a.Shape.Skip(1)).ToArray(), a);
                    return;
                }

                default:
                    if (Activation(node)) return;
                    throw new Refused("operator not supported");
            }
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
            bool folds = value.Layer >= 0 && value.Layer == _layers.Count - 1 && _layers[value.Layer].Act is null && readers == 1
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
            if (mode == "constant" && Constant(node, 2)?.ToFloats() is [var fill] && fill != 0f) throw new Refused($"constant padding with {Lit(fill)}; NetGen pads with zeros");
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
            var parts = Enumerable.Range(1, 4).Select(i => Constant(node, i) ?? throw new Refused($"input {i + 1} is not a constant")).Select(t => t.ToFloats()).ToArray();
            int channels = input.Shape[0];
            if (parts.Any(p => p.Length != channels)) throw new Refused($"statistics of {string.Join("/", parts.Select(p => p.Length))} values for {channels} channels");
            float eps = Float(node, "epsilon", 1e-5f), momentum = 1f - Float(node, "momentum", 0.9f);
            string arguments = Join(Math.Abs(eps - 1e-5f) > 1e-12f ? "eps: " + Lit(eps) : "", Math.Abs(momentum - 0.1f) > 1e-6f ? "momentum: " + Lit(momentum) : "");
            var layer = Add(node, "BatchNorm", arguments, input.Shape, input);
            _tensors.Add((layer.Name + ".weight", new[] { channels }, parts[0]));
            _tensors.Add((layer.Name + ".bias", new[] { channels }, parts[1]));
            _tensors.Add((layer.Name + ".running_mean", new[] { channels }, parts[2]));
            _tensors.Add((layer.Name + ".running_var", new[] { channels }, parts[3]));
            _counters.Add((layer.Name + ".num_batches_tracked", 0));
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
            if (Constant(node, 2) is { } scales && scales.Count > 0) factors = scales.ToFloats().Select(v => (double)v).ToArray();
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
            string mode = node.Attribute("mode")?.String ?? "nearest", transform = node.Attribute("coordinate_transformation_mode")?.String ?? "half_pixel";
            string properties;
            if (mode == "nearest")
            {
                string rounding = node.Attribute("nearest_mode")?.String ?? "round_prefer_floor";
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
                if (layer is null || !layer.AwaitsBias || a.Layer != _layers.Count - 1 || !_readers.TryGetValue(node.Inputs[0], out int readers) || readers != 1)
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

        private void Pool(NodeModel node)
        {
            var input = In(node, 0);
            int rank = input.Shape.Length - 1;
            if (rank < 1) throw new Refused("pooling a value without spatial axes");
            var kernel = Ints(node, "kernel_shape", Array.Empty<long>());
            if (kernel.Length != rank) throw new Refused($"a window of {kernel.Length} axes on {rank} spatial axes");
            var strides = Ints(node, "strides", Enumerable.Repeat(1L, rank).ToArray());
            var dilations = Ints(node, "dilations", Enumerable.Repeat(1L, rank).ToArray());
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
            Add(node, max ? "MaxPool" : "AvgPool", arguments, output, input, !max && p != 0 && Int(node, "count_include_pad", 0) == 0 ? "CountIncludePad = false" : "");
        }
    }
}
