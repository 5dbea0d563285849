using BenchmarkDotNet.Running;

namespace NetGen.Benchmarks
{
    public static class Program
    {
        /// <summary>Run with: dotnet run -c Release --project benchmarks/NetGen.Benchmarks -- --filter '*'</summary>
        public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
