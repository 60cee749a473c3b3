"""Drive the training explorer of notebook 12 from Python; run its browser scene in node."""
import json
import math
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pytest

from celearn import softmax_regression as sr
from celearn.datasets import load_digits
from celearn.widgets import TrainingExplorer
from celearn.widgets._base import _JS, scene_js
from celearn.widgets.training import ZeroLogSlider
from scenes import NODE, compare, run_js


@pytest.fixture(scope="module")
def data():
    X, y = load_digits()
    return sr.split(X / 16, y, seed=0)          # notebook 12's split, made independently


@pytest.fixture(scope="module")
def ex():
    explorer = TrainingExplorer(epochs=30)
    yield explorer
    explorer.close()


def node_eval(source, expression_js, payload):
    """Evaluate ``expression_js`` (using ``input`` and the module's exports) in node."""
    with tempfile.TemporaryDirectory() as d:
        (Path(d) / "m.mjs").write_text(source)
        (Path(d) / "r.mjs").write_text(
            'import * as m from "./m.mjs";\n'
            f"const input = {json.dumps(payload)};\n"
            f"process.stdout.write(JSON.stringify({expression_js}));\n")
        proc = subprocess.run([NODE, "r.mjs"], cwd=d, capture_output=True, text=True,
                              timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


class TestTraining:
    def test_curves_are_softmax_regression_train_with_the_sliders_settings(self, ex, data):
        ex.lr.value = ex.lr.values[10]                  # 10^0.5
        ex.batch_size.value = 128
        ex.lam.value = 0.0
        ex.epochs.value = 20
        direct = sr.train(data, lr=10 ** 0.5, lam=0.0, batch_size=128, epochs=20, seed=0)
        run = ex.run
        for name in ("train_loss", "val_loss", "train_accuracy", "val_accuracy", "W", "b"):
            assert np.array_equal(getattr(run, name), getattr(direct, name)), name
        # what the page draws: the same numbers, one point per epoch
        x, values = ex.lines["val", "loss"]
        assert np.array_equal(x, np.arange(21)) and np.array_equal(values, direct.val_loss)
        assert np.array_equal(ex.lines["train", "accuracy"][1], direct.train_accuracy)
        live = ex.live
        assert live["state"] == ex.state
        assert live["run"]["train_loss"] == direct.train_loss.tolist()
        assert np.array_equal(np.array(live["run"]["weights"]).T, direct.W)  # image k: column k
        assert live["run"]["steps"] == direct.steps == 20 * math.ceil(len(data.X_train) / 128)
        assert "base64" not in json.dumps(live, allow_nan=False)           # numbers, no picture
        cells = [m for m in ex.marks if m["kind"] == "rect"]
        assert len(cells) == 640 and {m["ax"] for m in cells} == set(range(2, 12))

    def test_readout_states_the_final_validation_loss_and_the_start_at_ln_10(self, data):
        ex = TrainingExplorer(lr=1.0, batch_size=32, lam=1e-4, epochs=100)
        run = sr.train(data, lr=1.0, lam=1e-4, batch_size=32, epochs=100)
        val = sr.evaluate(data.X_val, data.y_val, run.W, run.b)
        assert run.val_loss[0] == pytest.approx(np.log(10), rel=1e-12)
        assert ex.key_value == run.val_loss[-1]
        text = ex.readout_text
        assert f"validation loss {run.val_loss[-1]:.3f} nats" in text
        assert f"accuracy {run.val_accuracy[-1]:.1%}" in text
        assert f"the loss was {np.log(10):.3f} = ln 10" in text
        assert f"mean confidence {val['confidence']:.1%}" in text and "rose" not in text
        side = "over" if val["confidence"] > val["accuracy"] else "under"
        assert f"{side}confident by {abs(val['confidence'] - val['accuracy']) * 100:.1f}" in text
        assert ex.alt_text.endswith(text)                  # the saved picture's alt text
        ex.close()

    def test_too_high_a_learning_rate_is_named_and_its_loss_is_still_finite(self, ex):
        ex.set_values({"lr": 100.0, "batch_size": 32, "lam": 0.0, "epochs": 20})
        loss = ex.run.train_loss
        assert loss[1:].max() > 5 * loss[0]                 # it leaps far above ln 10
        text = ex.readout_text
        k = int(np.argmax(loss))
        assert f"rose above its start, to {loss[k]:.3f} at epoch {k}" in text
        assert "learning rate is too high" in text and "still a finite number" in text
        assert np.isfinite(ex.key_value)

    def test_l2_shrinks_the_weights_and_the_confidence(self, ex):
        ex.set_values({"lr": 1.0, "batch_size": 32, "lam": 0.0, "epochs": 30})
        free = ex.run
        free_live = ex.live["run"]
        ex.lam.value = 1e-2
        tied = ex.run
        assert np.linalg.norm(tied.W) < 0.5 * np.linalg.norm(free.W)
        assert ex.live["run"]["confidence"] < free_live["confidence"]
        assert "underconfident" in ex.readout_text

    def test_every_corner_of_the_sliders_trains_to_finite_numbers(self):
        # lr * lam <= 1 everywhere: the penalty's part of a step never grows W
        ex = TrainingExplorer(lr=100.0, lam=1e-2, batch_size=8, epochs=100)
        for batch in (8, ex.n_train):
            for lam in (0.0, 1e-2):
                ex.set_values({"batch_size": batch, "lam": lam})
                numbers = ex.live["run"]
                json.dumps(numbers, allow_nan=False)
                assert np.all(np.isfinite(ex.run.W)) and np.isfinite(ex.key_value)
        ex.close()

    def test_a_revisited_setting_is_not_trained_again(self, ex):
        run = ex.run
        lr = ex.lr.value
        ex.lr.value = 0.1
        ex.lr.value = lr
        assert ex.run is run

    def test_the_sliders_send_on_release(self, ex):
        assert all(spec["continuous"] is False for spec in ex.controls_spec)
        assert [spec["kind"] for spec in ex.controls_spec] == ["log", "radio", "log", "int"]

    def test_epochs_rescale_the_axes(self, ex):
        ex.epochs.value = 50
        assert ex.axes[0]["xlim"][1] == pytest.approx(51)
        ex.epochs.value = 10
        assert ex.axes[1]["xlim"][1] == pytest.approx(10.2)
        assert len(ex.lines["train", "loss"][0]) == 11


class TestBadInput:
    @pytest.mark.parametrize("kwargs, match", [
        (dict(lr=0.0), "lr"), (dict(lr=1e3), "lr"), (dict(lr=float("nan")), "lr"),
        (dict(batch_size=7), "batch_size"), (dict(batch_size=True), "batch_size"),
        (dict(lam=-1e-4), "lam"), (dict(lam=1e-6), "lam"), (dict(lam=None), "lam"),
        (dict(epochs=1), "epochs"), (dict(epochs=20.0), "epochs"),
    ])
    def test_a_start_the_controls_cannot_show_is_explained(self, kwargs, match):
        with pytest.raises(ValueError, match=match):
            TrainingExplorer(**kwargs)

    @pytest.mark.parametrize("name, bad", [("lr", float("nan")), ("lr", None), ("lam", "0"),
                                           ("batch_size", 7), ("epochs", 12.5)])
    def test_setting_a_control_from_python_to_what_it_cannot_hold_says_why(self, ex, name,
                                                                            bad):
        before = dict(ex.state)
        with pytest.raises(ValueError, match=name):
            getattr(ex, name).value = bad
        assert ex.state == before

    def test_the_page_cannot_send_a_state_the_controls_cannot_hold(self, ex):
        ex.set_values({"lr": 1.0, "batch_size": 32, "lam": 1e-4, "epochs": 10})
        good = dict(ex.state)
        for bad in ({"lr": float("nan")}, {"lr": None}, {"batch_size": 7},
                    {"batch_size": "32"}, {"lam": float("inf")}, {"epochs": "ten"}, None):
            ex.set_state({"state": bad})                    # as a comm message does
            assert ex.state == good
        ex.set_state({"state": {"lam": -5.0, "epochs": 10_000, "lr": 1e9}})   # clamped
        assert (ex.lam.value, ex.epochs.value, ex.lr.value) == (0.0, 100, 100.0)
        assert ex.readout_html == ex.scene(dict(ex.state))["readout"]


class TestZeroLogSlider:
    def test_position_zero_holds_zero_then_the_decades(self):
        s = ZeroLogSlider(0.0, min=-5, max=-2, step=0.5)
        assert s.values[0] == 0.0 and s.values[1] == 1e-5 and s.values[-1] == 1e-2
        assert len(s.values) == s.positions + 1 == 8
        assert s.snap(0.0) == 0.0 and s.snap(1e-9) == 1e-5 and s.snap(9e-5) == 1e-4
        assert s.check(-1.0) == 0.0 and s.check(1.0) == 1e-2           # clamped
        with pytest.raises(ValueError, match="0 or a finite number"):
            s.check(float("nan"))

    @pytest.mark.skipif(NODE is None, reason="node is needed to run the page's JavaScript")
    def test_the_page_snaps_values_to_the_same_positions(self, ex):
        # render.js's positionOf / positionValue (the range input) against Python's snap,
        # for the L2 slider (0 first) and the learning-rate slider (an ordinary log slider)
        source = (_JS / "lib.js").read_text() + "\n" + (_JS / "render.js").read_text() \
            + "\nexport { positionOf, positionValue };\n"
        rng = np.random.default_rng(0)
        cases = []
        for control in (ex.lam, ex.lr):
            lo, hi = min(v for v in control.values if v > 0), control.values[-1]
            inside = np.exp(rng.uniform(np.log(lo / 10), np.log(hi * 10), 40)).tolist()
            cases += [[control.spec(), v, control.snap(v)]
                      for v in [0.0, *control.values, *inside]]
        out = node_eval(source, "input.map(([spec, v]) => m.positionValue(spec, "
                                "m.positionOf(spec, v)))", cases)
        for (spec, v, want), got in zip(cases, out):
            assert got == want, (spec["name"], v)


@pytest.mark.skipif(NODE is None, reason="node is needed to run the page's JavaScript")
class TestBrowserScene:
    def test_the_page_draws_what_the_kernel_sent(self, ex):
        states = [{"lr": 1.0, "batch_size": 32, "lam": 1e-4, "epochs": 15},
                  {"lr": 100.0, "batch_size": 8, "lam": 0.0, "epochs": 100},    # off the axis
                  {"lr": 0.01, "batch_size": ex.n_train, "lam": 1e-2, "epochs": 5}]
        lives, scenes = [], []
        for state in states:
            ex.set_values(state)
            lives.append(dict(ex.live))
            scenes.append(ex.scene(dict(ex.state)))
        stale = dict(states[0], lr=0.1)
        js, _ = run_js("training", [*states, stale], ex.params, lives=[*lives, lives[0]])
        for state, py, page in zip(states, scenes, js):
            assert not compare(py, page), (state, compare(py, page)[:5])
        assert any(m["key"] == "off-scale" for m in scenes[1]["marks"])
        assert "rose above its start" in scenes[1]["readout"]
        faded = js[-1]                          # still training: the last run drawn faded
        assert all(m["alpha"] == 0.35 for m in faded["marks"])
        assert faded["readout"] == js[0]["readout"]

    def test_replay_frames_are_pythons_scene_up_to_each_epoch(self, ex):
        ex.set_values({"lr": 1.0, "batch_size": 32, "lam": 1e-4, "epochs": 40})
        state, live = dict(ex.state), dict(ex.live)
        steps = ex.replay_steps()
        before = ex.replays
        ex.replay()
        assert ex.replays == before + 1
        out = node_eval(scene_js("training") + "\nexport { scene, replaySteps };\n",
                        "{steps: m.replaySteps(input.live.state.epochs, 25), frames: "
                        "m.replaySteps(input.live.state.epochs, 25).map((u) => "
                        "m.scene(input.state, input.P, input.live, {upto: u}))}",
                        {"state": state, "live": live, "P": ex.params})
        assert out["steps"] == steps.tolist() and steps[0] == 0 and steps[-1] == 40
        for upto, frame in zip(steps, out["frames"]):
            assert not compare(ex.scene(state, upto), frame), upto
