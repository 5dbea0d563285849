using NetGen;

// The networks of tests/fixtures/make_fixtures.py, declared as a user would: the generator runs on this project.
namespace NetGen.Tests.Parity
{
    [Network(4)]
    [Dense(8, Act.Tanh)]
    [Dense(3, Act.Softmax)]
    public partial class TanhSoftmax { }

    [Network(5)]
    [Dense(16, Act.ReLU)]
    [Dense(8, Act.ELU)]
    [Dense(1, Act.Sigmoid)]
    public partial class ReluEluSigmoid { }

    [Network(6)]
    [Dense(10, Act.SELU)]
    [Dense(7, Act.LeakyReLU, Bias = false)]
    [Dense(4)]
    public partial class SeluLeakyIdentity { }

    [Network(2, 3, 2)]
    [Dense(9, Act.Sigmoid)]
    [Activation(Act.Tanh)]
    [Dense(5, Act.Softmax)]
    public partial class SigmoidTanhSoftmax { }
}
