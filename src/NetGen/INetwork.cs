using System;
using System.Collections.Generic;
using System.IO;

namespace NetGen
{
    /// <summary>
    /// What every generated network offers, so trainers, loaders and tools work with any network.
    /// The generated class also exposes <c>InputLength</c>, <c>OutputLength</c> and <c>ParameterCount</c> as constants.
    /// </summary>
    public interface INetwork
    {
        /// <summary>Number of input values per sample (C*H*W).</summary>
        int InputLength { get; }

        /// <summary>Number of output values per sample.</summary>
        int OutputLength { get; }

        /// <summary>Number of parameters (frozen ones included).</summary>
        int ParameterCount { get; }

        /// <summary>
        /// The layer table, as Keras' model.summary() and torchinfo print it: each layer's attribute, output shape,
        /// parameter count (frozen ones marked) and the layers it reads, then the totals, trainable and frozen. Generated
        /// networks return their table (a constant); other implementations get a line with the sizes.
        /// </summary>
        string Summary() => GetType().Name + ": " + InputLength + " inputs -> " + OutputLength + " outputs, " + ParameterCount + " parameters";

        /// <summary>
        /// The output heads in the order of the outputs (one for a network with one output): where each starts in a sample's
        /// outputs (and targets), its size, activation and loss. Other implementations than the generated get one head over
        /// all outputs, its loss unknown (Auto).
        /// </summary>
        IReadOnlyList<OutputHead> Heads => new[] { new OutputHead("output", 0, OutputLength, Act.Identity, Loss.Auto, 1.0) };

        /// <summary>All parameters in one flat buffer: per layer its weight, then its bias, in PyTorch's layout.</summary>
        Span<float> Parameters { get; }

        /// <summary>d(mean loss)/d(parameters) from the last <see cref="ComputeGradients(ReadOnlySpan{float}, ReadOnlySpan{float}, int)"/>, laid out as <see cref="Parameters"/>.</summary>
        Span<float> Gradients { get; }

        /// <summary>Model state that is not trained by gradients: the running statistics of batch normalization layers (empty without them).</summary>
        Span<float> Buffers { get; }

        /// <summary>Integer model state: each batch normalization layer's <c>num_batches_tracked</c> (empty without them).</summary>
        Span<long> Counters { get; }

        /// <summary>The tensors of <see cref="Parameters"/>, <see cref="Buffers"/> and <see cref="Counters"/> as PyTorch's <c>state_dict()</c> names and orders them.</summary>
        IReadOnlyList<TensorInfo> Tensors { get; }

        /// <summary>Whether Forward and ComputeGradients compute as in training or inference (see <see cref="NetworkMode"/>).</summary>
        NetworkMode Mode { get; set; }

        /// <summary>Inference for one sample; safe to call from several threads at once.</summary>
        void Forward(ReadOnlySpan<float> input, Span<float> output);

        /// <summary>Inference for <paramref name="batch"/> samples laid out one after the other.</summary>
        void Forward(ReadOnlySpan<float> inputs, Span<float> outputs, int batch);

        /// <summary>Training-mode forward and backward pass; writes <see cref="Gradients"/> and returns the mean loss.</summary>
        float ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batch);

