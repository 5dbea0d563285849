using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NetGen.Analyzers
{
    /// <summary>
    /// Finds the written arguments of an attribute that set one constructor parameter or property. Shared (as source) by
    /// the analyzer, which reports at them, and the code fixes, which rewrite them.
    /// </summary>
    internal static class AttributeArguments
    {
        /// <summary>
        /// The arguments that set <paramref name="name"/>: a constructor parameter written by name ("k: 7") or by position
        /// (for a params array, every element), or a property ("Name = ..."). Empty when it is not written.
        /// </summary>
        public static List<AttributeArgumentSyntax> Find(AttributeSyntax syntax, ImmutableArray<IParameterSymbol> parameters, string name)
        {
            var matches = new List<AttributeArgumentSyntax>();
            if (syntax.ArgumentList is null) return matches;
            int position = 0;
            foreach (var argument in syntax.ArgumentList.Arguments)
            {
                if (argument.NameEquals != null)
                {
                    if (argument.NameEquals.Name.Identifier.ValueText == name) matches.Add(argument);
                    continue;
                }

                if (argument.NameColon != null)
                {
                    if (argument.NameColon.Name.Identifier.ValueText == name) matches.Add(argument);
                    continue;
                }

                var parameter = position < parameters.Length ? parameters[position] : (parameters.Length > 0 ? parameters[parameters.Length - 1] : null);
                if (parameter != null && parameter.Name == name && (position < parameters.Length || parameter.IsParams)) matches.Add(argument);
                position++;
            }

            return matches;
        }
    }
}
