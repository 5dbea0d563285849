using System;
using System.Runtime.InteropServices;

namespace NetGen.Distributed
{
    /// <summary>
    /// The processes of an MPI job (MPI_COMM_WORLD), or this process alone when it was not started by mpiexec/mpirun. Every
    /// reduction is deterministic: each value is added over the processes in rank order, in double, by one process, and the
    /// result sent to all (see <see cref="Average(Span{float})"/>), so it is the same bits on every process and in every run,
    /// whatever algorithm the MPI library would pick for a reduction. Dispose calls MPI_Finalize.
    /// </summary>
    /// <remarks>
    /// An exception that no code catches on any process prints its message with the rank and ends the whole job by MPI_Abort,
    /// so the other processes do not wait for it forever. Dropout and other random layers should draw a different stream on
    /// each process: <see cref="Stream(long)"/> gives process r the stream r + 1 of the seed.
    /// </remarks>
    public sealed unsafe class MpiWorld : IProcessGroup, IDisposable
    {
        private readonly Mpi? _mpi;
        private double[] _gathered = Array.Empty<double>();
        private float[] _send = Array.Empty<float>(), _receive = Array.Empty<float>();
        private bool _disposed;

        private MpiWorld(Mpi? mpi, int rank, int size)
        {
            _mpi = mpi;
            Rank = rank;
            Size = size;
        }

        /// <inheritdoc/>
        public int Rank { get; }

        /// <inheritdoc/>
        public int Size { get; }

        /// <summary>Whether this is an MPI job (started by mpiexec/mpirun) rather than this process alone.</summary>
        public bool IsMpi => _mpi != null;

        /// <summary>The MPI library in use (its file name or path), or null for a process alone.</summary>
        public string? Library => _mpi?.Library;

        /// <summary>
        /// Joins the MPI job this process was started in (MPI_Init, once per process), or, when no MPI launcher started it
        /// (none of PMI_RANK, PMI_SIZE, OMPI_COMM_WORLD_SIZE, PMIX_RANK is set), a world of this process alone that needs no MPI
        /// library. The library is MPICH's libmpich.so.12 or Open MPI's libmpi.so.40 (Open MPI's first under its mpirun), or
        /// the one NETGEN_MPI_LIBRARY names.
        /// </summary>
        /// <exception cref="DllNotFoundException">Started by an MPI launcher, but no MPI library could be loaded; the message names what was tried.</exception>
        /// <exception cref="InvalidOperationException">The library's world is not the size the launcher started: the launcher and the library are of different MPIs.</exception>
        public static MpiWorld Initialize()
        {
            if (!Launched()) return new MpiWorld(null, 0, 1);
            string? openMpiSize = Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE");
            var mpi = Mpi.Load(openMpiLauncher: !string.IsNullOrEmpty(openMpiSize));
            if (!mpi.Initialized()) mpi.Init();
            var world = new MpiWorld(mpi, mpi.Rank(), mpi.Size());
            string? launched = openMpiSize ?? Environment.GetEnvironmentVariable("PMI_SIZE");
            if (int.TryParse(launched, out int expected) && expected != world.Size)
            {
                string launcher = openMpiSize != null ? "Open MPI's mpirun" : "an MPICH (PMI) launcher";
                throw new InvalidOperationException($"Started by {launcher} for {expected} processes, but the MPI library {mpi.Library} sees a world of {world.Size}: the launcher and the library are of different MPIs. Start the program with the launcher of {mpi.Library}, or set {Mpi.LibraryVariable} to the library of the launcher used (MPICH: libmpich.so.12, Open MPI: libmpi.so.40).");
            }

            AppDomain.CurrentDomain.UnhandledException += (_, e) =>
            {
                Console.Error.WriteLine($"rank {world.Rank} of {world.Size}: unhandled {e.ExceptionObject}");
                Console.Error.WriteLine($"rank {world.Rank}: MPI_Abort ends the job.");
                Console.Error.Flush();
                System.Threading.Thread.Sleep(500); // the launcher forwards the message before the abort tears the job down
                mpi.Abort(1);
            };
            return world;
        }

