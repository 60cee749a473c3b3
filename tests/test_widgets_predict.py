"""Predict, then reveal (celearn/widgets/prediction.py), driven from Python, and its browser
code's pure parts run in node.

An explorer in prediction mode holds no truth until the guess is committed: not in any
synced trait, not in its saved picture or alt text. The guess travels in the ``answer``
trait, validated like ``state`` (a bad guess from the page is refused, nothing raises);
the commit makes the kernel compute the truth with celearn and say the gap in words.
"""
import json
import math
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pytest

import celearn as cl
from celearn.widgets import GuessChoice, GuessNumber, gap_words, predict
from scenes import NODE

pytestmark = pytest.mark.widget

JS = Path(cl.widgets.__file__).with_name("js") / "predict.js"
QUESTION = "Where will the loss be at p = 0.01?"


def log_question(**kwargs):
    return cl.widgets.LogExplorer(p=0.01).predict(QUESTION,
                                                  GuessNumber(x=0.01, unit="nats", **kwargs))


def synced_json(ex):
    """Everything the page receives from the kernel (the picture is base64: no '.')."""
    return json.dumps(ex.get_state(), default=str)


# -- guess, commit, reveal ------------------------------------------------------------------
def test_the_truth_exists_only_after_the_commit():
    ex = log_question()
    truth = float(cl.surprisal(0.01))
    assert ex.predicting and not ex.revealed and ex.truth is None and ex.feedback == ""
    assert ex.reveal == {} and ex.answer == {"guess": None, "committed": False}
    for text in (f"{truth:.3f}", f"{truth:.2f}", repr(truth)):
        assert text not in synced_json(ex)
        assert text not in ex.alt_text and text not in ex.alt
    assert "hidden until a guess is committed" in ex.alt_text
    ex.guess = 2.0
    assert ex.answer == {"guess": 2.0, "committed": False} and not ex.revealed
    assert f"{truth:.3f}" not in synced_json(ex)
    words = ex.commit()
    assert ex.revealed and not ex.predicting
    assert ex.truth == truth == ex.key_value
    assert words == ex.feedback == ("Your guess: 2.000 nats; the truth: 4.605 nats: you were "
                                    "2.605 nats low.")
    assert words == gap_words(2.0, truth, unit="nats", tolerance=0.025)
    # the truth is drawn: a dot at (0.01, -ln 0.01) among the revealed marks
    dots = [m for m in ex.reveal["marks"] if m["kind"] == "dot"]
    assert [(m["x"], m["y"]) for m in dots] == [(0.01, truth)]
    assert f"{truth:.3f}" in synced_json(ex)
    ex.close()


def test_the_page_commits_through_the_answer_trait():
    ex = log_question()
    ex.answer = {"guess": 6.1, "committed": True}          # what the button sends
    assert ex.revealed and ex.guess == 6.1
    assert ex.feedback.endswith("you were 1.495 nats high.")
    ex.close()


def test_guesses_snap_to_the_step_of_the_mark():
    ex = log_question()
    q = ex.question
    assert (q["lo"], q["hi"], q["step"]) == (0.0, 7.2, 0.05)     # the axes' y limits
    ex.guess = 2.013
    assert ex.guess == 2.0
    ex.answer = {"guess": 3.1749, "committed": False}
    assert ex.guess == 3.15
    ex.close()


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -0.5, 7.3, "2.0", True, [2.0]])
def test_a_bad_guess_from_the_page_is_refused(bad):
    ex = log_question()
    ex.guess = 1.5
    ex.answer = {"guess": bad, "committed": True}
    assert ex.answer == {"guess": 1.5, "committed": False} and not ex.revealed
    ex.answer = {"guess": 1.5, "committed": "yes"}            # not a bool
    assert not ex.revealed
    ex.answer = None                                          # not a dict
    assert ex.answer == {"guess": 1.5, "committed": False}
    ex.close()


