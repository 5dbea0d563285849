#!/usr/bin/python3
"""PyTorch's side of LeNetBenchmarks: LeNet-5 as DESIGN.md declares it, one thread, float32.

    /usr/bin/python3 benchmarks/pytorch_lenet.py
prints the median time per call of each benchmark, to set beside BenchmarkDotNet's means.
"""
import timeit

import torch
from torch import nn

torch.set_num_threads(1)
torch.manual_seed(0)
model = nn.Sequential(
    nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
    nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
x64 = torch.rand(64, 1, 28, 28)
x1 = x64[:1].clone()
labels = torch.randint(0, 10, (64,))
loss_fn = nn.CrossEntropyLoss()


def forward(x):
    with torch.no_grad():
        return torch.softmax(model(x), dim=1)


def train_step():
    opt.zero_grad()
    loss = loss_fn(model(x64), labels)
    loss.backward()
    opt.step()
    return loss


for name, fn in [("Forward_batch1", lambda: forward(x1)), ("Forward_batch64", lambda: forward(x64)), ("TrainStep_batch64", train_step)]:
    number = 50
    times = timeit.repeat(fn, number=number, repeat=7)
    best = sorted(times)[len(times) // 2] / number
    print(f"{name}: {best * 1e6:.1f} us (torch {torch.__version__}, 1 thread)")
