"""The arena: every model sees the identical batches, each equals a lone Trainer run
bit for bit, rounds are shared fairly, badges sit at the first solved evaluation."""

from dataclasses import replace

import numpy as np
import pytest

from lstm_core.arena import (
    PRESETS,
    Arena,
    ArenaError,
    Contestant,
    contestants,
    lag_knob,
    model_config,
    solved_at,
)
from lstm_core.config import ModelConfig, OptimConfig, TrainConfig
from lstm_core.records import History
from lstm_core.tasks import make_task
from lstm_core.train import Trainer

MODELS = [("lstm", "standard"), ("lstm", "nfg"), ("gru", "standard"), ("rnn", "standard")]


def base(**kw):
    cfg = dict(
        task="adding",
        task_knobs={"seq_len": 12},
        model=ModelConfig(hidden_size=6),
        optim=OptimConfig(lr=1e-2, batch_size=8),
        eval_every=5,
        snapshot_every=5,
    )
    cfg.update(kw)
    return TrainConfig(**cfg)


def test_every_model_trains_on_the_same_batch_objects_as_a_lone_stream():
    arena = Arena(base(), MODELS)
    seen = [[] for _ in arena.trainers]
    for k, tr in enumerate(arena.trainers):
        original = tr.train_on

        def record(batch, k=k, original=original):
            seen[k].append(batch)
            return original(batch)

        tr.train_on = record
    arena.step(4)
    assert all(len(s) == 4 for s in seen)
    for r in range(4):
        assert all(s[r] is seen[0][r] for s in seen)  # one Batch object handed to all
    lone = make_task("adding", seq_len=12).train_batches(0, 8)
    for batch in seen[0]:
        expected = next(lone)
        np.testing.assert_array_equal(batch.x, expected.x)
        np.testing.assert_array_equal(batch.y, expected.y)


def test_each_model_equals_a_lone_trainer_bit_for_bit():
    cfg = base()
    arena = Arena(cfg, MODELS)
    arena.step(7)
    arena.advance(0.0)  # one more round
    for c, tr in zip(arena.contestants, arena.trainers, strict=True):
        lone = Trainer(model_config(cfg, c))
        lone.step(8)
        assert tr.config.model.cell == c.cell and tr.config.model.variant == c.variant
        assert tr.history.arrays().keys() == lone.history.arrays().keys()
        for key, a in tr.history.arrays().items():
            np.testing.assert_array_equal(a, lone.history.arrays()[key], err_msg=f"{c}: {key}")
        for key, w in tr.state_dict().items():
            np.testing.assert_array_equal(w, lone.state_dict()[key])


def test_only_cell_and_variant_differ_between_models():
    cfg = base(seed=3, optim=OptimConfig(name="rmsprop", lr=5e-3, clip=0.5, batch_size=4))
    arena = Arena(cfg, MODELS)
    for tr in arena.trainers:
        assert tr.config.task == cfg.task and tr.config.task_knobs == cfg.task_knobs
        assert tr.config.seed == 3 and tr.config.optim == cfg.optim
        assert replace(tr.config.model, cell="lstm", variant="standard") == cfg.model


def test_advance_shares_time_in_whole_rounds():
    arena = Arena(base(), MODELS[:3])
    rounds = arena.advance(0.05)
    assert rounds >= 1 and arena.rounds == rounds
    assert [tr.steps for tr in arena.trainers] == [rounds] * 3
    assert [r["steps"] for r in arena.results()] == [rounds] * 3


def test_badges_at_the_first_solved_evaluation():
    cfg = base(
        task="sine",
        task_knobs={"seq_len": 20},
        model=ModelConfig(hidden_size=8),
        optim=OptimConfig(lr=0.02, batch_size=16),
        eval_every=10,
        snapshot_every=1000,
    )
    arena = Arena(cfg, [("lstm", "standard"), ("rnn", "standard")])
    arena.step(60)
    badges = arena.solved_at()
    for tr, badge in zip(arena.trainers, badges, strict=True):
        firsts = [s for s, ok in zip(tr.history.val_step, tr.history.solved, strict=True) if ok]
        assert badge is not None and badge == firsts[0]
        k = tr.history.val_step.index(badge)
        assert tr.history.metric[k] >= tr.task.metric.threshold
        assert all(m < tr.task.metric.threshold for m in tr.history.metric[:k])
    assert [r["solved_at"] for r in arena.results()] == badges


def test_solved_at_of_a_history():
    h = History()
    for step, ok in ((0, False), (25, False), (50, True), (75, False), (100, True)):
        h.add_eval(step, 1.0, 0.5, ok)
    assert solved_at(h) == 50
    assert solved_at(History()) is None


def test_a_diverged_model_sits_out_and_the_others_train_on():
    arena = Arena(base(), MODELS[:2])
    arena.step(2)
    arena.trainers[1].status = "diverged"
    arena.step(3)
    assert [tr.steps for tr in arena.trainers] == [5, 2]
    arena.trainers[0].status = "diverged"
    assert arena.step(3) == 0 and arena.advance(0.01) == 0


def test_results_report_the_trainers_numbers():
    arena = Arena(base(), MODELS[:2])
    arena.step(30)
    for row, tr in zip(arena.results(), arena.trainers, strict=True):
        assert row["train_loss"] == pytest.approx(np.mean(tr.history.loss[-20:]), abs=0)
        assert row["val_loss"] == tr.history.val_loss[-1]
        assert row["metric"] == tr.history.metric[-1]
        assert row["steps_per_s"] == tr.steps_per_s > 0
        assert row["status"] == "ready"


