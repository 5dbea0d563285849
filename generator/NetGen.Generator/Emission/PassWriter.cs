using System;
using System.Collections.Generic;
using System.Linq;
using NetGen.Generator.Model;
using static NetGen.Generator.Emission.Code;

namespace NetGen.Generator.Emission
{
    /// <summary>
    /// A variable of the code being written: a parameter, a field, or a local declared only where the code uses it. Code
    /// that takes its name (<see cref="ToString"/>) uses it; the pass then declares exactly the locals its code used.
    /// </summary>
    internal sealed class Local
    {
        private readonly Func<string>? _declaration;

        /// <param name="name">The variable's name.</param>
        /// <param name="declaration">Its declaration statement (null: a parameter or a field, never declared); evaluated when written.</param>
        public Local(string name, Func<string>? declaration = null)
        {
            Name = name;
            _declaration = declaration;
        }

        public string Name { get; }

        /// <summary>Whether code has taken the name.</summary>
        public bool Used { get; private set; }

        /// <summary>Whether the declaration has been written.</summary>
        public bool Declared { get; set; }

        public bool NeedsDeclaration => Used && !Declared && _declaration != null;

        public string Declaration() => _declaration!();

        public override string ToString()
        {
            Used = true;
            return Name;
        }
    }

    /// <summary>
    /// Writes one pass (a method body) of the generated code and knows the variables it reads and writes: the state
    /// buffers (p, g, a, d, m, t, e, ge, columns) and each layer's blocks are <see cref="Local"/>s, declared in a scope's
    /// place once the scope's code is written, and only those the code used. Nothing re-reads the emitted text.
    /// </summary>
    internal sealed class PassWriter
    {
        private readonly SourceWriter _w;
        private readonly Dictionary<string, Local> _locals = new Dictionary<string, Local>();
        private readonly List<Local> _order = new List<Local>();

        public PassWriter(SourceWriter w)
        {
            _w = w;
        }

        public PassWriter Line(string line = "")
        {
            _w.Line(line);
            return this;
        }

        public PassWriter Open()
        {
            _w.Open();
            return this;
        }

        public PassWriter Close(string suffix = "")
        {
            _w.Close(suffix);
            return this;
        }

        /// <summary>The variable <paramref name="name"/> of this pass, registered with <paramref name="declaration"/> on first use of the name.</summary>
        public Local Local(string name, Func<string>? declaration = null)
        {
            if (!_locals.TryGetValue(name, out var local))
            {
                _locals[name] = local = new Local(name, declaration);
                _order.Add(local);
            }

            return local;
        }

        /// <summary>The variables registered so far, in the order of registration.</summary>
        public IEnumerable<Local> Locals => _order;

        /// <summary>A registered variable's name, marked used (a state buffer: "p", "g", "e", "ge", "columns", ...).</summary>
        public string Use(string name) => _locals.TryGetValue(name, out var local)
            ? local.ToString()
            : throw new InvalidOperationException("The pass has no variable '" + name + "'.");

        /// <summary>Starts a scope here: the locals of <paramref name="candidates"/> its code uses are declared here when it ends.</summary>
        public Scope Begin(params Local[] candidates) => new Scope(_w.Here(), candidates.ToList());

        /// <summary>
        /// Declares, at the scope's start and in the candidates' order, the candidates the code used that are not yet
        /// declared. A declaration may use outer locals (a block of "d"); those belong to an enclosing scope, ended later.
        /// </summary>
        public void End(Scope scope)
        {
            var lines = new List<string>();
            foreach (var local in scope.Candidates)
            {
                if (!local.NeedsDeclaration) continue;
                local.Declared = true;
                lines.Add(local.Declaration());
            }

            _w.Insert(scope.Start, lines);
        }

        /// <summary>The scope's start and its candidate locals, in declaration order.</summary>
        internal sealed class Scope
        {
            public Scope(SourceWriter.Mark start, List<Local> candidates)
            {
                Start = start;
                Candidates = candidates;
            }

            public SourceWriter.Mark Start { get; }

            public List<Local> Candidates { get; }
        }

        /// <summary>The weight the layer computes with: its effective weight ("e") where it has one, else its stored weight ("p").</summary>
        public string Weight(LayerPlan layer) => layer.HasEffective ? EffectiveSlice(layer, Use("e")) : RawWeightSlice(layer, Use("p"));

        /// <summary>Where the weight's gradient goes: the effective weight's ("ge") where it has one, else the stored weight's ("g").</summary>
        public string WeightGradient(LayerPlan layer) => layer.HasEffective ? EffectiveSlice(layer, Use("ge")) : RawWeightSlice(layer, Use("g"));

        /// <summary>The bias, or default where the layer has none.</summary>
        public string Bias(LayerPlan layer) => layer.BiasCount > 0 ? BiasSlice(layer, Use("p")) : "default(" + ReadOnlySpan + ")";

        /// <summary>Where the bias's gradient goes, or default where the layer has none.</summary>
        public string BiasGradient(LayerPlan layer) => layer.BiasCount > 0 ? BiasSlice(layer, Use("g")) : "default(" + Span + ")";

        /// <summary>The stored weight in the parameters (v for a weight-normalized layer).</summary>
        public string RawWeight(LayerPlan layer) => RawWeightSlice(layer, Use("p"));

        /// <summary>The second-order passes: the direction's slice for the layer's weight ("v").</summary>
        public string Direction(LayerPlan layer) => RawWeightSlice(layer, Use("v"));

        /// <summary>The second-order passes: the direction's slice for the layer's bias ("v").</summary>
        public string DirectionBias(LayerPlan layer) => BiasSlice(layer, Use("v"));

        /// <summary>The convolution scratch.</summary>
        public string Columns => Use("columns");
    }
}
