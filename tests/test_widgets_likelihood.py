"""The explorers of notebook 08, driven from Python; their browser scenes run in node."""
import numpy as np
import pytest

from celearn.likelihood import coin_log_likelihood, expected_score
from celearn.widgets import CoinLikelihoodExplorer, ProperScoreExplorer
from celearn.widgets._base import snap
from scenes import compare, run_js


def states(ex, n, seed):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        for control in ex.controls:
            control.value = snap(control, rng.uniform(control.min, control.max))
        out.append(dict(ex.state))
    return out


@pytest.mark.parametrize("cls", [CoinLikelihoodExplorer, ProperScoreExplorer])
def test_browser_scene_equals_pythons(cls):
    ex = cls()
    todo = states(ex, 40, seed=4)
    js, _ = run_js(cls.name, todo, ex.params)
    for state, js_scene in zip(todo, js):
        problems = compare(ex.scene(state), js_scene)
        assert not problems, f"{cls.__name__} at {state}: " + "; ".join(problems[:5])


def test_coin_edges_in_the_browser_too():
    # all heads / no heads: 0 · ln 0 terms must be 0, the optimum at q = 1 or 0
    ex = CoinLikelihoodExplorer(heads=3, tosses=6)
    todo = [{"q": 0.01, "heads": 0}, {"q": 0.99, "heads": 6}, {"q": 0.5, "heads": 3}]
    js, _ = run_js("coin", todo, ex.params)
    for state, js_scene in zip(todo, js):
        assert not compare(ex.scene(state), js_scene)


def test_coin_readout_follows_the_sliders():
    ex = CoinLikelihoodExplorer(q=0.5, heads=7, tosses=10)
    assert ex.key_value == pytest.approx(10 * np.log(2), rel=1e-12)
    ex.q.value = 0.7
    assert ex.key_value == pytest.approx(-coin_log_likelihood(0.7, 7, 3), rel=1e-12)
    assert "maximum is at q = h/n = 0.70" in ex.readout_text
    ex.heads.value = 2
    assert ex.key_value == pytest.approx(-(2 * np.log(0.7) + 8 * np.log(0.3)), rel=1e-12)
    assert "2 heads, 8 tails" in ex.readout_text
    optimum = [m for m in ex.marks if m["kind"] == "dot" and m.get("ax") == 1 and "drag" not in m]
    assert optimum[0]["x"] == pytest.approx(0.2)


def test_coin_nll_is_smallest_at_the_frequency():
    ex = CoinLikelihoodExplorer(heads=3, tosses=10)
    values = {}
    for q in np.round(np.arange(0.01, 1.0, 0.01), 2):
        ex.q.value = float(q)
        values[float(q)] = ex.key_value
    assert min(values, key=values.get) == 0.3


def test_coin_marker_drags_along_the_curve():
    ex = CoinLikelihoodExplorer()
    ex.drag_to("q", 0.634, 2.0)
    assert ex.q.value == 0.63
    ex.drag_to("q", 5.0, 0.0)
    assert ex.q.value == 0.99
    with pytest.raises(ValueError, match="finite point"):
        ex.drag_to("q", float("nan"), 1.0)


@pytest.mark.parametrize("kwargs, match", [
    ({"q": 0.0}, "q"), ({"q": 1.0}, "q"), ({"q": "0.5"}, "q"),
    ({"heads": 11}, "heads"), ({"heads": -1}, "heads"), ({"heads": 2.5}, "heads"),
    ({"tosses": 0}, "tosses"), ({"tosses": 51}, "tosses"), ({"tosses": True}, "tosses"),
])
def test_coin_refuses_starts_it_cannot_show(kwargs, match):
    with pytest.raises(ValueError, match=match):
        CoinLikelihoodExplorer(**kwargs)


def test_scores_readout_and_minima():
    ex = ProperScoreExplorer(q=0.9, p_star=0.7)
    assert ex.key_value == pytest.approx(float(expected_score(0.7, 0.9)), rel=1e-12)
    assert "best at q = 1" in ex.readout_text
    ex.q.value = 0.7
    honest = ex.key_value
    for q in (0.5, 0.69, 0.71, 0.99):
        ex.q.value = q
        assert ex.key_value > honest            # the log rule is proper
    ex.p_star.value = 0.3
    assert "best at q = 0" in ex.readout_text


def test_scores_handles_drag_the_right_sliders():
    ex = ProperScoreExplorer()
    ex.drag_to("p_star", 0.424, 1.4)
    ex.drag_to("q", 0.157, 0.0)
    assert (ex.p_star.value, ex.q.value) == (0.42, 0.16)
    handles = {m["drag"] for m in ex.marks if m.get("drag")}
    assert handles == {"q", "p_star"}


@pytest.mark.parametrize("kwargs", [{"q": 0.0}, {"p_star": 1.2}, {"p_star": float("nan")}])
def test_scores_refuses_starts_it_cannot_show(kwargs):
    with pytest.raises(ValueError):
        ProperScoreExplorer(**kwargs)
