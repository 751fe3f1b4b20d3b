"""The digits CNN of Lamina's bench/cnn.ts in PyTorch: Conv2d(1,32,3) ReLU Conv2d(32,32,3) ReLU
MaxPool2d(2) Dropout(0.5) Flatten Linear(4608,10), softmax cross-entropy (CrossEntropyLoss on the
logits), Adam(lr 1e-3, eps 1e-7), batch 32, shuffled; one warm-up batch, then REPEATS epochs over
the N images, the fastest kept.

Written for Lamina's bench after ../shared/anchors/cnn_torch.py (not part of this project).
Usage: python3 cnn.py THREADS DATA_DIR N REPEATS
DATA_DIR/digits_x.f32: N x 28 x 28 x 1 pixels in [0, 1]; digits_y.f32: N x 10 one-hot; raw
little-endian float32, written by bench/pytorch.ts from the arrays Lamina's bench trains on.
"""
import os
import sys

import numpy as np

from common import best_of, emit, set_threads, torch, train_epoch

set_threads(int(sys.argv[1]))
data, n, repeats = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
x = torch.from_numpy(np.fromfile(os.path.join(data, 'digits_x.f32'), dtype='<f4')[:n * 784].reshape(n, 28, 28, 1).transpose(0, 3, 1, 2).copy())
y = torch.from_numpy(np.fromfile(os.path.join(data, 'digits_y.f32'), dtype='<f4')[:n * 10].reshape(n, 10).argmax(1))
torch.manual_seed(1)
m = torch.nn.Sequential(torch.nn.Conv2d(1, 32, 3), torch.nn.ReLU(), torch.nn.Conv2d(32, 32, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                        torch.nn.Dropout(0.5), torch.nn.Flatten(), torch.nn.Linear(32 * 12 * 12, 10))
lossf = torch.nn.CrossEntropyLoss()
opt = torch.optim.Adam(m.parameters(), lr=1e-3, eps=1e-7)

train_epoch(m, lossf, opt, x, y, 32)
wall, cpu = best_of(lambda: train_epoch(m, lossf, opt, x, y, n), repeats)
emit(workload='cnn', images=n, seconds=wall, cpuSeconds=cpu, imagesPerSecond=n / wall)