@pytest.mark.parametrize("bad", [float("nan"), -0.5, 7.3, "2.0", None])
def test_a_bad_guess_from_python_says_why(bad):
    ex = log_question()
    with pytest.raises(ValueError, match="a guess must be"):
        ex.guess = bad
    ex.close()


def test_a_commit_needs_a_guess_and_keeps_it():
    ex = log_question()
    with pytest.raises(ValueError, match="no guess to commit"):
        ex.commit()
    ex.commit(4.6)
    assert "spot on (within 0.025 nats)" in ex.feedback
    ex.answer = {"guess": 1.0, "committed": True}             # a second commit: refused
    ex.answer = {"guess": 1.0, "committed": False}
    assert ex.answer == {"guess": 4.6, "committed": True}
    with pytest.raises(ValueError, match="try_again"):
        ex.guess = 1.0
    ex.close()


def test_the_controls_stay_at_the_question_until_the_commit():
    ex = log_question()
    ex.state = {"p": 0.5}                                     # the page cannot move them
    assert ex.state == {"p": 0.01}
    with pytest.raises(ValueError, match="waits for a guess"):
        ex.p.value = 0.5
    ex.commit(2.0)
    ex.p.value = 0.5                                          # now the explorer is free
    assert ex.key_value == pytest.approx(math.log(2))
    ex.try_again()                                            # back to the question
    assert ex.state == {"p": 0.01} and not ex.revealed and ex.guess is None
    assert ex.reveal == {} and ex.predicting
    assert f"{-math.log(0.01):.3f}" not in synced_json(ex)
    ex.commit(5.0)
    assert ex.feedback.endswith("you were 0.395 nats high.")
    ex.close()


def test_the_question_state_can_be_given():
    ex = cl.widgets.LogExplorer(p=0.5).predict("p = 0.1?", GuessNumber(x=0.1), at={"p": 0.1})
    assert ex.state == {"p": 0.1}
    assert ex.commit(2.3) == ("Your guess: 2.300; the truth: 2.303: spot on (within 0.025).")
    ex.close()


# -- what the picture gives away -----------------------------------------------------------------
def test_the_static_picture_hides_what_is_plotted_until_the_commit():
    ex = log_question()
    (ax,) = ex.fig.axes
    assert ax.lines and not any(line.get_visible() for line in ax.lines)
    assert ax.get_title(loc="left") and ax.get_ylabel()       # the question's axes stay
    question_picture = ex.background
    bundle, meta = ex._repr_mimebundle_()
    truth = f"{-math.log(0.01):.3f}"
    assert truth not in bundle["text/plain"] and truth not in meta["image/png"]["alt"]
    assert "the picture shows the question, not the answer" in meta["image/png"]["alt"]
    assert [m["kind"] for m in ex._picture_marks()] == ["dot", "text"]   # the guess mark only
    ex.commit(2.0)
    assert ex.fig is None                  # shown already: redrawn, its figure freed again
    ex.snapshot_png()                      # the saved picture draws it when needed
    assert any(line.get_visible() for line in ex.fig.axes[0].lines)
    assert ex.background != question_picture
    assert truth in ex.alt_text
    ex.try_again()
    assert ex.background == question_picture
    ex.close()


def test_colour_bars_and_images_are_hidden_too():
    ex = cl.widgets.TriangleExplorer().predict(
        "Which corner costs most?", GuessChoice(["panda", "seal", "duck"], answer="seal"))
    assert not any(ax.get_visible() for ax in ex.fig.axes if ax.get_label() == "<colorbar>")
    assert not any(im.get_visible() for ax in ex.fig.axes for im in ax.images)
    ex.close()


