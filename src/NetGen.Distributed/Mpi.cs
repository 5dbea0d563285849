using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;

namespace NetGen.Distributed
{
    /// <summary>
    /// The few MPI functions NetGen uses, bound at run time to the system's MPI library (MPICH's libmpich.so.12 or Open MPI's
    /// libmpi.so.40; NETGEN_MPI_LIBRARY names another), so the package ships no native code. Handles are passed as
    /// pointer-sized integers: MPICH's are int constants, Open MPI's the addresses of its predefined objects.
    /// </summary>
    internal sealed unsafe class Mpi
    {
        /// <summary>The environment variable that names the MPI library to load (a file name or path).</summary>
        public const string LibraryVariable = "NETGEN_MPI_LIBRARY";

        /// <summary>The libraries tried, in order, when <see cref="LibraryVariable"/> is not set (Open MPI's first when its launcher started the process).</summary>
        public static string[] Candidates(bool openMpiLauncher) => openMpiLauncher
            ? new[] { "libmpi.so.40", "libmpich.so.12", "libmpi.so.12", "libmpich.so" }
            : new[] { "libmpich.so.12", "libmpi.so.40", "libmpi.so.12", "libmpich.so" };

        private readonly delegate* unmanaged<int*, int> _initialized;
        private readonly delegate* unmanaged<int*, int> _finalized;
        private readonly delegate* unmanaged<int*, nint, int> _init;
        private readonly delegate* unmanaged<int> _finalize;
        private readonly delegate* unmanaged<nint, int*, int> _rank;
        private readonly delegate* unmanaged<nint, int*, int> _size;
        private readonly delegate* unmanaged<void*, int, nint, void*, int, nint, nint, int> _allgather;
        private readonly delegate* unmanaged<void*, int, nint, void*, int, nint, nint, int> _alltoall;
        private readonly delegate* unmanaged<void*, int, nint, int, nint, int> _bcast;
        private readonly delegate* unmanaged<nint, int> _barrier;
        private readonly delegate* unmanaged<nint, int, int> _abort;

        private Mpi(nint library, string name)
        {
            Library = name;
            nint Export(string symbol) => NativeLibrary.TryGetExport(library, symbol, out var address)
                ? address
                : throw new DllNotFoundException($"The MPI library {name} has no {symbol}; expected an MPI 3 library (MPICH 4, Open MPI 4).");
            _initialized = (delegate* unmanaged<int*, int>)Export("MPI_Initialized");
            _finalized = (delegate* unmanaged<int*, int>)Export("MPI_Finalized");
            _init = (delegate* unmanaged<int*, nint, int>)Export("MPI_Init");
            _finalize = (delegate* unmanaged<int>)Export("MPI_Finalize");
            _rank = (delegate* unmanaged<nint, int*, int>)Export("MPI_Comm_rank");
            _size = (delegate* unmanaged<nint, int*, int>)Export("MPI_Comm_size");
            _allgather = (delegate* unmanaged<void*, int, nint, void*, int, nint, nint, int>)Export("MPI_Allgather");
            _alltoall = (delegate* unmanaged<void*, int, nint, void*, int, nint, nint, int>)Export("MPI_Alltoall");
            _bcast = (delegate* unmanaged<void*, int, nint, int, nint, int>)Export("MPI_Bcast");
            _barrier = (delegate* unmanaged<nint, int>)Export("MPI_Barrier");
            _abort = (delegate* unmanaged<nint, int, int>)Export("MPI_Abort");
            if (NativeLibrary.TryGetExport(library, "ompi_mpi_comm_world", out var world))
            {
                // Open MPI: the predefined handles are the addresses of global objects
                World = world;
                Float = Export("ompi_mpi_float");
                Double = Export("ompi_mpi_double");
            }
            else
            {
                // MPICH and its derivatives (mpi.h): MPI_COMM_WORLD, MPI_FLOAT and MPI_DOUBLE are int constants
                World = 0x44000000;
                Float = 0x4c00040a;
                Double = 0x4c00080b;
            }
        }

        /// <summary>The library loaded (the name or path it was found by).</summary>
        public string Library { get; }

        /// <summary>MPI_COMM_WORLD.</summary>
        public nint World { get; }

        /// <summary>MPI_FLOAT.</summary>
        public nint Float { get; }

        /// <summary>MPI_DOUBLE.</summary>
        public nint Double { get; }

        /// <summary>
        /// Loads the MPI library: <see cref="LibraryVariable"/> if set, else the first of <see cref="Candidates"/> found, Open
        /// MPI's first under Open MPI's launcher (a process started by one MPI's launcher and joined to another's library
        /// would be a world of one: <see cref="MpiWorld.Initialize"/> checks the size against the launcher's).
        /// </summary>
        /// <exception cref="DllNotFoundException">None could be loaded; the message names every name tried and how to install one.</exception>
        public static Mpi Load(bool openMpiLauncher)
        {
            string? chosen = Environment.GetEnvironmentVariable(LibraryVariable);
            var candidates = Candidates(openMpiLauncher);
            var tried = new List<string>();
            foreach (var name in string.IsNullOrEmpty(chosen) ? candidates : new[] { chosen })
            {
                tried.Add(name);
                if (NativeLibrary.TryLoad(name, out var library)) return new Mpi(library, name);
            }

            string how = string.IsNullOrEmpty(chosen)
                ? $"Install MPICH (Debian/Ubuntu: apt-get install mpich) or Open MPI (apt-get install openmpi-bin), or set {LibraryVariable} to the library's path."
                : $"{LibraryVariable} is set to '{chosen}'; point it to an MPI library, or unset it to search for {string.Join(", ", candidates)}.";
            throw new DllNotFoundException($"No MPI library could be loaded: tried {string.Join(", ", tried)}. {how}");
        }

        private static void Check(int code, string function)
        {
            if (code != 0) throw new IOException($"{function} failed with MPI error code {code}.");
        }

        public bool Initialized()
        {
            int flag;
            Check(_initialized(&flag), "MPI_Initialized");
            return flag != 0;
        }

        public bool Finalized()
        {
            int flag;
            Check(_finalized(&flag), "MPI_Finalized");
            return flag != 0;
        }

        public void Init() => Check(_init(null, 0), "MPI_Init");

        public void Shutdown() => Check(_finalize(), "MPI_Finalize");

        public int Rank()
        {
            int rank;
            Check(_rank(World, &rank), "MPI_Comm_rank");
            return rank;
        }

        public int Size()
        {
            int size;
            Check(_size(World, &size), "MPI_Comm_size");
            return size;
        }

        /// <summary>Every process's <paramref name="send"/> (count values each) into <paramref name="receive"/>, rank after rank.</summary>
        public void Allgather(void* send, int count, nint type, void* receive) => Check(_allgather(send, count, type, receive, count, type, World), "MPI_Allgather");

        /// <summary>Block j of <paramref name="send"/> (count values) to process j, which receives it as block r (r this process's rank) of <paramref name="receive"/>.</summary>
        public void Alltoall(void* send, int count, nint type, void* receive) => Check(_alltoall(send, count, type, receive, count, type, World), "MPI_Alltoall");

        public void Broadcast(void* buffer, int count, nint type, int root) => Check(_bcast(buffer, count, type, root, World), "MPI_Bcast");

        public void Barrier() => Check(_barrier(World), "MPI_Barrier");

        public void Abort(int code) => _abort(World, code);
    }
}
