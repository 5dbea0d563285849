using System.ComponentModel;

namespace NetGen
{
    /// <summary>
    /// The shape of a pooling layer (per channel), as <see cref="IConvShape"/> without filters and dilation: generated code
    /// implements it per layer with literal members, <see cref="PoolGeometry"/> holds it in fields.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public interface IPoolShape
    {
#pragma warning disable CS1591
        int C { get; }
        int ID { get; }
        int IH { get; }
        int IW { get; }
        int OD { get; }
        int OH { get; }
        int OW { get; }
        int KD { get; }
        int KH { get; }
        int KW { get; }
        int SD { get; }
        int SH { get; }
        int SW { get; }
        int PD { get; }
        int PH { get; }
        int PW { get; }
#pragma warning restore CS1591
    }

    /// <summary>A pooling layer's shape held in fields: the general instantiation of the pooling kernels.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public readonly struct PoolGeometry : IPoolShape
    {
        /// <summary>Describes a pooling layer over C channels.</summary>
        public PoolGeometry(int channels, (int D, int H, int W) input, (int D, int H, int W) output, (int D, int H, int W) kernel, (int D, int H, int W) stride, (int D, int H, int W) padding)
        {
            C = channels;
            ID = input.D; IH = input.H; IW = input.W;
            OD = output.D; OH = output.H; OW = output.W;
            KD = kernel.D; KH = kernel.H; KW = kernel.W;
            SD = stride.D; SH = stride.H; SW = stride.W;
            PD = padding.D; PH = padding.H; PW = padding.W;
        }

#pragma warning disable CS1591
        public int C { get; }
        public int ID { get; }
        public int IH { get; }
        public int IW { get; }
        public int OD { get; }
        public int OH { get; }
        public int OW { get; }
        public int KD { get; }
        public int KH { get; }
        public int KW { get; }
        public int SD { get; }
        public int SH { get; }
        public int SW { get; }
        public int PD { get; }
        public int PH { get; }
        public int PW { get; }
#pragma warning restore CS1591
    }
}
