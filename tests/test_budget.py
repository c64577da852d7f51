"""The per-session memory budget: estimates made before a run is built, and the knob named
when a configuration is over budget."""

import pytest

from lstm_core import budget
from lstm_core.config import ModelConfig, OptimConfig, TaskSpec, TrainConfig

SINE = TaskSpec("next_step", input_size=1, output_size=1)
TEXT = TaskSpec("next_token", input_size=0, output_size=1000, vocab_size=1000)


def config(hidden=32, layers=1, batch=32, cell="lstm", **kw) -> TrainConfig:
    model = ModelConfig(cell=cell, hidden_size=hidden, num_layers=layers)
    return TrainConfig(model=model, optim=OptimConfig(batch_size=batch), **kw)


def test_parameter_count_matches_the_torch_model():
    import torch

    from lstm_core.models import build_model

    for cell, layers in (("lstm", 2), ("gru", 1), ("rnn", 3)):
        cfg = config(hidden=12, layers=layers, cell=cell)
        model = build_model(TEXT, cfg.model, torch.Generator().manual_seed(0))
        real = sum(p.numel() for p in model.parameters())
        assert real <= budget.count_params(TEXT, cfg.model) <= real + 3 * 12 * layers


def test_the_default_run_is_estimated_under_30_mb():
    assert budget.estimate(TrainConfig(), SINE, 100).total <= 30e6
    assert budget.over_budget(TrainConfig(), SINE, 100) is None


def test_estimates_grow_with_every_knob_that_costs_memory():
    base = budget.estimate(config(), SINE, 100).total
    for bigger in (config(hidden=64), config(layers=2), config(batch=64)):
        assert budget.estimate(bigger, SINE, 100).total > base
    assert budget.estimate(config(), SINE, 200).total > base
    assert budget.estimate(config(), TEXT, 100).total > base


def test_snapshots_count_in_bytes_not_in_number():
    many = config(hidden=256, layers=3, max_snapshots=200, snapshot_every=1)
    est = budget.estimate(many, SINE, 100)
    assert est.records <= budget.SNAPSHOT_BUDGET_BYTES + budget.HISTORY_MAX_ROWS * 200
    assert budget.snapshot_bytes(many.model, 100) == 3 * 6 * 100 * 4 * 256 * 4


@pytest.mark.parametrize(
    "cfg,T,knob",
    [
        (config(hidden=256, layers=3, batch=256), 500, "batch_size"),
        (config(hidden=256, layers=3, batch=1), 20_000, "hidden_size"),
    ],
)
def test_over_budget_names_the_first_knob_that_fits_and_its_largest_value(cfg, T, knob):
    over = budget.over_budget(cfg, SINE, T)
    assert over is not None and over.need > over.limit == budget.SESSION_BUDGET_BYTES
    assert over.knob == knob and over.fits < over.now
    fixed = budget._with(cfg, knob, over.fits)
    assert budget.estimate(fixed, SINE, T).total <= budget.SESSION_BUDGET_BYTES
    if over.fits * 2 <= over.now:  # halving once more than needed would not be the largest
        too_big = budget._with(cfg, knob, over.fits * 2)
        assert budget.estimate(too_big, SINE, T).total > budget.SESSION_BUDGET_BYTES


def test_a_file_over_its_limit_is_refused_without_reading_it_all(tmp_path):
    path = tmp_path / "big.bin"
    path.write_bytes(b"x" * 101)
    with pytest.raises(budget.FileTooBig, match="big.bin is 101 bytes; the limit is 100 bytes"):
        budget.read_capped(path, 100)
    assert budget.read_capped(path, 101) == b"x" * 101
    with pytest.raises(budget.FileTooBig, match="larger than the limit"):
        budget.read_capped("/dev/zero", 1000)
