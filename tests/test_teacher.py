"""The teacher's key, the server's secret, the guess limiter, and signed links."""

import os
import stat
import threading

import pytest

from lstm_core import admission
from lstm_core.config import TrainConfig
from lstm_core.teacher import (
    KEY_ENV,
    SECRET_ENV,
    Attempts,
    TeacherError,
    key_matches,
    server_secret,
    teacher_key,
)
from ui import links


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_the_key_comes_from_the_environment_or_the_store_folder(tmp_path, monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    assert teacher_key(tmp_path) is None  # no key set: nobody is the teacher
    (tmp_path / "teacher_key").write_text("  from the file  \n")
    assert teacher_key(tmp_path) == "from the file"
    monkeypatch.setenv(KEY_ENV, "from the environment")
    assert teacher_key(tmp_path) == "from the environment"
    monkeypatch.setenv(KEY_ENV, "short")
    with pytest.raises(TeacherError, match="at least 8"):
        teacher_key(tmp_path)


def test_key_comparison():
    assert key_matches("correct horse", "correct horse")
    assert not key_matches("correct hors", "correct horse")
    assert not key_matches("", "correct horse")
    assert key_matches("ключ учителя", "ключ учителя")  # any text, compared as UTF-8


def test_the_secret_is_made_once_readable_by_its_owner_only(tmp_path, monkeypatch):
    monkeypatch.delenv(SECRET_ENV, raising=False)
    found = []
    threads = [
        threading.Thread(target=lambda: found.append(server_secret(tmp_path))) for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(found)) == 1 and len(found[0]) == 64  # every process agrees on one secret
    mode = stat.S_IMODE(os.stat(tmp_path / "secret").st_mode)
    assert mode == 0o600
    monkeypatch.setenv(SECRET_ENV, "shared by every server of the school")
    assert server_secret(tmp_path) == b"shared by every server of the school"


def test_guesses_are_limited_per_session_and_for_the_server():
    clock = Clock()
    limit = Attempts(per_session=3, total=5, window_s=60, clock=clock)
    assert [limit.wait_s("a") for _ in range(3)] == [0, 0, 0]
    assert limit.wait_s("a") == pytest.approx(60)  # a's fourth guess within the minute
    assert [limit.wait_s("b") for _ in range(2)] == [0, 0]
    assert limit.wait_s("c") == pytest.approx(60)  # five guesses on the server: everyone waits
    clock.now = 30
    assert limit.wait_s("c") == pytest.approx(30)
    clock.now = 60.5  # the window has moved on
    assert limit.wait_s("a") == 0 and limit.wait_s("c") == 0


def test_a_signed_link_is_valid_and_any_change_to_a_locked_value_is_detected():
    secret = b"s" * 32
    params = links.encode(TrainConfig(), "train", "en", lock=("lr", "task"), hide=("engine",))
    signed = links.sign(params, secret)
    assert links.signature_state(signed, secret) == "valid"
    assert links.signature_state(params, secret) == "unsigned"
    assert links.signature_state(links.encode(TrainConfig()), secret) == "none"
    assert links.signature_state(signed, b"another server's secret") == "tampered"
    for key, value in [
        ("lr", "10.0"),
        ("task", "adding" if TrainConfig().task != "adding" else "sine"),
        ("engine", "numpy"),
        ("lock", "task"),
    ]:
        assert links.signature_state({**signed, key: value}, secret) == "tampered", key
    # values the teacher did not lock may change: the link stays the teacher's
    assert links.signature_state({**signed, "hidden": "64", "seed": "3"}, secret) == "valid"
    decoded = links.decode(signed)
    assert not [c for c in decoded.changes if c.key == "sig"]  # sig is not an unknown setting


def test_the_teacher_sets_the_admission_limit():
    gate = admission.Admission(1, clock=Clock())
    assert gate.try_acquire("a").granted and not gate.try_acquire("b").granted
    gate.set_limit(2)
    assert gate.try_acquire("b").granted
    gate.set_limit(0)
    assert not gate.try_acquire("c").granted
    with pytest.raises(ValueError):
        gate.set_limit(-1)


def test_the_short_link_and_the_full_one_carry_the_same_signature():
    """The Share popover signs the short link; the address bar then shows the full one."""
    secret = b"k" * 32
    cfg = TrainConfig()
    short = links.sign(links.encode_short(cfg, "train", "en", lock=("model", "lr")), secret)
    full = links.encode(links.decode(short).config, "train", "en", lock=links.decode(short).lock)
    assert links.signature_state(short, secret) == "valid"
    assert links.signature_state({**full, links.SIG: short[links.SIG]}, secret) == "valid"
    assert links.signature_state({**short, "hidden": "200"}, secret) == "tampered"  # in "model"
