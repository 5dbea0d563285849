#!/usr/bin/python3
"""PyTorch's side of the fashion-mnist sample: the same LeNet-5 run, timed as a whole.

    OPENBLAS_NUM_THREADS=2 OMP_NUM_THREADS=2 /usr/bin/python3 benchmarks/pytorch_fashion_mnist.py 2
(the argument is torch's thread count). As `dotnet run --project samples/NetGen.Samples -c Release -- fashion-mnist`:
Debian's dataset-fashion-mnist, 55,000 training and 5,000 validation images (a seeded split), Adam (lr 1e-3) with
cosine annealing over 10 epochs, batch 64, after each epoch the loss and accuracy on 5,000 training images and on
the validation set, the test accuracy at the end. Prints the wall time of the 10 epochs.
"""
import gzip
import os
import sys
import time

import numpy as np
import torch
from torch import nn

FOLDER = "/usr/share/datasets/fashion-mnist"
threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
torch.set_num_threads(threads)
torch.manual_seed(1)


def idx(images, labels):
    with gzip.open(os.path.join(FOLDER, images)) as f:
        x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28).astype(np.float32) / 255
    with gzip.open(os.path.join(FOLDER, labels)) as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8).astype(np.int64)
    return torch.from_numpy(x), torch.from_numpy(y)


x, y = idx("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz")
tx, ty = idx("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")
order = torch.randperm(len(x))
train, validation = order[:55000], order[55000:]
model = nn.Sequential(
    nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
    nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
schedule = torch.optim.lr_scheduler.CosineAnnealingLR(opt, 10)
loss_fn = nn.CrossEntropyLoss()


def evaluate(images, labels):
    model.eval()
    with torch.no_grad():
        logits = torch.cat([model(images[i:i + 256]) for i in range(0, len(images), 256)])
    model.train()
    return loss_fn(logits, labels).item(), (logits.argmax(1) == labels).float().mean().item()


start = time.perf_counter()
for epoch in range(10):
    t = time.perf_counter()
    perm = train[torch.randperm(len(train))]
    for i in range(0, len(perm), 64):
        batch = perm[i:i + 64]
        opt.zero_grad()
        loss = loss_fn(model(x[batch]), y[batch])
        loss.backward()
        opt.step()
    schedule.step()
    train_loss, train_accuracy = evaluate(x[train[:5000]], y[train[:5000]])
    validation_loss, validation_accuracy = evaluate(x[validation], y[validation])
    print(f"epoch {epoch + 1}: loss {train_loss:.4f}, accuracy {train_accuracy:.1%}; validation {validation_loss:.4f}, {validation_accuracy:.1%} ({time.perf_counter() - t:.1f} s)")
total = time.perf_counter() - start
print(f"test accuracy {evaluate(tx, ty)[1]:.1%}; 10 epochs in {total:.1f} s (torch {torch.__version__}, {threads} threads)")
