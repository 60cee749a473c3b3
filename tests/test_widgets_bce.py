"""Drive the explorers of notebook 02 from Python: BCE for one prediction and for a batch."""
import numpy as np
import pytest

import celearn as cl
from celearn.widgets import BCEExampleExplorer, BCEExplorer


def mark(ex, key):
    return next(m for m in ex.marks if m.get("key") == key)


class TestBCEExplorer:
    def test_extreme_prediction_with_t_1(self):
        ex = BCEExplorer()
        ex.t.value = 1
        ex.p.value = 0.001
        assert ex.key_value == pytest.approx(-np.log(0.001), rel=1e-12)
        text = ex.readout_text
        assert "6.908 nats" in text and "9.966 bits" in text
        assert "dL/dp = −1000.000" in text
        assert "dL/dz = p − t = −0.999" in text

    def test_readouts_match_celearn(self):
        ex = BCEExplorer(p=0.5, t=1)
        ex.t.value = 0
        ex.p.value = 0.8
        assert ex.key_value == pytest.approx(-np.log(0.2))
        assert "loss = −ln(1 − p) = 1.609 nats = 2.322 bits" in ex.readout_text
        assert f"dL/dp = {cl.bce_grad_p(0, 0.8):.3f}" in ex.readout_text   # 5.000
        assert "dL/dz = p − t = 0.800" in ex.readout_text

    def test_marker_sits_on_the_active_branch(self):
        ex = BCEExplorer(p=0.3, t=1)
        marker = mark(ex, "marker")
        assert (marker["x"], marker["y"]) == (0.3, pytest.approx(-np.log(0.3)))
        picture = ex.background
        ex.t.value = 0
        assert mark(ex, "marker")["y"] == pytest.approx(-np.log(0.7))
        assert ex.background != picture         # the other branch is drawn solid now
        grad = next(m for m in ex.marks if m.get("ax") == 1)
        assert grad["y"] == pytest.approx(0.3)

    def test_dragging_the_marker_sets_p(self):
        ex = BCEExplorer(p=0.3, t=0)
        ex.drag_to("p", 0.7123, 1.0)
        assert ex.p.value == 0.712
        assert ex.key_value == pytest.approx(-np.log(1 - 0.712))

    @pytest.mark.parametrize("kwargs", [dict(p=0.0), dict(p=1.2), dict(t=2), dict(t=0.5)])
    def test_refuses_a_start_it_cannot_show(self, kwargs):
        with pytest.raises(ValueError, match="p|t"):
            BCEExplorer(**kwargs)

    @pytest.mark.parametrize("t, trend", [(1, "down"), (0, "up")])
    def test_declared_trend_follows_the_target(self, t, trend):
        ex = BCEExplorer(p=0.5, t=t)
        assert f'data-trend="{trend}"' in ex.readout_html
        before = ex.key_value
        ex.p.value = 0.501          # one keyboard step
        assert (ex.key_value - before) * (1 if trend == "up" else -1) > 0

    def test_marker_stays_inside_the_axes(self):
        ex = BCEExplorer()
        for t in (0, 1):
            ex.t.value = t
            for p in (ex.p.min, ex.p.max):
                ex.p.value = p
                lo, hi = ex.axes[0]["ylim"]
                assert lo <= mark(ex, "marker")["y"] <= hi


class TestBCEExampleExplorer:
    def test_starts_at_the_worked_example(self):
        ex = BCEExampleExplorer()
        t, p = cl.datasets.bce_example()
        assert ex.key_value == pytest.approx(4.460303459760249, abs=1e-12)
        assert ex.sample.value == 5 and ex.p.value == 0.85
        widths = [mark(ex, f"bar{j}")["x1"] for j in range(7)]
        assert np.allclose(widths, cl.binary_cross_entropy(t, p, reduction="none"))
        text = ex.readout_text
        assert "Sample 5 (t = 0) predicted p = 0.85 costs 1.897 nats" in text
        assert "4.460 nats" in text and "mean 0.637" in text
        assert "6 1 0.17 1.772" in text          # a table row: sample, t, p, loss

    def test_editing_one_sample_updates_its_row_and_the_total(self):
        ex = BCEExampleExplorer()
        ex.p.value = 0.15                         # sample 5 (t = 0)
        t, p = cl.datasets.bce_example()
        p[4] = 0.15
        assert ex.key_value == pytest.approx(cl.binary_cross_entropy(t, p, reduction="sum"))
        assert mark(ex, "bar4")["x1"] == pytest.approx(-np.log(0.85))
        assert "5 0 0.15 0.163" in ex.readout_text

    def test_choosing_a_sample_does_not_edit_it(self):
        ex = BCEExampleExplorer()
        ex.sample.value = 6
        assert ex.p.value == 0.17
        assert ex.key_value == pytest.approx(4.460303459760249)
        assert 'data-trend="down"' in ex.readout_html      # t = 1 for sample 6
        ex.p.value = 0.9
        assert ex.preds[5] == 0.9 and ex.preds[4] == 0.85
        assert ex.key_value < 4.460303459760249
        ex.sample.value = 5
        assert ex.p.value == 0.85 and ex.preds[5] == 0.9

    def test_dragging_a_bar_end_sets_that_samples_prediction(self):
        ex = BCEExampleExplorer()                     # sample 5, t = 0
        ex.drag_to("loss", -np.log(1 - 0.42), 4.0)    # a loss of -ln(0.58) means p = 0.42
        assert ex.p.value == 0.42 and ex.preds[4] == 0.42
        ex.sample.value = 2                           # t = 1
        ex.drag_to("loss", -np.log(0.3), 1.0)
        assert ex.p.value == 0.3 and ex.preds[1] == 0.3

    @pytest.mark.parametrize("kwargs, match", [
        (dict(sample=8), "sample"), (dict(sample=0), "sample"),
        (dict(t=[0, 1], p=[0.5]), "same"), (dict(t=[0, 2], p=[0.5, 0.5]), "0/1"),
        (dict(t=[0, 1], p=[0.5, 1.0]), "p\\[1\\]"), (dict(t=[0, 1]), "both"),
    ])
    def test_refuses_inconsistent_arguments(self, kwargs, match):
        with pytest.raises(ValueError, match=match):
            BCEExampleExplorer(**kwargs)
