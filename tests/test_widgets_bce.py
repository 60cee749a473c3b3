"""Drive the explorers of notebook 02 from Python: BCE for one prediction and for a batch."""
import numpy as np
import pytest

import celearn as cl
from celearn.widgets import BCEExampleExplorer, BCEExplorer


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
        x, y = ex.marker.get_data()
        assert (x[0], y[0]) == (0.3, pytest.approx(-np.log(0.3)))
        assert ex.branch[1].get_alpha() == 1.0 and ex.branch[0].get_alpha() < 1
        ex.t.value = 0
        x, y = ex.marker.get_data()
        assert y[0] == pytest.approx(-np.log(0.7))
        assert ex.branch[0].get_alpha() == 1.0 and ex.branch[1].get_alpha() < 1
        gx, gy = ex.grad_marker.get_data()
        assert gy[0] == pytest.approx(0.3)

    @pytest.mark.parametrize("t, trend", [(1, "down"), (0, "up")])
    def test_declared_trend_follows_the_target(self, t, trend):
        ex = BCEExplorer(p=0.5, t=t)
        assert f'data-trend="{trend}"' in ex.readout.value
        before = ex.key_value
        ex.p.value = 0.501          # one keyboard step
        assert (ex.key_value - before) * (1 if trend == "up" else -1) > 0

    def test_marker_stays_inside_the_axes(self):
        ex = BCEExplorer()
        for t in (0, 1):
            ex.t.value = t
            for p in (ex.p.min, ex.p.max):
                ex.p.value = p
                lo, hi = ex.ax.get_ylim()
                assert lo <= ex.marker.get_data()[1][0] <= hi


class TestBCEExampleExplorer:
    def test_starts_at_the_worked_example(self):
        ex = BCEExampleExplorer()
        t, p = cl.datasets.bce_example()
        assert ex.key_value == pytest.approx(4.460303459760249, abs=1e-12)
        assert ex.sample.value == 5 and ex.p.value == 0.85
        widths = [bar.get_width() for bar in ex.bars]
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
        assert ex.bars[4].get_width() == pytest.approx(-np.log(0.85))
        assert "5 0 0.15 0.163" in ex.readout_text

    def test_choosing_a_sample_does_not_edit_it(self):
        ex = BCEExampleExplorer()
        ex.sample.value = 6
        assert ex.p.value == 0.17
        assert ex.key_value == pytest.approx(4.460303459760249)
        assert 'data-trend="down"' in ex.readout.value      # t = 1 for sample 6
        ex.p.value = 0.9
        assert ex.preds[5] == 0.9 and ex.preds[4] == 0.85
        assert ex.key_value < 4.460303459760249
        ex.sample.value = 5
        assert ex.p.value == 0.85 and ex.preds[5] == 0.9
