using System;
using System.Threading;

namespace NetGen
{
    /// <summary>
    /// Opt-in use of several cores by NetGen's kernels (one thread by default). Each matrix product large enough to pay
    /// for the hand-over is split into fixed blocks of its output; every output value is still computed by one thread
    /// with the same sequence of operations, so results are bit-identical for any thread count.
    /// </summary>
    public static class Parallelism
    {
        private static int s_max = 1;

        /// <summary>
        /// The number of threads a kernel may use, the calling thread included (1, the default: only the calling thread;
        /// <see cref="Environment.ProcessorCount"/> for every core), as <c>ParallelOptions.MaxDegreeOfParallelism</c>.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
        public static int MaxDegreeOfParallelism
        {
            get => Volatile.Read(ref s_max);
            set
            {
                if (value < 1) throw new ArgumentOutOfRangeException(nameof(value), $"Expected MaxDegreeOfParallelism >= 1, but got {value}.");
                Volatile.Write(ref s_max, value);
            }
        }
    }

    /// <summary>
    /// Helper threads for <see cref="Gemm"/>: each spins briefly for its next block after finishing one (kernels come in quick
    /// succession in a training step), then sleeps. One caller at a time; a second concurrent caller computes alone.
    /// </summary>
    internal static class Workers
    {
        private static readonly object Gate = new object();
        private static Worker[] s_workers = Array.Empty<Worker>();
        private static int s_busy;

        /// <summary>Takes up to <paramref name="wanted"/> helpers for the calling thread, or none when another caller has them.</summary>
        public static Worker[]? TryAcquire(int wanted)
        {
            if (wanted < 1 || Interlocked.CompareExchange(ref s_busy, 1, 0) != 0) return null;
            var workers = s_workers;
            if (workers.Length < wanted)
            {
                lock (Gate)
                {
                    workers = s_workers;
                    if (workers.Length < wanted)
                    {
                        var grown = new Worker[wanted];
                        Array.Copy(workers, grown, workers.Length);
                        for (int i = workers.Length; i < wanted; i++) grown[i] = new Worker(i);
                        s_workers = workers = grown;
                    }
                }
            }

            return workers;
        }

        public static void Release() => Volatile.Write(ref s_busy, 0);

        /// <summary>
        /// The reusable block object for helper <paramref name="index"/> of one kernel (grown on first use; used only by the
        /// caller holding the helpers, so no allocation after the first products).
        /// </summary>
        public static T Slot<T>(ref T[] slots, int index) where T : class, new()
        {
            var current = slots;
            if (current.Length <= index)
            {
                var grown = new T[index + 1];
                Array.Copy(current, grown, current.Length);
                for (int i = current.Length; i < grown.Length; i++) grown[i] = new T();
                slots = current = grown;
            }

            return current[index];
        }
    }

    /// <summary>One helper thread running <see cref="Gemm"/> blocks handed to it.</summary>
    internal sealed class Worker
    {
        private const int Idle = 0, Pending = 1, Done = 2;
        private readonly ManualResetEventSlim _wake = new ManualResetEventSlim(false);
        private int _state = Done;
        private Action? _work;

        private readonly Thread _thread;
        private ThreadPriority _priority = ThreadPriority.Normal;
        private VectorPath _path;

        public Worker(int index)
        {
            _thread = new Thread(Loop) { IsBackground = true, Name = "NetGen worker " + index };
            _thread.Start();
        }

        /// <summary>
        /// Hands <paramref name="work"/> (a cached delegate: no allocation per call) to the thread, at the caller's priority:
        /// a caller raised above normal (as benchmark harnesses and real-time hosts do) would otherwise wait on a helper the
        /// scheduler favours less. Only on Windows: Linux's and macOS's default schedulers ignore thread priorities, so
        /// there reading the caller's on every hand-over would be work for nothing.
        /// </summary>
        public void Start(Action work)
        {
            _path = Gemm.Path; // a vector width forced on the caller holds for the block it hands over
            if (OperatingSystem.IsWindows())
            {
                var priority = Thread.CurrentThread.Priority;
                if (priority != _priority)
                {
                    _thread.Priority = priority;
                    _priority = priority;
                }
            }

            _work = work;
            Volatile.Write(ref _state, Pending);
            _wake.Set();
        }

        /// <summary>Waits until the block handed over is done.</summary>
        public void Wait()
        {
            var spinner = new SpinWait();
            while (Volatile.Read(ref _state) != Done) spinner.SpinOnce(-1);
        }

        private void Loop()
        {
            while (true)
            {
                // spin a little for the next block, then sleep
                var spinner = new SpinWait();
                for (int i = 0; i < 2000 && Volatile.Read(ref _state) != Pending; i++) spinner.SpinOnce(-1);
                if (Volatile.Read(ref _state) != Pending)
                {
                    _wake.Wait();
                }

                _wake.Reset();
                if (Volatile.Read(ref _state) != Pending) continue;
                Volatile.Write(ref _state, Idle);
                try
                {
                    Gemm.Path = _path;
                    _work!();
                }
                finally
                {
                    Volatile.Write(ref _state, Done);
                }
            }
        }
    }
}
