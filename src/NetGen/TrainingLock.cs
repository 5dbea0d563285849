using System;
using System.ComponentModel;
using System.Threading;

namespace NetGen
{
    /// <summary>
    /// Detects training on one network instance from two threads at once: generated networks enter it in ComputeGradients,
    /// ComputeLoss and TrainStep (which use the instance's own buffers) and throw instead of corrupting their state. One
    /// compare-exchange per call; the same thread may enter again (TrainStep calls ComputeGradients).
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public struct TrainingLock
    {
        private int _owner;

        /// <summary>Takes the instance for this thread; returns whether this call took it (and so must release it).</summary>
        /// <exception cref="InvalidOperationException">Another thread is training the instance.</exception>
        public bool Enter(string network)
        {
            int me = Environment.CurrentManagedThreadId;
            int previous = Interlocked.CompareExchange(ref _owner, me, 0);
            if (previous == 0) return true;
            if (previous == me) return false;
            throw new InvalidOperationException($"{network} is being trained on another thread (managed thread {previous}); ComputeGradients, ComputeLoss and TrainStep use the instance's own buffers, so one instance trains on one thread at a time (Forward may run on any number). Nothing was changed.");
        }

        /// <summary>Releases the instance if <paramref name="taken"/>.</summary>
        public void Exit(bool taken)
        {
            if (taken) Volatile.Write(ref _owner, 0);
        }
    }
}
