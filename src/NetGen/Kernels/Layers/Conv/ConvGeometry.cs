using System.ComponentModel;

namespace NetGen
{
    /// <summary>
    /// The shape of a convolution, which every convolution kernel is generic over. Spatial sizes are (depth, height, width);
    /// a 2-D layer has depth 1, a 1-D layer depth and height 1 (with kernel 1, stride 1, padding 0). Generated code
    /// implements it once per layer as an empty struct whose members are literals, so the JIT and NativeAOT compile each
    /// kernel for that layer alone with every size folded to a constant; <see cref="ConvGeometry"/> is the same shape held
    /// in fields (the general instantiation, which tests compare against).
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public interface IConvShape
    {
#pragma warning disable CS1591 // the members are ConvGeometry's constructor arguments, per axis
        int C { get; }
        int F { get; }
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
        int DD { get; }
        int DH { get; }
        int DW { get; }
#pragma warning restore CS1591

        /// <summary>Input values per sample: C * ID * IH * IW.</summary>
        int InputLength { get; }

        /// <summary>Output values per sample: F * OD * OH * OW.</summary>
        int OutputLength { get; }
    }

    /// <summary>A convolution's shape held in fields: the general instantiation of the kernels, for shapes known only at run time.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public readonly struct ConvGeometry : IConvShape
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

        /// <summary>The same shape as <paramref name="shape"/>, in fields.</summary>
        public static ConvGeometry Of<TShape>(in TShape shape)
            where TShape : struct, IConvShape
            => new ConvGeometry(shape.C, shape.F, (shape.ID, shape.IH, shape.IW), (shape.OD, shape.OH, shape.OW), (shape.KD, shape.KH, shape.KW),
                (shape.SD, shape.SH, shape.SW), (shape.PD, shape.PH, shape.PW), (shape.DD, shape.DH, shape.DW));

#pragma warning disable CS1591 // the constructor's arguments, per axis
        public int C { get; }
        public int F { get; }
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
        public int DD { get; }
        public int DH { get; }
        public int DW { get; }
#pragma warning restore CS1591

        /// <inheritdoc/>
        public int InputLength => C * ID * IH * IW;

        /// <inheritdoc/>
        public int OutputLength => F * OD * OH * OW;
    }
}
