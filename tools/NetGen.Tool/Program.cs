using System;
using System.Collections.Generic;
using System.IO;
using NetGen.Tool.Import;
using NetGen.Tool.Onnx;

namespace NetGen.Tool
{
    /// <summary>
    /// The netgen command: <c>netgen import model.onnx --class Name [--namespace Ns] [--out dir] [--fold-batch-norm]</c>
    /// writes the declaration and the weights and prints the layer table, or refuses with one line per problem and writes
    /// nothing (exit code 2); <c>netgen inspect model.onnx</c> lists a model's graph.
    /// </summary>
    public static class Program
    {
        private const string Usage = "usage: netgen import <model.onnx> --class <Name> [--namespace <Ns>] [--out <dir>] [--fold-batch-norm] [--add-softmax]\n       netgen inspect <model.onnx>";

        /// <summary>The entry point: <see cref="Run"/> on the console.</summary>
        public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

        /// <summary>Runs the command line; returns the exit code (0 done, 2 refused or bad arguments).</summary>
        public static int Run(string[] args, TextWriter output, TextWriter error)
        {
            if (args.Length >= 2 && args[0] == "inspect" && args.Length == 2) return Inspect(args[1], output, error);
            if (args.Length >= 2 && args[0] == "import") return Import(args, output, error);
            error.WriteLine(Usage);
            return 2;
        }

        private static int Inspect(string path, TextWriter output, TextWriter error)
        {
            try
            {
                var model = OnnxModel.Read(path);
                output.WriteLine($"{Path.GetFileName(path)}: IR version {model.IrVersion}, opset {model.Opset}, produced by {model.Producer} {model.ProducerVersion}");
                foreach (var input in model.Graph.Inputs) output.WriteLine($"input {input.Name} [{string.Join(", ", input.Dims.ConvertAll(d => d?.ToString() ?? "?"))}]");
                foreach (var node in model.Graph.Nodes) output.WriteLine($"node \"{node.Name}\" ({node.OpType}): {string.Join(", ", node.Inputs)} -> {string.Join(", ", node.Outputs)}");
                foreach (var value in model.Graph.Outputs) output.WriteLine($"output {value.Name} [{string.Join(", ", value.Dims.ConvertAll(d => d?.ToString() ?? "?"))}]");
                return 0;
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"netgen: {path}: {e.Message}");
                return 2;
            }
        }

        private static int Import(string[] args, TextWriter output, TextWriter error)
        {
            string path = args[1];
            string? className = null, ns = null, folder = ".";
            bool fold = false, softmax = false;
            for (int i = 2; i < args.Length; i++)
            {
                string? next = i + 1 < args.Length ? args[i + 1] : null;
                switch (args[i])
                {
                    case "--class" when next != null: className = next; i++; break;
                    case "--namespace" when next != null: ns = next; i++; break;
                    case "--out" when next != null: folder = next; i++; break;
                    case "--fold-batch-norm": fold = true; break;
                    case "--add-softmax": softmax = true; break;
                    default:
                        error.WriteLine($"netgen: unknown or incomplete option '{args[i]}'.\n{Usage}");
                        return 2;
                }
            }

            if (className is null || !Importer.IsIdentifier(className))
            {
                error.WriteLine($"netgen: expected --class with a C# identifier, but got '{className}'.\n{Usage}");
                return 2;
            }

            Importer.Result result;
            try
            {
                result = Importer.Import(OnnxModel.Read(path), fold, softmax);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"netgen: {path}: {e.Message}");
                return 2;
            }

            if (result.Problems.Count > 0)
            {
                error.WriteLine($"netgen: {path} cannot be imported ({result.Problems.Count} problem{(result.Problems.Count == 1 ? "" : "s")}; nothing was written):");
                foreach (var problem in result.Problems) error.WriteLine("  " + problem);
                return 2;
            }

            Directory.CreateDirectory(folder);
            string source = Path.Combine(folder, className + ".cs"), weights = Path.Combine(folder, className + ".safetensors");
            // each file is replaced whole or not at all (a failed write leaves the old one)
            AtomicFile.Write(weights, result.SaveWeights);
            byte[] text = new System.Text.UTF8Encoding(false).GetBytes(result.Source(className, ns, Path.GetFileName(path)));
            AtomicFile.Write(source, file => file.Write(text));
            output.Write(result.Table);
            output.WriteLine($"wrote {source} and {weights} ({result.Tensors.Count} tensors)");
            return 0;
        }
    }
}
