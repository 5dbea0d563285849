#!/usr/bin/python3
"""The PyTorch half of the `finetune` sample ("From PyTorch to NetGen" in the README).

Trains a small CNN with batch normalization on the digits NetGen has built in (src/NetGen/Data/Resources/digits.csv.gz),
briefly on purpose (six epochs of SGD), and exports it as ONNX with its batch normalization kept as nodes:
    /usr/bin/python3 samples/pytorch/train_digits.py
Then the model becomes NetGen code with the tool:
    dotnet run --project tools/NetGen.Tool -- import samples/NetGen.Samples/Imported/digits_pytorch.onnx \
        --class DigitsFromPyTorch --namespace NetGen.Samples --out samples/NetGen.Samples/Imported
The split, which both sides compute the same way: image i is a test image when i % 5 == 4, else a training image.
Writes digits_pytorch.onnx and digits_pytorch.json (PyTorch's test accuracy and loss) beside the imported class.
"""
import gzip
import json
import os

import torch
from torch import nn

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
OUT = os.path.join(ROOT, "samples", "NetGen.Samples", "Imported")


def load():
    rows = [list(map(float, line.split(","))) for line in gzip.open(os.path.join(ROOT, "src", "NetGen", "Data", "Resources", "digits.csv.gz"), "rt") if line.strip()]
    x = torch.tensor([r[:-1] for r in rows], dtype=torch.float32).reshape(-1, 1, 8, 8) / 16
    y = torch.tensor([int(r[-1]) for r in rows])
    test = torch.tensor([i % 5 == 4 for i in range(len(rows))])
    return x[~test], y[~test], x[test], y[test]


def model():
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 10))


EPOCHS = 6


def main():
    torch.manual_seed(7)
    x, y, xt, yt = load()
    net = model()
    sgd = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
    net.train()
    for _ in range(EPOCHS):
        order = torch.randperm(len(x))
        for start in range(0, len(x), 32):
            batch = order[start:start + 32]
            sgd.zero_grad()
            loss = nn.functional.cross_entropy(net(x[batch]), y[batch])
            loss.backward()
            sgd.step()
    net.eval()
    with torch.no_grad():
        logits = net(xt)
        accuracy = float((logits.argmax(1) == yt).float().mean())
        test_loss = float(nn.functional.cross_entropy(logits, yt))
    os.makedirs(OUT, exist_ok=True)
    torch.onnx.export(net, xt[:1], os.path.join(OUT, "digits_pytorch.onnx"), opset_version=17, input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}}, training=torch.onnx.TrainingMode.PRESERVE)
    with open(os.path.join(OUT, "digits_pytorch.json"), "w") as f:
        json.dump({"torch": torch.__version__, "train": len(x), "test": len(xt), "epochs": EPOCHS, "test_accuracy": accuracy, "test_loss": test_loss,
                   "test_logits_first": [float(v) for v in logits[0]]}, f, indent=1)
    print("PyTorch, %d epochs: test accuracy %.4f, loss %.4f (%d training, %d test images)" % (EPOCHS, accuracy, test_loss, len(x), len(xt)))


if __name__ == "__main__":
    main()
