"""The encoder-decoder: NumPy against autograd (float64, <= 1e-8), attention against finite
differences, greedy decoding against teacher forcing, every cell and variant in PyTorch, the
trainer with both engines, and a small model that translates numbers it never saw."""

import numpy as np
import pytest
import torch

from lstm_core import seq2seq as s2s
from lstm_core.config import VARIANTS, ModelConfig, OptimConfig, TrainConfig
from lstm_core.losses import loss_and_grad
from lstm_core.seq2seq_engines import top_k
from lstm_core.tasks import make_task
from lstm_core.tasks.translate import _pools, english_to_number, number_to_english
from lstm_core.train import Trainer


def _pair(cell, attention, layers, variant="standard", direction="en-zh"):
    task = make_task("translate", direction=direction, largest=999, attention=attention)
    cfg = ModelConfig(cell=cell, variant=variant, hidden_size=7, num_layers=layers, embed_size=5)
    numpy_model = s2s.NumpySeq2Seq(task.spec, cfg, np.random.default_rng(3), dtype=np.float64)
    torch_model = s2s.build_seq2seq(task.spec, cfg, torch.Generator().manual_seed(0)).double()
    s2s.load_numpy(torch_model, numpy_model.params)
    return task, numpy_model, torch_model


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
@pytest.mark.parametrize("attention", ["none", "dot"])
@pytest.mark.parametrize("layers", [1, 2])
def test_numpy_gradients_match_autograd(cell, attention, layers):
    task, nm, tm = _pair(cell, attention, layers)
    b = task.validation(0, 6)
    x, y, mask = (torch.as_tensor(a) for a in (b.x, b.y, b.mask))
    loss_t = s2s.model_loss(tm(x, y), y, mask)
    loss_t.backward()
    loss_n, grads = nm.loss_and_grads(b)
    assert loss_n == pytest.approx(float(loss_t.detach()), abs=1e-10)
    assert set(grads) == {name for name, _ in tm.named_parameters()}
    for name, p in tm.named_parameters():
        np.testing.assert_allclose(grads[name], p.grad.numpy(), atol=1e-8, rtol=0)
    # greedy decoding agrees too (logits and the tokens chosen)
    gt, gn = tm.greedy(x, task.spec.target_len), nm.greedy(b.x, task.spec.target_len)
    np.testing.assert_allclose(gn["logits"], gt["logits"].numpy(), atol=1e-10)
    assert np.array_equal(gn["tokens"], gt["tokens"].numpy())


def test_attention_gradient_against_finite_differences():
    task, nm, _ = _pair("lstm", "dot", 1)
    b = task.validation(1, 3)
    _, grads = nm.loss_and_grads(b)
    rng = np.random.default_rng(0)
    for name in ("combine.weight", "encoder.weight_hh_l0", "src_embedding.weight"):
        p = nm.params[name]
        for idx in zip(*(rng.integers(0, n, 3) for n in p.shape), strict=True):
            keep, eps = p[idx], 1e-6
            p[idx] = keep + eps
            up = loss_and_grad("seq2seq", nm.forward(b.x, b.y)[0], b.y, b.mask)[0]
            p[idx] = keep - eps
            down = loss_and_grad("seq2seq", nm.forward(b.x, b.y)[0], b.y, b.mask)[0]
            p[idx] = keep
            assert grads[name][idx] == pytest.approx((up - down) / (2 * eps), abs=1e-7)


def test_attention_weights_are_a_distribution_over_real_source_characters():
    task, nm, tm = _pair("lstm", "dot", 1)
    b = task.validation(2, 4)
    alpha = tm.greedy(torch.as_tensor(b.x), task.spec.target_len)["attention"].numpy()
    assert alpha.shape == (task.spec.target_len, 4, b.x.shape[0])
    np.testing.assert_allclose(alpha.sum(-1), 1.0, atol=1e-12)
    assert (alpha.transpose(1, 2, 0)[b.x.T == 0] == 0).all()  # (B, S, T) at PAD positions


