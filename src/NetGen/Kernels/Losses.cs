using System;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetGen
{
    public static partial class Kernels
    {
        // ---- losses: per sample, returning the unscaled loss and writing the scaled output delta ----

        /// <summary>
        /// Softmax + cross-entropy from the logits (table 4.1): turns <paramref name="logits"/> into probabilities,
        /// returns -sum_k y_k log a_k (computed stably in double) and writes delta = scale (a - y). A target row holding
        /// NaN is a missing label: it contributes nothing (loss and delta 0).
        /// </summary>
        public static double SoftmaxCrossEntropy(Span<float> logits, ReadOnlySpan<float> target, Span<float> delta, float scale)
            => CrossEntropyOfLogits(logits, target, delta, scale, logProbabilities: false);

        /// <summary>
        /// Log-softmax + negative log-likelihood from the logits, the same loss and delta as <see cref="SoftmaxCrossEntropy"/>
        /// (nn.NLLLoss after nn.LogSoftmax is nn.CrossEntropyLoss), but <paramref name="logits"/> become log-probabilities.
        /// </summary>
        public static double LogSoftmaxCrossEntropy(Span<float> logits, ReadOnlySpan<float> target, Span<float> delta, float scale)
            => CrossEntropyOfLogits(logits, target, delta, scale, logProbabilities: true);

        /// <summary>
        /// Negative log-likelihood of log-probabilities <paramref name="logA"/> (nn.NLLLoss on a log-softmax output read by
        /// other layers too): returns -sum_k y_k log a_k and writes delta = -scale y, the derivative with respect to log a. A
        /// target row holding NaN contributes nothing.
        /// </summary>
        public static double NegativeLogLikelihood(ReadOnlySpan<float> logA, ReadOnlySpan<float> target, Span<float> delta, float scale)
        {
            if (HasNaN(target))
            {
                delta.Slice(0, logA.Length).Clear();
                return 0;
            }

            double loss = 0;
            for (int i = 0; i < logA.Length; i++)
            {
                if (target[i] != 0f) loss -= target[i] * (double)logA[i];
                delta[i] = -scale * target[i];
            }

            return loss;
        }

        /// <summary>
        /// <see cref="SoftmaxCrossEntropy"/> with class weights w (empty: all 1) and label smoothing epsilon, as
        /// nn.CrossEntropyLoss(weight, label_smoothing): with y' = (1 - epsilon) y + epsilon / C, returns
        /// -sum_k w_k y'_k log a_k and writes delta = scale (a sum_k w_k y'_k - w y'); the logits become probabilities (log-probabilities with
        /// <paramref name="logProbabilities"/>). A target row holding NaN contributes nothing.
        /// </summary>
        public static double WeightedCrossEntropy(Span<float> logits, ReadOnlySpan<float> target, Span<float> delta, float scale, ReadOnlySpan<float> classWeights, float smoothing, bool logProbabilities)
        {
            double logSum = LogSumExp(logits);
            bool missing = HasNaN(target);
            double loss = 0, weighted = 0, uniform = smoothing / logits.Length;
            for (int i = 0; i < logits.Length && !missing; i++) weighted += ClassWeight(classWeights, i) * ((1 - smoothing) * target[i] + uniform);
            for (int i = 0; i < logits.Length; i++)
            {
                double logA = logits[i] - logSum;
                double a = Math.Exp(logA);
                logits[i] = logProbabilities ? (float)logA : (float)a;
                if (missing)
                {
                    delta[i] = 0f;
                    continue;
                }

                double wy = ClassWeight(classWeights, i) * ((1 - smoothing) * target[i] + uniform);
                if (wy != 0) loss -= wy * logA;
                delta[i] = (float)(scale * (a * weighted - wy));
            }

            return loss;
        }

        /// <summary>
        /// The sum over the samples with a label of sum_k w_k y_k (w empty: all 1): the divisor of a weighted cross-entropy's
        /// mean, which is sum_n w[label_n] for one-hot rows, as nn.CrossEntropyLoss(weight) divides by.
        /// </summary>
        public static double WeightedLabelCount(ReadOnlySpan<float> targets, int batch, int stride, int offset, int size, ReadOnlySpan<float> classWeights)
        {
            double total = 0;
            for (int n = 0; n < batch; n++)
            {
                var row = targets.Slice(n * stride + offset, size);
                if (HasNaN(row)) continue;
                for (int k = 0; k < size; k++) total += ClassWeight(classWeights, k) * row[k];
            }

            return total;
        }

        /// <summary>
        /// The weighted, smoothed cross-entropy of probabilities <paramref name="a"/> (an output other layers read too):
        /// returns -sum_k w_k y'_k log a_k and writes delta = -scale w y' / a (log clamped at -100); with
        /// <paramref name="logProbabilities"/>, <paramref name="a"/> holds log a and delta = -scale w y'.
        /// </summary>
        public static double WeightedCrossEntropyOfOutputs(ReadOnlySpan<float> a, ReadOnlySpan<float> target, Span<float> delta, float scale, ReadOnlySpan<float> classWeights, float smoothing, bool logProbabilities)
        {
            if (HasNaN(target))
            {
                delta.Slice(0, a.Length).Clear();
                return 0;
            }

            double loss = 0, uniform = smoothing / a.Length;
            for (int i = 0; i < a.Length; i++)
            {
                double wy = ClassWeight(classWeights, i) * ((1 - smoothing) * target[i] + uniform);
                double logA = logProbabilities ? a[i] : Math.Max(Math.Log(a[i]), -100.0);
                if (wy != 0) loss -= wy * logA;
                delta[i] = wy == 0 ? 0f : (float)(logProbabilities ? -scale * wy : -scale * wy / Math.Max(a[i], 1e-30f));
            }

            return loss;
        }

        private static double ClassWeight(ReadOnlySpan<float> classWeights, int k) => classWeights.IsEmpty ? 1.0 : classWeights[k];

        /// <summary>
        /// Absolute error (nn.L1Loss): returns sum_k |a_k - y_k| and writes delta = scale sign(a - y) (0 where equal), the
        /// derivative with respect to a. A NaN target is a missing label: it contributes nothing.
        /// </summary>
        public static double AbsoluteError(ReadOnlySpan<float> output, ReadOnlySpan<float> target, Span<float> delta, float scale)
        {
            double loss = 0;
            for (int i = 0; i < delta.Length; i++)
            {
                if (float.IsNaN(target[i]))
                {
                    delta[i] = 0f;
                    continue;
                }

                float diff = output[i] - target[i];
                loss += Math.Abs(diff);
                delta[i] = diff > 0f ? scale : diff < 0f ? -scale : 0f;
            }

            return loss;
        }

        /// <summary>
        /// Huber's loss (nn.HuberLoss(delta)): returns sum_k of (a - y)^2 / 2 where |a - y| &lt; delta, else delta (|a - y| -
        /// delta / 2); writes delta = scale (a - y) clamped to [-delta, delta]. A NaN target contributes nothing.
        /// </summary>
        public static double HuberError(ReadOnlySpan<float> output, ReadOnlySpan<float> target, Span<float> delta, float scale, float huberDelta)
        {
            double loss = 0;
            for (int i = 0; i < delta.Length; i++)
            {
                if (float.IsNaN(target[i]))
                {
                    delta[i] = 0f;
                    continue;
                }

                float diff = output[i] - target[i];
                float abs = Math.Abs(diff);
                loss += abs < huberDelta ? 0.5 * diff * diff : huberDelta * (abs - 0.5 * huberDelta);
                delta[i] = scale * (diff < -huberDelta ? -huberDelta : diff > huberDelta ? huberDelta : diff);
            }

            return loss;
        }

        private static double CrossEntropyOfLogits(Span<float> logits, ReadOnlySpan<float> target, Span<float> delta, float scale, bool logProbabilities)
        {
            double logSum = LogSumExp(logits);
            bool missing = HasNaN(target);
            double loss = 0;
            for (int i = 0; i < logits.Length; i++)
            {
                double logA = logits[i] - logSum;
                float a = (float)Math.Exp(logA);
                logits[i] = logProbabilities ? (float)logA : a;
                if (missing)
                {
                    delta[i] = 0f;
                    continue;
                }

                if (target[i] != 0f) loss -= target[i] * logA;
                delta[i] = scale * (a - target[i]);
            }

            return loss;
        }

        /// <summary>
        /// Sigmoid + binary cross-entropy from the logits (table 4.1): turns <paramref name="logits"/> into probabilities,
        /// returns sum_k softplus(s_k) - y_k s_k (= -y log a - (1 - y) log(1 - a), stably) and writes delta = scale (a - y).
        /// A NaN target is a missing label: it contributes nothing.
        /// </summary>
        public static double SigmoidBinaryCrossEntropy(Span<float> logits, ReadOnlySpan<float> target, Span<float> delta, float scale)
        {
            double loss = 0;
            for (int i = 0; i < logits.Length; i++)
            {
                double s = logits[i];
                float a = 1f / (1f + MathF.Exp(-logits[i]));
                logits[i] = a;
                if (float.IsNaN(target[i]))
                {
                    delta[i] = 0f;
                    continue;
                }

                loss += Math.Max(s, 0.0) - s * target[i] + Math.Log(1.0 + Math.Exp(-Math.Abs(s)));
                delta[i] = scale * (a - target[i]);
            }

            return loss;
        }

        /// <summary>
        /// Squared error: returns sum_k (a_k - y_k)^2 and writes delta = 2 scale (a - y), the derivative with respect to a.
        /// A NaN target is a missing label: it contributes nothing.
        /// </summary>
        public static double SquaredError(ReadOnlySpan<float> output, ReadOnlySpan<float> target, Span<float> delta, float scale)
        {
            double loss = 0;
            float twice = 2f * scale;
            for (int i = 0; i < delta.Length; i++)
            {
                if (float.IsNaN(target[i]))
                {
                    delta[i] = 0f;
                    continue;
                }

                float diff = output[i] - target[i];
                loss += (double)diff * diff;
                delta[i] = twice * diff;
            }

            return loss;
        }

        // ---- the losses' second order: R{delta}, the R-operator applied to each loss's delta (section 4.9) ----
        // Each takes the output as the loss kernel left it (a fused loss has turned its logits into probabilities or
        // log-probabilities), R{output} (R{s} for a fused loss, else R{a}) and writes R{delta} with the loss kernel's scale.
        // A missing label contributes nothing, as to the delta.

        /// <summary>Squared error: R{delta} = 2 scale R{a}.</summary>
        public static void SquaredErrorTangent(ReadOnlySpan<float> output, ReadOnlySpan<float> target, ReadOnlySpan<float> rOutput, Span<float> rDelta, float scale)
        {
            for (int i = 0; i < rDelta.Length; i++) rDelta[i] = float.IsNaN(target[i]) ? 0f : 2f * scale * rOutput[i];
        }

        /// <summary>Absolute error: its delta is piecewise constant, so R{delta} = 0 (almost everywhere).</summary>
        public static void AbsoluteErrorTangent(ReadOnlySpan<float> output, ReadOnlySpan<float> target, ReadOnlySpan<float> rOutput, Span<float> rDelta, float scale)
            => rDelta.Clear();

        /// <summary>Huber: R{delta} = scale R{a} inside the quadratic zone |a - y| &lt; delta, 0 outside.</summary>
        public static void HuberErrorTangent(ReadOnlySpan<float> output, ReadOnlySpan<float> target, ReadOnlySpan<float> rOutput, Span<float> rDelta, float scale, float huberDelta)
        {
            for (int i = 0; i < rDelta.Length; i++)
            {
                rDelta[i] = float.IsNaN(target[i]) || !(MathF.Abs(output[i] - target[i]) < huberDelta) ? 0f : scale * rOutput[i];
            }
        }

        /// <summary>Softmax + cross-entropy (<paramref name="output"/> holds the probabilities y): R{delta} = scale y (R{s} - y.R{s}).</summary>
        public static void SoftmaxCrossEntropyTangent(ReadOnlySpan<float> output, ReadOnlySpan<float> target, ReadOnlySpan<float> rOutput, Span<float> rDelta, float scale)
            => SoftmaxTangent(output, HasNaN(target) ? 0 : scale, rOutput, rDelta, logProbabilities: false);

        /// <summary>Log-softmax + negative log-likelihood (<paramref name="output"/> holds log y): as <see cref="SoftmaxCrossEntropyTangent"/>.</summary>
        public static void LogSoftmaxCrossEntropyTangent(ReadOnlySpan<float> output, ReadOnlySpan<float> target, ReadOnlySpan<float> rOutput, Span<float> rDelta, float scale)
            => SoftmaxTangent(output, HasNaN(target) ? 0 : scale, rOutput, rDelta, logProbabilities: true);

        /// <summary>The weighted, smoothed cross-entropy from the logits: R{delta} = scale (sum_k w_k y'_k) y (R{s} - y.R{s}).</summary>
        public static void WeightedCrossEntropyTangent(ReadOnlySpan<float> output, ReadOnlySpan<float> target, ReadOnlySpan<float> rOutput, Span<float> rDelta, float scale, ReadOnlySpan<float> classWeights, float smoothing, bool logProbabilities)
        {
            double weighted = 0, uniform = smoothing / output.Length;
            if (!HasNaN(target))
            {
                for (int i = 0; i < output.Length; i++) weighted += ClassWeight(classWeights, i) * ((1 - smoothing) * target[i] + uniform);
            }

            SoftmaxTangent(output, scale * weighted, rOutput, rDelta, logProbabilities);
        }

        /// <summary>
        /// HessianDiagonal's start at a softmax + cross-entropy output (<paramref name="output"/> holding y, or log y with
        /// <paramref name="logProbabilities"/>): d^2 L / ds_k^2 = scale (sum_k w_k y'_k) y_k (1 - y_k), the diagonal of
        /// scale (diag(y) - y y^T); class weights empty and smoothing 0 for the plain cross-entropy.
        /// </summary>
        public static void CrossEntropyDiagonal(ReadOnlySpan<float> output, ReadOnlySpan<float> target, Span<float> curvature, float scale, ReadOnlySpan<float> classWeights, float smoothing, bool logProbabilities)
        {
            double weighted = 0, uniform = smoothing / output.Length;
            if (!HasNaN(target))
            {
                for (int i = 0; i < output.Length; i++) weighted += ClassWeight(classWeights, i) * ((1 - smoothing) * target[i] + uniform);
            }

            for (int i = 0; i < curvature.Length; i++)
            {
                double y = logProbabilities ? Math.Exp(output[i]) : output[i];
                curvature[i] = (float)(scale * weighted * y * (1 - y));
            }
        }

        /// <summary>rDelta = factor y (r - y.r), y the softmax probabilities (from log y where <paramref name="logProbabilities"/>).</summary>
        private static void SoftmaxTangent(ReadOnlySpan<float> output, double factor, ReadOnlySpan<float> r, Span<float> rDelta, bool logProbabilities)
        {
            double dot = 0;
            for (int i = 0; i < rDelta.Length; i++) dot += (logProbabilities ? Math.Exp(output[i]) : output[i]) * r[i];
            for (int i = 0; i < rDelta.Length; i++) rDelta[i] = (float)(factor * (logProbabilities ? Math.Exp(output[i]) : output[i]) * (r[i] - dot));
        }

        /// <summary>Sigmoid + binary cross-entropy (<paramref name="output"/> holds the probabilities a): R{delta} = scale a (1 - a) R{s}.</summary>
        public static void SigmoidBinaryCrossEntropyTangent(ReadOnlySpan<float> output, ReadOnlySpan<float> target, ReadOnlySpan<float> rOutput, Span<float> rDelta, float scale)
        {
            for (int i = 0; i < rDelta.Length; i++) rDelta[i] = float.IsNaN(target[i]) ? 0f : scale * output[i] * (1f - output[i]) * rOutput[i];
        }

        /// <summary>Negative log-likelihood of log-probabilities: the delta -scale y does not depend on them, so R{delta} = 0.</summary>
        public static void NegativeLogLikelihoodTangent(ReadOnlySpan<float> output, ReadOnlySpan<float> target, ReadOnlySpan<float> rOutput, Span<float> rDelta, float scale)
            => rDelta.Clear();

        /// <summary>Cross-entropy of probabilities: delta = -scale y / a, so R{delta} = scale y R{a} / a^2 (0 where a is clamped).</summary>
        public static void CrossEntropyOfProbabilitiesTangent(ReadOnlySpan<float> output, ReadOnlySpan<float> target, ReadOnlySpan<float> rOutput, Span<float> rDelta, float scale)
        {
            bool missing = HasNaN(target);
            for (int i = 0; i < rDelta.Length; i++)
            {
                double a = output[i];
                rDelta[i] = missing || target[i] == 0f || !(a > 1e-30) ? 0f : (float)(scale * target[i] * rOutput[i] / (a * a));
            }
        }

        /// <summary>The weighted cross-entropy of probabilities: R{delta} = scale w y' R{a} / a^2; of log-probabilities 0.</summary>
        public static void WeightedCrossEntropyOfOutputsTangent(ReadOnlySpan<float> output, ReadOnlySpan<float> target, ReadOnlySpan<float> rOutput, Span<float> rDelta, float scale, ReadOnlySpan<float> classWeights, float smoothing, bool logProbabilities)
        {
            bool missing = HasNaN(target);
            double uniform = smoothing / output.Length;
            for (int i = 0; i < rDelta.Length; i++)
            {
                double wy = missing ? 0 : ClassWeight(classWeights, i) * ((1 - smoothing) * target[i] + uniform);
                double a = output[i];
                rDelta[i] = logProbabilities || wy == 0 || !(a > 1e-30) ? 0f : (float)(scale * wy * rOutput[i] / (a * a));
            }
        }

        /// <summary>Binary cross-entropy of probabilities: delta = scale (a - y) / (a (1 - a)), so R{delta} = scale R{a} (a (1 - a) - (a - y)(1 - 2a)) / (a (1 - a))^2.</summary>
        public static void BinaryCrossEntropyOfProbabilitiesTangent(ReadOnlySpan<float> output, ReadOnlySpan<float> target, ReadOnlySpan<float> rOutput, Span<float> rDelta, float scale)
        {
            for (int i = 0; i < rDelta.Length; i++)
            {
                double p = output[i], y = target[i], q = p * (1 - p);
                rDelta[i] = float.IsNaN(target[i]) || !(q > 1e-12) ? 0f : (float)(scale * rOutput[i] * (q - (p - y) * (1 - 2 * p)) / (q * q));
            }
        }

        /// <summary>Writes the target for a class label: one-hot over the outputs, or the label itself (0 or 1) for a single output.</summary>
        public static void LabelToTarget(int label, Span<float> target)
        {
            if (target.Length == 1)
            {
                target[0] = label;
                return;
            }

            target.Clear();
            target[label] = 1f;
        }

        // Losses of output heads whose probabilities other layers also read (so the loss cannot take the logits):
        // they write dL/da, and the head's own backward pass multiplies by the activation's derivative, as it does for
        // the deltas coming from the layers that read it. A NaN target is a missing label.

        /// <summary>
        /// Cross-entropy of softmax probabilities <paramref name="a"/>: returns -sum_k y_k log a_k (log clamped at -100, as
        /// PyTorch's losses do) and writes delta = -scale y / a, the derivative with respect to a. A target row holding NaN
        /// contributes nothing.
        /// </summary>
        public static double CrossEntropyOfProbabilities(ReadOnlySpan<float> a, ReadOnlySpan<float> target, Span<float> delta, float scale)
        {
            if (HasNaN(target))
            {
                delta.Slice(0, a.Length).Clear();
                return 0;
            }

            double loss = 0;
            for (int i = 0; i < a.Length; i++)
            {
                if (target[i] != 0f) loss -= target[i] * Math.Max(Math.Log(a[i]), -100.0);
                delta[i] = target[i] == 0f ? 0f : -scale * target[i] / Math.Max(a[i], 1e-30f);
            }

            return loss;
        }

        /// <summary>
        /// Binary cross-entropy of sigmoid probabilities <paramref name="a"/> (PyTorch's BCELoss: logs clamped at -100):
        /// returns sum_k -y log a - (1 - y) log(1 - a) and writes delta = scale (a - y) / max(a (1 - a), 1e-12), the derivative
        /// with respect to a. A NaN target contributes nothing.
        /// </summary>
        public static double BinaryCrossEntropyOfProbabilities(ReadOnlySpan<float> a, ReadOnlySpan<float> target, Span<float> delta, float scale)
        {
            double loss = 0;
            for (int i = 0; i < a.Length; i++)
            {
                float y = target[i];
                if (float.IsNaN(y))
                {
                    delta[i] = 0f;
                    continue;
                }

                double p = a[i];
                loss -= y * Math.Max(Math.Log(p), -100.0) + (1 - y) * Math.Max(Math.Log(1 - p), -100.0);
                delta[i] = (float)(scale * (p - y) / Math.Max(p * (1 - p), 1e-12));
            }

            return loss;
        }

        /// <summary>
        /// The number of labels present in one head's targets: the samples whose target row (<paramref name="size"/> values
        /// at <paramref name="offset"/> in each row of <paramref name="stride"/>) holds no NaN when <paramref name="rows"/>
        /// (cross-entropy), else the targets that are not NaN. A head's mean loss runs over these.
        /// </summary>
        public static int CountLabels(ReadOnlySpan<float> targets, int batch, int stride, int offset, int size, bool rows)
        {
            int count = 0;
            for (int n = 0; n < batch; n++)
            {
                var row = targets.Slice(n * stride + offset, size);
                if (rows)
                {
                    if (!HasNaN(row)) count++;
                    continue;
                }

                for (int i = 0; i < row.Length; i++) if (!float.IsNaN(row[i])) count++;
            }

            return count;
        }

        /// <summary>Whether <paramref name="values"/> holds a NaN.</summary>
        private static bool HasNaN(ReadOnlySpan<float> values)
        {
            for (int i = 0; i < values.Length; i++) if (float.IsNaN(values[i])) return true;
            return false;
        }
    }
}
