#!/usr/bin/env bash
# Packs NetGen, checks that exactly one package with the library and the generator/analyzers comes out, then
# builds and runs a consumer outside the repository that references only that package, and checks that an
# invalid network fails that consumer's build with the expected NG error.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
feed="$work/feed"

echo "== pack"
(cd "$root" && dotnet pack -c Release -o "$feed" -v quiet -nologo)
packages=$(cd "$feed" && ls *.nupkg | sort | tr '\n' ' ')
case "$packages" in "NetGen."[0-9]*".nupkg NetGen.Distributed."[0-9]*".nupkg NetGen.Tool."[0-9]*".nupkg ") ;; *) echo "expected the packages NetGen, NetGen.Distributed and NetGen.Tool, got: $packages"; exit 1;; esac
package=$(ls "$feed"/NetGen.[0-9]*.nupkg)
version=$(basename "$package" .nupkg); version=${version#NetGen.}
tool_package="$feed/NetGen.Tool.$version.nupkg"
[ -f "$tool_package" ] || { echo "the tool's package does not have the library's version $version: $packages"; exit 1; }
contents=$(python3 -m zipfile -l "$package")
for entry in lib/net8.0/NetGen.dll lib/net8.0/NetGen.xml README.md LICENSE analyzers/dotnet/cs/NetGen.Generator.dll analyzers/dotnet/cs/NetGen.Analyzers.dll analyzers/dotnet/cs/NetGen.CodeFixes.dll; do
  grep -q "$entry" <<<"$contents" || { echo "package lacks $entry"; echo "$contents"; exit 1; }
done
nuspec=$(python3 -c 'import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).read("NetGen.nuspec").decode())' "$package")
grep -q "<license type=\"expression\">MIT</license>" <<<"$nuspec" || { echo "package lacks its license expression"; echo "$nuspec"; exit 1; }
readme=$(python3 -c 'import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).read("README.md").decode())' "$package")
grep -q "dotnet add package NetGen" <<<"$readme" || { echo "the package's README does not say how to add the package"; exit 1; }
if grep -qE 'NetGen\.sln|\]\((docs|samples|tests)/' <<<"$readme"; then echo "the package's README carries repository-only commands or relative links"; exit 1; fi
echo "package $(basename "$package") holds the library (with XML docs), its own README, the license file and expression, and the generator and analyzers"

consumer="$work/consumer"
mkdir -p "$consumer"
cat > "$consumer/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="local" value="$feed" />
  </packageSources>
</configuration>
XML
cat > "$consumer/Directory.Build.props" <<'XML'
<Project />
XML
cat > "$consumer/Consumer.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings> <!-- as dotnet new console writes it -->
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="NetGen" Version="$version" />
  </ItemGroup>
</Project>
XML
cat > "$consumer/Program.cs" <<'CS'
using System;
using NetGen;

[Network(2)]
[Dense(4, Act.Tanh)]
[Dense(3, Act.Softmax)]
public partial class Classifier { }

public static class Program
{
    public static int Main()
    {
        var net = new Classifier(seed: 1);
        float[] x = { 0.5f, -1f, 1f, 0.25f };
        int[] labels = { 2, 0 };
        float before = net.ComputeGradients(x, labels, 2);
        var sgd = new Sgd(lr: 0.5f);
        for (int i = 0; i < 50; i++) net.TrainStep(x, labels, 2, sgd);
        float after = net.ComputeGradients(x, labels, 2);
        var output = new float[Classifier.OutputLength];
        net.Forward(x.AsSpan(0, 2), output);
        Console.WriteLine($"parameters {Classifier.ParameterCount}, loss {before:F4} -> {after:F4}, p = [{string.Join(", ", output)}]");
        return after < before && Classifier.ParameterCount == 27 ? 0 : 1;
    }
}
CS
export NUGET_PACKAGES="$work/packages"
echo "== consumer: valid network"
(cd "$consumer" && dotnet run -c Release -nologo)

echo "== consumer: the package README's first program, as a new user pastes it"
cp "$consumer/Program.cs" "$work/Program.cs.keep"
python3 - "$package" "$consumer/Program.cs" <<'PY'
import re, sys, zipfile
readme = zipfile.ZipFile(sys.argv[1]).read("README.md").decode()
blocks = re.findall(r"```csharp\n(.*?)```", readme, re.S)
program = next(b for b in blocks if "Main" not in b and "new IrisNet" in b)
open(sys.argv[2], "w").write(program)
PY
(cd "$consumer" && dotnet run -c Release -nologo) | tee "$work/readme.out"
grep -q "test accuracy" "$work/readme.out" || { echo "the README's program printed no accuracy"; exit 1; }
cp "$work/Program.cs.keep" "$consumer/Program.cs"

echo "== consumer: invalid network"
sed -i 's/\[Dense(4, Act.Tanh)\]/[Dense(0, Act.Tanh)]/' "$consumer/Program.cs"
set +e
out=$(cd "$consumer" && dotnet build -c Release -nologo 2>&1)
status=$?
set -e
if [ $status -eq 0 ]; then echo "the invalid network built"; echo "$out"; exit 1; fi
if ! grep -q "Program.cs(5,8): error NG0002: Dense layer 1: units = 0; expected units >= 1" <<<"$out"; then
  echo "the build failed without the expected NG0002 at Program.cs(5,8):"; echo "$out"; exit 1
fi
if grep -E "error CS" <<<"$out"; then echo "compiler errors besides NG0002 (a cascade)"; exit 1; fi
echo "invalid network: error NG0002 at Program.cs(5,8), no other error"

echo "== the tool: installed from its package, imports a model PyTorch exported, and the consumer runs the import"
tool_contents=$(python3 -m zipfile -l "$tool_package")
for entry in README.md LICENSE DotnetToolSettings.xml NetGen.Tool.dll NetGen.dll; do
  grep -q "$entry" <<<"$tool_contents" || { echo "the tool's package lacks $entry"; echo "$tool_contents"; exit 1; }
done
dotnet tool install NetGen.Tool --version "$version" --tool-path "$work/tools" --add-source "$feed" >/dev/null
cp "$root/tests/NetGen.Tests/Fixtures/onnx_lenet5_opset17.onnx" "$work/lenet5.onnx"
"$work/tools/netgen" import "$work/lenet5.onnx" --class ImportedLeNet --namespace Consumer.Models --out "$consumer/Models" | tee "$work/import.out"
grep -q "8 layers, 61,706 parameters" "$work/import.out" || { echo "netgen import printed no layer table with 61,706 parameters"; exit 1; }
sed -i 's/\[Dense(0, Act.Tanh)\]/[Dense(4, Act.Tanh)]/' "$consumer/Program.cs"
cat > "$consumer/Imported.cs" <<'CS'
public static class Imported
{
    /// <summary>The imported LeNet-5 with its weights: ten finite class scores for a blank image.</summary>
    public static bool Run()
    {
        var net = new Consumer.Models.ImportedLeNet();
        net.Load(System.IO.Path.Combine(System.AppContext.BaseDirectory, "ImportedLeNet.safetensors"));
        var scores = new float[Consumer.Models.ImportedLeNet.OutputLength];
        net.Forward(new float[Consumer.Models.ImportedLeNet.InputLength], scores);
        System.Console.WriteLine($"imported LeNet-5: {Consumer.Models.ImportedLeNet.ParameterCount} parameters, scores [{string.Join(", ", scores)}]");
        return scores.Length == 10 && System.Array.TrueForAll(scores, float.IsFinite) && Consumer.Models.ImportedLeNet.ParameterCount == 61706;
    }
}
CS
sed -i 's|return after < before|return Imported.Run() \&\& after < before|' "$consumer/Program.cs"
sed -i 's|</Project>|  <ItemGroup><None Include="Models/*.safetensors" Link="%(Filename)%(Extension)" CopyToOutputDirectory="PreserveNewest" /></ItemGroup>\n</Project>|' "$consumer/Consumer.csproj"
(cd "$consumer" && dotnet run -c Release -nologo) | tee "$work/imported.out"
grep -q "imported LeNet-5: 61706 parameters" "$work/imported.out" || { echo "the imported network did not run"; exit 1; }
echo "the tool installed from NetGen.Tool.$version.nupkg, imported LeNet-5, and the consumer built and ran it without warnings"
echo "== NetGen.Distributed: its own package, no native code, depends on NetGen; a consumer runs under mpiexec -n 2"
distributed_package="$feed/NetGen.Distributed.$version.nupkg"
distributed_contents=$(python3 -m zipfile -l "$distributed_package")
for entry in lib/net8.0/NetGen.Distributed.dll lib/net8.0/NetGen.Distributed.xml README.md LICENSE; do
  grep -q "$entry" <<<"$distributed_contents" || { echo "NetGen.Distributed's package lacks $entry"; echo "$distributed_contents"; exit 1; }
done
if grep -qE "runtimes/|\.so|\.dll" <<<"$(grep -v 'lib/net8.0/NetGen.Distributed.dll' <<<"$distributed_contents")"; then echo "NetGen.Distributed's package carries native or extra binaries"; echo "$distributed_contents"; exit 1; fi
distributed_nuspec=$(python3 -c 'import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).read("NetGen.Distributed.nuspec").decode())' "$distributed_package")
grep -q "<dependency id=\"NetGen\" version=\"$version\"" <<<"$distributed_nuspec" || { echo "NetGen.Distributed does not depend on NetGen $version"; echo "$distributed_nuspec"; exit 1; }
if grep -qiw "mpi" <<<"$(python3 -c 'import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).read("NetGen.nuspec").decode())' "$package")"; then echo "the core package mentions MPI"; exit 1; fi
mpi_consumer="$work/mpi-consumer"
mkdir -p "$mpi_consumer"
cp "$consumer/nuget.config" "$consumer/Directory.Build.props" "$mpi_consumer/"
sed -e "s|<PackageReference Include=\"NetGen\" Version=\"$version\" />|<PackageReference Include=\"NetGen.Distributed\" Version=\"$version\" />|" -e 's|  <ItemGroup><None Include="Models.*||' "$consumer/Consumer.csproj" > "$mpi_consumer/Consumer.csproj"
cat > "$mpi_consumer/Program.cs" <<'CS'
using NetGen;
using NetGen.Distributed;

using var world = MpiWorld.Initialize();
var net = new Classifier(seed: 1);
var optimizer = new DataParallel(new Sgd(lr: 0.5f), world);
float[] x = { 0.5f, -1f, 1f, 0.25f };
int[] labels = { 2, 0 };
for (int i = 0; i < 20; i++) net.TrainStep(x.AsSpan(2 * world.Rank, 2), labels.AsSpan(world.Rank, 1), 1, optimizer);
var checksum = new float[] { net.Parameters.ToArray().Sum() };
var mine = checksum[0];
world.Broadcast(checksum, root: 0);
Console.WriteLine($"rank {world.Rank} of {world.Size}: parameters {(mine == checksum[0] ? "equal to" : "DIFFERENT from")} rank 0's");
return mine == checksum[0] ? 0 : 1;

[Network(2)] [Dense(4, Act.Tanh)] [Dense(3, Act.Softmax)] public partial class Classifier { }
CS
(cd "$mpi_consumer" && dotnet build -c Release -nologo -v quiet >/dev/null)
OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpiexec -n 2 dotnet "$mpi_consumer/bin/Release/net10.0/Consumer.dll" | sort | tee "$work/mpi.out"
[ "$(grep -c 'parameters equal to rank 0' "$work/mpi.out")" = 2 ] || { echo "the MPI consumer's ranks did not agree"; exit 1; }
echo "NetGen.Distributed.$version.nupkg: managed only, depends on NetGen $version; a consumer trained on 2 ranks with equal parameters"
echo "package check passed"
