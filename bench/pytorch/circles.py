"""The case study in PyTorch: 2-500-1 MLP (ReLU, optional Dropout, sigmoid), Glorot-uniform weights
and zero biases, binary cross-entropy, Adam(lr 1e-3, eps 1e-7), the 30 training rows as one shuffled
batch each epoch, then validation (loss and accuracy) on the 70 test rows, for EPOCHS epochs.

Written for Lamina's bench after ../shared/anchors/torch_circles_t.py (not part of this project);
the same model and loop, except that the training accuracy is read from the training forward pass
and the validation set goes through the model once per epoch, as Lamina's `fit` does.

Usage: python3 circles.py THREADS circles.json EPOCHS RATE [SEED]   (RATE 0: no Dropout)
circles.json: {"X": [[x0, x1], ...100], "y": [0/1, ...100]} written by bench/pytorch.ts from
Lamina's makeCircles(100, noise 0.1, random_state 1); rows 0-29 train, 30-99 validate.
"""
import json
import sys

from common import best_of, emit, set_threads, torch

set_threads(int(sys.argv[1]))
d = json.load(open(sys.argv[2]))
epochs, rate = int(sys.argv[3]), float(sys.argv[4])
torch.manual_seed(int(sys.argv[5]) if len(sys.argv) > 5 else 1)
X = torch.tensor(d['X'], dtype=torch.float32)
y = torch.tensor(d['y'], dtype=torch.float32)[:, None]
trX, teX, trY, teY = X[:30], X[30:], y[:30], y[30:]

layers = [torch.nn.Linear(2, 500), torch.nn.ReLU()]
if rate > 0:
    layers.append(torch.nn.Dropout(rate))
layers += [torch.nn.Linear(500, 1), torch.nn.Sigmoid()]
m = torch.nn.Sequential(*layers)
for layer in m:
    if isinstance(layer, torch.nn.Linear):
        torch.nn.init.xavier_uniform_(layer.weight)
        torch.nn.init.zeros_(layer.bias)
opt = torch.optim.Adam(m.parameters(), lr=1e-3, eps=1e-7)
lossf = torch.nn.BCELoss()
last = {}


def fit():
    for _ in range(epochs):
        m.train()
        perm = torch.randperm(30)
        for i in range(0, 30, 32):
            idx = perm[i:i + 32]
            opt.zero_grad()
            out = m(trX[idx])
            loss = lossf(out, trY[idx])
            loss.backward()
            opt.step()
            acc = ((out.detach() > 0.5).float() == trY[idx]).float().mean().item()
        m.eval()
        with torch.no_grad():
            out = m(teX)
            last.update(train=acc, test=((out > 0.5).float() == teY).float().mean().item(), valLoss=lossf(out, teY).item())


wall, cpu = best_of(fit, 1)
emit(workload='circles', epochs=epochs, rate=rate, seconds=wall, cpuSeconds=cpu, **last)
