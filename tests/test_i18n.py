"""Every key exists in both catalogues, and no translation is empty or left in English."""

import importlib
import re
import string

from ui.i18n import catalogues, translate
from ui.locales import AREAS

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_area_has_the_same_keys_in_both_languages():
    for area in AREAS:
        mod = importlib.import_module(f"ui.locales.{area}")
        assert set(mod.EN) == set(mod.ZH), f"ui.locales.{area}: keys differ"


def test_no_empty_strings_and_placeholders_match():
    cat = catalogues()
    fields = string.Formatter()
    for key, en in cat["en"].items():
        zh = cat["zh"][key]
        assert en.strip() and zh.strip(), key
        names_en = {f for _, f, _, _ in fields.parse(en) if f}
        names_zh = {f for _, f, _, _ in fields.parse(zh) if f}
        assert names_en == names_zh, f"{key}: placeholders differ"


def test_chinese_strings_are_chinese():
    cat = catalogues()
    for key, zh in cat["zh"].items():
        letters = re.sub(r"\{[^}]*\}|[^A-Za-z\u4e00-\u9fff]", "", zh)
        if letters and not CJK.search(letters):
            # Allowed only for names that are the same in both (LSTM, GRU, ...).
            assert zh == cat["en"][key], f"{key}: Chinese text looks untranslated: {zh!r}"


def test_translate_falls_back_and_formats():
    assert translate("app.title", "zh") == "LSTM 游乐场"
    assert translate("app.title", "xx") == "LSTM Playground"


def _engine_chinese() -> list[str]:
    """Every Chinese text the engine ships: {"en": ..., "zh": ...} dicts in lstm_core's source
    (task titles, descriptions, knob help, metric labels, messages)."""
    import ast
    from pathlib import Path

    out = []
    for path in (Path(__file__).resolve().parents[1] / "lstm_core").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Dict):
                for k, v in zip(node.keys, node.values, strict=True):
                    if isinstance(k, ast.Constant) and k.value == "zh":
                        out += [c.value for c in ast.walk(v) if isinstance(c, ast.Constant)]
    return [s for s in out if isinstance(s, str)]


def test_chinese_texts_use_the_glossarys_terms():
    from ui.locales.glossary import AVOID, TERMS

    texts = list(catalogues()["zh"].values()) + _engine_chinese()
    assert len(texts) > 500
    for variant in AVOID:
        found = [s for s in texts if variant in s]
        assert not found, f"{variant!r} in {found[:3]}"
    joined = "\n".join(texts)
    for term in TERMS:  # every glossary term is one the app really uses
        assert term.zh in joined, term
    assert catalogues()["zh"]["nav.inside"] == "单元内部"