        /// <summary>As the overload with targets, with class labels (one-hot targets; a single output takes the label 0 or 1 as its target).</summary>
        float ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, int batch);

        /// <summary>The mean loss of a batch without gradients: forward pass and data loss (no weight penalties), in inference unless <see cref="Mode"/> is Training; nothing else is written.</summary>
        float ComputeLoss(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batch);

        /// <summary>As the overload with targets, with class labels.</summary>
        float ComputeLoss(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, int batch);

        /// <summary>
        /// <see cref="ComputeLoss(ReadOnlySpan{float}, ReadOnlySpan{float}, int)"/> that also writes the outputs its forward
        /// pass gave (batch * OutputLength values, as Forward gives them in the same mode): loss and predictions in one pass.
        /// </summary>
        float ComputeLoss(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batch, Span<float> outputs);

        /// <summary>As the overload with targets, with class labels.</summary>
        float ComputeLoss(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, int batch, Span<float> outputs);

        /// <summary><see cref="ComputeGradients(ReadOnlySpan{float}, ReadOnlySpan{float}, int)"/>, then one optimizer step; returns the mean loss.</summary>
        float TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batch, IOptimizer optimizer);

        /// <summary><see cref="ComputeGradients(ReadOnlySpan{float}, ReadOnlySpan{int}, int)"/>, then one optimizer step; returns the mean loss.</summary>
        float TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, int batch, IOptimizer optimizer);

        /// <summary>Writes <see cref="Tensors"/> as a safetensors file (see <see cref="SafeTensors.Save(INetwork, Stream)"/>).</summary>
        void Save(Stream stream);

        /// <summary>Writes <see cref="Tensors"/> as a safetensors file, atomically (see <see cref="SafeTensors.Save(INetwork, string)"/>).</summary>
        void Save(string path);

        /// <summary>Reads a safetensors file, validating all of it before writing anything (see <see cref="SafeTensors.Load(INetwork, Stream, TensorMatching)"/>).</summary>
        void Load(Stream stream, TensorMatching matching = TensorMatching.ByName);

        /// <summary>Reads a safetensors file, validating all of it before writing anything (see <see cref="SafeTensors.Load(INetwork, string, TensorMatching)"/>).</summary>
        void Load(string path, TensorMatching matching = TensorMatching.ByName);

        /// <summary>Writes the inference graph as an ONNX model (opset 17) with the weights as initializers.</summary>
        void ExportOnnx(Stream stream);

        /// <summary>Writes the inference graph as an ONNX model file, atomically.</summary>
        void ExportOnnx(string path);

        /// <summary>
        /// Pruning masks (section 8.7), laid out as <see cref="Parameters"/>: 1 kept, 0 pruned. Generated networks implement it;
        /// another implementation of this interface throws <see cref="NotSupportedException"/>.
        /// </summary>
        Span<float> Masks => throw new NotSupportedException($"{GetType().Name} does not support pruning masks.");

        /// <summary>
        /// Per layer, the mean and standard deviation of its outputs and the norms of its deltas and weight gradient over the last
        /// ComputeGradients or TrainStep batch. Generated networks implement it; another implementation throws <see cref="NotSupportedException"/>.
        /// </summary>
        IReadOnlyList<LayerStatistics> LayerStatistics() => throw new NotSupportedException($"{GetType().Name} does not report layer statistics.");

        /// <summary>
        /// dL/dx for given dL/dy (a vector-Jacobian product) in inference mode: batch * InputLength values out. Generated
        /// networks implement it; another implementation of this interface throws <see cref="NotSupportedException"/>.
        /// </summary>
        void InputGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<float> outputGradients, Span<float> inputGradients, int batch)
            => throw new NotSupportedException($"{GetType().Name} does not compute input gradients.");

        /// <summary>
        /// dL/dw for given dL/dy into <see cref="Gradients"/> (a vector-Jacobian product with respect to the parameters), inference
        /// mode, summed over the batch. Generated networks implement it; another implementation throws <see cref="NotSupportedException"/>.
        /// </summary>
        void ParameterGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<float> outputGradients, int batch)
            => throw new NotSupportedException($"{GetType().Name} does not compute parameter gradients for given output gradients.");

        /// <summary>
        /// The input-output Jacobian of one sample (eq. 4.85): J[k, i] = dy_k / dx_i, OutputLength x InputLength row-major, in
        /// inference mode. Generated networks implement it; another implementation throws <see cref="NotSupportedException"/>.
        /// </summary>
        void Jacobian(ReadOnlySpan<float> input, Span<float> jacobian)
            => throw new NotSupportedException($"{GetType().Name} does not compute Jacobians.");

        /// <summary>
        /// H v, H the Hessian of ComputeGradients' loss with respect to <see cref="Parameters"/> (eq. 4.88), exactly by the
        /// R-operator, in inference mode. Generated networks implement it; another implementation throws <see cref="NotSupportedException"/>.
        /// </summary>
        void HessianVectorProduct(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batch, ReadOnlySpan<float> v, Span<float> hv)
            => throw new NotSupportedException($"{GetType().Name} does not compute Hessian-vector products.");

        /// <summary>As <see cref="HessianVectorProduct(ReadOnlySpan{float}, ReadOnlySpan{float}, int, ReadOnlySpan{float}, Span{float})"/> with class labels.</summary>
        void HessianVectorProduct(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, int batch, ReadOnlySpan<float> v, Span<float> hv)
            => throw new NotSupportedException($"{GetType().Name} does not compute Hessian-vector products.");

        /// <summary>
        /// The ParameterCount x ParameterCount Hessian (row-major) of ComputeGradients' loss, in inference mode, for small networks.
        /// Generated networks implement it; another implementation throws <see cref="NotSupportedException"/>.
        /// </summary>
        void Hessian(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batch, Span<float> hessian)
            => throw new NotSupportedException($"{GetType().Name} does not compute Hessians.");

        /// <summary>As <see cref="Hessian(ReadOnlySpan{float}, ReadOnlySpan{float}, int, Span{float})"/> with class labels.</summary>
        void Hessian(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, int batch, Span<float> hessian)
            => throw new NotSupportedException($"{GetType().Name} does not compute Hessians.");

        /// <summary>
        /// Optimal Brain Damage's H_ii: LeCun et al.'s backpropagated estimate of the Hessian's diagonal (Gauss-Newton form), in
        /// inference mode. Generated networks implement it; another implementation throws <see cref="NotSupportedException"/>.
        /// </summary>
        void HessianDiagonal(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batch, Span<float> diagonal)
            => throw new NotSupportedException($"{GetType().Name} does not compute Hessian diagonals.");

        /// <summary>As <see cref="HessianDiagonal(ReadOnlySpan{float}, ReadOnlySpan{float}, int, Span{float})"/> with class labels.</summary>
        void HessianDiagonal(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, int batch, Span<float> diagonal)
            => throw new NotSupportedException($"{GetType().Name} does not compute Hessian diagonals.");
    }

    /// <summary>
    /// One output head of a network: its layer's name, where its values start in each sample's outputs and targets, how many
    /// there are, its activation, its loss (resolved: never Auto for a generated network) and the loss's weight (eq. 8.21).
    /// </summary>
    public sealed record OutputHead(string Name, int Offset, int Length, Act Activation, Loss Loss, double LossWeight)
    {
        /// <summary>Huber's delta where <see cref="Loss"/> is Huber ([Network]'s HuberDelta).</summary>
        public double HuberDelta { get; init; } = 1.0;
    }

    /// <summary>Updates parameters from their gradients (lecture notes, chapter 7).</summary>
    public interface IOptimizer
    {
        /// <summary>One update of <paramref name="parameters"/> in place from <paramref name="gradients"/> of the same length.</summary>
        void Step(Span<float> parameters, ReadOnlySpan<float> gradients);
    }

    /// <summary>
    /// An optimizer that changes the gradients and passes them on to another (<see cref="ClipGradNorm"/>, NetGen.Distributed's
    /// DataParallel): the Trainer and the learning-rate search look through it for the learning rate.
    /// </summary>
    public interface IWrappingOptimizer : IOptimizer
    {
        /// <summary>The optimizer that takes the step.</summary>
        IOptimizer Inner { get; }
    }
}
