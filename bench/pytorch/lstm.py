"""LSTM(8 -> 32) -> Linear(32, 1) on the last step, MSE, Adam(lr 1e-3, eps 1e-7), batch 32,
shuffled; one warm-up batch, then REPEATS epochs over the N sequences of 50 steps, the fastest kept.

MODE 'fused': torch.nn.LSTM without dropout (its `dropout` acts only between stacked layers; it has
no recurrent dropout). MODE 'var': a Python loop over torch.nn.LSTMCell with Lamina's variational
masks: one input mask [B, 8] and one recurrent mask [B, 32] (rate 0.5, kept units scaled by 2)
drawn per batch and reused at every step, as LSTM(32, dropout 0.5, recurrentDropout 0.5) does.

Written for Lamina's bench after ../shared/anchors/lstm_torch.py (not part of this project).
Usage: python3 lstm.py THREADS DATA_DIR fused|var N REPEATS
DATA_DIR/lstm_x.f32: N x 50 x 8, lstm_y.f32: N x 1, raw little-endian float32, written by
bench/pytorch.ts from Lamina's lstmBenchData.
"""
import os
import sys

import numpy as np

from common import best_of, emit, set_threads, torch, train_epoch

set_threads(int(sys.argv[1]))
data, mode, n, repeats = sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
x = torch.from_numpy(np.fromfile(os.path.join(data, 'lstm_x.f32'), dtype='<f4')[:n * 400].reshape(n, 50, 8).copy())
y = torch.from_numpy(np.fromfile(os.path.join(data, 'lstm_y.f32'), dtype='<f4')[:n].reshape(n, 1).copy())
torch.manual_seed(1)


class Fused(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = torch.nn.LSTM(8, 32, batch_first=True)
        self.dense = torch.nn.Linear(32, 1)

    def forward(self, xb):
        out, _ = self.lstm(xb)
        return self.dense(out[:, -1])


class Variational(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.cell = torch.nn.LSTMCell(8, 32)
        self.dense = torch.nn.Linear(32, 1)

    def forward(self, xb):
        b = xb.shape[0]
        h, c = xb.new_zeros(b, 32), xb.new_zeros(b, 32)
        mx = torch.bernoulli(xb.new_full((b, 8), 0.5)) * 2
        mh = torch.bernoulli(xb.new_full((b, 32), 0.5)) * 2
        for t in range(xb.shape[1]):
            h, c = self.cell(xb[:, t] * mx, (h * mh, c))
        return self.dense(h)


if mode not in ('fused', 'var'):
    raise SystemExit(f"lstm.py: MODE must be 'fused' or 'var', got {mode!r}")
m = Fused() if mode == 'fused' else Variational()
lossf = torch.nn.MSELoss()
opt = torch.optim.Adam(m.parameters(), lr=1e-3, eps=1e-7)

train_epoch(m, lossf, opt, x, y, 32)
wall, cpu = best_of(lambda: train_epoch(m, lossf, opt, x, y, n), repeats)
emit(workload='lstm-' + mode, sequences=n, seconds=wall, cpuSeconds=cpu, sequencesPerSecond=n / wall)
