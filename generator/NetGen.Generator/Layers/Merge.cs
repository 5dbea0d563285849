using System.Collections.Generic;
using System.Linq;
using NetGen.Generator.Model;
using NetGen.Generator.Parsing;

namespace NetGen.Generator.Layers
{
    /// <summary>The arguments of a merge: the names of the layers merged with the previous output, and the parameter that carries them ("name" or "names").</summary>
    internal sealed record MergeOptions(EquatableArray<string> Names, string Argument) : LayerOptions;

    /// <summary>
    /// What the kinds that merge branches share: the layers they name are inputs after the primary one; at least one is
    /// named; each input's shape must fit the first's (the kind's rule), else the kind's diagnostic at that name.
    /// </summary>
    internal abstract class Merge : LayerKind<MergeOptions>
    {
        /// <summary>The diagnostic for an input whose shape does not fit.</summary>
        protected abstract string MismatchId { get; }

        /// <summary>Whether <paramref name="other"/> fits the first input's shape <paramref name="first"/>.</summary>
        protected abstract bool Fits(EquatableArray<int> first, EquatableArray<int> other);

        /// <summary>The output shape from the inputs' shapes, all fitting.</summary>
        protected abstract EquatableArray<int> Output(IReadOnlyList<EquatableArray<int>> inputs);

        protected override MergeOptions Read(ArgumentReader arguments)
        {
            var (names, argument) = arguments.Names(LayerArguments.Name, LayerArguments.Names);
            return new MergeOptions(names, argument);
        }

        protected override IReadOnlyList<NamedInput> Reads(MergeOptions options)
        {
            bool single = options.Argument == LayerArguments.Name;
            return options.Names.Select((name, e) => new NamedInput(name, options.Argument, single ? -1 : e)).ToList();
        }

        protected override LayerShape? Infer(MergeOptions options, LayerContext context)
        {
            if (options.Names.Count == 0)
            {
                context.Add(Problems.OutOfRange(context.Layer, context.Index, null, LayerArguments.Names, "none", "at least one layer name"));
                return null;
            }

            if (context.Input is null) return null;
            var shapes = context.InputShapes;
            bool ok = true;
            for (int e = 1; e < shapes.Count; e++)
            {
                if (Fits(shapes[0], shapes[e])) continue;
                int element = options.Argument == LayerArguments.Name ? -1 : e - 1;
                context.Add(Problems.Make(MismatchId, context.Index, options.Argument, element,
                    context.Number, context.InputNames[0], Problems.Shape(shapes[0]), context.InputNames[e], Problems.Shape(shapes[e])));
                ok = false;
            }

            return ok ? new LayerShape(Output(shapes)) : null;
        }
    }
}