def test_hide_none_keeps_the_picture_and_a_function_picks_what_to_hide():
    from matplotlib.image import AxesImage

    keep = cl.widgets.LogExplorer(p=0.01).predict(QUESTION, GuessNumber(x=0.01), hide=None)
    assert all(line.get_visible() for line in keep.fig.axes[0].lines)
    some = cl.widgets.TriangleExplorer().predict(
        "Which corner costs most?", GuessChoice(["panda", "seal", "duck"], answer="seal"),
        hide=lambda artist: isinstance(artist, AxesImage))
    triangle = some.fig.axes[0]
    assert triangle.images and not any(im.get_visible() for im in triangle.images)
    assert triangle.lines and all(line.get_visible() for line in triangle.lines)
    keep.close()
    some.close()


# -- the words of the gap ---------------------------------------------------------------------
@pytest.mark.parametrize("guess, truth, unit, tolerance, words", [
    (2.0, 4.605170185988091, "nats", 0, "Your guess: 2.000 nats; the truth: 4.605 nats: "
                                        "you were 2.605 nats low."),
    (0.9, 0.5, "", 0.05, "Your guess: 0.900; the truth: 0.500: you were 0.400 high."),
    (0.52, 0.5, "bits", 0.05, "Your guess: 0.520 bits; the truth: 0.500 bits: spot on "
                              "(within 0.050 bits)."),
    (1e-5, 0.5, "", 0, "Your guess: 1.000e−05; the truth: 0.500: you were 0.500 low."),
])
def test_gap_words(guess, truth, unit, tolerance, words):
    assert gap_words(guess, truth, unit=unit, tolerance=tolerance) == words


def test_gap_words_needs_numbers():
    with pytest.raises(ValueError, match="finite"):
        gap_words(float("nan"), 1.0)


# -- other guesses ----------------------------------------------------------------------------
def test_a_choice_is_right_or_not_and_says_why():
    def answer(ex):
        a = cl.categorical_cross_entropy(0, [0.5, 0.499, 0.001])
        b = cl.categorical_cross_entropy(0, [0.5, 0.25, 0.25])
        return "the same" if np.isclose(a, b) else ("the first" if a > b else "the second")

    ex = cl.widgets.TriangleExplorer(p=(0.5, 0.499, 0.001)).predict(
        "Which costs more?", GuessChoice(["the first", "the second", "the same"],
                                         answer=answer, why=lambda ex: f"Both lose "
                                         f"{cl.widgets._base.fmt(ex.key_value)} nats."))
    assert ex.question["options"] == ["the first", "the second", "the same"]
    ex.answer = {"guess": "the fourth", "committed": True}    # not an option: refused
    assert not ex.revealed
    assert ex.commit("the first") == ("Your guess: the first; the answer: the same: not this "
                                      "time. Both lose 0.693 nats.")
    ex.try_again()
    assert ex.commit("the same").startswith("Your guess: the same; the answer: the same: right.")
    ex.close()


def test_a_guess_along_x_with_its_own_truth():
    ex = cl.widgets.DistributionExplorer(p=(0.7, 0.2, 0.1), q=(0.34, 0.33, 0.33)).predict(
        "Where will the H(p, q) bar end?",
        GuessNumber(y=1.0, ax=1, unit="nats", truth=lambda e: cl.cross_entropy(e.p, e.q)))
    assert ex.question["along"] == "x" and ex.question["lo"] == 0.0
    truth = float(cl.cross_entropy([0.7, 0.2, 0.1], [0.34, 0.33, 0.33]))
    assert ex.commit(1.0) == gap_words(1.0, truth, unit="nats", tolerance=ex.question["step"] / 2)
    (dot,) = [m for m in ex.reveal["marks"] if m["kind"] == "dot"]
    assert (dot["x"], dot["y"], dot["ax"]) == (truth, 1.0, 1)
    ex.close()


@pytest.mark.parametrize("kwargs, match", [
    ({}, "exactly one of x"), ({"x": 0.1, "y": 0.2}, "exactly one of x"),
    ({"x": float("nan")}, "finite number"), ({"x": 0.1, "ax": -1}, "index of one"),
    ({"x": 0.1, "step": 0}, "step must be > 0"), ({"x": 0.1, "truth": "4.6"}, "truth must be"),
])
def test_guess_number_says_what_is_wrong(kwargs, match):
    with pytest.raises(ValueError, match=match):
        GuessNumber(**kwargs)


