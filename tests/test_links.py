"""Shareable links without Streamlit: config -> query params -> config, clamping, same curve."""

import random

import pytest

from lstm_core.config import LIMITS, ModelConfig, OptimConfig, TrainConfig
from lstm_core.tasks import TASKS, TaskError, make_task
from lstm_core.train import Trainer, check_config
from ui import links
from ui.lessons import LESSONS

RICH = TrainConfig(
    task="copy",
    task_knobs={"lag": 7, "k": 3, "n_symbols": 5},
    model=ModelConfig(
        cell="lstm",
        variant="cifg",
        hidden_size=24,
        num_layers=2,
        embed_size=12,
        forget_bias=2.5,
        recurrent_init="orthogonal",
        recurrent_scale=1.5,
        engine="numpy",
        device="auto",
    ),
    optim=OptimConfig(
        name="rmsprop",
        lr=0.0037,
        momentum=0.5,
        clip=None,
        batch_size=9,
        schedule="cosine",
        schedule_steps=321,
    ),
    seed=123456789,
    eval_every=7,
    snapshot_every=11,
    max_snapshots=13,
)


def roundtrip(cfg: TrainConfig) -> links.Link:
    return links.decode(links.encode(cfg, "train", "zh"))


@pytest.mark.parametrize("cfg", [TrainConfig(), RICH, *(lesson.config for lesson in LESSONS)])
def test_config_to_link_to_config_is_identical(cfg):
    link = roundtrip(cfg)
    assert link.changes == []
    assert link.config == links.normalized(cfg)
    assert (link.page, link.lang) == ("train", "zh")
    # and once normalized, the trip is exact
    assert links.decode(links.encode(link.config)).config == link.config


@pytest.mark.parametrize("name", [n for n in TASKS if n != "csv"])
def test_every_linkable_task_round_trips_with_its_knobs_at_their_bounds(name):
    task = TASKS[name]()

    def at(bound: str) -> dict:
        knobs = {}
        for k in task.knobs:
            if k.kind == "choice":
                knobs[k.name] = k.choices[-1] if k.choices[-1] != "custom" else k.choices[0]
            elif k.kind == "bool":
                knobs[k.name] = not k.default
            else:
                knobs[k.name] = type(k.default)(getattr(k, bound))
        return knobs

    try:  # every knob at its upper bound, unless the task refuses that mix (a short series)
        knobs = at("high")
        make_task(name, **knobs)
    except TaskError:
        knobs = at("low")
    cfg = TrainConfig(task=name, task_knobs=knobs)
    link = roundtrip(cfg)
    assert link.changes == []
    assert link.config.task_knobs == make_task(name, **knobs).values


def test_floats_survive_bit_for_bit():
    cfg = TrainConfig(optim=OptimConfig(lr=0.1 + 0.2), model=ModelConfig(forget_bias=1 / 3))
    back = roundtrip(cfg).config
    assert back.optim.lr == 0.1 + 0.2 and back.model.forget_bias == 1 / 3


def test_a_decoded_link_trains_the_same_curve():
    cfg = TrainConfig(
        task="adding",
        task_knobs={"seq_len": 20},
        model=ModelConfig(hidden_size=8),
        optim=OptimConfig(batch_size=8),
        seed=42,
        eval_every=5,
    )
    url = links.query_string(links.encode(cfg, "train", "en"))
    from urllib.parse import parse_qsl

    decoded = links.decode(dict(parse_qsl(url))).config
    a, b = Trainer(cfg), Trainer(decoded)
    a.step(15)
    b.step(15)
    assert a.history.loss == b.history.loss and len(a.history.loss) == 15
    assert a.history.val_loss == b.history.val_loss


def test_out_of_range_values_are_clamped_and_reported():
    link = links.decode(
        {
            "task": "adding",
            "k.seq_len": "100000",
            "hidden": "5000",
            "layers": "0",
            "lr": "-1",
            "batch": "2.6",
            "seed": "-5",
            "fbias": "1e308",
        }
    )
    cfg = link.config
    assert cfg.task_knobs["seq_len"] == 200
    assert (cfg.model.hidden_size, cfg.model.num_layers, cfg.optim.batch_size) == (256, 1, 3)
    assert cfg.optim.lr == 1e-5 and cfg.seed == 0 and cfg.model.forget_bias == 5.0
    by_key = {c.key: c for c in link.changes}
    assert by_key["k.seq_len"] == links.Change("k.seq_len", "100000", "200", "range")
    assert by_key["hidden"].used == "256" and by_key["hidden"].why == "range"
    assert {"layers", "lr", "batch", "seed", "fbias"} <= by_key.keys()
    check_config(cfg)  # the engine accepts the result


def test_bad_names_and_numbers_fall_back_to_defaults_with_a_reason():
    link = links.decode(
        {
            "task": "no-such-task",
            "cell": "transformer",
            "lr": "fast",
            "clip": "nan",
            "lang": "fr",
            "zz": "1",
            "lock": "lr,nonsense,model",
            "device": "cuda",
        }
    )
    default = TrainConfig()
    assert link.config.task == default.task
    assert link.config.model.cell == "lstm" and link.config.optim.lr == default.optim.lr
    assert link.config.optim.clip == default.optim.clip and link.config.model.device == "cpu"
    whys = {(c.key, c.why) for c in link.changes}
    assert {
        ("task", "choice"),
        ("cell", "choice"),
        ("lr", "number"),
        ("clip", "number"),
        ("lang", "choice"),
        ("zz", "unknown"),
        ("lock", "unknown"),
        ("device", "choice"),
    } <= whys
    assert link.lang == "en"
    assert link.lock[0] == "lr" and set(links.GROUPS["model"]) <= set(link.lock)


