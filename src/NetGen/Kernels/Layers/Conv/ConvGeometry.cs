using System.ComponentModel;

namespace NetGen
{
    /// <summary>
    /// The constant shape of a convolution, written by generated code with every size a literal. Spatial sizes are
    /// (depth, height, width); a 2-D layer has depth 1, a 1-D layer depth and height 1 (with kernel 1, stride 1, padding 0).
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public readonly struct ConvGeometry
    {
        /// <summary>Describes a convolution from C input to F output channels.</summary>
        public ConvGeometry(int channels, int filters, (int D, int H, int W) input, (int D, int H, int W) output, (int D, int H, int W) kernel, (int D, int H, int W) stride, (int D, int H, int W) padding, (int D, int H, int W) dilation)
        {
            C = channels;
            F = filters;
            ID = input.D; IH = input.H; IW = input.W;
            OD = output.D; OH = output.H; OW = output.W;
            KD = kernel.D; KH = kernel.H; KW = kernel.W;
            SD = stride.D; SH = stride.H; SW = stride.W;
            PD = padding.D; PH = padding.H; PW = padding.W;
            DD = dilation.D; DH = dilation.H; DW = dilation.W;
        }

#pragma warning disable CS1591 // the fields are the constructor's arguments, per axis
        public readonly int C, F, ID, IH, IW, OD, OH, OW, KD, KH, KW, SD, SH, SW, PD, PH, PW, DD, DH, DW;
#pragma warning restore CS1591

        /// <summary>Input values per sample: C * ID * IH * IW.</summary>
        public int InputLength => C * ID * IH * IW;

        /// <summary>Output values per sample: F * OD * OH * OW.</summary>
        public int OutputLength => F * OD * OH * OW;
    }
}