@pytest.mark.parametrize(
    "models, words",
    [
        ([("lstm", "standard")], "2 to 4"),
        ([("lstm", "standard")] * 5, "2 to 4"),
        ([("lstm", "standard"), ("lstm", "standard")], "appears twice"),
        ([("gru", "nfg"), ("lstm", "standard")], "LSTM variant"),
        ([("tcn", "standard"), ("lstm", "standard")], "unknown cell"),
        ([("lstm", "xyz"), ("lstm", "standard")], "unknown variant"),
        ([("rnn", "standard", (), "", "chrono"), ("lstm", "standard")], "gate initialisation"),
        ([("lstm", "standard", (), "", "warp"), ("lstm", "standard")], "gate initialisation"),
    ],
)
def test_bad_model_lists_are_refused_in_plain_words(models, words):
    with pytest.raises(ArenaError, match=words):
        contestants(models)


def test_a_bad_shared_config_is_an_arena_error():
    with pytest.raises(ArenaError, match="learning rate"):
        Arena(base(optim=OptimConfig(lr=-1.0)), MODELS[:2])


def test_labels():
    assert [Contestant(*m).label for m in MODELS] == ["LSTM", "LSTM-NFG", "GRU", "RNN"]


def test_lag_knob_per_task():
    assert lag_knob(make_task("adding")) == "seq_len"
    assert lag_knob(make_task("copy")) == "lag"
    assert lag_knob(make_task("sentiment")) is None


@pytest.mark.parametrize("key", sorted(PRESETS))
def test_presets_build_with_a_lag_for_every_model(key):
    p = PRESETS[key]
    task = make_task(p.config.task)
    knob = task.knob(lag_knob(task)) if lag_knob(task) else None  # translate has no lag knob
    arena = p.build(seed=2, lag=knob.low if knob else None)
    for tr in arena.trainers:
        assert tr.config.seed == 2
        if knob:
            assert arena.task.values[knob.name] == tr.task.values[knob.name] == knob.low
    assert [c.label for c in arena.contestants] == [c.label for c in p.models]
    arena.step(1)
    assert [tr.steps for tr in arena.trainers] == [1] * len(p.models)


def test_a_lag_out_of_range_is_an_arena_error():
    with pytest.raises(ArenaError, match="seq_len"):
        PRESETS["long_lags"].build(lag=10_000)


def test_translation_presets_give_each_model_the_same_numbers_its_own_way():
    arena = PRESETS["translate_reverse"].build()
    assert arena.labels == ["LSTM", "LSTM +reverse"]
    plain, flipped = arena.trainers
    assert not plain.task.values["reverse"] and flipped.task.values["reverse"]
    seen = []
    for tr in arena.trainers:  # record the batch each model trains on in the next round
        tr.train_on = lambda batch, tr=tr, f=tr.train_on: seen.append(batch) or f(batch)
    arena.step(1)
    a, b = seen
    assert np.array_equal(a.aux["value"], b.aux["value"]) and np.array_equal(a.y, b.y)
    for i in range(a.B):
        assert plain.task.read(a.x[:, i]) == flipped.task.read(b.x[:, i])[::-1]
    with_attention = PRESETS["translate_attention"].build().trainers[1]
    assert with_attention.spec.attention == "dot"


def test_a_model_setting_a_knob_its_task_lacks_is_refused_in_plain_words():
    base = PRESETS["long_lags"].config
    with pytest.raises(ArenaError, match="no knob 'reverse'"):
        Arena(base, [("lstm", "standard"), ("lstm", "standard", (("reverse", True),))])


def test_a_chrono_slot_sets_only_the_gate_init_and_takes_the_lag_as_t_max():
    cfg = base(task_knobs={"seq_len": 30})
    chrono_lstm = ("lstm", "standard", (), "", "chrono")
    models = [chrono_lstm, ("lstm", "standard"), ("rnn", "standard")]
    arena = Arena(cfg, models)
    assert arena.labels == ["LSTM +chrono", "LSTM", "RNN"]
    chrono, plain, rnn = (tr.config.model for tr in arena.trainers)
    assert (chrono.gate_init, chrono.chrono_t_max) == ("chrono", 30)
    assert replace(chrono, gate_init="default", chrono_t_max=cfg.model.chrono_t_max) == plain
    assert plain == cfg.model and rnn.gate_init == "default"
    H = cfg.model.hidden_size
    b_ih = arena.trainers[0].state_dict()["rnn.bias_ih_l0"]
    np.testing.assert_array_equal(b_ih[:H], -b_ih[H : 2 * H])  # chrono: b_i = -b_f
    assert np.all(np.exp(b_ih[H : 2 * H]) <= 29 + 1e-5)  # b_f = log(U(1, T - 1))


def test_the_long_lag_preset_is_the_recipe():
    p = PRESETS["long_lags"]
    assert p.config.task_knobs == {"seq_len": 100}
    assert [c.label for c in p.models] == ["LSTM +chrono", "LSTM", "RNN"]
    arena = p.build(lag=60)
    assert arena.trainers[0].config.model.chrono_t_max == 60  # T_max follows the lag
