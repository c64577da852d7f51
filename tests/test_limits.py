"""One table of limits: the engine, the links and the widgets read the same ranges; every
problem the engine reports has an English and a Chinese text; Trainer.pause."""

import string
from dataclasses import replace
from pathlib import Path

import pytest

from lstm_core.config import (
    LIMITS,
    ZERO_OR_FROM,
    ModelConfig,
    OptimConfig,
    TrainConfig,
    validate,
)
from lstm_core.problems import EN, Problem
from lstm_core.train import Trainer, TrainError, check_config
from ui import controls, links
from ui.i18n import catalogues, problem_text


def with_value(cfg: TrainConfig, path, value) -> TrainConfig:
    head, tail = path
    if tail is None:
        return replace(cfg, **{head: value})
    return replace(cfg, **{head: replace(getattr(cfg, head), **{tail: value})})


@pytest.mark.parametrize("field", [f for f in links.FIELDS if f.kind != "choice"])
def test_link_ranges_are_the_classroom_column(field):
    (name,) = [n for n, limit in LIMITS.items() if limit.path == field.path]
    limit = LIMITS[name]
    assert (field.low, field.high) == (limit.class_low, limit.class_high)
    base = TrainConfig()
    for value in (field.low, field.high):  # the classroom's bounds pass both validations
        cfg = with_value(base, field.path, int(value) if field.kind == "int" else value)
        assert validate(cfg, classroom=True) is None and validate(cfg) is None
    step = 1 if field.kind == "int" else abs(field.high) * 0.01 + 0.01
    above = with_value(base, field.path, type(field.high)(field.high + step))
    assert validate(above, classroom=True) is not None  # just past the classroom's top


def test_a_decoded_link_passes_validation_even_when_tampered():
    params = {f.key: "1e12" for f in links.FIELDS if f.kind != "choice"}
    link = links.decode({"task": "adding", **params})
    assert validate(link.config, classroom=True) is None


@pytest.mark.parametrize(
    ("grid", "name"),
    [
        (controls.HIDDEN_GRID, "hidden_size"),
        (controls.BATCH_GRID, "batch_size"),
        (controls.LR_GRID, "lr"),
        (controls.CLIP_GRID, "clip"),
        (controls.SCALE_GRID, "recurrent_scale"),
        (controls.LAYERS, "num_layers"),
        (controls.FORGET_BIAS, "forget_bias"),
    ],
)
def test_widget_ranges_fit_the_classroom_column(grid, name):
    limit = LIMITS[name]
    assert min(grid) >= limit.class_low and max(grid) <= limit.class_high
    base = TrainConfig()
    for value in grid:
        assert validate(with_value(base, limit.path, value), classroom=True) is None, value


def test_engine_limits_are_wider_than_the_classroom():
    for name, limit in LIMITS.items():
        if limit.kind == "int":
            assert limit.low <= limit.class_low <= limit.class_high <= limit.high, name
    big = TrainConfig(model=ModelConfig(hidden_size=1024), optim=OptimConfig(batch_size=4096))
    check_config(big)  # the engine (and the command line) allow it
    assert validate(big, classroom=True).code == "config.whole"  # a classroom server does not
    with pytest.raises(TrainError, match="hidden size must be a whole number from 1 to 1024"):
        check_config(with_value(TrainConfig(), ("model", "hidden_size"), 1025))


def test_check_config_reports_the_field_in_both_languages():
    with pytest.raises(TrainError) as e:
        check_config(TrainConfig(optim=OptimConfig(batch_size=0)))
    assert "batch size must be a whole number" in str(e.value)
    assert "批大小" in problem_text(e.value.problem, "zh")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_problem_code_has_english_and_chinese():
    en, zh = catalogues()["en"], catalogues()["zh"]
    for code, text in EN.items():
        key = f"problem.{code}"
        assert en[key] == text
        assert zh.get(key), key
        assert placeholders(zh[key]) == placeholders(text), key


def test_pause_stops_training_until_resume():
    tr = Trainer(TrainConfig(task="adding", task_knobs={"seq_len": 10}))
    tr.pause(Problem("crashed", {"step": tr.steps, "error": "RuntimeError"}))
    assert tr.status == "diverged" and tr.step(3) == 0 and tr.steps == 0
    assert "unexpected error" in tr.message and "RuntimeError" in tr.message
    assert "意外错误" in problem_text(tr.problem, "zh")
    tr.resume()
    assert tr.step(2) == 2 and tr.message == "" and tr.problem is None


def test_chrono_t_max_widget_range_is_the_classroom_column():
    limit = LIMITS["chrono_t_max"]
    assert controls.T_MAX == (limit.class_low, limit.class_high)
    base = TrainConfig()
    for value in controls.T_MAX:
        assert validate(with_value(base, limit.path, value), classroom=True) is None


# ----- the table in docs/training.md is LIMITS, row for row
TRAINING_MD = Path(__file__).resolve().parent.parent / "docs" / "training.md"
ENGINE_BY_KIND = {"positive": "> 0", "fraction": "[0, 1)", "finite": "finite"}


def _number(text: str) -> float:
    text = text.replace(",", "")
    return float(text) if "." in text else int(text)  # whole numbers exactly (2**63 - 1)


def _range(text: str) -> tuple[float, float]:
    low, sep, high = text.partition("..")
    assert sep, f"not a range low..high: {text!r}"
    return _number(low), _number(high)


def doc_limits() -> dict[str, list[str]]:
    """The rows of the limits table in docs/training.md: name -> its other cells."""
    lines = TRAINING_MD.read_text(encoding="utf-8").splitlines()
    start = lines.index("### Limits (`lstm_core/config.py` `LIMITS`)")
    rows = {}
    for line in lines[start + 1 :]:
        if rows and not line.startswith("|"):
            break  # the table ended
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| `"):
            rows[cells[0].strip("`")] = cells[1:]
    return rows


def mismatches(rows: dict[str, list[str]]) -> list[str]:
    """The names whose row differs from LIMITS (and ZERO_OR_FROM); a wrong order too."""
    if list(rows) != list(LIMITS):
        return ["the rows are not LIMITS's names in its order"]
    bad = []
    for name, limit in LIMITS.items():
        path, kind, engine, classroom, also = rows[name]
        if kind in ("int", "interval"):
            engine_ok = _range(engine) == (limit.low, limit.high)
        else:
            engine_ok = engine == ENGINE_BY_KIND.get(kind) and limit.low is limit.high is None
        zero = f"0 (off) or at least {ZERO_OR_FROM[name]}" if name in ZERO_OR_FROM else None
        ok = (
            path == "`" + ".".join(p for p in limit.path if p) + "`"
            and kind == limit.kind
            and engine_ok
            and _range(classroom) == (limit.class_low, limit.class_high)
            and (also == zero if zero else "at least" not in also)
        )
        if not ok:
            bad.append(name)
    return bad


def test_the_limits_table_in_the_docs_is_limits():
    assert mismatches(doc_limits()) == []


def test_a_wrong_bound_or_a_missing_row_is_seen():
    rows = doc_limits()
    wrong = {**rows, "hidden_size": [*rows["hidden_size"][:3], "1..1,023", rows["hidden_size"][4]]}
    assert mismatches(wrong) == ["hidden_size"]
    assert mismatches({k: v for k, v in rows.items() if k != "seed"}) != []
