"""The temperature explorer of notebook 09, driven from Python; its browser scene in node."""
import numpy as np
import pytest

from celearn import softmax
from celearn.calibration import expected_calibration_error, fit_temperature, temperature_nll
from celearn.datasets import make_gaussian_classes
from celearn.widgets import TemperatureExplorer
from celearn.widgets._base import snap
from scenes import compare, run_js


@pytest.fixture(scope="module")
def data():
    d = make_gaussian_classes(600, num_classes=4, separation=2.5, seed=11)
    return d.y, 2.5 * np.log(d.p_true)


def test_browser_scene_equals_pythons(data):
    ex = TemperatureExplorer(*data, n_bins=12)
    rng = np.random.default_rng(5)
    todo = []
    for _ in range(25):
        ex.T.value = snap(ex.T, np.exp(rng.uniform(np.log(0.25), np.log(8))))
        todo.append(dict(ex.state))
    js, _ = run_js("temperature", todo, ex.params)
    for state, js_scene in zip(todo, js):
        problems = compare(ex.scene(state), js_scene)
        assert not problems, f"at {state}: " + "; ".join(problems[:5])


def test_readout_is_celearns_numbers_and_accuracy_never_changes(data):
    t, z = data
    ex = TemperatureExplorer(t, z)
    assert ex.T_fit == pytest.approx(fit_temperature(t, z), rel=1e-12)
    accuracies = set()
    for T in (0.25, 1.0, 2.5, 8.0):
        ex.T.value = T
        assert ex.key_value == pytest.approx(temperature_nll(t, z, T), rel=1e-12)
        ece = expected_calibration_error(t, softmax(z / T), n_bins=10)
        assert f"ECE = {ece:.3f}" in ex.readout_text
        accuracies.add(ex.readout_text.split("accuracy ")[1].split(" ")[0])
    assert len(accuracies) == 1


def test_fitted_temperature_is_best_on_the_slider(data):
    t, z = data
    ex = TemperatureExplorer(t, z)
    ex.T.value = snap(ex.T, ex.T_fit)
    at_fit = ex.key_value
    for T in (1.0, ex.T.value - 0.2, ex.T.value + 0.2):
        ex.T.value = T
        assert ex.key_value >= at_fit


def test_default_example_is_overconfident_by_about_three():
    ex = TemperatureExplorer()
    assert ex.T_fit == pytest.approx(3.0, rel=0.1)
    ex.drag_to("T", 3.004, 0.5)
    assert ex.T.value == 3.0


def test_bars_are_the_reliability_bins(data):
    from celearn.calibration import reliability_bins

    t, z = data
    ex = TemperatureExplorer(t, z, T=2.0, n_bins=8)
    bins = reliability_bins(t, softmax(z / 2.0), n_bins=8)
    bars = [m for m in ex.marks if m["kind"] == "rect"]
    assert len(bars) == 2 * int((bins.count > 0).sum())
    np.testing.assert_allclose([b["y1"] for b in bars[::2]], bins.accuracy[bins.count > 0])
    np.testing.assert_allclose([b["y1"] for b in bars[1::2]], bins.confidence[bins.count > 0])


@pytest.mark.parametrize("kwargs, match", [
    ({"T": 0.1}, "T"), ({"T": 9.0}, "T"), ({"n_bins": 0}, "n_bins"), ({"n_bins": 31}, "n_bins"),
    ({"t": [0, 1]}, "both t and z"),
    ({"t": [0, 3], "z": [[1.0, 0.0, 0.5], [0.0, 1.0, 0.5]]}, "t has label 3"),
    ({"t": [0, 1], "z": [[1.0, 0.0], [2.0, 0.0]], "T_fit": -1.0}, "T_fit"),
])
def test_refuses_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        TemperatureExplorer(**kwargs)
