using System;
using System.Linq;
using NetGen.Tests.Parity;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>Summary(): the layer table, checked against LeNet-5's convolution arithmetic (section 6.9) and a frozen layer.</summary>
    public class SummaryTests
    {
        [Fact]
        public void LeNet5s_table_has_each_layers_shape_and_parameters()
        {
            string summary = new LeNet5().Summary();
            var lines = summary.Split('\n');
            Assert.StartsWith("LeNet5: (1, 28, 28) -> (10), 7 layers", lines[0]);
            // (name, output shape, parameters): conv 6*(1*5*5)+6, pool, conv 16*(6*5*5)+16, pool, dense 120*400+120, 84*120+84, 10*84+10
            var expected = new[]
            {
                ("conv1", "(6, 28, 28)", "156"), ("maxpool2", "(6, 14, 14)", "0"), ("conv3", "(16, 10, 10)", "2,416"), ("maxpool4", "(16, 5, 5)", "0"),
                ("dense5", "(120)", "48,120"), ("dense6", "(84)", "10,164"), ("dense7", "(10)", "850"),
            };
            foreach (var (name, shape, parameters) in expected)
            {
                var row = lines.Single(l => l.StartsWith(name + ":", StringComparison.Ordinal));
                var cells = row.Split(new[] { "  " }, StringSplitOptions.RemoveEmptyEntries).Select(c => c.Trim()).ToArray();
                Assert.Equal(shape, cells[1]);
                Assert.Equal(parameters, cells[2]);
            }

            Assert.Contains("Parameters: 61,706 (trainable 61,706, frozen 0), 241.0 KB", summary);
            Assert.Equal(summary, ((INetwork)new LeNet5()).Summary());
        }

        [Fact]
        public void Networks_named_as_the_new_members_compile_and_keep_them_on_the_interface()
        {
            var assembly = TestCompiler.CompileAndLoad("using NetGen;\nnamespace S\n{\n[Network(4)] [Dense(3)] public partial class Summary { }\n[Network(4)] [Dense(3)] public partial class Heads { }\n}\n");
            Assert.StartsWith("Summary: (4) -> (3)", TestCompiler.Create(assembly, "S.Summary").Summary());
            Assert.Equal("dense1", TestCompiler.Create(assembly, "S.Heads").Heads.Single().Name);
        }

        [Fact]
        public void Frozen_layers_are_marked_and_counted()
        {
            var net = TestCompiler.Create(TestCompiler.CompileAndLoad(
                "using NetGen;\nnamespace S\n{\n[Network(4)] [Dense(8, Act.Tanh, Trainable = false, Name = \"trunk\")] [Dense(3, Act.Softmax)] public partial class N { }\n}\n"), "S.N");
            string summary = net.Summary();
            Assert.Contains("trunk: Dense(8, Tanh)", summary);
            Assert.Contains("40 frozen", summary); // 8*4 + 8
            Assert.Contains("Parameters: 67 (trainable 27, frozen 40)", summary);
            Assert.Contains("trunk", summary.Split('\n').Single(l => l.StartsWith("dense2:", StringComparison.Ordinal))); // what dense2 reads
        }
    }
}
