"""Drive the slopes explorer and the training-race explorer of notebook 05 from Python."""
import json

import numpy as np
import pytest

from celearn.training import train_softmax_regression
from celearn.widgets import RaceExplorer, SlopesExplorer
from celearn.widgets.slopes import iris_standardized
from scenes import compare, run_js


def mark(ex, key):
    return next(m for m in ex.marks if m.get("key") == key)


class TestSlopesExplorer:
    def test_readout_states_both_slopes_and_their_ratio(self):
        ex = SlopesExplorer(p=0.2)
        assert ex.key_value == pytest.approx(-5.0)
        # celearn's slopes give the ratio 3.1249999999999991 (not the tie 3.125)
        assert ex.readout_text == ("At p = 0.20: slope of −ln p = −5.00, slope of (1 − p)² = "
                                   "−1.60; cross-entropy is 3.12 times as steep.")

    @pytest.mark.parametrize("p", [0.01, 0.05, 0.5, 0.93, 0.99])
    def test_tangents_touch_the_curves_with_the_right_slopes(self, p):
        ex = SlopesExplorer(p=p)
        ymax = ex.ax.get_ylim()[1]
        for key, f, slope in (("ce", lambda v: -np.log(v), -1 / p),
                              ("mse", lambda v: (1 - v) ** 2, -2 * (1 - p))):
            line = mark(ex, f"tangent-{key}")
            (x0, x1), (y0, y1) = line["x"], line["y"]
            assert (y1 - y0) / (x1 - x0) == pytest.approx(slope)
            assert x0 <= p <= x1
            assert y0 + slope * (p - x0) == pytest.approx(f(p))        # through (p, f(p))
            assert -1e-12 <= min(y0, y1) and max(y0, y1) <= ymax + 1e-12  # inside the axes
            dot = mark(ex, f"marker-{key}")
            assert dot["x"] == p and dot["y"] == pytest.approx(f(p))
            assert dot["y"] <= ymax                                    # never off the axes

    def test_key_rises_with_every_step(self):
        ex = SlopesExplorer()
        values = []
        for k in range(1, 100):
            ex.p.value = round(k / 100, 2)
            values.append(ex.key_value)
        assert np.all(np.diff(values) > 0)

    def test_ratio_is_smallest_at_one_half(self):
        ex = SlopesExplorer(p=0.5)
        assert "2.00 times" in ex.readout_text
        ex.p.value = 0.01
        assert "50.51 times" in ex.readout_text

    def test_markers_drag_along_the_curves(self):
        ex = SlopesExplorer()
        ex.drag_to("p", 0.7349, 0.1)
        assert ex.p.value == 0.73
        assert ex.key_value == pytest.approx(-1 / 0.73)
        ex.drag_to("p", -3, 2)
        assert ex.p.value == 0.01
        assert all(m["drag"] == "p" for m in ex.marks if m.get("drag"))
        with pytest.raises(ValueError, match="draggable mark"):
            ex.drag_to("q", 0.5, 0.5)

    def test_extremes_and_exact_ties_match_the_browser(self):
        ex = SlopesExplorer()
        # at p = 0.2 the ratio is 3.1249999999999991 in celearn, 3.125 with -1/p: the
        # browser must compute the slopes as celearn does
        states = [{"p": v} for v in (0.01, 0.011, 0.2, 0.5, 0.98, 0.99)]
        js, _ = run_js("slopes", states, ex.params)
        for state, js_scene in zip(states, js):
            assert not compare(ex.scene(state), js_scene)

    @pytest.mark.parametrize("bad", [0.0, 1.0, 0.995, float("nan"), "0.3", True])
    def test_refuses_a_start_the_slider_cannot_show(self, bad):
        with pytest.raises(ValueError, match="p"):
            SlopesExplorer(p=bad)


@pytest.fixture(scope="module")
def race():
    return RaceExplorer()


