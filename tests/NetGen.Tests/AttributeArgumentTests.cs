using System.Linq;
using System.Reflection;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>
    /// The argument names the parser reads and the diagnostics point at (LayerArguments, one file shared by the runtime
    /// and the generator) are the attributes' real constructor parameters and properties.
    /// </summary>
    public class AttributeArgumentTests
    {
        [Fact]
        public void Every_argument_name_is_a_parameter_or_property_of_a_NetGen_attribute()
        {
            var attributes = typeof(NetworkAttribute).Assembly.GetTypes().Where(t => typeof(System.Attribute).IsAssignableFrom(t) && t.Namespace == "NetGen").ToList();
            var names = attributes.SelectMany(t => t.GetConstructors().SelectMany(c => c.GetParameters()).Select(p => p.Name!)
                .Concat(t.GetProperties().Where(p => p.CanWrite).Select(p => p.Name))).ToHashSet();
            var constants = typeof(NetGen.Generator.Model.LayerArguments).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).ToList();
            Assert.True(constants.Count >= 30, "the argument names are constants of LayerArguments");
            foreach (var constant in constants)
            {
                string name = (string)constant.GetRawConstantValue()!;
                Assert.True(names.Contains(name), $"LayerArguments.{constant.Name} = \"{name}\" is no parameter or settable property of a NetGen attribute");
            }
        }

        [Fact]
        public void The_attributes_defaults_are_the_parsers_defaults()
        {
            Assert.Equal(NetGen.Generator.Model.LayerDefaults.InitScale, new DenseAttribute(1).InitScale);
            Assert.Equal(NetGen.Generator.Model.LayerDefaults.W0, new ConvAttribute(1, 1).W0);
            Assert.Equal(NetGen.Generator.Model.LayerDefaults.Eps, new BatchNormAttribute().Eps);
            Assert.Equal(NetGen.Generator.Model.LayerDefaults.Momentum, new BatchNormAttribute().Momentum);
            Assert.Equal(NetGen.Generator.Model.LayerDefaults.LossWeight, new DenseAttribute(1).LossWeight);
            Assert.Equal(NetGen.Generator.Model.LayerDefaults.Stride, new ConvAttribute(1, 3).S);
        }
    }
}
