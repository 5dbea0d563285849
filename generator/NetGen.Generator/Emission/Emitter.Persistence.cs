using System.Collections.Generic;
using System.Linq;
using NetGen.Generator.Model;
using static NetGen.Generator.Emission.Code;

namespace NetGen.Generator.Emission
{
    internal static partial class Emitter
    {
        private const string Stream = "global::System.IO.Stream";
        private const string Matching = "global::NetGen.TensorMatching";

        /// <summary>
        /// The tensor table (PyTorch's state_dict() names, where each tensor lives, its shape) and the members that save
        /// and load it as a safetensors file; the format itself is the runtime's (NetGen.SafeTensors).
        /// </summary>
        private static void EmitPersistence(SourceWriter w, NetworkPlan plan)
        {
            var tensors = plan.Layers.SelectMany(l => l.Tensors).ToList();
            w.Line("/// <summary>The parameter and buffer tensors as PyTorch's state_dict() names and orders them, with their shapes: what <see cref=\"Save(string)\"/> writes and <see cref=\"Load(string, global::NetGen.TensorMatching)\"/> reads.</summary>");
            w.Line("public global::System.Collections.Generic.IReadOnlyList<global::NetGen.TensorInfo> Tensors => s_tensors;");
            w.Line();
            if (tensors.Count == 0)
            {
                w.Line("private static readonly global::NetGen.TensorInfo[] s_tensors = global::System.Array.Empty<global::NetGen.TensorInfo>();");
            }
            else
            {
                w.Line("private static readonly global::NetGen.TensorInfo[] s_tensors =");
                w.Open();
                foreach (var t in tensors)
                {
                    string shape = string.Concat(t.Shape.Select(d => ", " + Lit(d)));
                    w.Line("new global::NetGen.TensorInfo(\"" + t.Name + "\", global::NetGen.TensorStore." + t.Store + ", " + Lit(t.Offset) + shape + "),");
                }

                w.Close(";");
            }

            w.Line();
            w.Line("/// <summary>Writes <see cref=\"Tensors\"/> to <paramref name=\"stream\"/> in the safetensors format (float32; num_batches_tracked int64).</summary>");
            w.Line("/// <param name=\"stream\">Receives the file's bytes.</param>");
            w.Line("public void Save(" + Stream + " stream) => global::NetGen.SafeTensors.Save(this, stream);");
            w.Line();
            w.Line("/// <summary>Writes <see cref=\"Tensors\"/> to a safetensors file, atomically: a temporary file in the same folder replaces <paramref name=\"path\"/> once complete.</summary>");
            w.Line("/// <param name=\"path\">The file to write; PyTorch reads it with <c>model.load_state_dict(safetensors.torch.load_file(path))</c>.</param>");
            w.Line("public void Save(string path) => global::NetGen.SafeTensors.Save(this, path);");
            w.Line();
            w.Line("/// <summary>Reads a safetensors file (e.g. from <c>safetensors.torch.save_file(model.state_dict(), path)</c>); everything is validated before anything is written.</summary>");
            w.Line("/// <param name=\"stream\">The file's bytes.</param>");
            w.Line("/// <param name=\"matching\">By name (the default, as <c>load_state_dict(strict=True)</c>), or by order and shape for modules named otherwise.</param>");
            w.Line("/// <exception cref=\"global::System.IO.InvalidDataException\">The file is malformed or does not fit this network; the message lists every problem and nothing was changed.</exception>");
            w.Line("public void Load(" + Stream + " stream, " + Matching + " matching = " + Matching + ".ByName) => global::NetGen.SafeTensors.Load(this, stream, matching);");
            w.Line();
            w.Line("/// <summary>Reads a safetensors file (e.g. from <c>safetensors.torch.save_file(model.state_dict(), path)</c>); everything is validated before anything is written.</summary>");
            w.Line("/// <param name=\"path\">The file to read.</param>");
            w.Line("/// <param name=\"matching\">By name (the default, as <c>load_state_dict(strict=True)</c>), or by order and shape for modules named otherwise.</param>");
            w.Line("/// <exception cref=\"global::System.IO.InvalidDataException\">The file is malformed or does not fit this network; the message lists every problem and nothing was changed.</exception>");
            w.Line("public void Load(string path, " + Matching + " matching = " + Matching + ".ByName) => global::NetGen.SafeTensors.Load(this, path, matching);");
            w.Line();
            w.Line("/// <summary>Reads a safetensors file by name; <paramref name=\"strict\"/> false loads the tensors whose names and shapes match and reports the rest (transfer learning, as <c>load_state_dict(strict=False)</c>).</summary>");
            w.Line("/// <param name=\"path\">The file to read.</param>");
            w.Line("/// <param name=\"strict\">Whether every tensor must match (true: as <see cref=\"Load(string, global::NetGen.TensorMatching)\"/>).</param>");
            w.Line("/// <returns>The tensors loaded, missing, unexpected and of another shape.</returns>");
            w.Line("/// <exception cref=\"global::System.IO.InvalidDataException\">The file is malformed (or, when strict, does not fit); nothing was changed.</exception>");
            w.Line("public global::NetGen.TensorLoadReport Load(string path, bool strict) => global::NetGen.SafeTensors.Load(this, path, strict);");
            w.Line();
            EmitOnnx(w, plan, tensors);
        }

