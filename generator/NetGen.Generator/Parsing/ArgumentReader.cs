using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using NetGen.Generator.Model;

namespace NetGen.Generator.Parsing
{
    /// <summary>
    /// A layer attribute's arguments by parameter or property name, as the kinds read them into their options: typed
    /// values with the defaults the attributes declare, and the shared groups (a weight, a window, merged names).
    /// </summary>
    internal sealed class ArgumentReader
    {
        private readonly Dictionary<string, TypedConstant> _args;

        public ArgumentReader(Dictionary<string, TypedConstant> args)
        {
            _args = args;
        }

        public bool Has(string key) => _args.ContainsKey(key);

        public int Int(string key, int fallback) => _args.TryGetValue(key, out var c) && c.Value is int v ? v : fallback;

        public bool Bool(string key, bool fallback) => _args.TryGetValue(key, out var c) && c.Value is bool v ? v : fallback;

        public double Double(string key, double fallback) => _args.TryGetValue(key, out var c) && c.Value is double v ? v : fallback;

        public string? String(string key) => _args.TryGetValue(key, out var c) && c.Value is string v ? v : null;

        /// <summary>An int array argument (empty when absent or null; unreadable elements read as 0).</summary>
        public EquatableArray<int> Ints(string key)
        {
            if (!_args.TryGetValue(key, out var c) || c.Kind != TypedConstantKind.Array || c.IsNull) return EquatableArray<int>.Empty;
            var values = new List<int>();
            foreach (var v in c.Values) values.Add(v.Value is int i ? i : 0);
            return new EquatableArray<int>(values);
        }

        /// <summary>The weight arguments of a kind with a weight matrix or kernel.</summary>
        public WeightSpec Weight() => new WeightSpec(
            Bool(LayerArguments.Bias, LayerDefaults.Bias),
            (Init)Int(LayerArguments.Init, 0),
            Double(LayerArguments.InitScale, LayerDefaults.InitScale),
            Double(LayerArguments.Gain, LayerDefaults.Gain),
            Double(LayerArguments.BiasInit, LayerDefaults.BiasInit),
            Double(LayerArguments.L2, 0.0),
            Double(LayerArguments.L1, 0.0),
            Double(LayerArguments.WeightElimination, 0.0),
            Double(LayerArguments.W0, LayerDefaults.W0),
            Bool(LayerArguments.WeightNorm, false),
            Double(LayerArguments.WeightNoise, 0.0));

        /// <summary>A window; <paramref name="strideIsWindow"/>: an unwritten stride equals the window (pooling's one-argument constructor).</summary>
        public WindowSpec Window(bool strideIsWindow) => new WindowSpec(
            Int(LayerArguments.Kernel, 0),
            Ints(LayerArguments.KernelSize),
            Int(LayerArguments.Stride, strideIsWindow ? Int(LayerArguments.Kernel, 0) : LayerDefaults.Stride),
            Int(LayerArguments.Padding, LayerDefaults.Padding),
            Int(LayerArguments.Dilation, LayerDefaults.Dilation),
            Int(LayerArguments.OutputPadding, LayerDefaults.OutputPadding),
            (Padding)Int(LayerArguments.PaddingMode, 0),
            Bool(LayerArguments.CountIncludePad, LayerDefaults.CountIncludePad));

        /// <summary>
        /// Layer names from the string argument <paramref name="single"/> or the params array <paramref name="many"/>, and
        /// the parameter that carries them.
        /// </summary>
        public (EquatableArray<string> Names, string Argument) Names(string single, string many)
        {
            string argument = Has(single) ? single : many;
            if (!_args.TryGetValue(argument, out var c)) return (EquatableArray<string>.Empty, argument);
            if (c.Kind != TypedConstantKind.Array) return (new EquatableArray<string>(new[] { c.Value as string ?? "" }), argument);
            if (c.IsNull) return (EquatableArray<string>.Empty, argument);
            return (new EquatableArray<string>(c.Values.Select(v => v.Value as string ?? "").ToList()), argument);
        }
    }
}
