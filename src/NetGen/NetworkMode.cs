namespace NetGen
{
    /// <summary>Whether a network computes as in training (dropout and noise active) or inference.</summary>
    public enum NetworkMode
    {
        /// <summary>Forward infers, ComputeGradients trains (the default, as the generated class's contract says).</summary>
        Auto = 0,
        /// <summary>Both train: Forward also drops units and adds noise (Monte-Carlo dropout, section 8.4).</summary>
        Training = 1,
        /// <summary>Both infer: ComputeGradients uses no dropout or noise and the running batch-norm statistics (PyTorch's eval()).</summary>
        Inference = 2,
    }
}
