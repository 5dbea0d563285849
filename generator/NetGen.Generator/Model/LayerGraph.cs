using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis.CSharp;
using static NetGen.Generator.Model.Problems;

namespace NetGen.Generator.Model
{
    /// <summary>
    /// The network as a directed acyclic graph: layer names, each layer's inputs (the previous layer, <c>From</c>, the
    /// layers its kind names besides), the consumers of each output, which layers reach an output, the output heads and
    /// their losses (section 8.5), and the PyTorch names of the parameter tensors. Declaration order is a topological
    /// order, because a layer reads only layers declared before it.
    /// </summary>
    internal static class LayerGraph
    {
        /// <summary>The name that refers to the network's input.</summary>
        public const string InputName = "input";

        /// <summary>
        /// Every layer's name: its Name, or its kind and number ("dense3"; with a trailing "_" where a written Name
        /// already has that spelling). Reports invalid, reserved and duplicate names (NG0018).
        /// </summary>
        public static string[] Names(NetworkSpec spec, List<Problem> problems)
        {
            var names = new string[spec.Layers.Count];
            var written = new Dictionary<string, int>();
            for (int i = 0; i < spec.Layers.Count; i++)
            {
                string? name = spec.Layers[i].Name;
                if (name is null) continue;
                string? fault = !IsIdentifier(name) ? "is not a C# identifier"
                    : name == InputName ? "is reserved: \"input\" names the network's input"
                    : written.TryGetValue(name, out int first) ? "is already the name of layer " + Str(first + 1)
                    : null;
                if (fault != null)
                {
                    problems.Add(Make(DiagnosticIds.InvalidLayerName, i, LayerArguments.LayerName, -1, spec.Layers[i].AttributeName, Str(i + 1), name, fault));
                    continue;
                }

                written[name] = i;
                names[i] = name;
            }

            for (int i = 0; i < spec.Layers.Count; i++)
            {
                if (names[i] != null) continue;
                string name = spec.Layers[i].AttributeName.ToLowerInvariant() + Str(i + 1);
                while (written.ContainsKey(name)) name += "_";
                names[i] = name;
            }

            return names;
        }

        /// <summary>
        /// The inputs of layer <paramref name="index"/>: <c>From</c> or the previous layer (the network input for the first),
        /// then the layers its kind names. Reports names that are unknown or declared later (NG0017).
        /// </summary>
        public static List<int> Inputs(NetworkSpec spec, int index, string[] names, List<Problem> problems, out bool known)
        {
            var layer = spec.Layers[index];
            var inputs = new List<int>();
            inputs.Add(layer.From is null ? index - 1 : Lookup(layer.From, LayerArguments.From, -1));
            if (layer.Kind != null)
            {
                foreach (var named in layer.Kind.ExtraInputs(layer.Options)) inputs.Add(Lookup(named.Name, named.Argument, named.Element));
            }

            known = !inputs.Contains(Unresolved);
            return inputs;

            int Lookup(string name, string argument, int element)
            {
                if (name == InputName) return LayerPlan.NetworkInput;
                for (int j = 0; j < index; j++)
                {
                    if (spec.Layers[j].Name == name && names[j] == name) return j;
                }

                int later = -1;
                for (int j = index; j < spec.Layers.Count && later < 0; j++)
                {
                    if (spec.Layers[j].Name == name) later = j;
                }

                string why = later == index ? "is this layer itself; a layer reads only layers declared before it"
                    : later > index ? "is declared later (layer " + Str(later + 1) + "); a layer reads only layers declared before it"
                    : "names no layer; earlier layers with a Name: " + Available();
                problems.Add(Make(DiagnosticIds.UnknownLayerName, index, argument, element, layer.AttributeName, Str(index + 1), argument, name, why));
                return Unresolved;
            }

            // The names a layer may read: the named layers before it, and "input".
            string Available()
            {
                var written = new List<string>();
                for (int j = 0; j < index; j++)
                {
                    if (spec.Layers[j].Name != null && names[j] == spec.Layers[j].Name) written.Add("\"" + names[j] + "\"");
                }

                written.Add("\"" + InputName + "\" for the network's input");
                return string.Join(", ", written);
            }
        }

