#!/usr/bin/python3
"""PyTorch's side of NetworkBenchmarks: LeNet-5 (as DESIGN.md declares it) and the 784-512-256-10 MLP, one thread, float32.

    OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 /usr/bin/python3 benchmarks/pytorch_peers.py
prints the median time per call of each case, to set beside BenchmarkDotNet's means. Needs Debian's python3-torch and
libopenblas0-pthread (without OpenBLAS, Debian's PyTorch uses the reference BLAS and is much slower on batches).
"""
import timeit

import torch
from torch import nn

torch.set_num_threads(1)
torch.manual_seed(0)


def lenet():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def mlp():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 10))


x64 = torch.rand(64, 1, 28, 28)
x1 = x64[:1].clone()
labels = torch.randint(0, 10, (64,))
loss_fn = nn.CrossEntropyLoss()


def median(fn, number=50):
    times = timeit.repeat(fn, number=number, repeat=7)
    return sorted(times)[len(times) // 2] / number


for name, make in [("LeNet5", lenet), ("Mlp512", mlp)]:
    model = make()
    sgd = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    adam = torch.optim.Adam(model.parameters(), lr=1e-3)

    def forward(x):
        with torch.no_grad():
            return torch.softmax(model(x), dim=1)

    def train(opt):
        opt.zero_grad()
        loss = loss_fn(model(x64), labels)
        loss.backward()
        opt.step()
        return loss

    for case, fn in [("Forward_batch1", lambda: forward(x1)), ("Forward_batch64", lambda: forward(x64)),
                     ("TrainStep_batch64", lambda: train(sgd)), ("TrainStep_batch64_Adam", lambda: train(adam))]:
        print(f"{name} {case}: {median(fn) * 1e6:.1f} us (torch {torch.__version__}, 1 thread)")

# SecondOrderBenchmarks: a Hessian-vector product of LeNet-5's training loss at batch 64 by double backward, and the
# gradient it builds on
from torch.nn.utils.stateless import functional_call  # noqa: E402

model = lenet()
names = [n for n, _ in model.named_parameters()]
shapes = [p.shape for p in model.parameters()]
sizes = [p.numel() for p in model.parameters()]
w = torch.cat([p.detach().reshape(-1) for p in model.parameters()])
v = torch.randn_like(w)


def loss_of(flat):
    tensors = {n: t.reshape(s) for n, t, s in zip(names, torch.split(flat, sizes), shapes)}
    return loss_fn(functional_call(model, tensors, (x64,)), labels)


def gradient():
    model.zero_grad()
    loss_fn(model(x64), labels).backward()


for case, fn in [("ComputeGradients_batch64", gradient), ("HessianVectorProduct_batch64", lambda: torch.autograd.functional.hvp(loss_of, w, v))]:
    print(f"LeNet5 {case}: {median(fn, number=20) * 1e6:.1f} us (torch {torch.__version__}, 1 thread)")
