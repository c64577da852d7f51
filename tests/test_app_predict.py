"""AppTest: the Train page of every task with an input-and-prediction panel draws it, in both
languages, from the session's own trainer."""

import pytest
from apptest_helpers import live_figure, open_page

from lstm_core.config import ModelConfig, OptimConfig, TrainConfig
from ui import predict_view as pv
from ui import state

TRAIN = "pages/1_Train.py"


@pytest.mark.parametrize("task", sorted(pv.SHOWN))
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_train_page_shows_each_tasks_input_beside_its_prediction(task, lang):
    cfg = TrainConfig(task=task, model=ModelConfig(hidden_size=8), optim=OptimConfig(batch_size=8))
    at = open_page(TRAIN, **{state.CONFIG: cfg, "lang": lang})
    at.button(key="train_step").click().run()
    assert not at.exception, at.exception
    tr = at.session_state[state.TRAINER]
    assert tr.steps == 1
    n = min(pv.SHOWN[task], tr.val_batch.B)
    if task in pv.FIGURES:
        fig = live_figure(at, "train_pred_chart")
        assert len(fig["layout"]["annotations"]) == n  # one titled panel per example
        expected = pv.panel(tr, lang, False)[1].layout.annotations
        assert [a["text"] for a in fig["layout"]["annotations"]] == [a.text for a in expected]
    else:
        (body,) = [e.proto.body for e in at.get("html") if "pred-card" in e.proto.body]
        assert body.count('class="pred-card"') == n
        assert body == pv.panel(tr, lang, False)[1]  # the engine's answers at this step
