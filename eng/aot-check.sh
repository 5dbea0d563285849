#!/usr/bin/env bash
# Publishes samples/NetGen.AotSample with NativeAOT and checks that the native binary prints exactly what the same
# program prints on the JIT (training, test accuracy, reloading the saved weights, the ONNX export).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== NativeAOT publish"
dotnet publish "$root/samples/NetGen.AotSample" -c Release -r linux-x64 -o "$work/aot" -v quiet -nologo
dotnet build "$root/samples/NetGen.AotSample" -c Release -o "$work/jit" -v quiet -nologo
"$work/aot/NetGen.AotSample" > "$work/aot.txt"
dotnet "$work/jit/NetGen.AotSample.dll" > "$work/jit.txt"
cat "$work/aot.txt"
if ! diff "$work/jit.txt" "$work/aot.txt"; then echo "the native binary prints otherwise than the JIT build"; exit 1; fi
echo "native binary: $(stat -c %s "$work/aot/NetGen.AotSample") bytes; same output as the JIT build"