        private const int Unresolved = -2;

        /// <summary>Checks what belongs to outputs: LossWeight and Loss only there, the loss fitting the activation (table 4.1, NG0007, NG0016).</summary>
        public static void CheckHead(NetworkSpec spec, int index, bool output, List<Problem> problems)
        {
            var layer = spec.Layers[index];
            string number = Str(index + 1);
            if (!(layer.LossWeight >= 0) || double.IsInfinity(layer.LossWeight))
            {
                problems.Add(Make(DiagnosticIds.ArgumentOutOfRange, index, LayerArguments.LossWeight, -1, layer.AttributeName, number, LayerArguments.LossWeight,
                    Real(layer.LossWeight), "a finite LossWeight >= 0"));
            }

            if (!output)
            {
                if (layer.HeadLoss != Loss.Auto || layer.LossWeight != LayerDefaults.LossWeight)
                {
                    problems.Add(Make(DiagnosticIds.ArgumentOutOfRange, index, layer.HeadLoss != Loss.Auto ? LayerArguments.Loss : LayerArguments.LossWeight, -1, layer.AttributeName, number,
                        layer.HeadLoss != Loss.Auto ? LayerArguments.Loss : LayerArguments.LossWeight, layer.HeadLoss != Loss.Auto ? "Loss." + layer.HeadLoss : "set", "Output = true on a layer that has a loss"));
                }

                return;
            }

            bool own = layer.HeadLoss != Loss.Auto || index != spec.Layers.Count - 1;
            Loss written = own ? layer.HeadLoss : spec.Loss;
            int target = own ? index : ProblemTarget.NetworkAttribute;
            Act act = layer.Act;
            Loss fitting = Fitting(act);
            if (written == Loss.Auto) return;
            if (written < Loss.Auto || written > Loss.Huber)
            {
                problems.Add(Make(DiagnosticIds.ArgumentOutOfRange, target, LayerArguments.Loss, -1, own ? layer.AttributeName : "Network", own ? number : "attribute", LayerArguments.Loss, Str((int)written), "a member of NetGen.Loss"));
            }
            else if (written == Loss.MeanSquaredError && act == Act.Softmax)
            {
                problems.Add(Make(DiagnosticIds.SoftmaxWithSquaredError, target, LayerArguments.Loss, -1));
            }
            else if ((written == Loss.CrossEntropy && !ActTraits.OverSample(act)) || (written == Loss.BinaryCrossEntropy && act != Act.Sigmoid))
            {
                string needs = written == Loss.CrossEntropy ? "Softmax" : "Sigmoid";
                problems.Add(Make(DiagnosticIds.LossDoesNotFitOutput, target, LayerArguments.Loss, -1, written.ToString(), act.ToString(), needs, fitting.ToString()));
            }
        }

        /// <summary>The last layer's loss as resolved: its own, else [Network]'s, else the one its activation fits.</summary>
        public static Loss LastLoss(NetworkSpec spec)
        {
            var last = spec.Layers[spec.Layers.Count - 1];
            return last.HeadLoss != Loss.Auto ? last.HeadLoss : spec.Loss != Loss.Auto ? spec.Loss : Fitting(last.Act);
        }

