"""Dropout and the chrono initialisation in both engines: the NumPy forward and backward with a
given dropout mask equal the PyTorch model's with the same mask (float64, 1e-10)."""

import numpy as np
import pytest
import torch

from lstm_core import models
from lstm_core.config import KINDS, ModelConfig, TaskSpec
from lstm_core.losses import loss_and_grad
from lstm_core.numpy_model import NumpySequenceModel


def _spec(kind):
    if kind == "next_token":
        return TaskSpec(kind, input_size=0, output_size=6, vocab_size=6)
    return TaskSpec(kind, input_size=3, output_size=4)


def _data(spec, T, B, rng):
    x = (
        rng.integers(0, spec.vocab_size, size=(T, B))
        if spec.vocab_size
        else rng.normal(size=(T, B, spec.input_size))
    )
    O = spec.output_size
    y = {
        "next_step": lambda: rng.normal(size=(T, B, O)),
        "regression": lambda: rng.normal(size=(B, O)),
        "classification": lambda: rng.integers(0, O, size=B),
        "labelling": lambda: rng.integers(0, O, size=(T, B)),
        "next_token": lambda: rng.integers(0, O, size=(T, B)),
    }[spec.kind]()
    return x, y


def _twins(kind, cell, layers, p=0.3, H=5):
    spec = _spec(kind)
    cfg = ModelConfig(cell=cell, hidden_size=H, num_layers=layers, embed_size=4, dropout=p)
    npm = NumpySequenceModel(spec, cfg, np.random.default_rng(3), dtype=np.float64)
    tm = models.build_model(spec, cfg, torch.Generator().manual_seed(0)).double()
    models.load_numpy(tm, npm.params)
    return spec, npm, tm


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("layers", [1, 2, 3])
def test_numpy_dropout_forward_backward_equal_torch(cell, kind, layers):
    spec, npm, tm = _twins(kind, cell, layers)
    T, B = 6, 4
    x, y = _data(spec, T, B, np.random.default_rng(layers))
    masks = npm.draw_masks(T, B)  # drawn once, fed to both engines
    assert any((m == 0).any() for m in masks) and all(
        set(np.unique(m)) <= {0, 1 / 0.7} for m in masks
    )
    out, cache = npm.forward(x, masks)
    loss, dout = loss_and_grad(kind, out, y, None)
    grads, _ = npm.backward(cache, dout)
    tm.train()
    out_t = tm(torch.as_tensor(x), [torch.as_tensor(m) for m in masks])
    loss_t = models.model_loss(kind, out_t, torch.as_tensor(y))
    loss_t.backward()
    assert np.abs(out - out_t.detach().numpy()).max() <= 1e-10
    assert abs(loss - loss_t.item()) <= 1e-10
    for name, p in tm.named_parameters():
        assert np.abs(grads[name] - p.grad.numpy()).max() <= 1e-10, name


def test_masks_change_the_output_and_ones_change_nothing():
    spec, npm, tm = _twins("next_step", "lstm", 2)
    x, _ = _data(spec, 5, 3, np.random.default_rng(0))
    ones = [np.ones((5, 3, 5)) for _ in range(2)]
    plain = npm.predict(x)
    assert np.abs(npm.forward(x, ones)[0] - plain).max() == 0
    assert np.abs(npm.forward(x, npm.draw_masks(5, 3))[0] - plain).max() > 1e-3
    tm.eval()
    with torch.no_grad():  # eval mode: no dropout, and the layer-by-layer path = fused path
        fused = tm(torch.as_tensor(x)).numpy()
        layered = tm(torch.as_tensor(x), [torch.as_tensor(m) for m in ones]).numpy()
    assert np.abs(fused - plain).max() <= 1e-10 and np.abs(layered - plain).max() <= 1e-10


def test_torch_dropout_is_seeded_per_model_and_off_in_eval():
    spec = _spec("regression")
    cfg = ModelConfig(hidden_size=6, num_layers=2, dropout=0.5)
    x = torch.randn(7, 3, 3, generator=torch.Generator().manual_seed(1))

    def run():
        m = models.build_model(spec, cfg, torch.Generator().manual_seed(5))
        m.train()
        return m(x).detach(), m(x).detach(), m

    a1, a2, m = run()
    b1, b2, _ = run()
    assert torch.equal(a1, b1) and torch.equal(a2, b2)  # same seed, same masks
    assert not torch.equal(a1, a2)  # fresh masks every call
    m.eval()
    assert torch.equal(m(x), m(x))


@pytest.mark.parametrize("variant", ["cifg", "ph"])
def test_variant_layer_by_layer_equals_fused_stack(variant):
    spec = _spec("next_step")
    cfg = ModelConfig(hidden_size=4, num_layers=2, variant=variant)
    m = models.build_model(spec, cfg, torch.Generator().manual_seed(2))
    x = torch.randn(5, 2, 3, generator=torch.Generator().manual_seed(3))
    ones = [torch.ones(5, 2, 4)] * 2
    with torch.no_grad():
        assert torch.allclose(m(x), m(x, ones), atol=1e-6)


def test_dropout_range_is_checked():
    with pytest.raises(models.ModelError, match="dropout"):
        models.build_model(_spec("regression"), ModelConfig(dropout=0.95), torch.Generator())
    with pytest.raises(ValueError, match="dropout"):
        NumpySequenceModel(_spec("regression"), ModelConfig(dropout=-0.1), np.random.default_rng())


@pytest.mark.parametrize("T_max", [2, 10, 1000])
def test_chrono_init_in_both_engines(T_max):
    H = 64
    cfg = ModelConfig(hidden_size=H, gate_init="chrono", chrono_t_max=T_max)
    tm = models.build_model(_spec("regression"), cfg, torch.Generator().manual_seed(0), seed=0)
    npm = NumpySequenceModel(_spec("regression"), cfg, np.random.default_rng(0), seed=0)
    biases = []
    for p in (models.to_numpy(tm), npm.params):
        b_ih, b_hh = p["rnn.bias_ih_l0"], p["rnn.bias_hh_l0"]
        b_i, b_f = b_ih[:H], b_ih[H : 2 * H]
        assert np.all(b_f >= -1e-7) and np.all(b_f <= np.log(max(T_max - 1, 1)) + 1e-6)
        np.testing.assert_allclose(b_i, -b_f, atol=0)
        assert np.all(b_hh[: 2 * H] == 0)
        if T_max > 2:
            assert b_f.std() > 0.1  # spread over time scales, not one value
        biases.append(b_ih[: 2 * H])
    np.testing.assert_allclose(biases[0], biases[1], rtol=1e-6)  # the same draws in both engines
