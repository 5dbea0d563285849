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
            string temporary = Path.Combine(Path.GetDirectoryName(full)!, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N") + ".tmp");
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

        /// <summary>The absolute path, or an ArgumentException for null or empty.</summary>
        public static string FullPath(string path)
        {
            Guard.NotNull(path, nameof(path));
            if (path.Length == 0) throw new ArgumentException("Expected a file path, but got an empty string.", nameof(path));
            return Path.GetFullPath(path);
        }
    }
}
