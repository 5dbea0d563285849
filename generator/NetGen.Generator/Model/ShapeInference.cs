using System;
using System.Collections.Generic;
using System.Linq;
using static NetGen.Generator.Model.Problems;

namespace NetGen.Generator.Model
{
    /// <summary>
    /// Network validation and storage layout: a pure function from the declared <see cref="NetworkSpec"/> to a
    /// <see cref="NetworkPlan"/> with every size resolved, or to the problems that stop it. Each layer's shape rule is its
    /// kind's (<see cref="LayerKind.InferShape"/>); the graph is <see cref="LayerGraph"/>'s. The generator and the
    /// analyzers both call it (the analyzers link this file), so they never disagree.
    /// </summary>
    internal static class ShapeInference
    {
        public static NetworkPlan Infer(NetworkSpec spec)
        {
            var problems = new List<Problem>();
            CheckDeclarations(spec, problems);
            long inputLength = CheckInputShape(spec, problems);
            var inference = new Inference(spec, problems, inputLength);
            for (int i = 0; i < spec.Layers.Count; i++) inference.Layer(i);
            LayerGraph.CheckLossOptions(spec, inference.LastOutputSize, problems);
            for (int i = 0; i < spec.Layers.Count; i++) spec.Layers[i].Kind?.CheckNetwork(spec, i, problems);
            return inference.Finish();
        }

        /// <summary>The type and its declarations: partial (NG0004), with layers (NG0009) on one declaration (NG0006).</summary>
        private static void CheckDeclarations(NetworkSpec spec, List<Problem> problems)
        {
            if (!spec.Type.IsPartial)
            {
                problems.Add(Make(DiagnosticIds.NotPartial, ProblemTarget.TypeName, null, -1, spec.Type.Name, spec.Type.Keyword, "its"));
            }

            foreach (var outer in spec.ContainingTypes)
            {
                if (!outer.IsPartial)
                {
                    problems.Add(Make(DiagnosticIds.NotPartial, ProblemTarget.TypeName, null, -1, outer.Name, outer.Keyword, "the network's containing type's"));
                }
            }

            if (spec.Layers.Count == 0)
            {
                problems.Add(Make(DiagnosticIds.NoLayers, ProblemTarget.NetworkAttribute, null, -1, spec.Type.Name));
            }

            int declarations = spec.Layers.Count == 0 ? 0 : spec.Layers.Max(l => l.Declaration) + 1;
            if (declarations > 1)
            {
                int first = 0;
                while (spec.Layers[first].Declaration == spec.Layers[0].Declaration) first++;
                problems.Add(Make(DiagnosticIds.LayersSplitAcrossDeclarations, first, null, -1, spec.Type.Name, Str(declarations)));
            }
        }

        /// <summary>
        /// The layers in declaration order: each layer's inputs, its checks that need no shape, its kind's shape rule, and
        /// its place in the storage (parameters, activations, buffers, counters, effective weights).
        /// </summary>
        private sealed class Inference
        {
            private readonly NetworkSpec _spec;
            private readonly List<Problem> _problems;
            private readonly long _inputLength;
            private readonly string[] _names;
            private readonly List<int>[] _inputsOf;
            private readonly List<EquatableArray<int>> _outShapes = new List<EquatableArray<int>>();
            private readonly List<LayerPlan> _layers = new List<LayerPlan>();
            private long _parameters, _activations;
            private int _buffers, _counters, _effective;
            private bool _known;

            public Inference(NetworkSpec spec, List<Problem> problems, long inputLength)
            {
                _spec = spec;
                _problems = problems;
                _inputLength = inputLength;
                _known = inputLength > 0;
                _names = LayerGraph.Names(spec, problems);
                _inputsOf = new List<int>[spec.Layers.Count];
            }

            /// <summary>The last layer's output size, where every shape is known (else null).</summary>
            public long? LastOutputSize => _known && _outShapes.Count == _spec.Layers.Count && _outShapes.Count > 0 ? LayerShape.Size(_outShapes[_outShapes.Count - 1]) : null;

            public void Layer(int i)
            {
                var layer = _spec.Layers[i];
                bool output = layer.Output || i == _spec.Layers.Count - 1;
                _inputsOf[i] = LayerGraph.Inputs(_spec, i, _names, _problems, out bool inputsKnown);
                if (layer.Kind is null)
                {
                    _problems.Add(Make(DiagnosticIds.CompilerReported, i, null, -1));
                    _known = false;
                    return;
                }

                if (!inputsKnown) _known = false;
                LayerGraph.CheckHead(_spec, i, output, _problems);
                CheckAct(layer, i, output);
                CheckFloats(layer, i);
                var shape = layer.Kind.InferShape(Context(i));
                if (shape is null) _known = false;
                if (!_known) return;
                if (Overflows(layer, i, shape!)) return;
                if (!layer.Trainable && ParameterCount(layer, shape!) == 0)
                {
                    OutOfRange(_problems, layer, i, LayerArguments.Trainable, "false", "Trainable = false only on a layer with parameters; " + layer.AttributeName + " layer " + Str(i + 1) + " has none");
                }

                Place(i, shape!, output);
            }

