"""Shared by Lamina's PyTorch peer scripts (bench/pytorch/*.py, run by bench/pytorch.ts).

Every script takes the thread count first, sets torch.set_num_threads(threads) (the parent also
sets OPENBLAS_NUM_THREADS and OMP_NUM_THREADS: Debian's build ignores set_num_threads for BLAS),
times its work with both clocks (wall: perf_counter; CPU of the whole process, all threads:
process_time) and prints one JSON line, the last line of its output.
"""
import json
import os
import sys
import time

import torch


def set_threads(n):
    """torch.set_num_threads(n); returns the count torch reports."""
    torch.set_num_threads(n)
    return torch.get_num_threads()


def timed(work):
    """(wall seconds, CPU seconds) of one call of work()."""
    c0, t0 = time.process_time(), time.perf_counter()
    work()
    return time.perf_counter() - t0, time.process_time() - c0


def best_of(work, repeats):
    """(wall, CPU) of the fastest of `repeats` calls of work()."""
    return min(timed(work) for _ in range(repeats))


def train_epoch(model, lossf, opt, x, y, count, batch=32):
    """One epoch over the first `count` rows of (x, y) in a random order, `batch` rows a step."""
    perm = torch.randperm(count)
    for i in range(0, count, batch):
        idx = perm[i:i + batch]
        opt.zero_grad()
        lossf(model(x[idx]), y[idx]).backward()
        opt.step()


def blas_library():
    """The folder of the BLAS torch has loaded (e.g. 'openblas-pthread', or 'blas' for Debian's
    reference libblas3, which is tens of times slower), read from /proc/self/maps; None elsewhere."""
    try:
        with open('/proc/self/maps') as maps:
            paths = {line.split()[-1] for line in maps if 'blas' in line.rsplit('/', 1)[-1]}
    except OSError:
        return None
    for path in sorted(paths):
        if 'libblas' in path or 'libopenblas' in path:
            return os.path.basename(os.path.dirname(os.path.realpath(path)))
    return None


def emit(**fields):
    """Prints the result line: torch's version and thread count, then the script's fields."""
    print(json.dumps(dict(engine='torch', version=torch.__version__, threads=torch.get_num_threads(), **fields)))
    sys.stdout.flush()
