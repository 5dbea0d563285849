using System;
using System.IO;
using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;

namespace NetGen.Benchmarks
{
    /// <summary>
    /// LeNet-5 inference in NetGen and in ONNX Runtime, in the same process, one thread each, on the same weights
    /// (benchmarks/export_lenet.py records the ONNX file and the parameters). Setup checks that both give the same
    /// probabilities, so the two benchmarks do the same work.
    /// </summary>
    [MemoryDiagnoser]
    public class LeNetVersusOnnxRuntime
    {
        private readonly LeNet5 _net = new LeNet5();
        private InferenceSession? _session;
        private RunOptions? _run;
        private OrtValue? _input1, _output1, _input64, _output64;
        private float[] _inputs = Array.Empty<float>();
        private float[] _outputs = Array.Empty<float>();
        private float[] _ortOutputs1 = Array.Empty<float>();
        private float[] _ortOutputs64 = Array.Empty<float>();
        private readonly string[] _inputNames = { "input" };
        private readonly string[] _outputNames = { "output" };

        [GlobalSetup]
        public void Setup()
        {
            string folder = Path.Combine(AppContext.BaseDirectory, "Models");
            var bytes = File.ReadAllBytes(Path.Combine(folder, "lenet5.parameters"));
            if (bytes.Length != LeNet5.ParameterCount * 4) throw new InvalidDataException($"Expected {LeNet5.ParameterCount * 4} bytes of parameters, but got {bytes.Length}.");
            Buffer.BlockCopy(bytes, 0, _parameters = new float[LeNet5.ParameterCount], 0, bytes.Length);
            _parameters.CopyTo(_net.Parameters);

            var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
            _session = new InferenceSession(Path.Combine(folder, "lenet5.onnx"), options);
            _run = new RunOptions();
            var rng = new Rng(3);
            _inputs = new float[64 * LeNet5.InputLength];
            for (int i = 0; i < _inputs.Length; i++) _inputs[i] = (float)rng.NextDouble();
            _outputs = new float[64 * LeNet5.OutputLength];
            _ortOutputs1 = new float[LeNet5.OutputLength];
            _ortOutputs64 = new float[64 * LeNet5.OutputLength];
            _input1 = OrtValue.CreateTensorValueFromMemory(new float[LeNet5.InputLength], new long[] { 1, 1, 28, 28 });
            _inputs.AsSpan(0, LeNet5.InputLength).CopyTo(_input1.GetTensorMutableDataAsSpan<float>());
            _output1 = OrtValue.CreateTensorValueFromMemory(_ortOutputs1, new long[] { 1, 10 });
            _input64 = OrtValue.CreateTensorValueFromMemory(_inputs, new long[] { 64, 1, 28, 28 });
            _output64 = OrtValue.CreateTensorValueFromMemory(_ortOutputs64, new long[] { 64, 10 });

            OnnxRuntime_batch64();
            NetGen_batch64();
            for (int i = 0; i < _outputs.Length; i++)
            {
                if (Math.Abs(_outputs[i] - _ortOutputs64[i]) > 1e-4f) throw new InvalidOperationException($"NetGen and ONNX Runtime differ at {i}: {_outputs[i]} vs {_ortOutputs64[i]}.");
            }
        }

        private float[] _parameters = Array.Empty<float>();

        [GlobalCleanup]
        public void Cleanup()
        {
            _input1?.Dispose();
            _output1?.Dispose();
            _input64?.Dispose();
            _output64?.Dispose();
            _run?.Dispose();
            _session?.Dispose();
        }

        [Benchmark]
        public void NetGen_batch1() => _net.Forward(_inputs.AsSpan(0, LeNet5.InputLength), _outputs.AsSpan(0, LeNet5.OutputLength));

        [Benchmark]
        public void OnnxRuntime_batch1() => _session!.Run(_run, _inputNames, new[] { _input1! }, _outputNames, new[] { _output1! });

        [Benchmark]
        public void NetGen_batch64() => _net.Forward(_inputs, _outputs, 64);

        [Benchmark]
        public void OnnxRuntime_batch64() => _session!.Run(_run, _inputNames, new[] { _input64! }, _outputNames, new[] { _output64! });
    }
}
