using System;

namespace NetGen
{
    /// <summary>
    /// Marks a partial class as a network whose implementation NetGen generates at compile time.
    /// The layers are the class's layer attributes (<see cref="DenseAttribute"/>, <see cref="ActivationAttribute"/>, ...) in source order.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class NetworkAttribute : Attribute
    {
        /// <summary>Declares the input shape: <c>(D)</c> for a vector, <c>(C, L)</c>, <c>(C, H, W)</c> or <c>(C, D, H, W)</c> for feature maps.</summary>
        public NetworkAttribute(params int[] inputShape) => InputShape = inputShape ?? Array.Empty<int>();

        /// <summary>The input shape as declared.</summary>
        public int[] InputShape { get; }

        /// <summary>The training loss; <see cref="Loss.Auto"/> (the default) chooses it from the output activation.</summary>
        public Loss Loss { get; set; }
    }

    /// <summary>Base class of every layer attribute; the order of the attributes is the order of the layers.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public abstract class LayerAttribute : Attribute
    {
    }

    /// <summary>A fully connected layer: s = W x + b, a = f(s) (eq. 4.66); a feature-map input is flattened implicitly.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class DenseAttribute : LayerAttribute
    {
        /// <summary>A dense layer with <paramref name="units"/> outputs and activation <paramref name="act"/>.</summary>
        public DenseAttribute(int units, Act act = Act.Identity)
        {
            Units = units;
            Activation = act;
        }

        /// <summary>Number of output units.</summary>
        public int Units { get; }

        /// <summary>The activation applied to the pre-activations.</summary>
        public Act Activation { get; }

        /// <summary>Whether the layer has a bias vector (default <c>true</c>).</summary>
        public bool Bias { get; set; } = true;
    }

    /// <summary>An activation applied on its own to the previous layer's output (no parameters).</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class ActivationAttribute : LayerAttribute
    {
        /// <summary>An activation layer.</summary>
        public ActivationAttribute(Act act) => Activation = act;

        /// <summary>The activation.</summary>
        public Act Activation { get; }
    }
}
