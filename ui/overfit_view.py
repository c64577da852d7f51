"""The Train page's overfitting panel and real-review panel (called from the live fragment).

overfit_panel(trainer, lang, chart)   gap chart, epochs, "overfitting since step N",
                                      best validation, Restore best, the early-stop note
review_panel(trainer, lang, chart)    one validation review: prediction, probability,
                                      characters coloured by a unit's h_t or the saliency
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from lstm_core.overfit import loss_gap
from lstm_core.tasks.reviews import Reviews
from ui import state
from ui.classroom import projector_on
from ui.figures.overfit import gap_figure, review_figure
from ui.i18n import problem_text, t

REVIEWS_SHOWN = 50  # validation reviews offered in the review picker


def _restore(trainer) -> None:
    """Restore best (an on_click callback): the best weights, then a fresh evaluation."""
    with state.trainer_turn() as mine:
        if mine and trainer.restore_best() is not None:
            trainer.evaluate()
            st.session_state["overfit_restored"] = dict(trainer.best, weights=None)


def overfit_panel(trainer, lang: str, chart) -> None:
    """Everything about overfitting for this run; ``chart(build, key, version)`` draws."""
    h = trainer.history
    if trainer.status == "stopped":
        if state.is_running():
            state.pause()
            st.rerun()  # a full run stops the timer
        st.info(problem_text(trainer.problem, lang))
    since, best = trainer.overfitting_since, trainer.best
    if trainer.epoch is None:
        st.caption(t("overfit.stream_note"))
    else:
        st.caption(t("overfit.epochs", epoch=trainer.epoch, n=trainer.epoch_size))
    if since is not None:
        st.warning(t("overfit.flag", step=since, best=best["val_loss"]))
    version = (trainer, h.val_step[-1], len(trainer.epoch_steps), lang)
    chart(
        lambda: gap_figure(
            loss_gap(h),
            trainer.epoch_steps,
            since,
            best["step"] if best else None,
            lang,
            projector=projector_on(),
        ),
        "train_gap_chart",
        version,
    )
    if best is None:
        return
    c1, c2 = st.columns([3, 1])
    gap = loss_gap(h)["gap"]
    text = t("overfit.best", loss=best["val_loss"], step=best["step"])
    if np.isfinite(gap[-1]):
        text += " " + t("overfit.gap", gap=gap[-1])
    c1.caption(text)
    c2.button(
        t("overfit.restore"),
        on_click=_restore,
        args=(trainer,),
        key="train_restore_best",
        help=t("overfit.restore.help"),
    )
    restored = st.session_state.pop("overfit_restored", None)
    if restored:
        st.success(t("overfit.restored", step=restored["step"], loss=restored["val_loss"]))


def review_panel(trainer, lang: str, chart) -> None:
    """A real review read by the model (the sentiment task's reviews source only)."""
    task = trainer.task
    if not isinstance(getattr(task, "corpus", None), Reviews):  # the text task's corpus is
        return  # a method: only the sentiment task's reviews source has real reviews
    st.markdown(f"**{t('overfit.review.title')}**")
    c1, c2 = st.columns(2)
    n = min(REVIEWS_SHOWN, task.corpus.size("val"))
    k = c1.selectbox(t("overfit.review.pick"), range(n), key="train_review")
    H = trainer.config.model.hidden_size
    options = ["saliency", *range(H)]
    colour = c2.selectbox(
        t("overfit.review.colour"),
        options,
        key="train_review_colour",
        format_func=lambda o: (
            t("overfit.review.saliency") if o == "saliency" else t("overfit.review.unit", k=o)
        ),
    )
    batch = task.split("val", [k])  # (T, 1): one review, no padding
    logits = trainer.predict(batch.x)[0]
    p = np.exp(logits - logits.max())
    p /= p.sum()
    guess, truth = int(p.argmax()), int(batch.y[0])
    st.markdown(
        t(
            "overfit.review.pred",
            label=task.class_name(guess, lang),
            p=float(p[guess]),
            truth=task.class_name(truth, lang),
        )
    )
    chars = [task.vocab[int(i)] for i in batch.x[:, 0]]
    if colour == "saliency":
        values, signed = trainer.gradient_flow(batch)["saliency"], False
    else:
        values, signed = trainer.trace(batch.x)[-1]["h"][:, 0, int(colour)], True
    chart(
        lambda: review_figure(chars, values, signed, "", lang, projector=projector_on()),
        "train_review_chart",
        (trainer, trainer.steps, k, colour, lang),
        90 + 34 * int(np.ceil(len(chars) / 30)),
    )
    text = task.review_text(batch, 0)
    if len(text) > len(chars):
        with st.expander(t("overfit.review.cut", n=len(chars))):
            st.write(text)
