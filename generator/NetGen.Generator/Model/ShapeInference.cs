using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace NetGen.Generator.Model
{
    /// <summary>
    /// The one home of NetGen's shape arithmetic and network validation: a pure function from the declared
    /// <see cref="NetworkSpec"/> to a <see cref="NetworkPlan"/> with every size resolved, or to the problems that
    /// stop it. The generator and the analyzers both call it (the analyzers link this file), so they never disagree.
    /// </summary>
    internal static class ShapeInference
    {
        public static NetworkPlan Infer(NetworkSpec spec)
        {
            var problems = new List<Problem>();
            var layers = new List<LayerPlan>();

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

            long inputLength = CheckInputShape(spec, problems);
            var shape = spec.InputShape;

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

            long parameters = 0;
            long activations = 0;
            int buffers = 0;
            int counters = 0;
            int effective = 0;
            bool shapesKnown = inputLength > 0;
            var names = LayerGraph.Names(spec, problems);
            var inputsOf = new List<int>[spec.Layers.Count];
            var outShapes = new List<EquatableArray<int>>();
            for (int i = 0; i < spec.Layers.Count; i++)
            {
                var layer = spec.Layers[i];
                int number = i + 1;
                bool last = i == spec.Layers.Count - 1;
                bool output = layer.Output || last;
                inputsOf[i] = LayerGraph.Inputs(spec, i, names, problems, out bool inputsKnown);

                if (layer.Kind == LayerKind.Unknown)
                {
                    problems.Add(Make(DiagnosticIds.CompilerReported, i, null, -1));
                    shapesKnown = false;
                    continue;
                }

                if (!inputsKnown) shapesKnown = false;
                if (shapesKnown)
                {
                    int primary = inputsOf[i][0];
                    shape = primary == LayerPlan.NetworkInput ? spec.InputShape : outShapes[primary];
                }

                LayerGraph.CheckHead(spec, i, output, problems);

                if (!IsDefined(layer.Act))
                {
                    problems.Add(Make(DiagnosticIds.ArgumentOutOfRange, i, LayerArguments.Activation, -1, layer.AttributeName, Str(number), LayerArguments.Activation, Str((int)layer.Act), "a member of NetGen.Act"));
                }
                else if (layer.Act == Act.Softmax && !output)
                {
                    problems.Add(Make(DiagnosticIds.SoftmaxOnHiddenLayer, i, LayerArguments.Activation, -1, layer.AttributeName, Str(number)));
                }

                long inSize = Product(shape);
                long outSize;
                EquatableArray<int> outShape;
                long weights = 0, biases = 0;
                long fanIn = 0, fanOut = 0;
                Init init = Init.Auto;
                WindowPlan? window = null;
                var weightSpec = layer.Weights;
                int rows = 0; // the weight's first dimension: units or filters (for ConvTranspose its input channels)
                CheckFloats(layer, i, problems);
                switch (layer.Options)
                {
                    case DenseOptions dense:
                        if (dense.Units < 1)
                        {
                            problems.Add(Make(DiagnosticIds.ArgumentOutOfRange, i, LayerArguments.Units, -1, layer.AttributeName, Str(number), LayerArguments.Units, Str(dense.Units), LayerArguments.Units + " >= 1"));
                            shapesKnown = false;
                            continue;
                        }

                        outSize = dense.Units;
                        outShape = new EquatableArray<int>(new[] { dense.Units });
                        weights = inSize * dense.Units;
                        biases = dense.Weight.Bias ? dense.Units : 0;
                        fanIn = inSize;
                        fanOut = dense.Units;
                        rows = dense.Units;
                        init = ResolveInit(layer, dense.Weight, i, problems);
                        CheckWeightNoise(layer, dense.Weight, i, problems);
                        break;
                    case ConvOptions _:
                    case PoolOptions _:
                        if (!shapesKnown) continue;
                        int before = problems.Count;
                        if (!WindowArithmetic.Infer(layer, i, shape, problems, out outShape, out window))
                        {
                            WindowArithmetic.HintChannelsLast(spec.InputShape, problems, before);
                            shapesKnown = false;
                            continue;
                        }

                        outSize = Product(outShape);
                        if (layer.Options is ConvOptions conv)
                        {
                            long taps = 1;
                            foreach (int k in window!.Kernel) taps *= k;
                            bool transposed = layer.Kind == LayerKind.ConvTranspose;
                            weights = (long)conv.Filters * shape[0] * taps;
                            biases = conv.Weight.Bias ? conv.Filters : 0;
                            // PyTorch's fans: from weight dims 1 and 0 times the kernel (for ConvTranspose, [C, F, k]: fan-in F k).
                            fanIn = (transposed ? conv.Filters : shape[0]) * taps;
                            fanOut = (transposed ? shape[0] : conv.Filters) * taps;
                            rows = transposed ? shape[0] : conv.Filters;
                            init = ResolveInit(layer, conv.Weight, i, problems);
                            CheckWeightNoise(layer, conv.Weight, i, problems);
                        }

                        break;
                    case RateOptions rate:
                        bool noise = layer.Kind == LayerKind.GaussianNoise;
                        string argument = noise ? LayerArguments.Std : LayerArguments.Rate;
                        if (noise ? !(rate.Rate >= 0) : !(rate.Rate >= 0 && rate.Rate < 1))
                        {
                            problems.Add(Make(DiagnosticIds.ArgumentOutOfRange, i, argument, -1, layer.AttributeName, Str(number), argument,
                                Real(rate.Rate), noise ? argument + " >= 0" : "0 <= " + argument + " < 1"));
                        }

                        outSize = inSize;
                        outShape = shape;
                        break;
                    case NormOptions norm:
                        if (!(norm.Eps > 0)) problems.Add(Make(DiagnosticIds.ArgumentOutOfRange, i, LayerArguments.Eps, -1, layer.AttributeName, Str(number), LayerArguments.Eps, Real(norm.Eps), LayerArguments.Eps + " > 0"));
                        if (!(norm.Momentum >= 0 && norm.Momentum <= 1)) problems.Add(Make(DiagnosticIds.ArgumentOutOfRange, i, LayerArguments.Momentum, -1, layer.AttributeName, Str(number), LayerArguments.Momentum, Real(norm.Momentum), "0 <= " + LayerArguments.Momentum + " <= 1"));
                        outSize = inSize;
                        outShape = shape;
                        // gamma and beta: per channel (batch norm; a vector's units are its channels) or per unit (layer norm)
                        weights = biases = layer.Kind == LayerKind.BatchNorm ? (shape.Count > 0 ? shape[0] : 0) : inSize; // no shape: the input shape is already reported
                        init = Init.Constant;
                        break;
                    case MergeOptions _:
                        if (!shapesKnown) continue;
                        if (!LayerGraph.Merge(spec, i, inputsOf[i], names, inputShape: spec.InputShape, outShapes, problems, out outShape))
                        {
                            shapesKnown = false;
                            continue;
                        }

                        outSize = Product(outShape);
                        break;
                    default: // Activation, Flatten
                        outSize = inSize;
                        outShape = layer.Kind == LayerKind.Flatten ? new EquatableArray<int>(new[] { (int)inSize }) : shape;
                        break;
                }

                if (!shapesKnown)
                {
                    continue;
                }

                bool weightNorm = weightSpec != null && weightSpec.WeightNorm && weights > 0;
                long layerParameters = weights + biases + (weightNorm ? rows : 0);
                if (parameters + layerParameters > int.MaxValue || activations + outSize > int.MaxValue)
                {
                    // name the size that overflows: the network's parameters, or the activation values of one sample
                    string? argument = layer.Kind == LayerKind.Dense ? LayerArguments.Units : layer.Kind is LayerKind.Conv or LayerKind.ConvTranspose ? LayerArguments.Filters : null;
                    problems.Add(parameters + layerParameters > int.MaxValue
                        ? Make(DiagnosticIds.ArgumentOutOfRange, i, argument, -1, layer.AttributeName, Str(number), "parameters of the network up to this layer", Str(parameters + layerParameters),
                            "at most 2147483647; this layer alone has " + Str(layerParameters))
                        : Make(DiagnosticIds.ArgumentOutOfRange, i, argument, -1, layer.AttributeName, Str(number), "activation values per sample up to this layer", Str(activations + outSize),
                            "at most 2147483647; this layer's output alone has " + Str(outSize) + " " + WindowArithmetic.Shape(outShape)));
                    shapesKnown = false;
                    continue;
                }

                int bufferCount = layer.Kind == LayerKind.BatchNorm ? 2 * shape[0] : 0;
                // weight normalization: g (one per row of the weight, PyTorch's dim 0) comes before v in the parameters
                int normCount = weightNorm ? rows : 0;
                layers.Add(new LayerPlan(
                    i,
                    layer,
                    names[i],
                    shape,
                    outShape,
                    (int)inSize,
                    (int)outSize,
                    (int)(parameters + normCount),
                    (int)weights,
                    (int)(parameters + normCount + weights),
                    (int)biases,
                    (int)activations,
                    init,
                    (int)fanIn,
                    (int)fanOut,
                    window)
                {
                    BufferOffset = buffers,
                    BufferCount = bufferCount,
                    CounterIndex = layer.Kind == LayerKind.BatchNorm ? counters : 0,
                    NormOffset = (int)parameters,
                    NormCount = normCount,
                    EffectiveOffset = effective,
                    Inputs = new EquatableArray<int>(inputsOf[i]),
                    InputSizes = new EquatableArray<int>(inputsOf[i].Select(j => j == LayerPlan.NetworkInput ? (int)inputLength : (int)Product(outShapes[j]))),
                    IsOutput = output,
                    LossWeight = layer.LossWeight,
                });
                buffers += bufferCount;
                if (layer.Kind == LayerKind.BatchNorm) counters++;
                if (normCount > 0 || (weightSpec != null && weightSpec.WeightNoise > 0 && weights > 0)) effective += (int)weights;
                parameters += normCount;
                parameters += weights + biases;
                activations += outSize;
                outShapes.Add(outShape);
                shape = outShape;
            }

            if (spec.Layers.Any(l => l.Act == Act.SELU))
            {
                for (int i = 0; i < spec.Layers.Count; i++)
                {
                    if (spec.Layers[i].Kind == LayerKind.Dropout)
                    {
                        problems.Add(Make(DiagnosticIds.DropoutInSeluNetwork, i, null, -1, Str(i + 1)));
                    }
                }
            }

            bool complete = shapesKnown && layers.Count == spec.Layers.Count && layers.Count > 0;
            if (complete) layers = LayerGraph.Connect(spec, layers, inputsOf, problems);
            Loss loss = layers.Count > 0 && complete ? layers[layers.Count - 1].Loss : Loss.Auto;
            int outputLength = complete ? layers.Where(l => l.IsOutput).Sum(l => l.OutSize) : 0;
            int hiddenLength = complete ? layers.Where(l => !l.IsOutput).Sum(l => l.OutSize) : 0;
            return new NetworkPlan(
                spec,
                new EquatableArray<LayerPlan>(layers),
                new EquatableArray<Problem>(problems),
                loss,
                inputLength > 0 ? (int)inputLength : 0,
                outputLength,
                (int)parameters,
                hiddenLength) { BufferLength = buffers, CounterLength = counters, EffectiveLength = effective, ActivationLength = complete ? (int)activations : 0 };
        }

        /// <summary>The default initializer from the layer's activation (chapter 9): He for the ReLU family, LeCun normal for SELU (10.4), Glorot uniform otherwise.</summary>
        public static Init DefaultInit(Act act)
        {
            switch (act)
            {
                case Act.ReLU:
                case Act.LeakyReLU:
                case Act.ELU:
                    return Init.HeNormal;
                case Act.SELU:
                    return Init.LeCunNormal;
                default:
                    return Init.GlorotUniform;
            }
        }

        /// <summary>
        /// The layer's initializer, resolving Auto; for a written fan-based initializer, warns (NG0014) when its variance
        /// factor does not fit the activation (section 9.3.2): 2 for ReLU and LeakyReLU, 1 for SELU (LeCun, 10.4), tanh,
        /// sigmoid, identity and softmax.
        /// </summary>
        private static Init ResolveInit(LayerSpec layer, WeightSpec weight, int index, List<Problem> problems)
        {
            if (weight.Init == Init.Auto) return DefaultInit(layer.Act);
            if (weight.Init < Init.Auto || weight.Init > Init.HeUniform)
            {
                problems.Add(Make(DiagnosticIds.ArgumentOutOfRange, index, LayerArguments.Init, -1, layer.AttributeName, Str(index + 1), LayerArguments.Init, Str((int)weight.Init), "a member of NetGen.Init"));
                return Init.GlorotUniform;
            }

            double fits = layer.Act == Act.ReLU || layer.Act == Act.LeakyReLU ? 2 : layer.Act == Act.ELU ? 0 : 1;
            double factor = weight.Init == Init.HeNormal || weight.Init == Init.HeUniform ? 2 : 1;
            bool fanBased = weight.Init >= Init.LeCunNormal;
            double gain = factor * weight.Gain;
            if (fanBased && fits > 0 && System.Math.Abs(gain - fits) > 0.25 * fits)
            {
                string suggestion = "Gain = " + (fits / factor).ToString("0.###", CultureInfo.InvariantCulture);
                string better = fits == 2 ? "Init.HeNormal" : layer.Act == Act.SELU ? "Init.LeCunNormal" : "Init.GlorotUniform";
                problems.Add(Make(DiagnosticIds.InitGainDoesNotFit, index, LayerArguments.Init, -1, layer.AttributeName, Str(index + 1), "Init." + weight.Init,
                    gain.ToString("0.###", CultureInfo.InvariantCulture), layer.Act.ToString(), fits.ToString("0", CultureInfo.InvariantCulture), better + " or " + suggestion));
            }

            return weight.Init;
        }

        /// <summary>
        /// The real-valued arguments the generated code computes with in float (rates, deviations, penalties, eps, momentum,
        /// bias values): each must be a value a float holds, or the emitted literal would not compile.
        /// </summary>
        private static void CheckFloats(LayerSpec layer, int index, List<Problem> problems)
        {
            var values = new List<(string Argument, double Value)>();
            if (layer.Options is RateOptions rate) values.Add((layer.Kind == LayerKind.GaussianNoise ? LayerArguments.Std : LayerArguments.Rate, rate.Rate));
            if (layer.Options is NormOptions norm)
            {
                values.Add((LayerArguments.Eps, norm.Eps));
                values.Add((LayerArguments.Momentum, norm.Momentum));
            }

            if (layer.Weights is { } w)
            {
                values.Add((LayerArguments.BiasInit, w.BiasInit));
                values.Add((LayerArguments.L2, w.L2));
                values.Add((LayerArguments.L1, w.L1));
                values.Add((LayerArguments.WeightElimination, w.WeightElimination));
                values.Add((LayerArguments.W0, w.W0));
                values.Add((LayerArguments.WeightNoise, w.WeightNoise));
            }

            foreach (var (argument, value) in values)
            {
                if (Math.Abs(value) > float.MaxValue)
                {
                    problems.Add(Make(DiagnosticIds.ArgumentOutOfRange, index, argument, -1, layer.AttributeName, Str(index + 1), argument, Real(value), "a value a float holds (at most 3.4028235E+38 in magnitude)"));
                }
            }
        }

        private static void CheckWeightNoise(LayerSpec layer, WeightSpec weight, int index, List<Problem> problems)
        {
            if (!(weight.WeightNoise >= 0))
            {
                problems.Add(Make(DiagnosticIds.ArgumentOutOfRange, index, LayerArguments.WeightNoise, -1, layer.AttributeName, Str(index + 1), LayerArguments.WeightNoise, Real(weight.WeightNoise), "WeightNoise >= 0"));
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
            long length = Product(dims);
            if (length > int.MaxValue)
            {
                problems.Add(Make(DiagnosticIds.InvalidInputShape, ProblemTarget.NetworkAttribute, LayerArguments.InputShape, -1, written, "it has " + Str(length) + " values; at most 2147483647 are supported"));
                return 0;
            }

            return length;
        }

        internal static long Product(EquatableArray<int> shape)
        {
            long p = 1;
            foreach (int d in shape) p *= d;
            return p;
        }

        private static bool IsDefined(Act act) => act >= Act.Identity && act <= Act.Softmax;

        private static bool IsDefined(Loss loss) => loss >= Loss.Auto && loss <= Loss.CrossEntropy;

        internal static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);

        /// <summary>A double as written in messages: invariant, round-trippable.</summary>
        internal static string Real(double value) => value.ToString("R", CultureInfo.InvariantCulture);

        internal static string Str(long value) => value.ToString(CultureInfo.InvariantCulture);

        internal static Problem Make(string id, int layer, string? argument, int element, params string[] args)
            => new Problem(id, layer, argument, element, new EquatableArray<string>(args));
    }
}
