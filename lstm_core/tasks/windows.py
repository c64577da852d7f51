"""Windows over one long sequence (a time series or a text), split by time.

The last ``val_fraction`` of the sequence is held out: training windows lie entirely before the
split and validation windows entirely after it, so no validation value is ever seen in training.
A window of W steps needs W + 1 values: inputs v_1..v_W and next-step targets v_2..v_{W+1}.
"""

from __future__ import annotations

import numpy as np


def split_index(n: int, val_fraction: float) -> int:
    """Length of the training part when the last ``val_fraction`` of ``n`` values is held out."""
    return n - int(round(n * val_fraction))


def min_length(window: int, val_fraction: float = 0.0) -> int:
    """Shortest sequence whose training part (and validation part, if any) holds one window."""
    n = window + 1
    while True:
        n_train = split_index(n, val_fraction)
        if n_train >= window + 1 and (val_fraction == 0 or n - n_train >= window + 1):
            return n
        n += 1


def random_starts(rng: np.random.Generator, lo: int, hi: int, size: int) -> np.ndarray:
    """``size`` window starts drawn uniformly from lo..hi (inclusive)."""
    return rng.integers(lo, hi + 1, size=size)


def spread_starts(lo: int, hi: int, size: int) -> np.ndarray:
    """At most ``size`` distinct window starts evenly spread over lo..hi (inclusive)."""
    count = min(size, hi - lo + 1)
    return np.unique(np.linspace(lo, hi, count).round().astype(np.int64))


def gather(values: np.ndarray, starts: np.ndarray, length: int) -> np.ndarray:
    """Stack ``values[s : s + length]`` for each start along axis 1: (length, B, ...)."""
    index = starts[None, :] + np.arange(length)[:, None]  # (length, B)
    return values[index]
