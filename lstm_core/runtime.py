"""One compute thread per process user: torch and the BLAS under NumPy.

The app serves many sessions from one process on a small machine. With several threads per
library, small matrices thrash (NOTES.md: a 10 ms step seen taking 3 s; the NumPy engine
3.5x slower with OpenBLAS's default threads). Call ``single_thread()`` once at start-up.
"""

from __future__ import annotations

from functools import cache


@cache
def single_thread() -> None:
    """Limit torch and NumPy's BLAS to one thread each (idempotent)."""
    import torch  # lazy: every page imports this module; torch loads at the first call
    from threadpoolctl import threadpool_limits  # lazy, as torch: needed once per process

    torch.set_num_threads(1)
    threadpool_limits(limits=1, user_api="blas")
