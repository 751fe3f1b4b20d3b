"""Square float32 matmul GFLOP/s (2 n^3 per product) in PyTorch: a @ b repeated for at least 3
products and MIN_SECONDS, after one warm-up product, for each size.

Written for Lamina's bench after ../shared/anchors/mm_torch.py (not part of this project).
Usage: python3 matmul.py THREADS SIZES [MIN_SECONDS]   (SIZES: 256,512,1024)
"""
import sys
import time

from common import emit, set_threads, torch

set_threads(int(sys.argv[1]))
sizes = [int(s) for s in sys.argv[2].split(',')]
min_seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 1.0
gflops, cpu_percent = {}, {}
for n in sizes:
    a = torch.rand(n, n) - 0.5
    b = torch.rand(n, n) - 0.5
    c = a @ b
    reps, c0, t0, dt = 0, time.process_time(), time.perf_counter(), 0.0
    while reps < 3 or dt < min_seconds:
        c = a @ b
        reps += 1
        dt = time.perf_counter() - t0
    gflops[n] = 2 * n ** 3 * reps / dt / 1e9
    cpu_percent[n] = 100 * (time.process_time() - c0) / dt
emit(workload='matmul', gflops=gflops, cpuPercent=cpu_percent)
