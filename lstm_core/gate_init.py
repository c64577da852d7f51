"""Gate-bias initialisations for long time lags, drawn the same way by both engines.

``default``: PyTorch's U(-1/sqrt(H), 1/sqrt(H)) biases, plus ``forget_bias`` on the f slice of
b_ih (Gers, Schmidhuber & Cummins 2000, "Learning to Forget").

``chrono`` (Tallec & Ollivier 2018, "Can recurrent neural networks warp time?", ICLR), per
unit j of every LSTM layer::

    b_f[j] = log(u_j),   u_j ~ U(1, T_max - 1)       the f slice of b_ih
    b_i[j] = -b_f[j]                                 the i slice of b_ih
    b_hh[i slice] = b_hh[f slice] = 0

At x = 0, h = 0 the forget gate starts at f_j = sigmoid(log u_j) = u_j / (1 + u_j), so unit j
keeps its cell for about 1 / (1 - f_j) = 1 + u_j steps: memory times spread evenly between 2
and T_max, where T_max is the longest lag the task needs. Chrono replaces ``forget_bias``.
The draws come from their own NumPy stream of the run's seed (not the engine's generator), so
the torch and the NumPy engine give identical biases for the same seed.
"""

from __future__ import annotations

import numpy as np

CHRONO_STREAM = 2018  # keeps the chrono draws apart from every other stream of the seed


def chrono_forget_bias(H: int, t_max: int, seed: int, layer: int) -> np.ndarray:
    """b_f (H,) float64 for one layer: log(U(1, t_max - 1)) from the seed's chrono stream."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, CHRONO_STREAM, layer]))
    return np.log(rng.uniform(1.0, t_max - 1.0, H))


def chrono_biases(H: int, t_max: int, seed: int, layer: int, b_ih, b_hh):
    """(b_ih, b_hh) as float64 arrays (4H,) with chrono's i and f slices (gate order i|f|g|o);
    the g and o slices are kept from the given biases."""
    b_ih, b_hh = np.array(b_ih, np.float64), np.array(b_hh, np.float64)
    b_f = chrono_forget_bias(H, t_max, seed, layer)
    b_ih[:H], b_ih[H : 2 * H] = -b_f, b_f
    b_hh[: 2 * H] = 0.0
    return b_ih, b_hh
