using System.IO;
using System.Linq;
using System.Text.Json;

namespace NetGen.Tests
{
    /// <summary>A PyTorch fixture recorded by tests/fixtures/make_fixtures.py.</summary>
    internal sealed class Fixture
    {
        private readonly JsonElement _root;

        private Fixture(JsonElement root) => _root = root;

        public static Fixture Load(string name) => LoadFile(Path.Combine(System.AppContext.BaseDirectory, "Fixtures", name + ".json"));

        /// <summary>A fixture at <paramref name="path"/> (one that lives beside what it describes, such as a sample's).</summary>
        public static Fixture LoadFile(string path)
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            return new Fixture(document.RootElement.Clone());
        }

        public bool Has(string key) => _root.TryGetProperty(key, out _);

        /// <summary>A float array; null entries (JSON has no NaN) are NaN, the missing labels of multi-task targets.</summary>
        public float[] Floats(string key) => _root.GetProperty(key).EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Null ? float.NaN : e.GetSingle()).ToArray();

        public int[] Ints(string key) => _root.GetProperty(key).EnumerateArray().Select(e => e.GetInt32()).ToArray();

        public int Int(string key) => _root.GetProperty(key).GetInt32();

        public double Double(string key) => _root.GetProperty(key).GetDouble();

        public JsonElement this[string key] => _root.GetProperty(key);
    }
}
