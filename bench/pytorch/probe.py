"""Prints what Lamina's bench needs to know of this PyTorch: its version and the BLAS it loaded
(bench/pytorch.ts runs this to detect PyTorch; no thread count argument)."""
import json

from common import blas_library, torch

print(json.dumps({'version': torch.__version__, 'blas': blas_library()}))
