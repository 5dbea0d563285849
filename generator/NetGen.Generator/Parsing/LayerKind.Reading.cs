using NetGen.Generator.Parsing;

namespace NetGen.Generator.Model
{
    /// <summary>The parsing part of a layer kind: reading the attribute's own arguments into its options.</summary>
    internal abstract partial class LayerKind
    {
        /// <summary>The kind's options from the attribute's arguments (defaults where unwritten, as the attribute declares them).</summary>
        public abstract LayerOptions ReadOptions(ArgumentReader arguments);
    }

    internal abstract partial class LayerKind<TOptions>
    {
        public sealed override LayerOptions ReadOptions(ArgumentReader arguments) => Read(arguments);

        /// <summary>The kind's typed options (see <see cref="LayerKind.ReadOptions"/>).</summary>
        protected abstract TOptions Read(ArgumentReader arguments);
    }
}