        /// <summary>Whether an MPI launcher (MPICH's hydra, Open MPI's mpirun, a PMIx launcher) started this process.</summary>
        private static bool Launched()
        {
            foreach (var name in new[] { "PMI_RANK", "PMI_SIZE", "OMPI_COMM_WORLD_SIZE", "PMIX_RANK" })
            {
                if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name))) return true;
            }

            return false;
        }

        /// <summary>The random stream of process <see cref="Rank"/> for <paramref name="seed"/>: new Rng(seed, Rank + 1), for a network's Randomness (dropout masks differ between processes, and every run draws the same).</summary>
        public Rng Stream(long seed) => new Rng(seed, Rank + 1);

        /// <inheritdoc/>
        /// <remarks>
        /// A reduce-scatter and an allgather, both in a fixed order: the values are cut into Size equal blocks (the last padded),
        /// process r receives block r of every process (MPI_Alltoall), adds them in rank order in double and divides, then every
        /// process gathers every block (MPI_Allgather). Each value is summed once, by its block's owner, so all processes get the
        /// same bits, and each sends and receives about 2 (Size - 1) / Size times the values, as a ring allreduce does.
        /// </remarks>
        public void Average(Span<float> values)
        {
            if (Size == 1 || values.Length == 0) return;
            int block = (values.Length + Size - 1) / Size, padded = block * Size;
            if (_send.Length < padded) (_send, _receive) = (new float[padded], new float[padded]);
            values.CopyTo(_send);
            _send.AsSpan(values.Length, padded - values.Length).Clear();
            fixed (float* send = _send)
            fixed (float* receive = _receive)
            {
                _mpi!.Alltoall(send, block, _mpi.Float, receive); // receive: block Rank of process 0, of process 1, ...
                double scale = 1.0 / Size;
                for (int i = 0; i < block; i++)
                {
                    double sum = 0;
                    for (int r = 0; r < Size; r++) sum += receive[r * block + i];
                    send[i] = (float)(sum * scale); // this process's averaged block, staged at the front of send
                }

                _mpi.Allgather(send, block, _mpi.Float, receive);
            }

            _receive.AsSpan(0, values.Length).CopyTo(values);
        }

        /// <summary>Replaces <paramref name="values"/> by their sum over the processes (in rank order, in double; the same bits everywhere).</summary>
        public void Sum(Span<float> values)
        {
            Average(values);
            for (int i = 0; i < values.Length; i++) values[i] = (float)((double)values[i] * Size);
        }

        /// <inheritdoc/>
        public double Average(double value)
        {
            if (Size == 1) return value;
            if (_gathered.Length < Size) _gathered = new double[Size];
            var local = stackalloc double[1];
            local[0] = value;
            fixed (double* all = _gathered) _mpi!.Allgather(local, 1, _mpi.Double, all);
            double sum = 0;
            for (int r = 0; r < Size; r++) sum += _gathered[r];
            return sum / Size;
        }

        /// <inheritdoc/>
        public void Broadcast(Span<float> values, int root)
        {
            if (root < 0 || root >= Size) throw new ArgumentOutOfRangeException(nameof(root), root, $"Expected a root rank in [0, {Size - 1}], but got {root}.");
            if (Size == 1) return;
            fixed (float* p = values) _mpi!.Broadcast(p, values.Length, _mpi.Float, root);
        }

        /// <summary>Waits until every process has reached this call.</summary>
        public void Barrier() => _mpi?.Barrier();

        /// <summary>Ends the whole job with <paramref name="code"/> (MPI_Abort); for a process alone, the process.</summary>
        public void Abort(int code)
        {
            if (_mpi != null) _mpi.Abort(code);
            Environment.Exit(code);
        }

        /// <summary>MPI_Finalize, once, after a barrier (so no process leaves while another still sends).</summary>
        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            if (_mpi == null || _mpi.Finalized()) return;
            _mpi.Barrier();
            _mpi.Shutdown();
        }
    }
}