            private LayerContext Context(int i)
            {
                if (!_known) return new LayerContext(_spec, i, null, new EquatableArray<int>[0], new string[0], _problems);
                var shapes = _inputsOf[i].Select(j => j == LayerPlan.NetworkInput ? _spec.InputShape : _outShapes[j]).ToList();
                var names = _inputsOf[i].Select(j => j == LayerPlan.NetworkInput ? LayerGraph.InputName : _names[j]).ToList();
                return new LayerContext(_spec, i, shapes[0], shapes, names, _problems);
            }

            private void CheckAct(LayerSpec layer, int i, bool output)
            {
                if (!ActTraits.IsDefined(layer.Act))
                {
                    _problems.Add(OutOfRange(layer, i, LayerArguments.Act, LayerArguments.Act, Str((int)layer.Act), "a member of NetGen.Act"));
                }
                else if (ActTraits.OverSample(layer.Act) && !output)
                {
                    _problems.Add(Make(DiagnosticIds.SoftmaxOnHiddenLayer, i, LayerArguments.Act, -1, layer.AttributeName, Str(i + 1), layer.Act == Act.Softmax ? "softmax" : "log-softmax"));
                }

                if (double.IsNaN(layer.Alpha)) return;
                if (!ActTraits.HasAlpha(layer.Act))
                {
                    _problems.Add(OutOfRange(layer, i, LayerArguments.Alpha, LayerArguments.Alpha, Real(layer.Alpha),
                        "no Alpha: Act." + layer.Act + " has none (Alpha is LeakyReLU's negative slope and ELU's alpha)"));
                }
                else if (!(layer.Alpha >= 0) || layer.Alpha > float.MaxValue)
                {
                    _problems.Add(OutOfRange(layer, i, LayerArguments.Alpha, LayerArguments.Alpha, Real(layer.Alpha), "0 <= Alpha, a value a float holds"));
                }
            }

            /// <summary>
            /// The real-valued arguments the generated code computes with in float (rates, deviations, penalties, eps,
            /// momentum, bias values): each must be a value a float holds, or the emitted literal would not compile.
            /// </summary>
            private void CheckFloats(LayerSpec layer, int i)
            {
                var values = layer.Kind!.RealArguments(layer.Options);
                if (layer.Weights is { } w) values = values.Concat(WeightRules.Reals(w));
                foreach (var (argument, value) in values)
                {
                    if (Math.Abs(value) > float.MaxValue)
                    {
                        OutOfRange(_problems, layer, i, argument, Real(value), "a value a float holds (at most 3.4028235E+38 in magnitude)");
                    }
                }
            }

            /// <summary>The network's parameters and one sample's activation values must each fit an int (NG0002 at the argument that sets the size).</summary>
            private bool Overflows(LayerSpec layer, int i, LayerShape shape)
            {
                long outSize = LayerShape.Size(shape.Output);
                long layerParameters = ParameterCount(layer, shape);
                if (_parameters + layerParameters <= int.MaxValue && _activations + outSize <= int.MaxValue) return false;
                string? argument = layer.Kind!.SizeArgument;
                _problems.Add(_parameters + layerParameters > int.MaxValue
                    ? OutOfRange(layer, i, argument, "parameters of the network up to this layer", Str(_parameters + layerParameters), "at most 2147483647; this layer alone has " + Str(layerParameters))
                    : OutOfRange(layer, i, argument, "activation values per sample up to this layer", Str(_activations + outSize),
                        "at most 2147483647; this layer's output alone has " + Str(outSize) + " " + Shape(shape.Output)));
                _known = false;
                return true;
            }

            private static bool WeightNorm(LayerSpec layer, LayerShape shape) => layer.Weights is { WeightNorm: true } && shape.Weights > 0;

            private static long ParameterCount(LayerSpec layer, LayerShape shape) => shape.Weights + shape.Biases + (WeightNorm(layer, shape) ? shape.Rows : 0);

