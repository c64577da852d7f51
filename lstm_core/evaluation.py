"""Evaluating a model on a large validation set a few sequences at a time."""

from __future__ import annotations

from lstm_core.tasks import Batch

EVAL_BYTES = 4 << 20  # model output predicted at once while evaluating (float64)


def evaluate_in_chunks(task, predict, batch: Batch) -> dict:
    """``task.evaluate(predict(batch.x), batch)``, predicting a few sequences at a time when
    the whole output would be large (a (T, B, V) of a big vocabulary). Only for tasks whose
    loss and metric are means over the counted steps (``task.mean_per_step``): the chunks'
    means, weighted by their counted steps, are then exactly the whole batch's."""
    T, B = batch.T, batch.B
    per_sequence = T * task.spec.output_size * 8
    if not getattr(task, "mean_per_step", False) or per_sequence * B <= EVAL_BYTES:
        return task.evaluate(predict(batch.x), batch)
    size = max(1, EVAL_BYTES // per_sequence)
    totals, counted = {"loss": 0.0, "metric": 0.0}, 0
    for start in range(0, B, size):
        part = batch.subset(slice(start, min(start + size, B)))
        n = int(part.mask.sum()) if part.mask is not None else part.T * part.B
        result = task.evaluate(predict(part.x), part)
        for k in totals:
            totals[k] += n * result[k]
        counted += n
    loss, metric = (totals[k] / max(counted, 1) for k in ("loss", "metric"))
    return {"loss": loss, "metric": metric, "solved": task.metric.passes(metric)}
