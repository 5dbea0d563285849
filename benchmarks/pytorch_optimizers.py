#!/usr/bin/python3
"""PyTorch's side of OptimizerBenchmarks: one torch.optim step on 1,048,576 parameters, one thread.

    /usr/bin/python3 benchmarks/pytorch_optimizers.py
"""
import timeit

import torch

torch.set_num_threads(1)
torch.manual_seed(1)
p = torch.randn(1 << 20, requires_grad=True)
p.grad = torch.randn(1 << 20) * 1e-3
for name, make in [("Sgd", lambda: torch.optim.SGD([p], lr=0.01)),
                   ("SgdMomentum", lambda: torch.optim.SGD([p], lr=0.01, momentum=0.9, weight_decay=1e-4)),
                   ("Adam", lambda: torch.optim.Adam([p])),
                   ("AdamW", lambda: torch.optim.AdamW([p])),
                   ("AdaGrad", lambda: torch.optim.Adagrad([p])),
                   ("RmsProp", lambda: torch.optim.RMSprop([p])),
                   ("AdaDelta", lambda: torch.optim.Adadelta([p])),
                   ("Rprop", lambda: torch.optim.Rprop([p]))]:
    opt = make()
    opt.step()
    times = timeit.repeat(opt.step, number=20, repeat=7)
    print(f"{name}: {sorted(times)[3] / 20 * 1e6:.0f} us (torch {torch.__version__}, 1 thread)")