            /// <summary>The layer's place in the storage; weight normalization's g (one per row, PyTorch's dim 0) comes before v.</summary>
            private void Place(int i, LayerShape shape, bool output)
            {
                var layer = _spec.Layers[i];
                var input = Context(i).Input!.Value;
                int normCount = WeightNorm(layer, shape) ? (int)shape.Rows : 0;
                long outSize = LayerShape.Size(shape.Output);
                _layers.Add(new LayerPlan(i, layer, _names[i], input, shape.Output, (int)LayerShape.Size(input), (int)outSize,
                    (int)(_parameters + normCount), (int)shape.Weights, (int)(_parameters + normCount + shape.Weights), (int)shape.Biases, (int)_activations,
                    shape.Init, (int)shape.FanIn, (int)shape.FanOut, shape.Window)
                {
                    BufferOffset = _buffers,
                    BufferCount = shape.BufferCount,
                    CounterIndex = shape.Counter ? _counters : 0,
                    HasCounter = shape.Counter,
                    NormOffset = (int)_parameters,
                    NormCount = normCount,
                    EffectiveOffset = _effective,
                    WeightShape = new EquatableArray<int>(shape.WeightShape),
                    BiasShape = new EquatableArray<int>(shape.BiasShape ?? new[] { (int)shape.Biases }),
                    Inputs = new EquatableArray<int>(_inputsOf[i]),
                    InputSizes = new EquatableArray<int>(_inputsOf[i].Select(j => j == LayerPlan.NetworkInput ? (int)_inputLength : (int)LayerShape.Size(_outShapes[j]))),
                    IsOutput = output,
                    LossWeight = layer.LossWeight,
                });
                _buffers += shape.BufferCount;
                if (shape.Counter) _counters++;
                if (normCount > 0 || (layer.Weights != null && layer.Weights.WeightNoise > 0 && shape.Weights > 0)) _effective += (int)shape.Weights;
                _parameters += ParameterCount(layer, shape);
                _activations += outSize;
                _outShapes.Add(shape.Output);
            }

            /// <summary>The plan: connected into a graph (<see cref="LayerGraph.Connect"/>) when every layer's shape is known.</summary>
            public NetworkPlan Finish()
            {
                bool complete = _known && _layers.Count == _spec.Layers.Count && _layers.Count > 0;
                var layers = complete ? LayerGraph.Connect(_spec, _layers, _inputsOf, _problems) : _layers;
                Loss loss = complete ? layers[layers.Count - 1].Loss : Loss.Auto;
                return new NetworkPlan(
                    _spec,
                    new EquatableArray<LayerPlan>(layers),
                    new EquatableArray<Problem>(_problems),
                    loss,
                    _inputLength > 0 ? (int)_inputLength : 0,
                    complete ? layers.Where(l => l.IsOutput).Sum(l => l.OutSize) : 0,
                    (int)_parameters,
                    complete ? layers.Where(l => !l.IsOutput).Sum(l => l.OutSize) : 0)
                {
                    BufferLength = _buffers,
                    CounterLength = _counters,
                    EffectiveLength = _effective,
                    BlockLength = complete ? (int)_activations : 0,
                };
            }
        }

        private static long CheckInputShape(NetworkSpec spec, List<Problem> problems)
        {
            var dims = spec.InputShape;
            if (!spec.InputShapeReadable)
            {
                problems.Add(Make(DiagnosticIds.CompilerReported, ProblemTarget.NetworkAttribute, null, -1));
                return 0;
            }

            string written = "(" + string.Join(", ", dims.Select(Str)) + ")";
            if (dims.Count == 0)
            {
                problems.Add(Make(DiagnosticIds.InvalidInputShape, ProblemTarget.NetworkAttribute, null, -1, "()", "no dimension is given; write (D) for a vector, (C, L), (C, H, W) or (C, D, H, W) for feature maps"));
                return 0;
            }

            if (dims.Count > 4)
            {
                problems.Add(Make(DiagnosticIds.InvalidInputShape, ProblemTarget.NetworkAttribute, LayerArguments.InputShape, -1, written, Str(dims.Count) + " dimensions are given; at most 4 are supported: (C, D, H, W)"));
                return 0;
            }

            bool ok = true;
            for (int i = 0; i < dims.Count; i++)
            {
                if (dims[i] < 1)
                {
                    problems.Add(Make(DiagnosticIds.InvalidInputShape, ProblemTarget.NetworkAttribute, LayerArguments.InputShape, i, written, "dimension " + Str(i + 1) + " is " + Str(dims[i]) + "; every dimension must be >= 1"));
                    ok = false;
                }
            }

            if (!ok) return 0;
            long length = LayerShape.Size(dims);
            if (length > int.MaxValue)
            {
                problems.Add(Make(DiagnosticIds.InvalidInputShape, ProblemTarget.NetworkAttribute, LayerArguments.InputShape, -1, written, "it has " + Str(length) + " values; at most 2147483647 are supported"));
                return 0;
            }

            return length;
        }
    }
}