        /// <summary>
        /// [Network]'s loss options (NG0002 at the argument): HuberDelta &gt; 0 and only with Loss.Huber; LabelSmoothing in
        /// [0, 1) and ClassWeights (one per class, each &gt;= 0) only with a cross-entropy last layer.
        /// </summary>
        public static void CheckLossOptions(NetworkSpec spec, long? classes, List<Problem> problems)
        {
            if (spec.Layers.Count == 0) return;
            Loss loss = LastLoss(spec);
            void Refuse(string argument, string value, string expected)
                => problems.Add(Make(DiagnosticIds.ArgumentOutOfRange, ProblemTarget.NetworkAttribute, argument, -1, "Network", "attribute", argument, value, expected));

            if (!(spec.HuberDelta > 0) || spec.HuberDelta > float.MaxValue) Refuse(LayerArguments.HuberDelta, Real(spec.HuberDelta), "HuberDelta > 0, a value a float holds");
            else if (spec.HuberDelta != 1.0 && loss != Loss.Huber) Refuse(LayerArguments.HuberDelta, Real(spec.HuberDelta), "HuberDelta only with Loss = Loss.Huber (the loss is " + loss + ")");
            if (!(spec.LabelSmoothing >= 0 && spec.LabelSmoothing < 1)) Refuse(LayerArguments.LabelSmoothing, Real(spec.LabelSmoothing), "0 <= LabelSmoothing < 1");
            else if (spec.LabelSmoothing != 0 && loss != Loss.CrossEntropy) Refuse(LayerArguments.LabelSmoothing, Real(spec.LabelSmoothing), "LabelSmoothing only with a cross-entropy loss (the loss is " + loss + ")");
            if (spec.ClassWeights.Count == 0) return;
            string shown = "new[] { " + string.Join(", ", spec.ClassWeights.Select(Real)) + " }";
            if (loss != Loss.CrossEntropy) Refuse(LayerArguments.ClassWeights, shown, "ClassWeights only with a cross-entropy loss (the loss is " + loss + ")");
            else if (classes is { } c && spec.ClassWeights.Count != c) Refuse(LayerArguments.ClassWeights, shown, "one weight per class: " + Str(c) + " for the last layer's " + Str(c) + " outputs, but got " + Str(spec.ClassWeights.Count));
            else if (spec.ClassWeights.Any(w => !(w >= 0) || w > float.MaxValue)) Refuse(LayerArguments.ClassWeights, shown, "every weight >= 0, a value a float holds");
        }

        /// <summary>The loss that fits an output activation (table 4.1; log-softmax takes the negative log-likelihood, which is the same cross-entropy).</summary>
        public static Loss Fitting(Act act) => ActTraits.OverSample(act) ? Loss.CrossEntropy : act == Act.Sigmoid ? Loss.BinaryCrossEntropy : Loss.MeanSquaredError;

        /// <summary>
        /// Completes the plan of a network whose shapes are all known: consumers, the layers that reach an output, dead
        /// branches (NG0021), output offsets and losses, hidden offsets and the parameter tensors' PyTorch names.
        /// </summary>
        public static List<LayerPlan> Connect(NetworkSpec spec, List<LayerPlan> layers, List<int>[] inputs, List<Problem> problems)
        {
            int count = layers.Count;
            var consumers = new List<int>[count];
            for (int i = 0; i < count; i++) consumers[i] = new List<int>();
            for (int i = 0; i < count; i++)
            {
                foreach (int input in inputs[i])
                {
                    if (input >= 0) consumers[input].Add(i);
                }
            }

            var live = new bool[count];
            for (int i = count - 1; i >= 0; i--)
            {
                live[i] = layers[i].IsOutput || consumers[i].Any(c => live[c]);
                if (consumers[i].Count == 0 && !layers[i].IsOutput)
                {
                    problems.Add(Make(DiagnosticIds.DeadBranch, i, spec.Layers[i].Name != null ? LayerArguments.LayerName : null, -1, spec.Layers[i].AttributeName, Str(i + 1), layers[i].Name));
                }
            }

            bool chain = IsChain(spec, inputs);
            var result = new List<LayerPlan>(count);
            int outputOffset = 0, hiddenOffset = 0, module = 0;
            for (int i = 0; i < count; i++)
            {
                var layer = layers[i];
                var written = spec.Layers[i];
                // PyTorch's names: an nn.Sequential for a chain (a module per layer, per activation, and a Flatten before a
                // dense layer on a feature map), else a module per layer named after it.
                if (chain && layer.Kind.FlattensFeatureMaps && layer.InShape.Count > 1) module++;
                string prefix = chain && written.Name is null ? Str(module) : layer.Name;
                module += layer.Kind.Modules + (written.Act != Act.Identity && layer.Kind.ActIsOwnModule ? 1 : 0);
                Loss loss = written.HeadLoss != Loss.Auto ? written.HeadLoss
                    : i == count - 1 && spec.Loss != Loss.Auto ? spec.Loss
                    : Fitting(written.Act);
                result.Add(layer with
                {
                    Consumers = new EquatableArray<int>(consumers[i]),
                    Live = live[i],
                    OutputOffset = layer.IsOutput ? outputOffset : 0,
                    HiddenOffset = layer.IsOutput ? -1 : hiddenOffset,
                    Loss = layer.IsOutput ? loss : Loss.Auto,
                    Tensors = Tensors(layer, prefix),
                });
                if (layer.IsOutput) outputOffset += layer.OutSize;
                else hiddenOffset += layer.OutSize;
            }

            return result;
        }

