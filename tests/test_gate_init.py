"""Chrono initialisation (Tallec & Ollivier 2018): its distribution, the same biases in the
torch and the NumPy engine for the same seed, its limits, and that it learns the adding
problem faster than the default initialisation."""

from dataclasses import replace

import numpy as np
import pytest
import torch

from lstm_core.config import ModelConfig, OptimConfig, TrainConfig, validate
from lstm_core.engines import NumpyEngine, TorchEngine
from lstm_core.gate_init import chrono_forget_bias
from lstm_core.models import build_model
from lstm_core.tasks import make_task
from lstm_core.train import Trainer, reset_problems


def _cfg(seed=0, **model) -> TrainConfig:
    m = ModelConfig(**{"hidden_size": 6, "gate_init": "chrono", "chrono_t_max": 50, **model})
    return TrainConfig(task="adding", task_knobs={"seq_len": 20}, model=m, seed=seed)


def _engine_biases(engine_cls, cfg, layer=0):
    task = make_task(cfg.task, **cfg.task_knobs)
    engine = engine_cls(task.spec, cfg)
    if engine_cls is TorchEngine:
        state = {k: v.detach().numpy() for k, v in engine.model.state_dict().items()}
    else:
        state = engine.model.params
    return state[f"rnn.bias_ih_l{layer}"], state[f"rnn.bias_hh_l{layer}"]


@pytest.mark.parametrize("seed", [0, 5])
@pytest.mark.parametrize("layers", [1, 2])
def test_both_engines_get_identical_chrono_biases(seed, layers):
    cfg = _cfg(seed, num_layers=layers)
    H = cfg.model.hidden_size
    for k in range(layers):
        t_ih, t_hh = _engine_biases(TorchEngine, cfg, k)
        n_ih, n_hh = _engine_biases(NumpyEngine, cfg, k)
        np.testing.assert_array_equal(t_ih[: 2 * H], n_ih[: 2 * H])
        np.testing.assert_array_equal(t_hh[: 2 * H], n_hh[: 2 * H])
        b_f = chrono_forget_bias(H, 50, seed, k).astype(np.float32)
        np.testing.assert_array_equal(t_ih[H : 2 * H], b_f)  # b_f = log(u)
        np.testing.assert_array_equal(t_ih[:H], -b_f)  # b_i = -b_f
        assert not t_hh[: 2 * H].any()  # b_hh's i and f slices are 0


def test_chrono_seeds_and_layers_draw_differently():
    a, b, c = (chrono_forget_bias(8, 100, s, k) for s, k in ((0, 0), (1, 0), (0, 1)))
    assert not np.array_equal(a, b) and not np.array_equal(a, c)
    np.testing.assert_array_equal(a, chrono_forget_bias(8, 100, 0, 0))


@pytest.mark.parametrize("t_max", [3, 100, 1000])
def test_chrono_forget_bias_is_log_of_uniform(t_max):
    u = np.exp(chrono_forget_bias(20_000, t_max, 0, 0))
    assert u.min() >= 1.0 and u.max() <= t_max - 1.0
    # U(1, T_max - 1): every decile holds a tenth of the draws (5 sigma wide)
    edges = np.linspace(1.0, t_max - 1.0, 11)
    counts = np.histogram(u, edges)[0]
    assert np.all(np.abs(counts - 2000) < 5 * np.sqrt(2000 * 0.9))
    # the forget gate starts at f = u / (1 + u): memory times 1 / (1 - f) = 1 + u in [2, T_max]
    f = 1.0 / (1.0 + np.exp(-np.log(u)))
    np.testing.assert_allclose(1.0 / (1.0 - f), 1.0 + u, rtol=1e-9)


def test_chrono_changes_only_the_i_and_f_biases():
    spec = make_task("adding", seq_len=20).spec
    g = lambda: torch.Generator().manual_seed(3)  # noqa: E731
    plain = build_model(spec, ModelConfig(hidden_size=5), g()).state_dict()
    chrono = build_model(spec, ModelConfig(hidden_size=5, gate_init="chrono"), g()).state_dict()
    H = 5
    for name, p in plain.items():
        if "bias" in name and name.startswith("rnn."):
            torch.testing.assert_close(chrono[name][2 * H :], p[2 * H :])  # g and o kept
        else:
            torch.testing.assert_close(chrono[name], p)


def test_chrono_leaves_gru_and_rnn_alone():
    spec = make_task("adding", seq_len=20).spec
    for cell in ("gru", "rnn"):
        g = lambda: torch.Generator().manual_seed(1)  # noqa: E731
        a = build_model(spec, ModelConfig(cell=cell, hidden_size=4), g()).state_dict()
        b = build_model(spec, ModelConfig(cell=cell, hidden_size=4, gate_init="chrono"), g())
        for name, p in b.state_dict().items():
            torch.testing.assert_close(p, a[name])


def test_validate_words_bad_gate_init_and_t_max():
    cfg = _cfg()
    assert validate(cfg) is None and validate(cfg, classroom=True) is None
    bad = validate(replace(cfg, model=replace(cfg.model, gate_init="warp")))
    assert bad.code == "config.unknown" and "chrono" in bad.english()
    low = validate(replace(cfg, model=replace(cfg.model, chrono_t_max=1)))
    assert low.code == "config.whole" and "T_max" in low.english()
    big = replace(cfg, model=replace(cfg.model, chrono_t_max=50_000))
    assert validate(big) is None and validate(big, classroom=True).code == "config.whole"


def test_changing_the_gate_init_needs_a_new_model():
    old = _cfg(gate_init="default")
    task = make_task("adding", seq_len=20)
    codes = [p.params["field"].code for p in reset_problems(old, _cfg(), task)]
    assert codes == ["field.gate_init"]


def _solved_at(gate_init: str, seed: int, budget: int = 400) -> int | None:
    """Sequences seen when adding T=30 was first solved, within ``budget`` steps of 16."""
    cfg = TrainConfig(
        task="adding",
        task_knobs={"seq_len": 30},
        model=ModelConfig(hidden_size=16, gate_init=gate_init, chrono_t_max=30),
        optim=OptimConfig("adam", lr=1e-2, clip=1.0, batch_size=16),
        seed=seed,
        eval_every=10,
        snapshot_every=10**9,
        max_snapshots=2,
    )
    tr = Trainer(cfg)
    while tr.steps < budget:
        tr.step(10)
        if tr.history.solved[-1]:
            return tr.steps * 16
    return None


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0])
def test_chrono_solves_adding_faster_than_the_default(seed):
    torch.set_num_threads(1)
    chrono = _solved_at("chrono", seed)
    default = _solved_at("default", seed)
    assert chrono is not None
    assert default is None or chrono < default


@pytest.mark.parametrize(
    ("saved", "gate_init", "t_max"),
    [
        ({"chrono_T": 30}, "chrono", 30),  # the retired option: chrono with that T_max
        ({"chrono_T": 0}, "default", 100),  # 0 was "off"
        (
            {"chrono_T": 30, "gate_init": "chrono", "chrono_t_max": 50},
            "chrono",
            50,
        ),  # gate_init wins
    ],
)
def test_a_saved_config_with_chrono_T_loads_as_gate_init(saved, gate_init, t_max):
    cfg = TrainConfig.from_dict({"task": "adding", "model": {"hidden_size": 6, **saved}})
    assert (cfg.model.gate_init, cfg.model.chrono_t_max) == (gate_init, t_max)
    assert not hasattr(cfg.model, "chrono_T") and validate(cfg) is None
