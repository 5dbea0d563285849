using NetGen;

namespace NetGen.Samples
{
    /// <summary>Iris: 4 measurements -> 16 tanh units -> 3 species (softmax, cross-entropy).</summary>
    [Network(4)]
    [Dense(16, Act.Tanh)]
    [Dense(3, Act.Softmax)]
    public partial class IrisNet { }

    /// <summary>XOR as in section 4.5 of the lecture notes: two hidden ReLU units, a linear output.</summary>
    [Network(2)]
    [Dense(2, Act.ReLU)]
    [Dense(1)]
    public partial class XorNet { }

    /// <summary>LeNet-5 (section 6.9) as DESIGN.md declares it: 61,706 parameters.</summary>
    [Network(1, 28, 28)]
    [Conv(6, k: 5, p: 2, act: Act.ReLU)] [MaxPool(2)]
    [Conv(16, k: 5, act: Act.ReLU)] [MaxPool(2)]
    [Dense(120, Act.ReLU)] [Dense(84, Act.ReLU)] [Dense(10, Act.Softmax)]
    public partial class LeNet5 { }
}
