"""Every page, run under AppTest in Simplified Chinese, shows no English UI sentence; every
widget on every page has a label (in both languages)."""

import json
import re

import pytest
from apptest_helpers import APP
from streamlit.testing.v1 import AppTest

from lstm_core.config import ModelConfig, OptimConfig, TrainConfig
from lstm_core.train import Trainer
from ui import state
from ui.i18n import catalogues
from ui.page import available_pages

# A small trained run on a token task, so the pages that inspect a model have one to show.
CFG = TrainConfig(
    task="brackets",
    task_knobs={"seq_len": 16},
    model=ModelConfig(hidden_size=4),
    optim=OptimConfig(batch_size=8),
    eval_every=10,
    snapshot_every=10,
)
TEXT_TYPES = (
    "Title", "Header", "Subheader", "Markdown", "Caption", "Info", "Warning", "Error",
    "Success", "Exception", "Metric", "Expander", "Tab", "Toast",
)  # fmt: skip
WIDGET_TYPES = (
    "Button", "Checkbox", "Toggle", "Radio", "Selectbox", "Multiselect", "Slider",
    "SelectSlider", "NumberInput", "TextInput", "TextArea", "DateInput", "TimeInput",
    "ColorPicker", "ButtonGroup",
)  # fmt: skip
# Names and symbols that stay as they are in a Chinese interface.
ALLOWED = re.compile(
    r"\b(?:LSTM|GRU|RNN|NFG|NIG|NOG|CIFG|NIAF|NOAF|PH|PyTorch|NumPy|Adam|SGD|RMSprop|BPTT|"
    r"Reber|Hochreiter|Schmidhuber|Gers|Greff|Cummins|Pascanu|Mikolov|Bengio|Karpathy|"
    r"et al\.?|tanh|sigmoid|softmax|logistic|CSV|Plotly|Streamlit|Okabe|Ito|"
    r"El Ni[nñ]o|Mauna Loa|Nile|CO2|Playground)\b"
)
# Things that are not prose: code, maths, quoted examples, markup, links.
NOT_PROSE = re.compile(
    r"```.*?```|`[^`]*`|\$\$.*?\$\$|\$[^$]*\$|<style>.*?</style>|<[^>]+>|https?://\S+|"
    r"'[^']*'|\"[^\"]*\"|“[^”]*”|‘[^’]*’|「[^」]*」|:material/\w+:",
    re.S,
)
RUN = re.compile(r"[A-Za-z][a-z]*(?:[ ,;'-]+[A-Za-z][a-z]*)+")  # words in a row


def sentences(prose: str) -> list[str]:
    """Runs of ASCII words holding three or more words of two letters or more."""
    return [
        m for m in RUN.findall(prose) if sum(len(w) > 1 for w in re.findall(r"[A-Za-z]+", m)) >= 3
    ]


def walk(node):
    yield node
    kids = getattr(node, "children", None)
    if kids:
        for kid in kids.values() if isinstance(kids, dict) else kids:
            yield from walk(kid)


def texts(at) -> list[str]:
    """The visible texts of a run: element values and labels, widget labels and options."""
    out = []
    for node in walk(at._tree):
        kind = type(node).__name__
        if kind in TEXT_TYPES or kind in WIDGET_TYPES:
            for attr in ("value", "label", "body", "help"):
                v = getattr(node, attr, None) if attr != "value" or kind in TEXT_TYPES else None
                if isinstance(v, str):
                    out.append(v)
            options = getattr(node, "options", None)
            if options:
                out.extend(str(o) for o in options)
    return out


def figure_texts(at) -> list[str]:
    """Titles, axis titles, annotations and trace names of every chart (Plotly and live)."""
    figures = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    figures += [json.loads(json.loads(c.proto.json)["figure"]) for c in at.get("bidi_component")]
    out = []
    for fig in figures:
        layout = fig.get("layout", {})
        axes = [v for k, v in layout.items() if re.fullmatch(r"[xy]axis\d*", k)]
        for part in (layout, *axes):
            title = part.get("title")
            out.append(title.get("text") if isinstance(title, dict) else title)
        out += [a.get("text") for a in layout.get("annotations") or []]
        out += [tr.get("name") for tr in fig.get("data", [])]
    return [text for text in out if isinstance(text, str) and text]


def english_words(texts: list[str]) -> list[str]:
    """Chart texts are short: any English word of four letters or more is a leak."""
    return [
        text
        for text in texts
        if re.search(r"[A-Za-z]{4,}", ALLOWED.sub(" ", NOT_PROSE.sub(" ", text)))
    ]


def open_page(path: str, lang: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = lang
    at.session_state[state.CONFIG] = CFG
    trainer = Trainer(CFG)
    trainer.step(20)
    at.session_state[state.TRAINER] = trainer
    at.session_state["train_tables"] = True  # the live pages' data tables on
    at.session_state["arena_tables"] = True
    at.run()
    if path != "app.py":
        at.switch_page(path).run()
    assert not at.exception, at.exception
    return at


def english_leaks(lines: list[str]) -> list[str]:
    en, zh = catalogues()["en"], catalogues()["zh"]
    english_only = [v for k, v in en.items() if len(v) >= 12 and zh.get(k) != v and " " in v]
    leaks = []
    for line in lines:
        leaks.extend(f"catalogue EN text: {v!r}" for v in english_only if v in line)
        prose = ALLOWED.sub(" ", NOT_PROSE.sub(" ", line))
        leaks.extend(f"English words {m!r} in {line[:80]!r}" for m in sentences(prose))
    return leaks


PAGES = [p.path for p in available_pages()]


@pytest.mark.parametrize("path", PAGES)
def test_page_in_chinese_shows_no_english_sentence(path, monkeypatch, tmp_path):
    # An empty run store: run names are the user's own words, not the app's strings.
    monkeypatch.setenv("LSTM_PLAYGROUND_HOME", str(tmp_path))
    at = open_page(path, "zh")
    lines = texts(at)
    assert len(lines) > 5  # the page really drew
    assert english_leaks(lines) == []
    assert english_words(figure_texts(at)) == []


def test_the_leak_check_catches_english():
    assert english_leaks(["Pick a task and a model"])  # three English words
    assert english_leaks([catalogues()["en"]["train.title"] + " is here and there"])
    assert not english_leaks(["训练 LSTM 与 GRU：`seq_len` = 50，$c_t = f_t c_{t-1}$"])
    assert not english_leaks(["例如 'the food is not good'"])  # a quoted example is data


@pytest.mark.parametrize("path", PAGES)
def test_every_widget_has_a_label(path):
    at = open_page(path, "en")
    widgets = [n for n in walk(at._tree) if type(n).__name__ in WIDGET_TYPES]
    assert widgets or path.endswith("app.py")
    for w in widgets:
        label = getattr(w, "label", None) or getattr(w.proto, "label", "")
        assert label and label.strip(), f"{type(w).__name__} {getattr(w, 'key', '')} has no label"


@pytest.mark.parametrize("path", PAGES)
def test_every_chart_has_a_data_table(path):
    """A table for every chart (the home page's cell diagram is a drawing, not data)."""
    at = open_page(path, "en")
    charts = [c for c in at.get("plotly_chart") if not c.proto.id.endswith("home_diagram")]
    charts += at.get("bidi_component")  # live charts
    assert len(at.dataframe) >= len(charts), path