        private static bool IsChain(NetworkSpec spec, List<int>[] inputs)
        {
            for (int i = 0; i < spec.Layers.Count; i++)
            {
                var layer = spec.Layers[i];
                if (inputs[i].Count != 1 || inputs[i][0] != i - 1) return false;
                if (layer.Output && i != spec.Layers.Count - 1) return false;
            }

            return true;
        }

        /// <summary>
        /// The layer's tensors in <c>state_dict()</c> order: weight and bias (weight normalization: bias, weight_g, weight_v, as
        /// <c>torch.nn.utils.weight_norm</c> re-registers them), then batch normalization's running_mean, running_var and
        /// num_batches_tracked.
        /// </summary>
        private static EquatableArray<TensorPlan> Tensors(LayerPlan layer, string prefix)
        {
            var tensors = new List<TensorPlan>();
            if (layer.WeightCount == 0) return EquatableArray<TensorPlan>.Empty;
            var weight = layer.WeightShape.ToArray();
            var spec = layer.Spec.Weights;
            // normalization layers start at gamma 1, beta 0; other weights by their initializer (chapter 9)
            string weightInit = spec is null ? layer.Kind.WeightInit(layer) ?? "Constant 1"
                : layer.Init <= Init.TruncatedNormal ? layer.Init + " " + Real(spec.InitScale)
                : layer.Init + (spec.Gain != LayerDefaults.Gain ? " gain " + Real(spec.Gain) : "");
            string biasInit = "Constant " + (spec is null ? "0" : Real(spec.BiasInit));
            var bias = layer.BiasCount > 0 ? new TensorPlan(prefix + ".bias", layer.BiasOffset, layer.BiasShape, biasInit) : null;
            if (layer.NormCount > 0)
            {
                var g = new int[weight.Length];
                g[0] = weight[0];
                for (int a = 1; a < g.Length; a++) g[a] = 1;
                if (bias != null) tensors.Add(bias);
                tensors.Add(new TensorPlan(prefix + ".weight_g", layer.NormOffset, new EquatableArray<int>(g), "RowNorms of weight_v"));
                tensors.Add(new TensorPlan(prefix + ".weight_v", layer.WeightOffset, new EquatableArray<int>(weight), weightInit));
            }
            else
            {
                tensors.Add(new TensorPlan(prefix + ".weight", layer.WeightOffset, new EquatableArray<int>(weight), weightInit));
                if (bias != null) tensors.Add(bias);
            }

            if (layer.BufferCount > 0)
            {
                // running statistics, as PyTorch's normalization modules name them
                var channels = new EquatableArray<int>(new[] { layer.BufferCount / 2 });
                tensors.Add(new TensorPlan(prefix + ".running_mean", layer.BufferOffset, channels, "Constant 0") { Store = TensorStore.Buffers });
                tensors.Add(new TensorPlan(prefix + ".running_var", layer.BufferOffset + layer.BufferCount / 2, channels, "Constant 1") { Store = TensorStore.Buffers });
            }

            if (layer.HasCounter) tensors.Add(new TensorPlan(prefix + ".num_batches_tracked", layer.CounterIndex, EquatableArray<int>.Empty, "Constant 0") { Store = TensorStore.Counters });

            return new EquatableArray<TensorPlan>(tensors);
        }

        private static bool IsIdentifier(string name) => SyntaxFacts.IsValidIdentifier(name) && SyntaxFacts.GetKeywordKind(name) == SyntaxKind.None;
    }
}
