using System;
using System.IO;
using NetGen.Tool.Onnx;

namespace NetGen.Tool
{
    /// <summary>
    /// The netgen command. Issue 19 builds `netgen import model.onnx --class Name`; so far the tool reads an ONNX model and
    /// lists its graph (`netgen inspect model.onnx`), the importer's first stage.
    /// </summary>
    public static class Program
    {
        /// <summary>The entry point: <see cref="Run"/> on the console.</summary>
        public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

        /// <summary>Runs the command line; returns the exit code (0 done, 2 refused or bad arguments).</summary>
        public static int Run(string[] args, TextWriter output, TextWriter error)
        {
            if (args.Length != 2 || args[0] != "inspect")
            {
                error.WriteLine("usage: netgen inspect <model.onnx>");
                return 2;
            }

            try
            {
                var model = OnnxModel.Read(args[1]);
                output.WriteLine($"{Path.GetFileName(args[1])}: IR version {model.IrVersion}, opset {model.Opset}, produced by {model.Producer} {model.ProducerVersion}");
                foreach (var input in model.Graph.Inputs) output.WriteLine($"input {input.Name} [{string.Join(", ", input.Dims.ConvertAll(d => d?.ToString() ?? "?"))}]");
                foreach (var node in model.Graph.Nodes) output.WriteLine($"node \"{node.Name}\" ({node.OpType}): {string.Join(", ", node.Inputs)} -> {string.Join(", ", node.Outputs)}");
                foreach (var value in model.Graph.Outputs) output.WriteLine($"output {value.Name} [{string.Join(", ", value.Dims.ConvertAll(d => d?.ToString() ?? "?"))}]");
                return 0;
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"netgen: {args[1]}: {e.Message}");
                return 2;
            }
        }
    }
}
