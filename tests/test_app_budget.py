"""The Train page refuses a configuration over the session's memory budget with a plain
sentence (in the reader's language) that names the knob to lower; the page keeps working."""

from apptest_helpers import open_page

from lstm_core.config import ModelConfig, OptimConfig, TrainConfig
from ui import state

TRAIN = "pages/1_Train.py"
HUGE = TrainConfig(
    task_knobs={"seq_len": 500},
    model=ModelConfig(hidden_size=256, num_layers=3),
    optim=OptimConfig(batch_size=256),
)


def test_over_budget_is_a_plain_message_naming_the_batch_size():
    at = open_page(TRAIN, timeout=60, **{state.CONFIG: HUGE})
    errors = "\n".join(e.value for e in at.error)
    assert "more than the 200.0 MB each session may use" in errors
    assert "Lower the batch size to" in errors
    assert at.button(key="train_defaults")  # one click back to a configuration that fits


def test_over_budget_in_chinese():
    at = open_page(TRAIN, timeout=60, **{state.CONFIG: HUGE, "lang": "zh"})
    errors = "\n".join(e.value for e in at.error)
    assert "请把批大小降到" in errors and "200.0 MB" in errors
