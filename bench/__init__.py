"""Benchmarks (not timed tests): ``python -m bench`` runs them all, ``--quick`` for a smoke run.

Each benchmark is a module with ``run(quick: bool) -> dict`` registered in ``bench.__main__``.
Everything runs on one thread: torch (``torch.set_num_threads(1)``) and, set here before NumPy
is imported, the BLAS under NumPy, so that the NumPy engine is compared on equal terms.
"""

import os

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")