class TestRaceExplorer:
    def test_default_race_cross_entropy_wins(self, race):
        ce, se = race.runs["ce"], race.runs["mse"]
        assert ce.accuracy[0] == se.accuracy[0] < 0.2          # same, confidently wrong start
        assert ce.accuracy[-1] > 0.95 and se.accuracy[-1] < 0.5
        assert race.key_value == pytest.approx(ce.loss[-1])
        assert f"{ce.accuracy[-1]:.1%}" in race.readout_text
        assert f"{se.accuracy[-1]:.1%}" in race.readout_text

    def test_curves_are_the_training_runs_as_numbers(self, race):
        X, y = iris_standardized()
        direct = train_softmax_regression(X, y, loss="mse", lr=0.5, epochs=300, init_scale=4.0,
                                          seed=3)
        x, values = race.lines["mse", "accuracy"]
        assert np.array_equal(x, np.arange(301))
        assert np.array_equal(values, direct.accuracy)
        x, values = race.lines["ce", "loss"]
        assert len(x) == race.epochs.value + 1
        assert np.array_equal(values, race.runs["ce"].loss)
        # what the kernel sends: the curves as numbers, never a picture
        live = race.live
        assert live["state"] == race.state
        assert live["runs"]["ce"]["loss"] == race.runs["ce"].loss.tolist()
        assert "base64" not in json.dumps(live, allow_nan=False)
        loss_ax, acc_ax = race.axes
        assert loss_ax["yscale"] == "log"
        low, high = loss_ax["ylim"]
        for key in ("ce", "mse"):                              # the curves fit the axes
            assert low < race.runs[key].loss.min() and race.runs[key].loss.max() < high

    def test_browser_draws_what_the_kernel_sent(self, race):
        state = dict(race.state)
        live = dict(race.live)
        stale = dict(state, lr=state["lr"] + 0.05)
        (now, faded), _ = run_js("race", [state, stale], race.params, lives=[live, live])
        assert not compare(race.scene(state), now)
        assert all(m["alpha"] == 0.35 for m in faded["marks"])   # training: last curves faded
        assert faded["readout"] == now["readout"]

    def test_final_ce_loss_falls_with_each_learning_rate_step(self):
        ex = RaceExplorer(epochs=300)
        background = ex.background
        values = []
        for k in range(1, 41):
            ex.lr.value = round(0.05 * k, 2)
            values.append(ex.key_value)
        assert np.all(np.diff(values) < 0)
        assert ex.background == background               # no picture re-sent

    def test_epochs_rescale_the_axes(self):
        ex = RaceExplorer(epochs=100)
        assert ex.axes[0]["xlim"][1] == pytest.approx(102)
        ex.epochs.value = 500
        assert ex.axes[0]["xlim"][1] == pytest.approx(510)
        assert len(ex.lines["ce", "loss"][0]) == 501

    def test_small_initial_weights_let_squared_error_learn_too(self):
        ex = RaceExplorer(init_scale=0.0)
        assert ex.runs["mse"].accuracy[-1] > 0.9

    def test_a_revisited_setting_is_not_trained_again(self, race):
        runs = race.runs
        race.lr.value = 1.0
        race.lr.value = 0.5
        assert race.runs is runs

    def test_deterministic(self):
        a, b = RaceExplorer(), RaceExplorer()
        assert a.readout_text == b.readout_text

    def test_replay_is_drawn_by_the_page_from_the_curves_it_holds(self, race):
        # the kernel sends the curves once; the page replays them frame by frame
        # (scene at view.upto): every frame equals Python's scene(state, upto)
        state, live = dict(race.state), dict(race.live)
        steps = race.replay_steps()
        assert len(steps) >= 20 and steps[0] == 0 and steps[-1] == race.epochs.value
        before = race.replays
        race.replay()                          # Python's replay asks the page to run it
        assert race.replays == before + 1
        from scenes import NODE
        import json, subprocess, tempfile
        from pathlib import Path
        from celearn.widgets._base import scene_js
        with tempfile.TemporaryDirectory() as d:
            (Path(d) / "s.mjs").write_text(scene_js("race") + "\nexport { scene, replaySteps };\n")
            (Path(d) / "r.mjs").write_text(
                'import * as m from "./s.mjs";\n'
                f"const input = {json.dumps({'state': state, 'live': live, 'P': race.params})};\n"
                "const steps = m.replaySteps(input.live.state.epochs);\n"
                "process.stdout.write(JSON.stringify({steps, frames: steps.map((u) => "
                "m.scene(input.state, input.P, input.live, {upto: u}))}));\n")
            out = json.loads(subprocess.run([NODE, "r.mjs"], cwd=d, capture_output=True,
                                            text=True, check=True).stdout)
        assert out["steps"] == steps.tolist()
        for upto, frame in zip(steps, out["frames"]):
            assert not compare(race.scene(state, upto), frame), upto

    def test_the_sliders_send_on_release(self, race):
        assert all(spec["continuous"] is False for spec in race.controls_spec)

    def test_label_follows_line_end(self, race):
        n = race.epochs.value
        label = mark(race, "ce-accuracy-label")
        assert (label["x"], label["y"]) == (n, race.runs["ce"].accuracy[-1])

    @pytest.mark.parametrize("kwargs, match", [
        (dict(lr=0.0), "lr"), (dict(lr=3.0), "lr"), (dict(init_scale=-1.0), "init_scale"),
        (dict(epochs=10), "epochs"), (dict(epochs=300.5), "epochs"),
        (dict(X=np.zeros((3, 2))), "X and y"),
    ])
    def test_bad_arguments_are_explained(self, kwargs, match):
        with pytest.raises(ValueError, match=match):
            RaceExplorer(**kwargs)
