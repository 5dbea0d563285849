using System;
using System.Buffers.Binary;
using System.IO;
using System.Text;

namespace NetGen.Tool.Onnx
{
    /// <summary>
    /// The protocol-buffers wire format, read: the counterpart of the runtime's writer. A message is a run of fields, each
    /// a tag (field number and wire type) and a value: a varint (0), 64 bits (1), a length-delimited run of bytes (2) or 32
    /// bits (5). Every length and varint is checked against the bytes there are; anything malformed is an
    /// <see cref="InvalidDataException"/> saying where, never another exception.
    /// </summary>
    internal ref struct ProtoReader
    {
        private readonly ReadOnlySpan<byte> _bytes;
        private readonly string _what;
        private int _at;

        /// <summary>A reader over one message's bytes; <paramref name="what"/> names the message in errors ("ModelProto").</summary>
        public ProtoReader(ReadOnlySpan<byte> bytes, string what)
        {
            _bytes = bytes;
            _what = what;
            _at = 0;
        }

        /// <summary>Whether another field follows.</summary>
        public bool More => _at < _bytes.Length;

        /// <summary>The next field's number and wire type.</summary>
        public (int Field, int WireType) Tag()
        {
            ulong tag = Varint();
            int field = (int)(tag >> 3), wire = (int)(tag & 7);
            if (field <= 0 || tag >> 3 > int.MaxValue) throw Bad($"a field number {tag >> 3}, not a positive int");
            if (wire is 3 or 4 or 6 or 7) throw Bad($"wire type {wire} on field {field} (groups and unknown types are not ONNX)");
            return (field, wire);
        }

        /// <summary>A varint (at most 10 bytes).</summary>
        public ulong Varint()
        {
            ulong value = 0;
            for (int shift = 0; shift < 70; shift += 7)
            {
                if (_at >= _bytes.Length) throw Bad("a varint cut off by the end of the message");
                byte b = _bytes[_at++];
                value |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0) return value;
            }

            throw Bad("a varint longer than 10 bytes");
        }

        /// <summary>A varint as a signed 64-bit value (int64 fields: negative values take ten bytes).</summary>
        public long Int64() => (long)Varint();

        /// <summary>A varint field's value as an int32 (enums, int32 fields).</summary>
        public int Int32() => unchecked((int)Varint());

        /// <summary>A 32-bit float (wire type 5).</summary>
        public float Float() => BinaryPrimitives.ReadSingleLittleEndian(Take(4));

        /// <summary>A 64-bit float (wire type 1).</summary>
        public double Double() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));

        /// <summary>A length-delimited value's bytes (a string, bytes, a packed array or a nested message).</summary>
        public ReadOnlySpan<byte> Bytes()
        {
            ulong length = Varint();
            if (length > (ulong)(_bytes.Length - _at)) throw Bad($"a length of {length} bytes with {_bytes.Length - _at} left in the message");
            return Take((int)length);
        }

        /// <summary>A UTF-8 string.</summary>
        public string String()
        {
            var bytes = Bytes();
            try
            {
                return Strict.GetString(bytes);
            }
            catch (DecoderFallbackException)
            {
                throw Bad("a string that is not UTF-8");
            }
        }

        /// <summary>Skips a field's value of <paramref name="wireType"/> (a field this reader does not use).</summary>
        public void Skip(int wireType)
        {
            switch (wireType)
            {
                case 0: Varint(); break;
                case 1: Take(8); break;
                case 2: Bytes(); break;
                case 5: Take(4); break;
                default: throw Bad($"wire type {wireType}");
            }
        }

        /// <summary>The error for malformed bytes here.</summary>
        public InvalidDataException Bad(string problem) => new InvalidDataException($"Malformed {_what} at byte {_at}: {problem}.");

        private ReadOnlySpan<byte> Take(int count)
        {
            if (count > _bytes.Length - _at) throw Bad($"{count} bytes wanted, {_bytes.Length - _at} left in the message");
            var span = _bytes.Slice(_at, count);
            _at += count;
            return span;
        }

        private static readonly UTF8Encoding Strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
    }
}
