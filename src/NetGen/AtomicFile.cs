using System;
using System.IO;

namespace NetGen
{
    /// <summary>Writes a file so that readers see the old one or the complete new one, never a part.</summary>
    internal static class AtomicFile
    {
        /// <summary>
        /// Calls <paramref name="write"/> on a temporary file in <paramref name="path"/>'s folder, flushes it to disk, then
        /// renames it over <paramref name="path"/>; on any failure the temporary file is removed and the old file stays.
        /// </summary>
        public static void Write(string path, Action<Stream> write)
        {
            string full = FullPath(path);
            string folder = Path.GetDirectoryName(full)!;
            if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"Cannot write '{path}': the folder '{folder}' does not exist.");
            RemoveStaleTemporaries(folder, Path.GetFileName(full));
            string temporary = Path.Combine(folder, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N") + ".tmp");
            try
            {
                using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    write(file);
                    file.Flush(flushToDisk: true);
                }

                File.Move(temporary, full, overwrite: true);
            }
            catch
            {
                try
                {
                    File.Delete(temporary);
                }
                catch (IOException)
                {
                    // the original error matters more than a temporary file left behind
                }

                throw;
            }
        }

        /// <summary>
        /// Removes the temporary files an earlier write of <paramref name="name"/> left behind when its process died
        /// (".name.&lt;32 hex digits&gt;.tmp"); one that another writer still holds open (locked) is left alone.
        /// </summary>
        private static void RemoveStaleTemporaries(string folder, string name)
        {
            string prefix = "." + name + ".";
            foreach (string file in Directory.EnumerateFiles(folder, prefix + "*.tmp"))
            {
                string middle = Path.GetFileName(file).Substring(prefix.Length);
                if (middle.Length != 32 + 4 || !IsHex(middle.Substring(0, 32))) continue;
                try
                {
                    using (new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
                    {
                        // opened exclusively: no writer holds it
                    }

                    File.Delete(file);
                }
                catch (IOException)
                {
                    // in use by a write in progress, or already gone
                }
                catch (UnauthorizedAccessException)
                {
                    // not ours to remove
                }
            }
        }

        private static bool IsHex(string text)
        {
            foreach (char c in text)
            {
                if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
            }

            return true;
        }

        /// <summary>The absolute path, or an ArgumentException for null or empty.</summary>
        public static string FullPath(string path)
        {
            Guard.NotNull(path, nameof(path));
            if (path.Length == 0) throw new ArgumentException("Expected a file path, but got an empty string.", nameof(path));
            return Path.GetFullPath(path);
        }
    }
}
