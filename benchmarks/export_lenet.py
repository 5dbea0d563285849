#!/usr/bin/python3
"""Records the LeNet-5 the benchmarks compare: an ONNX file for ONNX Runtime and the same weights for NetGen.

    /usr/bin/python3 benchmarks/export_lenet.py
writes benchmarks/NetGen.Benchmarks/Models/lenet5.onnx (opset 13, batch dimension dynamic) and lenet5.parameters
(the float32 values of torch.cat([p.flatten() for p in model.parameters()]), little-endian: NetGen's Parameters
layout). LeNet-5 as DESIGN.md declares it; the softmax is part of the graph, as NetGen's Forward applies it.
"""
import os

import numpy as np
import torch
from torch import nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "NetGen.Benchmarks", "Models")
torch.manual_seed(0)
model = nn.Sequential(
    nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
    nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10), nn.Softmax(dim=1)).eval()
os.makedirs(OUT, exist_ok=True)
x = torch.rand(1, 1, 28, 28)
torch.onnx.export(model, x, os.path.join(OUT, "lenet5.onnx"), input_names=["input"], output_names=["output"],
                  dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}}, opset_version=13)
flat = torch.cat([p.detach().reshape(-1) for p in model.parameters()]).numpy().astype("<f4")
flat.tofile(os.path.join(OUT, "lenet5.parameters"))
print("parameters", flat.size, "output of a zero image", model(torch.zeros(1, 1, 28, 28)).detach().numpy().round(4).tolist())