def test_a_variant_on_a_gru_and_a_task_that_needs_data_are_replaced():
    link = links.decode({"cell": "gru", "variant": "nfg", "task": "csv", "k.window": "8"})
    assert link.config.model.variant == "standard" and link.config.task == "sine"
    assert {("variant", "choice"), ("task", "task")} <= {(c.key, c.why) for c in link.changes}
    link = links.decode({"task": "text", "k.source": "custom"})  # custom text is not in a link
    assert link.config.task == "text" and link.config.task_knobs["source"] == "module"
    assert ("task", "task") in {(c.key, c.why) for c in link.changes}


def test_unknown_knob_is_reported_and_clip_off_is_none():
    link = links.decode({"task": "sine", "k.colour": "red", "clip": "off", "k.shape": "square"})
    assert link.config.optim.clip is None and link.config.task_knobs["shape"] == "square"
    assert [(c.key, c.why) for c in link.changes] == [("k.colour", "unknown")]


def test_any_garbage_decodes_to_a_config_the_engine_accepts():
    rng = random.Random(7)
    keys = [*links.CONFIG_KEYS, *links.FLAGS, "k.seq_len", "k.shape", "k.lag", "x"]
    junk = ["", "-1", "1e400", "nan", "inf", "0x10", "abc", "3.5", "99999999999", "☃", "lstm"]
    for _ in range(200):
        params = {rng.choice(keys): rng.choice(junk) for _ in range(rng.randint(1, 8))}
        if rng.random() < 0.5:
            params["task"] = rng.choice([*TASKS, "bogus"])
        link = links.decode(params)
        check_config(link.config)
        make_task(link.config.task, **link.config.task_knobs)


def test_flags_and_query_string():
    params = links.encode(
        TrainConfig(), "lessons", "en", lock=("lr", "task"), hide=("engine",), projector=True
    )
    qs = links.query_string(params)
    assert "lock=lr,task" in qs and "hide=engine" in qs and "projector=1" in qs
    link = links.decode(params)
    assert link.lock == ("lr", "task") and link.hide == ("engine",) and link.projector
    assert links.has_config(params) and not links.has_config({"projector": "1", "lang": "zh"})
    assert "embed" not in params  # Streamlit reserves ?embed=


@pytest.mark.parametrize("cfg", [TrainConfig(), RICH, *(lesson.config for lesson in LESSONS)])
def test_a_short_link_holds_only_what_differs_and_decodes_to_the_same_run(cfg):
    full = links.encode(cfg, "train", "zh", lock=("lr",), projector=True)
    short = links.encode_short(cfg, "train", "zh", lock=("lr",), projector=True)
    assert set(short) <= set(full) and all(full[k] == v for k, v in short.items())
    assert {"page", "lang", "lock", "projector"} <= set(short)
    decoded = links.decode(short)
    assert decoded.config == links.normalized(cfg) and decoded.changes == []
    assert decoded.lock == ("lr",) and decoded.projector
    assert len(links.query_string(short)) < len(links.query_string(full))


def test_the_default_run_has_a_tiny_link_and_a_change_shows_up():
    assert links.encode_short(TrainConfig(), "train", "en") == {"page": "train", "lang": "en"}
    cfg = TrainConfig(optim=OptimConfig(lr=0.02), task_knobs={"seq_len": 60})
    assert links.encode_short(cfg) == {"lr": "0.02", "k.seq_len": "60"}
    other = links.encode_short(TrainConfig(task="adding"))
    assert other == {"task": "adding"} and links.decode(other).config.task == "adding"


def test_the_qr_code_is_a_png_of_the_link():
    import segno

    from ui.qr import qr_png

    url = "http://localhost:8501/?page=train&lr=0.02"
    png = qr_png(url)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    modules = segno.make(url, error="m", micro=False).symbol_size(scale=1, border=0)[0]
    width = int.from_bytes(png[16:20], "big")  # the PNG header's width
    assert width == (modules + 2 * 2) * 6  # the code of this URL, 2-module border, scale 6


def test_the_gate_init_and_chrono_t_max_travel_in_the_link():
    cfg = TrainConfig(
        task="adding",
        task_knobs={"seq_len": 100},
        model=ModelConfig(gate_init="chrono", chrono_t_max=100),
    )
    params = links.encode(cfg)
    assert (params["ginit"], params["tmax"]) == ("chrono", "100")
    assert links.decode(params).config.model == cfg.model
    wild = links.decode({**params, "ginit": "warp", "tmax": "1e9"})
    assert wild.config.model.gate_init == "default"
    assert wild.config.model.chrono_t_max == LIMITS["chrono_t_max"].class_high
    assert {c.key for c in wild.changes} == {"ginit", "tmax"}
    assert "gate_init" in links.GROUPS["model"]


def test_links_read_the_knobs_without_building_a_task(monkeypatch):
    from lstm_core.tasks.base import Task

    def refuse(self, **values):
        raise AssertionError(f"built {self.name}: a link must not build its task")

    cfg = TrainConfig(task="sentiment", task_knobs={"max_len": 40})
    expected = links.resolved_knobs(cfg)
    monkeypatch.setattr(Task, "__init__", refuse)
    assert links.resolved_knobs(cfg) == expected and expected["max_len"] == 40
    assert len(expected) == len(TASKS["sentiment"].knobs)
    assert links.encode(cfg)["k.max_len"] == "40"
    assert links.encode_short(cfg) == {"task": "sentiment", "k.max_len": "40"}
