using System.ComponentModel;

namespace NetGen
{
    /// <summary>The constant shape of a pooling layer (per channel), as <see cref="ConvGeometry"/> without filters and dilation.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public readonly struct PoolGeometry
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
        public readonly int C, ID, IH, IW, OD, OH, OW, KD, KH, KW, SD, SH, SW, PD, PH, PW;
#pragma warning restore CS1591
    }
}