@pytest.mark.parametrize("cell,variant", [("lstm", v) for v in VARIANTS] + [("gru", "standard")])
def test_every_cell_and_variant_greedy_equals_teacher_forcing_on_its_own_output(cell, variant):
    """Greedy decoding is the teacher-forced model fed its own choices: same logits."""
    task = make_task("translate", direction="digits-zh", attention="dot")
    cfg = ModelConfig(cell=cell, variant=variant, hidden_size=6, num_layers=2, embed_size=4)
    model = s2s.build_seq2seq(task.spec, cfg, torch.Generator().manual_seed(1)).double()
    x = torch.as_tensor(task.validation(0, 5).x)
    found = model.greedy(x, task.spec.target_len)
    forced = model(x, found["tokens"])
    torch.testing.assert_close(forced, found["logits"], atol=1e-10, rtol=0)
    traces = s2s.trace(model, x.numpy())
    assert len(traces) == 2 and traces[1]["h"].shape == (x.shape[0] + task.spec.target_len, 5, 6)


def test_trace_hands_the_encoder_state_to_the_decoder():
    task, nm, tm = _pair("lstm", "none", 1)
    x = task.validation(0, 3).x
    S = x.shape[0]
    layer = s2s.trace(tm, x)[0]
    np.testing.assert_allclose(layer["c"], nm.trace(x)[0]["c"], atol=1e-10)
    enc = tm.encode(torch.as_tensor(x))[1]
    np.testing.assert_allclose(layer["c"][S - 1], enc[1][0].detach().numpy(), atol=1e-12)


def _config(engine="torch", **knobs):
    return TrainConfig(
        task="translate",
        task_knobs={"direction": "digits-words", "largest": 99, **knobs},
        model=ModelConfig(hidden_size=32, engine=engine),
        optim=OptimConfig(lr=0.01, batch_size=32),
        eval_every=100,
        snapshot_every=10**6,
    )


@pytest.mark.parametrize("engine", ["torch", "numpy"])
def test_trainer_runs_both_engines(engine):
    tr = Trainer(_config(engine, attention="dot"))
    assert tr.step(3) == 3 and tr.history.loss[-1] > 0
    result = tr.evaluate()
    assert {"loss", "metric", "char_accuracy", "solved"} <= result.keys()
    assert tr.baseline["metric"] < 0.1
    decoded = tr.engine.decode(tr.probe.x)
    assert decoded["attention"].shape[:2] == (tr.spec.target_len, tr.probe.B)
    weights = tr.state_dict()
    again = Trainer(_config(engine, attention="dot"))
    again.engine.load(weights)
    np.testing.assert_allclose(again.predict(tr.probe.x), tr.predict(tr.probe.x), atol=1e-6)


def test_numpy_engine_refuses_variants_in_plain_words():
    cfg = _config("numpy")
    cfg.model.variant = "cifg"
    with pytest.raises(ValueError, match="standard LSTM cell only"):
        Trainer(cfg)


def test_top_k_are_the_most_likely_characters():
    logits = np.log(np.array([[0.1, 0.6, 0.3], [0.5, 0.2, 0.3]]))
    ids, p = top_k(logits, 2)
    assert ids.tolist() == [[1, 2], [0, 2]]
    np.testing.assert_allclose(p, [[0.6, 0.3], [0.5, 0.3]])


@pytest.mark.slow
def test_a_small_model_translates_numbers_it_never_saw():
    """digits -> English words up to 99: train until validation (held-out numbers only) is
    solved, then decode every held-out number and read the words."""
    tr = Trainer(_config())
    while not tr.history.solved[-1] and tr.steps < 2000:
        tr.step(100)
    held = _pools("number", 99)[1]
    task = tr.task
    batch = task.batch_of(held)
    tokens = tr.engine.decode(batch.x)["tokens"]
    said = [task.read(tokens[:, i]) for i in range(len(held))]
    assert said == [number_to_english(n) for n in held], (tr.steps, said)
    assert not set(held) & set(_pools("number", 99)[0])


