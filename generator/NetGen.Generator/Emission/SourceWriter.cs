using System.Text;

namespace NetGen.Generator.Emission
{
    /// <summary>Writes C# text line by line with four-space indentation and "\n" line ends (the same on every machine).</summary>
    internal sealed class SourceWriter
    {
        private readonly StringBuilder _text = new StringBuilder();
        private int _indent;

        /// <summary>Writes one line at the current indentation (an empty line stays empty).</summary>
        public SourceWriter Line(string line = "")
        {
            if (line.Length > 0) _text.Append(' ', _indent * 4).Append(line);
            _text.Append('\n');
            return this;
        }

        /// <summary>Writes "{" and indents.</summary>
        public SourceWriter Open()
        {
            Line("{");
            _indent++;
            return this;
        }

        /// <summary>Unindents and writes "}" (plus an optional suffix).</summary>
        public SourceWriter Close(string suffix = "")
        {
            _indent--;
            Line("}" + suffix);
            return this;
        }

        /// <summary>The current position and indentation, where lines can be inserted later (<see cref="Insert"/>).</summary>
        public Mark Here() => new Mark(_text.Length, _indent);

        /// <summary>Inserts <paramref name="lines"/> at <paramref name="mark"/>, at its indentation; marks after it move on.</summary>
        public void Insert(Mark mark, System.Collections.Generic.IEnumerable<string> lines)
        {
            var text = new StringBuilder();
            foreach (var line in lines) text.Append(' ', mark.Indent * 4).Append(line).Append('\n');
            _text.Insert(mark.Position, text.ToString());
        }

        public override string ToString() => _text.ToString();

        /// <summary>A position in the text and the indentation there.</summary>
        public readonly struct Mark
        {
            public Mark(int position, int indent)
            {
                Position = position;
                Indent = indent;
            }

            public int Position { get; }

            public int Indent { get; }
        }
    }
}
