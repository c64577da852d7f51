"""python -m lstm_core, driven through subprocesses as a user would."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from lstm_core.cli import main
from lstm_core.config import ModelConfig, OptimConfig, TrainConfig
from lstm_core.store import RunStore
from lstm_core.tasks import TASKS
from lstm_core.train import Trainer

ROOT = Path(__file__).resolve().parents[1]
KEYS = {"task", "cell", "variant", "steps", "train_loss", "val_loss", "metric", "metric_value",
        "solved", "baseline", "seconds", "steps_per_s"}  # fmt: skip
TINY = ["--hidden", "6", "--batch-size", "8", "--eval-every", "5"]


@pytest.fixture
def home(tmp_path):
    return tmp_path / "home"


def cli(home, *args, timeout=120):
    env = dict(os.environ, LSTM_PLAYGROUND_HOME=str(home), OMP_NUM_THREADS="1")
    return subprocess.run(
        [sys.executable, "-m", "lstm_core", *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def assert_one_line_error(run, *words):
    assert run.returncode != 0
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert "Traceback" not in run.stderr
    for w in words:
        assert w in lines[0], lines[0]


def in_process(capsys, *args):
    """The same main() as the subprocess runs, without a fresh interpreter (fast)."""
    try:
        code = main([str(a) for a in args])
    except SystemExit as e:  # argparse errors exit through SystemExit
        code = e.code
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, out, err)


@pytest.mark.slow
def test_tasks_lists_every_task_in_one_line_each(home):
    run = cli(home, "tasks")
    assert run.returncode == 0
    lines = run.stdout.strip().splitlines()
    assert [ln.split()[0] for ln in lines] == list(TASKS)


@pytest.mark.slow
def test_train_json_summary_equals_the_trainer_in_process(home, tmp_path, capsys, monkeypatch):
    args = ["--task", "adding", "--seq-len", "12", *TINY, "--steps", "10", "--seed", "4"]
    bundle = tmp_path / "out.zip"
    run = cli(home, "train", *args, "--json", "--out", "mine", "--out", bundle)
    assert run.returncode == 0, run.stderr
    summary = json.loads(run.stdout.strip().splitlines()[-1])
    assert set(summary) == KEYS
    cfg = TrainConfig(
        task="adding",
        task_knobs={"seq_len": 12},
        model=ModelConfig(hidden_size=6),
        optim=OptimConfig(batch_size=8, lr=1e-2),
        seed=4,
        eval_every=5,
    )
    tr = Trainer(cfg)
    tr.step(10)
    mine = tr.summary()
    for k in ("task", "cell", "variant", "steps", "metric", "solved", "baseline"):
        assert summary[k] == mine[k]
    for k in ("train_loss", "val_loss", "metric_value"):
        assert summary[k] == pytest.approx(mine[k], rel=1e-12)
    assert "it/s" in run.stderr or "%" in run.stderr  # the tqdm bar went to stderr
    runs = RunStore(home).list()
    assert [r.name for r in runs] == ["mine"] and runs[0].summary["steps"] == 10
    assert bundle.exists()
    monkeypatch.setenv("LSTM_PLAYGROUND_HOME", str(home))
    imported = in_process(capsys, "import", bundle, "--name", "copy")
    assert imported.returncode == 0 and "as run 2" in imported.stdout
    listing = in_process(capsys, "runs")
    assert "copy" in listing.stdout and "mine" in listing.stdout
    exported = in_process(capsys, "export", 1, tmp_path / "again.zip")
    assert exported.returncode == 0 and (tmp_path / "again.zip").exists()


def test_csv_and_text_tasks_read_their_file(home, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("LSTM_PLAYGROUND_HOME", str(home))
    t = np.arange(300)
    rows = "\n".join(f"{i},{np.sin(i / 6):.4f}" for i in t)
    (tmp_path / "s.csv").write_text("day,temp\n" + rows)
    csv = ["--task", "csv", "--file", tmp_path / "s.csv", "--column", "temp"]
    run = in_process(
        capsys, "train", *csv, *TINY, "--steps", 5, "--json", "--quiet", "--out", "csv run"
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout.splitlines()[-1])["task"] == "csv"
    saved = RunStore(home).load(1)
    assert saved.task_data["target"] == "temp"
    assert saved.task_data["data"] == (tmp_path / "s.csv").read_bytes()
    assert saved.trainer().predict(saved.trainer().probe.x).shape[1] == 4  # the run restores
    bad = in_process(
        capsys, "train", "--task", "csv", "--file", tmp_path / "s.csv", "--column", "wind"
    )
    assert_one_line_error(bad, "wind", "temp")
    (tmp_path / "t.txt").write_text("the cat sat on the mat. " * 30)
    run = in_process(capsys, "train", "--task", "text", "--file", tmp_path / "t.txt", *TINY,
              "--steps", "3", "--json", "--quiet")  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout.splitlines()[-1])["metric"] == "bpc"


@pytest.mark.slow
def test_bad_arguments_give_one_line_and_no_traceback(home, tmp_path, capsys, monkeypatch):
    # two through a real interpreter: an argparse error and one raised while training
    assert_one_line_error(cli(home, "train", "--hidden", "-3"), "--hidden")
    assert_one_line_error(cli(home, "train", "--task", "nope"), "unknown task 'nope'")
    monkeypatch.setenv("LSTM_PLAYGROUND_HOME", str(home))

    cases = [
        (["train", "--lr", "fast"], ["--lr", "fast"]),
        (["train", "--cell", "transformer"], ["--cell"]),
        (["train", "--knob", "colour=3", "--steps", "1"], ["colour"]),
        (["train", "--seq-len", "100000", "--steps", "1"], ["seq_len"]),
        (["train", "--cell", "gru", "--variant", "nfg"], ["variant"]),
        (["train", "--file", tmp_path / "x.csv"], ["--file"]),
        (
            ["train", "--task", "csv", "--file", tmp_path / "no.csv", "--column", "a"],
            ["cannot read"],
        ),
        (["export", "7", tmp_path / "x.zip"], ["no saved run with id 7"]),
        (["import", tmp_path / "bad.zip"], ["not a .zip"]),
        (["frobnicate"], ["invalid choice"]),
    ]
    (tmp_path / "bad.zip").write_bytes(b"PK nonsense")
    for args, words in cases:
        assert_one_line_error(in_process(capsys, *args), *words)
    assert RunStore(home).list() == []


def test_endless_files_are_refused_quickly_without_reading_them_whole(capsys):
    """/dev/zero is 0 bytes on disk and never ends: the limit is checked while reading."""
    cases = [
        (["train", "--task", "csv", "--file", "/dev/zero"], "csv file /dev/zero"),
        (["train", "--task", "text", "--file", "/dev/zero"], "text file /dev/zero"),
        (["import", "/dev/zero"], "bundle /dev/zero"),
    ]
    for args, words in cases:
        start = time.perf_counter()
        assert_one_line_error(in_process(capsys, *args), words, "larger than the limit")
        assert time.perf_counter() - start < 5


def test_divergence_prints_the_plain_message_and_fails(capsys):
    wild = ["--lr", "1e3", "--clip", "off", "--optimizer", "sgd"]
    run = in_process(capsys, "train", "--seq-len", 12, *TINY, *wild, "--steps", 60, "--json")
    assert run.returncode == 1
    assert "Lower the learning rate" in run.stderr and "Traceback" not in run.stderr
    summary = json.loads(run.stdout.strip().splitlines()[-1])
    assert summary["steps"] < 60


def test_compare_trains_each_model_on_the_same_batches(capsys):
    models = ["--cells", "lstm", "rnn", "--variants", "standard", "nfg"]
    run = in_process(capsys, "compare", "--seq-len", 12, *TINY, "--steps", 6, *models, "--json")
    assert run.returncode == 0, run.stderr
    rows = json.loads(run.stdout.strip().splitlines()[-1])
    assert [r["model"] for r in rows] == ["lstm", "lstm-nfg", "rnn"]
    table = run.stdout.splitlines()
    assert "sequences_to_solve" in table[1] and table[2].split()[0] == "lstm"
    for r in rows:  # each row equals that model trained alone on the task's stream
        variant = "nfg" if r["model"] == "lstm-nfg" else "standard"
        cfg = TrainConfig(
            task="adding",
            task_knobs={"seq_len": 12},
            model=ModelConfig(cell=r["model"][:4].strip("-"), variant=variant, hidden_size=6),
            optim=OptimConfig(batch_size=8),
            eval_every=5,
        )
        tr = Trainer(cfg)
        tr.step(6)
        assert r["train_loss"] == pytest.approx(tr.summary()["train_loss"], rel=1e-12)
