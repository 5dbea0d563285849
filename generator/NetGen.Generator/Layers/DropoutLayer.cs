using System.Collections.Generic;
using NetGen.Generator.Model;

namespace NetGen.Generator.Layers
{
    /// <summary>
    /// [Dropout]: inverted dropout (eq. 8.17-8.20) as nn.Dropout: in training each unit is dropped with probability rate
    /// and the rest scaled by 1 / (1 - rate).
    /// </summary>
    internal sealed class DropoutLayer : Masking
    {
        public static readonly DropoutLayer Instance = new DropoutLayer();

        public override string Attribute => "Dropout";

        /// <summary>The runtime kernels of this kind.</summary>
        internal static new class KernelNames
        {
            public const string Forward = "Dropout";
        }

        protected override string Kernel => KernelNames.Forward;

        /// <summary>NG0015: dropout breaks the self-normalizing property of a SELU network (section 10.4); alpha dropout keeps it.</summary>
        public override void CheckNetwork(NetworkSpec network, int index, List<Problem> problems)
        {
            foreach (var layer in network.Layers)
            {
                if (layer.Act != Act.SELU) continue;
                problems.Add(Problems.Make(DiagnosticIds.DropoutInSeluNetwork, index, null, -1, Problems.Str(index + 1)));
                return;
            }
        }
    }
}