def test_predict_says_what_is_wrong():
    ex = cl.widgets.LogExplorer(p=0.01)
    with pytest.raises(ValueError, match="question must be"):
        ex.predict("", GuessNumber(x=0.01))
    with pytest.raises(ValueError, match="guess must be"):
        ex.predict(QUESTION, 4.6)
    with pytest.raises(ValueError, match="draws its marks on 1 axes"):
        ex.predict(QUESTION, GuessNumber(x=0.01, ax=1))
    with pytest.raises(ValueError, match="needs an explorer"):
        predict("LogExplorer", QUESTION, GuessNumber(x=0.01))
    with pytest.raises(ValueError, match="answer must be one of"):
        GuessChoice(["a", "b"], answer="c")
    with pytest.raises(ValueError, match="at least two different"):
        GuessChoice(["a"], answer="a")
    predict(ex, QUESTION, GuessNumber(x=0.01))
    with pytest.raises(ValueError, match="already asks"):
        ex.predict(QUESTION, GuessNumber(x=0.01))
    plain = cl.widgets.LogExplorer()
    for call in (plain.commit, plain.try_again):
        with pytest.raises(ValueError, match="asks no question"):
            call()
    plain.answer = {"guess": 1.0, "committed": True}          # no question: ignored
    assert not plain.revealed and plain.answer == {"guess": None, "committed": False}
    ex.close()
    plain.close()


def test_an_explorer_without_a_question_is_unchanged():
    ex = cl.widgets.LogExplorer(p=0.01)
    assert ex.question == {} and not ex.predicting and ex._picture_marks() == ex.marks
    assert "4.605" in ex.alt_text
    ex.close()


# -- the browser's arithmetic, in node ---------------------------------------------------------
NODE_RUNNER = """
import * as m from "./predict.mjs";
const input = JSON.parse(await new Promise((resolve) => {
  let data = ""; process.stdin.on("data", (c) => data += c); process.stdin.on("end", () => resolve(data));
}));
process.stdout.write(JSON.stringify(input.values.map((v) => {
  const g = m.predictionSnap(input.q, v);
  return [g, m.predictionWords(input.q, g)];
})));
"""


@pytest.mark.skipif(NODE is None, reason="node runs the explorers' JavaScript in these tests")
@pytest.mark.parametrize("make", [
    lambda: log_question(),
    lambda: cl.widgets.DistributionExplorer().predict("H?", GuessNumber(y=1.0, ax=1, unit="bits")),
    lambda: cl.widgets.LogExplorer(p=0.5).predict("?", GuessNumber(x=0.5, lo=0.5, hi=3, step=0.25)),
], ids=["log", "distribution", "steps"])
def test_the_page_snaps_and_words_a_guess_as_python_does(make):
    ex = make()
    q = ex.question
    rng = np.random.default_rng(7)
    values = list(rng.uniform(q["lo"], q["hi"], 200)) + [q["lo"], q["hi"], q["start"]]
    with tempfile.TemporaryDirectory() as d:
        (Path(d) / "predict.mjs").write_text(
            JS.read_text() + "\nexport { predictionSnap, predictionWords };\n")
        (Path(d) / "run.mjs").write_text(NODE_RUNNER)
        out = subprocess.run([NODE, "run.mjs"], cwd=d, capture_output=True, text=True,
                             input=json.dumps({"q": q, "values": [float(v) for v in values]}),
                             timeout=60, check=True)
    for v, (g, words) in zip(values, json.loads(out.stdout)):
        ex.guess = float(v)
        assert g == ex.guess, (v, g, ex.guess)
        label = [m for m in ex._picture_marks() if m["kind"] == "text"][0]["text"]
        assert label == f"your guess: {words}", (label, words)
    ex.close()
