// LeNet-5's two convolutions with every size a literal, as the generated LeNet5 declares them (Conv1Shape, Conv3Shape):
// compiled into the tests and the benchmarks, which call the kernels with them directly.
namespace NetGen
{
    /// <summary>LeNet-5's convolution shapes as generated code writes them.</summary>
    internal static class LeNetShapes
    {
        /// <summary>conv1: 1 -> 6 filters, 5x5, padding 2, over 28x28.</summary>
        internal readonly struct Conv1 : IConvShape
        {
            public int C => 1; public int F => 6;
            public int ID => 1; public int IH => 28; public int IW => 28;
            public int OD => 1; public int OH => 28; public int OW => 28;
            public int KD => 1; public int KH => 5; public int KW => 5;
            public int SD => 1; public int SH => 1; public int SW => 1;
            public int PD => 0; public int PH => 2; public int PW => 2;
            public int DD => 1; public int DH => 1; public int DW => 1;
            public int InputLength => 784; public int OutputLength => 4704;
        }

        /// <summary>conv3: 6 -> 16 filters, 5x5, over 14x14.</summary>
        internal readonly struct Conv3 : IConvShape
        {
            public int C => 6; public int F => 16;
            public int ID => 1; public int IH => 14; public int IW => 14;
            public int OD => 1; public int OH => 10; public int OW => 10;
            public int KD => 1; public int KH => 5; public int KW => 5;
            public int SD => 1; public int SH => 1; public int SW => 1;
            public int PD => 0; public int PH => 0; public int PW => 0;
            public int DD => 1; public int DH => 1; public int DW => 1;
            public int InputLength => 1176; public int OutputLength => 1600;
        }
    }
}
