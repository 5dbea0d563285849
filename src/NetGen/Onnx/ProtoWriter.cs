using System;
using System.IO;
using System.Text;

namespace NetGen.Onnx
{
    /// <summary>
    /// The protocol-buffers wire format, as far as ONNX files need it: varints, 32-bit floats, and length-delimited fields
    /// (strings, bytes, nested messages). A message is written into its own writer, then embedded in its parent.
    /// </summary>
    internal sealed class ProtoWriter
    {
        private readonly MemoryStream _bytes = new MemoryStream();

        public long Length => _bytes.Length;

        /// <summary>A varint field (int32, int64, enum; negative values as ten bytes, as protobuf does).</summary>
        public ProtoWriter Varint(int field, long value)
        {
            Tag(field, 0);
            Raw((ulong)value);
            return this;
        }

        /// <summary>A 32-bit float field.</summary>
        public ProtoWriter Float(int field, float value)
        {
            Tag(field, 5);
            Span<byte> bytes = stackalloc byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
            _bytes.Write(bytes);
            return this;
        }

        public ProtoWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public ProtoWriter Bytes(int field, ReadOnlySpan<byte> value)
        {
            Tag(field, 2);
            Raw((ulong)value.Length);
            _bytes.Write(value);
            return this;
        }

        public ProtoWriter Message(int field, ProtoWriter message)
        {
            Tag(field, 2);
            Raw((ulong)message._bytes.Length);
            message._bytes.Position = 0;
            message._bytes.CopyTo(_bytes);
            return this;
        }

        public void CopyTo(Stream stream)
        {
            _bytes.Position = 0;
            _bytes.CopyTo(stream);
        }

        private void Tag(int field, int wireType) => Raw((ulong)((field << 3) | wireType));

        private void Raw(ulong value)
        {
            while (value >= 0x80)
            {
                _bytes.WriteByte((byte)(value | 0x80));
                value >>= 7;
            }

            _bytes.WriteByte((byte)value);
        }
    }
}
