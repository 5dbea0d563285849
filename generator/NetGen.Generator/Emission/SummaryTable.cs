using System.Collections.Generic;
using System.Linq;
using NetGen.Generator.Model;
using static NetGen.Generator.Emission.Code;

namespace NetGen.Generator.Emission
{
    /// <summary>
    /// The network's summary, as Keras' model.summary() and torchinfo print one: a row per layer with its attribute,
    /// output shape, parameters (frozen ones marked) and the layers it reads; then the totals. Known at compile time, so
    /// the generated Summary() returns a constant.
    /// </summary>
    internal static class SummaryTable
    {
        /// <summary>The summary's lines.</summary>
        public static IReadOnlyList<string> Lines(NetworkPlan plan)
        {
            var rows = new List<string[]> { new[] { "input", Shape(plan.Spec.InputShape), "0", "" } };
            foreach (var layer in plan.Layers)
            {
                string reads = string.Join(", ", layer.Inputs.Select(i => i == LayerPlan.NetworkInput ? "input" : plan.Layers[i].Name));
                string parameters = Lit(layer.ParameterCount, true) + (layer.Frozen ? " frozen" : "");
                string name = layer.Name + ": " + layer.Kind.Signature(layer) + (layer.IsOutput ? " (output)" : "");
                rows.Add(new[] { name, Shape(layer.OutShape), parameters, reads });
            }

            var header = new[] { "Layer", "Output shape", "Parameters", "Reads" };
            var widths = Enumerable.Range(0, 4).Select(c => rows.Select(r => r[c].Length).Concat(new[] { header[c].Length }).Max()).ToArray();
            string Row(string[] r) => (r[0].PadRight(widths[0]) + "  " + r[1].PadRight(widths[1]) + "  " + r[2].PadLeft(widths[2]) + "  " + r[3]).TrimEnd();
            string rule = new string('-', widths.Sum() + 6);
            int frozen = plan.Layers.Where(l => l.Frozen).Sum(l => l.ParameterCount);
            var lines = new List<string>
            {
                plan.Spec.Type.Name + ": " + Shape(plan.Spec.InputShape) + " -> " + string.Join(", ", plan.Outputs.Select(o => Shape(o.OutShape))) + ", " + Lit(plan.Layers.Count) + " layers",
                rule,
                Row(header),
                rule,
            };
            lines.AddRange(rows.Select(Row));
            lines.Add(rule);
            lines.Add("Parameters: " + Lit(plan.ParameterCount, true) + " (trainable " + Lit(plan.ParameterCount - frozen, true) + ", frozen " + Lit(frozen, true) + "), " + Size(plan.ParameterCount));
            if (plan.BufferLength > 0) lines.Add("Buffers: " + Lit(plan.BufferLength, true) + " (running statistics, not trained)");
            lines.Add("Training storage per sample: " + Lit(plan.BlockLength, true) + " activations and as many deltas");
            return lines;
        }

        /// <summary>The parameters' size in float32, as torchinfo's "Params size (MB)".</summary>
        private static string Size(long parameters)
        {
            double kb = parameters * 4 / 1024.0;
            return kb < 1024 ? kb.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " KB" : (kb / 1024).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) + " MB";
        }

        /// <summary>The summary as a C# constant (s_summary), one line of the table per line of source, and Summary() returning it.</summary>
        public static void Emit(SourceWriter w, NetworkPlan plan)
        {
            var lines = Lines(plan);
            w.Line("/// <summary>The network's layer table, as Keras' model.summary() and torchinfo print it (a constant: known at compile time).</summary>");
            w.Line("/// <remarks><code>");
            foreach (var line in lines) w.Line("/// " + Xml(line));
            w.Line("/// </code></remarks>");
            w.Line("private const string s_summary =");
            for (int i = 0; i < lines.Count; i++) w.Line("    \"" + Escape(lines[i]) + (i < lines.Count - 1 ? "\\n\" +" : "\";"));
            w.Line();
            w.Line("/// <summary>The network's layer table: layers, output shapes, parameters (trainable and frozen), the layers each reads.</summary>");
            // a member may not be named as its type: a network class named Summary implements the member explicitly
            w.Line((plan.Spec.Type.Name == "Summary" ? "string global::NetGen.INetwork.Summary()" : "public string Summary()") + " => s_summary;");
            w.Line();
        }

        private static string Escape(string text) => text.Replace("\\", "\\\\").Replace("\"", "\\\"");

        private static string Xml(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
    }
}