        /// <summary>
        /// ExportOnnx: each layer's export call in declaration order (its kind's <see cref="LayerKind.Export"/>), its
        /// activation, and an output per head.
        /// </summary>
        private static void EmitOnnx(SourceWriter w, NetworkPlan plan, List<TensorPlan> tensors)
        {
            var index = new Dictionary<string, int>();
            for (int i = 0; i < tensors.Count; i++) index[tensors[i].Name] = i;
            w.Line("/// <summary>Writes the inference graph as an ONNX model (opset 17): input \"input\" of shape [batch, " + string.Join(", ", plan.Spec.InputShape.Select(d => Lit(d))) + "], " + (plan.Outputs.Count() == 1 ? "output" : "outputs") + " " + string.Join(", ", plan.Outputs.Select(h => "\"" + h.Name + "\"")) + ", the weights as initializers named as in <see cref=\"Tensors\"/>.</summary>");
            w.Line("/// <param name=\"stream\">Receives the model's bytes.</param>");
            w.Line("public void ExportOnnx(" + Stream + " stream) => BuildOnnx().Write(stream);");
            w.Line();
            w.Line("/// <summary>Writes the inference graph as an ONNX model file (opset 17), atomically: a temporary file in the same folder replaces <paramref name=\"path\"/> once complete.</summary>");
            w.Line("/// <param name=\"path\">The file to write, e.g. model.onnx.</param>");
            w.Line("public void ExportOnnx(string path) => BuildOnnx().Write(path);");
            w.Line();
            w.Line("/// <summary>The inference graph, layer by layer in declaration order: dropout and noise are identities, batch normalization uses its running statistics.</summary>");
            w.Line("private global::NetGen.OnnxGraph BuildOnnx()");
            w.Open();
            w.Line("var onnx = new global::NetGen.OnnxGraph(this, \"" + plan.Spec.Type.Name + "\", " + string.Join(", ", plan.Spec.InputShape.Select(d => Lit(d))) + ");");
            foreach (var layer in plan.Layers)
            {
                var inputs = layer.Inputs.Select(i => i == LayerPlan.NetworkInput ? "onnx.Input" : Value(plan.Layers[i])).ToList();
                w.Line("// " + layer.Name + ": " + layer.Kind.Signature(layer));
                w.Line("string " + Value(layer) + " = " + layer.Kind.Export(layer, new ExportIo(inputs, index)) + ";");
                if (layer.Spec.Act != Act.Identity)
                {
                    string alpha = ActTraits.HasAlpha(layer.Spec.Act) && !double.IsNaN(layer.Spec.Alpha) ? ", " + Lit(layer.Spec.Alpha) + "f" : "";
                    w.Line(Value(layer) + " = onnx.Apply(\"" + layer.Name + "\", " + Value(layer) + ", global::NetGen.Act." + layer.Spec.Act + alpha + string.Concat(layer.OutShape.Select(d => ", " + Lit(d))) + ");");
                }
            }

            foreach (var head in plan.Outputs)
            {
                w.Line("onnx.Output(" + Value(head) + ", \"" + head.Name + "\"" + string.Concat(head.OutShape.Select(d => ", " + Lit(d))) + ");");
            }

            w.Line("return onnx;");
            w.Close();
            w.Line();
        }

        private static string Value(LayerPlan layer) => layer.Name + "Value";

        /// <summary>"new[] { 5, 5 }".</summary>
        private static string IntArray(IEnumerable<int> values) => "new[] { " + string.Join(", ", values.Select(v => Lit(v))) + " }";

        /// <summary>The same members on a network with errors: they throw.</summary>
        private static void EmitFailingPersistence(SourceWriter w, string fail)
        {
            w.Line("/// <summary>Throws: the network has errors.</summary>");
            w.Line("public global::System.Span<long> Counters { get { " + fail + " } }");
            w.Line("/// <summary>Throws: the network has errors.</summary>");
            w.Line("public global::System.Collections.Generic.IReadOnlyList<global::NetGen.TensorInfo> Tensors { get { " + fail + " } }");
            w.Line("/// <summary>Throws: the network has errors.</summary>");
            w.Line("public void Save(" + Stream + " stream) { " + fail + " }");
            w.Line("/// <summary>Throws: the network has errors.</summary>");
            w.Line("public void Save(string path) { " + fail + " }");
            w.Line("/// <summary>Throws: the network has errors.</summary>");
            w.Line("public void Load(" + Stream + " stream, " + Matching + " matching = " + Matching + ".ByName) { " + fail + " }");
            w.Line("/// <summary>Throws: the network has errors.</summary>");
            w.Line("public void Load(string path, " + Matching + " matching = " + Matching + ".ByName) { " + fail + " }");
            w.Line("/// <summary>Throws: the network has errors.</summary>");
            w.Line("public global::NetGen.TensorLoadReport Load(string path, bool strict) { " + fail + " }");
            w.Line("/// <summary>Throws: the network has errors.</summary>");
            w.Line("public void ExportOnnx(" + Stream + " stream) { " + fail + " }");
            w.Line("/// <summary>Throws: the network has errors.</summary>");
            w.Line("public void ExportOnnx(string path) { " + fail + " }");
        }
    }
}