@pytest.mark.slow
def test_bundle_train_py_regenerates_the_data_and_trains_the_same_model(tmp_path):
    """The exported train.py (no lstm_core) rebuilds the encoder-decoder, reproduces its greedy
    outputs, writes the same texts as the task, keeps held-out numbers out, and trains."""
    import importlib.util
    import os
    import subprocess
    import sys
    import zipfile

    from lstm_core.bundle import export_bundle
    from lstm_core.tasks.translate import date_forms, number_to_chinese

    tr = Trainer(_config(attention="dot", reverse=True, direction="en-zh"))
    tr.step(5)
    with zipfile.ZipFile(export_bundle(tr, tmp_path / "run.zip")) as z:
        z.extractall(tmp_path)
    run = subprocess.run(
        [sys.executable, "train.py", "--check", "--steps", "3"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
    )
    assert run.returncode == 0, run.stderr
    assert "largest difference from the saved outputs" in run.stdout
    spec = importlib.util.spec_from_file_location("bundle_train", tmp_path / "train.py")
    standalone = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(standalone)
    for n in [0, 12, 105, 200, 1010, 12000, 100500, 312045, 999999]:
        assert standalone.english(n) == number_to_english(n)
        assert standalone.chinese(n) == number_to_chinese(n)
    assert standalone.text_of(739000, "date", "zh") == date_forms(739000)["zh"]
    assert standalone.VOCAB == tr.task.vocab
    knobs = tr.task.values
    x, y, mask = standalone.translate(np.random.default_rng(0), knobs, tr.probe.T, 6, 64)
    held = set(_pools("number", 99)[1])
    for b in range(64):
        source = tr.task.read(x[:, b])[::-1]  # reversed source, read back
        target = tr.task.read(y[:, b])
        n = english_to_number(source)
        assert target == number_to_chinese(n) and n not in held


def _cli(capsys, *args):
    """python -m lstm_core's main() in this process (tests/test_cli.py runs it as a subprocess)."""
    import subprocess

    from lstm_core.cli import main

    try:
        code = main([str(a) for a in args])
    except SystemExit as e:  # argparse errors exit through SystemExit
        code = e.code
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, out, err)


def test_cli_trains_compares_saves_and_refuses_in_plain_words(tmp_path, capsys, monkeypatch):
    import json

    from lstm_core.bundle import load_bundle

    monkeypatch.setenv("LSTM_PLAYGROUND_HOME", str(tmp_path))
    tiny = ["--hidden", "8", "--batch-size", "8", "--eval-every", "5", "--steps", "10"]
    bundle = tmp_path / "t.zip"
    run = _cli(capsys, "train", "--task", "translate", "--direction", "en-zh", *tiny, "--json",
               "--quiet", "--out", bundle)  # fmt: skip
    assert run.returncode == 0, run.stderr
    summary = json.loads(run.stdout.strip().splitlines()[-1])
    cfg = TrainConfig(
        task="translate",
        task_knobs={"direction": "en-zh"},
        model=ModelConfig(hidden_size=8),
        optim=OptimConfig(batch_size=8),
        eval_every=5,
    )
    tr = Trainer(cfg)
    tr.step(10)
    assert summary["task"] == "translate" and summary["metric"] == "exact"
    assert summary["val_loss"] == pytest.approx(tr.summary()["val_loss"], rel=1e-9)
    restored = load_bundle(bundle).trainer()  # the saved run rebuilds and decodes the same
    np.testing.assert_allclose(restored.predict(tr.probe.x), tr.predict(tr.probe.x), atol=1e-6)
    run = _cli(capsys, "compare", "--task", "translate", "--direction", "digits-words",
               "--knob", "largest=99", *tiny, "--json", "--quiet")  # fmt: skip
    assert run.returncode == 0, run.stderr
    rows = json.loads(run.stdout.strip().splitlines()[-1])
    assert [r["model"] for r in rows] == ["lstm", "gru", "rnn"]
    run = _cli(capsys, "train", "--task", "translate", "--direction", "fr-de", "--steps", "1")
    assert run.returncode != 0 and "Traceback" not in run.stderr and "direction" in run.stderr
