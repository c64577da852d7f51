"""The premise of tests/browser/test_browser_arena_solved.py, checked with the engine alone: a
share link that sets only the task to the sunspot series gives a Train configuration on which
the Arena's default pair for that preset (an LSTM and an RNN) are both solved at the first
evaluation after training starts, and the Arena's charts then draw one shared label."""

from lstm_core.arena import Arena
from ui.figures.arena import curves_of, loss_overlay, metric_overlay
from ui.links import decode

MODELS = [("lstm", "standard"), ("rnn", "standard")]  # ui.arena_state.default_setup("train")


def test_a_series_link_solves_lstm_and_rnn_at_the_same_first_evaluation():
    link = decode({"page": "arena", "task": "series"})
    assert not link.changes and link.page == "arena"
    arena = Arena(link.config, MODELS)
    arena.step(link.config.eval_every)
    assert arena.solved_at() == [link.config.eval_every] * 2
    metrics = [tr.history.metric[-1] for tr in arena.trainers]
    threshold = arena.task.metric.threshold
    assert all(m > threshold + 0.2 for m in metrics), metrics  # a margin, not a coin flip
    curves = curves_of(arena)
    for fig in (loss_overlay(curves), metric_overlay(curves, threshold, "skill")):
        notes = [a.text for a in fig.layout.annotations if "solved" in (a.text or "")]
        assert len(notes) == 1 and "LSTM solved" in notes[0] and "RNN solved" in notes[0]
