using System;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>
    /// File-based snapshots: Snapshots/{case}/{hint name}.verified.cs, with the generator version written as %VERSION%.
    /// A mismatch writes {hint name}.received.cs beside it and fails; NETGEN_UPDATE_SNAPSHOTS=1 rewrites the baselines.
    /// </summary>
    internal static class Snapshot
    {
        public static string Directory([CallerFilePath] string here = "") => Path.Combine(Path.GetDirectoryName(here)!, "Snapshots");

        public static bool Updating => Environment.GetEnvironmentVariable("NETGEN_UPDATE_SNAPSHOTS") == "1";

        /// <summary>Checks that the generated files of <paramref name="caseName"/> are exactly the baseline files, with the same text.</summary>
        public static void Verify(string caseName, (string HintName, string Text)[] generated)
        {
            string folder = Path.Combine(Directory(), caseName);
            System.IO.Directory.CreateDirectory(folder);
            foreach (var stale in System.IO.Directory.GetFiles(folder, "*.received.cs")) File.Delete(stale);

            string version = NetGen.Generator.Emission.Emitter.Version;
            var failures = new System.Collections.Generic.List<string>();
            foreach (var (hint, text) in generated)
            {
                string normalized = text.Replace("\"" + version + "\"", "\"%VERSION%\"");
                string verified = Path.Combine(folder, Path.GetFileNameWithoutExtension(hint) + ".verified.cs");
                if (Updating)
                {
                    File.WriteAllText(verified, normalized);
                    continue;
                }

                if (!File.Exists(verified) || File.ReadAllText(verified).Replace("\r\n", "\n") != normalized)
                {
                    File.WriteAllText(Path.ChangeExtension(verified, null).Replace(".verified", ".received") + ".cs", normalized);
                    failures.Add(hint);
                }
            }

            var expected = System.IO.Directory.GetFiles(folder, "*.verified.cs").Select(f => Path.GetFileName(f)!.Replace(".verified.cs", ".cs")).OrderBy(f => f);
            var actual = generated.Select(g => Path.GetFileNameWithoutExtension(g.HintName) + ".cs").OrderBy(f => f);
            Assert.Equal(expected, actual);
            Assert.True(failures.Count == 0, "Generated code differs from the snapshot for " + string.Join(", ", failures) + "; compare the .received.cs files with the .verified.cs files in " + folder + " and run with NETGEN_UPDATE_SNAPSHOTS=1 to accept.");
        }
    }
}
