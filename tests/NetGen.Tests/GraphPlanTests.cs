using System.Linq;
using NetGen.Generator;
using NetGen.Generator.Model;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>The graph in the plan: inputs, consumers, outputs, and the parameter tensors' PyTorch names.</summary>
    public class GraphPlanTests
    {
        private static NetworkPlan Plan(string attributes)
        {
            var compilation = TestCompiler.Compilation("using NetGen;\nnamespace Demo\n{\n" + attributes + " public partial class N { }\n}\n");
            var driver = TestCompiler.Driver(trackSteps: true).RunGenerators(compilation);
            return (NetworkPlan)driver.GetRunResult().Results.Single().TrackedSteps[NetworkGenerator.TrackingNames.Infer].Single().Outputs.Single().Value;
        }

        [Fact]
        public void A_chain_names_its_tensors_as_the_equivalent_Sequential()
        {
            // LeNet-5 as nn.Sequential(Conv2d, ReLU, MaxPool2d, Conv2d, ReLU, MaxPool2d, Flatten, Linear, ReLU, Linear, ReLU, Linear).
            var plan = Plan("[Network(1, 28, 28)] [Conv(6, k: 5, p: 2, act: Act.ReLU)] [MaxPool(2)] [Conv(16, k: 5, act: Act.ReLU)] [MaxPool(2)] [Dense(120, Act.ReLU)] [Dense(84, Act.ReLU)] [Dense(10, Act.Softmax)]");
            var tensors = plan.Layers.SelectMany(l => l.Tensors).ToList();
            Assert.Equal(new[] { "0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias", "9.weight", "9.bias", "11.weight", "11.bias" }, tensors.Select(t => t.Name));
            Assert.Equal(new[] { 6, 1, 5, 5 }, tensors[0].Shape.ToArray());
            Assert.Equal(new[] { 120, 400 }, tensors[4].Shape.ToArray());
            Assert.Equal(new[] { 0, 150, 156, 2556, 2572, 50572, 50692, 60772, 60856, 61696 }, tensors.Select(t => t.Offset));
            Assert.Equal("HeNormal", tensors[0].Initializer); // ReLU layers: He normal (section 9.3.2)
        }

        [Fact]
        public void A_graph_names_its_tensors_after_its_layers()
        {
            var plan = Plan("[Network(4)] [Dense(8, Act.Tanh, Name = \"trunk\")] [Dense(3, Act.Softmax, Name = \"cls\", Output = true)] [Dense(2, From = \"trunk\", WeightNorm = true)] [BatchNorm]");
            // state_dict() order: weight_norm re-registers the weight after the bias; batch norm's buffers follow its parameters
            Assert.Equal(new[] { "trunk.weight", "trunk.bias", "cls.weight", "cls.bias", "dense3.bias", "dense3.weight_g", "dense3.weight_v", "batchnorm4.weight", "batchnorm4.bias", "batchnorm4.running_mean", "batchnorm4.running_var", "batchnorm4.num_batches_tracked" },
                plan.Layers.SelectMany(l => l.Tensors).Select(t => t.Name));
            Assert.Equal(new[] { 2, 1 }, plan.Layers[2].Tensors[1].Shape.ToArray()); // weight_g keeps the weight's rank, as weight_norm does
            Assert.Empty(plan.Layers[3].Tensors[4].Shape); // num_batches_tracked is a scalar
            Assert.Equal(new[] { NetGen.Generator.Model.TensorStore.Buffers, NetGen.Generator.Model.TensorStore.Buffers, NetGen.Generator.Model.TensorStore.Counters }, plan.Layers[3].Tensors.Skip(2).Select(t => t.Store));
            Assert.Equal(new[] { 0, 2, 0 }, plan.Layers[3].Tensors.Skip(2).Select(t => t.Offset)); // mean, then variance, in the buffers; counter 0
            // how each starts: chapter 9's default per activation, zero biases, g = ||v||, gamma 1 and beta 0, running mean 0 and variance 1
            Assert.Equal(new[] { "GlorotUniform", "Constant 0", "GlorotUniform", "Constant 0", "Constant 0", "RowNorms of weight_v", "GlorotUniform", "Constant 1", "Constant 0", "Constant 0", "Constant 1", "Constant 0" },
                plan.Layers.SelectMany(l => l.Tensors).Select(t => t.Initializer));
        }

        [Fact]
        public void Inputs_consumers_and_outputs_follow_the_declaration()
        {
            var plan = Plan("[Network(4)] [Dense(8, Name = \"a\")] [Dense(8)] [Add(\"a\", \"a\", Name = \"sum\")] [Dense(3, Act.Softmax, From = \"a\", Output = true)] [Concat(\"sum\")] [Dense(1, Act.Sigmoid)]");
            Assert.Empty(plan.Problems);
            Assert.Equal(new[] { LayerPlan.NetworkInput }, plan.Layers[0].Inputs.ToArray());
            Assert.Equal(new[] { 1, 0, 0 }, plan.Layers[2].Inputs.ToArray());
            Assert.Equal(new[] { 1, 2, 2, 3 }, plan.Layers[0].Consumers.ToArray()); // read by dense2, twice by the add, and by the head
            Assert.Equal(new[] { 3, 2 }, plan.Layers[4].Inputs.ToArray()); // the concat: the head (previous), then sum
            Assert.Equal(new[] { 3, 5 }, plan.Layers.Where(l => l.IsOutput).Select(l => l.Index));
            Assert.Equal(new[] { 0, 3 }, plan.Layers.Where(l => l.IsOutput).Select(l => l.OutputOffset));
            Assert.Equal(4, plan.OutputLength);
            Assert.Equal(new[] { 3, 8 }, plan.Layers[4].InputSizes.ToArray());
            Assert.Equal(new[] { 11 }, plan.Layers[4].OutShape.ToArray());
        }

        [Fact]
        public void A_dead_branch_is_kept_but_does_not_backpropagate()
        {
            var plan = Plan("[Network(4)] [Dense(8, Name = \"a\")] [Dense(5)] [Dense(2, From = \"a\")]");
            Assert.Equal("NG0021", plan.Problems.Single().Id);
            Assert.False(plan.HasErrors);
            Assert.Equal(new[] { true, false, true }, plan.Layers.Select(l => l.Live));
        }
    }
}
