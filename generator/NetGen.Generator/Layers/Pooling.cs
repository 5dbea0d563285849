using System.Collections.Generic;
using System.Linq;
using NetGen.Generator.Emission;
using NetGen.Generator.Model;
using NetGen.Generator.Parsing;
using static NetGen.Generator.Emission.Code;

namespace NetGen.Generator.Layers
{
    /// <summary>The arguments of a pooling layer: its window (an unwritten stride is the window).</summary>
    internal sealed record PoolOptions(WindowSpec Window) : LayerOptions;

    /// <summary>
    /// What the pooling kinds share (section 6.7): the window arithmetic of the pooling role (channels kept, padding at
    /// most half the window), the geometry of literals their general kernels take, and the ONNX window attributes.
    /// </summary>
    internal abstract class Pooling : LayerKind<PoolOptions>
    {
        protected override PoolOptions Read(ArgumentReader arguments) => new PoolOptions(arguments.Window(strideIsWindow: true));

        protected override LayerShape? Infer(PoolOptions options, LayerContext context)
            => context.Input is null ? null : WindowArithmetic.Infer(context, WindowRole.Pooling, options.Window, 0, out _);

        /// <summary>Whether the layer runs a specialized kernel without the geometry (no field then).</summary>
        protected virtual bool Specialized(LayerPlan layer) => false;

        public override void Fields(SourceWriter w, LayerPlan layer)
        {
            if (Specialized(layer)) return;
            var win = layer.Window!;
            ShapeStruct(w, layer, "IPoolShape", new IEnumerable<(string, int)>[]
            {
                new (string, int)[] { ("C", layer.InShape[0]) },
                AxisMembers("I", layer.InShape.Skip(1), 1), AxisMembers("O", layer.OutShape.Skip(1), 1), AxisMembers("K", win.Kernel, 1), AxisMembers("S", win.Stride, 1), AxisMembers("P", win.Padding, 0),
            });
        }
    }
}
