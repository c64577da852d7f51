"""Translation views: the live table, the decoder's top-3 characters and the attention heatmap
on the Train page, and the encoder -> decoder hand-over in Inside the cell."""

from __future__ import annotations

import numpy as np
import streamlit as st

from lstm_core.seq2seq_engines import top_k
from lstm_core.tasks.translate import BOS_ID, EOS_ID, PAD_ID
from ui.classroom import projector_on
from ui.figures import translate as figs
from ui.i18n import t

TABLE_ROWS = 8  # validation sequences in the live table


def _char(task, k: int, lang: str = "en") -> str:
    """One token as shown: a character, or a readable mark for PAD / BOS / EOS."""
    k = int(k)
    shown = {PAD_ID: "·", BOS_ID: "⟨s⟩", EOS_ID: "⟨/s⟩"}  # no "<": Plotly reads it as HTML
    if k in shown:
        return shown[k]
    return "␣" if task.vocab[k] == " " else task.vocab[k]


def translations(trainer, n: int = TABLE_ROWS) -> dict:
    """The model's greedy translations of the first ``n`` validation sequences: rows for the
    table, the decoded logits, tokens and attention (no streamlit: tested directly)."""
    batch = trainer.val_batch.subset(slice(0, n))
    found = trainer.engine.decode(batch.x)
    task = trainer.task
    rows = [
        {
            "source": str(batch.aux["source"][i]),
            "target": str(batch.aux["target"][i]),
            "output": task.read(found["tokens"][:, i]),
        }
        for i in range(batch.B)
    ]
    return {"batch": batch, "rows": rows, **found}


def written(task, tokens: np.ndarray) -> list[str]:
    """The characters one sequence's decoder wrote, up to and including its first EOS."""
    out = []
    for k in tokens:
        out.append(_char(task, k))
        if int(k) == EOS_ID:
            break
    return out


def show_translation(trainer, lang: str, version, chart) -> None:
    """Table, top-3 and attention; ``chart(build, key, version, height)`` draws a live chart."""
    data = translations(trainer)
    rows, task = data["rows"], trainer.task
    scored = st.session_state.setdefault("translate_scored", {})
    if scored.get("version") != version:  # score the whole validation set once per version
        result = task.evaluate(trainer.predict(trainer.val_batch.x), trainer.val_batch)
        scored.update(version=version, result=result)
    result, big = scored["result"], projector_on()
    st.markdown(f"**{t('translate.table_title')}**")
    chart(
        lambda: figs.table_figure(rows, lang, projector=big),
        "translate_table",
        version,
        40 + 30 * (len(rows) + 1),
    )
    st.caption(t("translate.marked", char=result["char_accuracy"], exact=result["metric"]))
    b = st.selectbox(
        t("translate.example"),
        range(len(rows)),
        key="translate_example",
        format_func=lambda i: rows[i]["source"],
    )
    chars = written(task, data["tokens"][:, b])
    steps = len(chars)
    ids, probs = top_k(data["logits"][:steps, b], 3)
    labels = [[_char(task, k) for k in row] for row in ids]
    chart(
        lambda: figs.topk_figure(labels, probs, chars, lang, projector=big),
        "translate_topk",
        (version, b),
        260,
    )
    if data["attention"] is None:
        st.info(t("translate.attention_off"))
        return
    x = data["batch"].x[:, b]
    real = x != PAD_ID  # left padding is not part of the source
    source = [_char(task, k) for k in x[real]]
    alpha = data["attention"][:steps, b][:, real]
    chart(
        lambda: figs.attention_figure(alpha, source, chars, lang, projector=big),
        "translate_attention",
        (version, b),
        140 + 24 * steps,
    )


def cell_tokens(trainer, b: int) -> tuple[np.ndarray, list[str]]:
    """The steps of Inside the cell for a translation: source characters (encoder), then the
    characters the decoder read (<s> and its own greedy output), as ids and as text."""
    x = trainer.probe.x[:, b]
    inputs = trainer.engine.decode(trainer.probe.x)["inputs"][:, b].astype(np.int64)
    ids = np.concatenate([x, inputs])
    return ids, [_char(trainer.task, k) for k in ids]


def show_handover(trainer, seq: dict, b: int, lang: str) -> None:
    """Encoder and decoder traces side by side, and the encoder's final c ("what the decoder is
    told"). ``seq``: name -> (S + T, H) of one layer and one sequence."""
    S = trainer.probe.x.shape[0]
    _, tokens = cell_tokens(trainer, b)
    q, big = ("c" if "c" in seq else "h"), projector_on()
    st.subheader(t("translate.handover_title"))
    st.caption(t("translate.handover_caption", S=S - 1))
    st.plotly_chart(
        figs.handover_figure(seq[q], S, tokens, q, lang, projector=big), key="translate_handover"
    )
    st.caption(t("translate.told_caption", b=b))
    st.plotly_chart(figs.told_figure(seq[q][S - 1], lang, projector=big), key="translate_told")
