using System;
using System.ComponentModel;
using System.Globalization;

namespace NetGen
{
    /// <summary>
    /// Opt-in checks for NaN and infinity, process-wide, off by default (they cost a pass over the data). <see cref="Inputs"/>
    /// refuses non-finite inputs and infinite targets before anything is computed; <see cref="Anomalies"/> names the first
    /// layer whose outputs, deltas or gradients hold NaN or infinity in a training pass, as
    /// <c>torch.autograd.detect_anomaly</c> does, before the optimizer step.
    /// </summary>
    public static class NumericChecks
    {
        private static volatile bool s_inputs, s_anomalies;

        /// <summary>
        /// Whether Forward, ComputeGradients, ComputeLoss and TrainStep check their inputs (every value finite) and targets
        /// (none infinite; NaN marks a missing label) and throw an <see cref="ArgumentException"/> naming the first bad index.
        /// </summary>
        public static bool Inputs
        {
            get => s_inputs;
            set => s_inputs = value;
        }

        /// <summary>
        /// Anomaly mode: ComputeGradients and TrainStep check every layer's outputs in declaration order, the loss, then the
        /// deltas and gradients in backward order, and throw an <see cref="ArithmeticException"/> naming the first layer
        /// that produced NaN or infinity (or the loss, also when only its float value overflows); TrainStep then leaves the
        /// parameters and the optimizer untouched. After its optimizer step, TrainStep checks every parameter tensor and
        /// names the first value the step made non-finite, with the parameters put back (see <see cref="Step"/>).
        /// </summary>
        public static bool Anomalies
        {
            get => s_anomalies;
            set => s_anomalies = value;
        }

        /// <summary>Throws unless every value of <paramref name="values"/> (samples of <paramref name="perSample"/> values) is finite.</summary>
        public static void FiniteInputs(ReadOnlySpan<float> values, int perSample, string name)
        {
            int bad = FirstNonFinite(values, allowNaN: false);
            if (bad >= 0) throw new ArgumentException($"Expected finite {name}, but {name}[{bad}] (sample {bad / perSample}, value {bad % perSample}) is {Describe(values[bad])}.", name);
        }

        /// <summary>Throws if a value of <paramref name="values"/> is infinite (NaN is allowed: a missing label).</summary>
        public static void NoInfinity(ReadOnlySpan<float> values, int perSample, string name)
        {
            int bad = FirstNonFinite(values, allowNaN: true);
            if (bad >= 0) throw new ArgumentException($"Expected finite {name} (or NaN for a missing label), but {name}[{bad}] (sample {bad / perSample}, value {bad % perSample}) is {Describe(values[bad])}.", name);
        }

        /// <summary>Anomaly mode: throws if <paramref name="values"/> (a layer's block of <paramref name="samples"/> samples) holds NaN or infinity.</summary>
        public static void Finite(ReadOnlySpan<float> values, int samples, string layer, string what, string pass)
        {
            int bad = FirstNonFinite(values, allowNaN: false);
            if (bad < 0) return;
            int perSample = values.Length / Math.Max(1, samples);
            string where = samples > 1 && perSample > 0 ? $"sample {bad / perSample}, value {bad % perSample}" : $"value {bad}";
            throw new ArithmeticException($"Anomaly: {Describe(values[bad])} in {what} of layer {layer} ({where}), {pass}; it is the first layer to produce NaN or infinity. Nothing was stepped.");
        }

        /// <summary>Anomaly mode: throws if the loss is NaN or infinite, also where only its float value (the one returned) overflows.</summary>
        public static void FiniteLoss(double loss)
        {
            if (!double.IsFinite(loss))
                throw new ArithmeticException($"Anomaly: the loss is {Describe((float)loss)} while every layer's outputs are finite (a target far out of range, or a probability of exactly 0 or 1 under cross-entropy). Nothing was stepped.");
            if (!float.IsFinite((float)loss))
                throw new ArithmeticException($"Anomaly: the loss is {loss.ToString("G4", CultureInfo.InvariantCulture)}, beyond float's range (it would be returned as {Describe((float)loss)}); the outputs are far from the targets, often after too large a learning rate. Nothing was stepped.");
        }

        /// <summary>
        /// Anomaly mode: <paramref name="optimizer"/>'s step on <paramref name="network"/>'s parameters, then a check of every
        /// parameter tensor; if the step made a value NaN or infinite, the parameters are put back as they were before it and
        /// an <see cref="ArithmeticException"/> names the tensor and the index (the optimizer's own state, such as momentum,
        /// has taken the step). Generated TrainStep calls this instead of the plain step when <see cref="Anomalies"/> is on.
        /// </summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public static void Step(INetwork network, IOptimizer optimizer)
        {
            var parameters = network.Parameters;
            var before = parameters.ToArray();
            optimizer.Step(parameters, network.Gradients);
            foreach (var tensor in network.Tensors)
            {
                if (tensor.Store != TensorStore.Parameters) continue;
                var values = parameters.Slice(tensor.Offset, tensor.Length);
                int bad = FirstNonFinite(values, allowNaN: false);
                if (bad < 0) continue;
                float gradient = network.Gradients[tensor.Offset + bad], was = before[tensor.Offset + bad];
                before.CopyTo(parameters);
                throw new ArithmeticException(
                    $"Anomaly: the optimizer step made {tensor.Name}[{bad}] {Describe(values[bad])} (it was {was.ToString("G6", CultureInfo.InvariantCulture)}, its gradient {gradient.ToString("G6", CultureInfo.InvariantCulture)}); " +
                    "the parameters are back as they were before the step (the optimizer's own state has taken it). A smaller learning rate, or gradient clipping, keeps the step finite.");
            }
        }

        private static int FirstNonFinite(ReadOnlySpan<float> values, bool allowNaN)
        {
            for (int i = 0; i < values.Length; i++)
            {
                float v = values[i];
                if (!float.IsFinite(v) && !(allowNaN && float.IsNaN(v))) return i;
            }

            return -1;
        }

        private static string Describe(float v) => float.IsNaN(v) ? "NaN" : v > 0 ? "+infinity" : "-infinity";
    }
}
