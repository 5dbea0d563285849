using System;
using System.Diagnostics;
using System.Runtime.Intrinsics;
using NetGen;

// LeNet-5 in a fresh process: the network's creation, its first Forward, the mean of the next 1,000 calls, and the mean
// of 1,000 calls after 20,000 more (the steady state). One line, so a script can run it many times.
var clock = Stopwatch.StartNew();
var net = new ColdStart.LeNet5();
double create = clock.Elapsed.TotalMilliseconds;
var input = new float[ColdStart.LeNet5.InputLength];
var output = new float[ColdStart.LeNet5.OutputLength];
var random = new Random(3);
for (int i = 0; i < input.Length; i++) input[i] = (float)random.NextDouble();

clock.Restart();
net.Forward(input, output);
double first = clock.Elapsed.TotalMilliseconds;
clock.Restart();
for (int i = 0; i < 1000; i++) net.Forward(input, output);
double next = clock.Elapsed.TotalMilliseconds; // ms per 1,000 calls = us per call
for (int i = 0; i < 20000; i++) net.Forward(input, output);
clock.Restart();
for (int i = 0; i < 1000; i++) net.Forward(input, output);
double steady = clock.Elapsed.TotalMilliseconds;
Console.WriteLine($"create {create:F2} ms, first Forward {first:F2} ms, next 1,000: {next:F1} us/call, steady: {steady:F1} us/call, Vector512 {Vector512.IsHardwareAccelerated}, output[0] {output[0]:R}");

namespace ColdStart
{
    /// <summary>LeNet-5 as the README declares it.</summary>
    [Network(1, 28, 28)]
    [Conv(6, k: 5, p: 2, act: Act.ReLU)] [MaxPool(2)]
    [Conv(16, k: 5, act: Act.ReLU)] [MaxPool(2)]
    [Dense(120, Act.ReLU)] [Dense(84, Act.ReLU)] [Dense(10, Act.Softmax)]
    public partial class LeNet5 { }
}
