using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;

namespace NetGen.Benchmarks
{
    /// <summary>
    /// LeNet-5 in a fresh process (issue 17's "fast from the first call"): the first Forward (the JIT compiles every
    /// kernel it reaches) and, in other processes, the 1,000 calls after that first one (tier-0 and on-stack-replaced
    /// code until the tiered JIT promotes the hot kernels). Each launch is a new process; the network is created in the
    /// setup, so its initialization is not timed.
    /// </summary>
    [SimpleJob(RunStrategy.ColdStart, launchCount: 10, warmupCount: 0, iterationCount: 1, invocationCount: 1)]
    public class ColdStartBenchmarks
    {
        private readonly LeNet5 _net = new LeNet5();
        private readonly float[] _input = new float[LeNet5.InputLength];
        private readonly float[] _output = new float[LeNet5.OutputLength];

        /// <summary>First: the first Forward of the process. Next: 1,000 Forward calls after one untimed first call.</summary>
        [Params("First", "Next1000")]
        public string Calls { get; set; } = "First";

        [GlobalSetup]
        public void Setup()
        {
            var random = new Random(3);
            for (int i = 0; i < _input.Length; i++) _input[i] = (float)random.NextDouble();
            if (Calls == "Next1000") _net.Forward(_input, _output);
        }

        [Benchmark]
        public float Forward()
        {
            int count = Calls == "First" ? 1 : 1000;
            for (int i = 0; i < count; i++) _net.Forward(_input, _output);
            return _output[0];
        }
    }
}
