"""Tests of celearn.exercises: right answers pass, each usual slip is named.

Wrong answers are computed here independently (numpy, scipy, scikit-learn),
never copied from celearn's output; the tests assert the diagnosis key and
the words of the feedback that name the slip.
"""
import math

import numpy as np
import pytest
import scipy.special as sp
import scipy.stats as st
from sklearn.metrics import log_loss

import celearn as cl
from celearn import exercises as E


@pytest.fixture(autouse=True)
def _fresh_attempts():
    E.reset_attempts()  # the help grows with the attempts: each test starts at the first
    yield
    E.reset_attempts()

check = E.check
ANSWER_IDS = [i for i in E.exercises() if E._get(i).kind == "answer"]
IMPLEMENT_IDS = [i for i in E.exercises() if E._get(i).kind == "implement"]

BCE_T = np.array([0, 1, 1, 0, 0, 1, 1])
BCE_P = np.array([0.07, 0.91, 0.74, 0.23, 0.85, 0.17, 0.94])


def softmax_np(z):
    return sp.softmax(z, axis=-1)


# --------------------------------------------------------------------------- registry

def test_the_ids_the_notebooks_call_are_registered():
    ids = set(E.exercises())
    for required in ("01.halving", "01.bits", "01.compare", "02.cost_more", "02.loss",
                     "02.grad", "02.mean", "02.coin", "03.loss", "03.same", "03.uniform",
                     "03.mean", "04.shift", "04.entry", "04.grad", "04.trace", "05.slope",
                     "05.min_ratio", "05.ratio5", "05.race", "06.uniform8", "06.kl",
                     "06.baseline", "06.perplexity", "06.good", "07.keras", "07.lse",
                     "07.bce_logits", "07.overflow32", "07.saturation64",
                     "01.surprisal", "02.bce", "03.cce", "04.softmax",
                     "04.softmax_jacobian", "05.mse_grad_logits", "06.kl_divergence",
                     "07.logsumexp", "07.bce_with_logits"):
        assert required in ids


@pytest.mark.parametrize("exercise_id", ANSWER_IDS)
def test_the_computed_answer_is_right_and_the_tolerance_is_stated(exercise_id):
    ex = E._get(exercise_id)
    fb = check(exercise_id, ex.expected())
    assert fb.right, fb.message
    if not isinstance(ex.expected(), str):
        assert "tolerance" in fb.message


@pytest.mark.parametrize("exercise_id", IMPLEMENT_IDS)
def test_the_reference_implementation_passes(exercise_id):
    fb = check(exercise_id, E._get(exercise_id).solution)
    assert fb.right, fb.message
    assert "tolerance" in fb.message
    if exercise_id[:2] <= "07":
        assert fb.notes == []  # no warning, no failing optional case


@pytest.mark.parametrize("exercise_id", IMPLEMENT_IDS)
def test_every_implement_question_says_what_is_required(exercise_id):
    assert "Required" in E._get(exercise_id).question


def test_independent_values_are_right():
    assert check("02.mean", log_loss(BCE_T, BCE_P))
    assert check("02.coin", 7 * math.log(2))
    assert check("06.kl", st.entropy([0.5, 0.25, 0.25], [0.25, 0.25, 0.5], base=2))
    assert check("06.baseline", st.entropy([0.5, 0.3, 0.2]))
    assert check("07.lse", sp.logsumexp([1000.0, 1000.0, 1000.0]))
    assert check("04.grad", softmax_np(np.zeros(4)) - np.eye(4)[2])


def test_unknown_id_names_the_argument():
    with pytest.raises(ValueError, match="exercise_id 'nope' is unknown"):
        check("nope", 1.0)


# --------------------------------------------------------------------------- diagnoses

def _sigmoid(z):
    return sp.expit(z)


DIAGNOSES = [
    # sum for mean, and mean for sum
    ("02.mean", 7 * log_loss(BCE_T, BCE_P), "sum_for_mean", "sum"),
    ("03.mean", 4 * log_loss([0, 1, 2, 0], [[0.91, 0.04, 0.05], [0.11, 0.8, 0.09],
                                             [0.3, 0.1, 0.6], [0.25, 0.4, 0.35]]),
     "sum_for_mean", "mean"),
    ("02.coin", math.log(2), "mean_for_sum", "sum"),
    # bits for nats, and nats for bits
    ("01.halving", 3.0, "bits_for_nats", "bits"),
    ("06.baseline", st.entropy([0.5, 0.3, 0.2], base=2), "bits_for_nats", "bits"),
    ("02.loss", -math.log2(0.25), "bits_for_nats", "nats"),
    ("01.bits", 10 * math.log(2), "nats_for_bits", "bits"),
    ("06.kl", st.entropy([0.5, 0.25, 0.25], [0.25, 0.25, 0.5]), "nats_for_bits", "bits"),
    ("06.uniform8", math.log(8), "nats_for_bits", "bits"),
    # log base 10
    ("07.keras", -math.log10(1e-7), "log10", "log base 10"),
    # a flipped sign / a forgotten minus
    ("02.loss", math.log(0.25), "sign", "minus"),
    ("05.slope", 1 / 0.05, "sign", "sign"),
    ("04.entry", -(-softmax_np(np.array([1.0, 2, 3]))[0] * softmax_np(np.array([1.0, 2, 3]))[2]),
     "sign", "sign"),
    # the wrong class index
    ("03.loss", -math.log(0.5), "class_index", "class 2"),
    ("04.grad", softmax_np(np.zeros(4)) - np.eye(4)[3], "class_index", "index 2"),
    ("04.entry", -softmax_np(np.array([1.0, 2, 3]))[0] * softmax_np(np.array([1.0, 2, 3]))[1],
     "class_index", "[0, 2]"),
    # Σp² for 1 - Σp²
    ("04.trace", float(np.sum(softmax_np(np.array([2.0, 1.0, 0.1])) ** 2)), "complement",
     "Σp"),
    # probabilities for logits (and the logit for the probability)
    ("02.grad", 2.0, "logit_for_probability", "sigmoid"),
    # a percentage for a fraction
    ("02.grad", 100 * _sigmoid(2.0), "percent_for_fraction", "percentage"),
    # the probability instead of the surprisal
    ("01.halving", 1 / 8, "probability_for_surprisal", "probability"),
    ("03.uniform", 1 / 3, "probability_for_surprisal", "probability"),
    # upside down
    ("05.ratio5", 2 * _sigmoid(-5.0) * (1 - _sigmoid(-5.0)), "reciprocal", "upside down"),
    # rounding
    ("07.saturation64", 36.0, "rounded_down", "one more"),
    # a factor 2 where the formula has one
    ("05.ratio5", 2 / (2 * _sigmoid(-5.0) * (1 - _sigmoid(-5.0))), "factor_2", "factor 2"),
    # exercise-specific slips
    ("02.loss", -math.log(0.75), "wrong_branch", "t = 0 branch"),
    ("06.kl", st.entropy([0.5, 0.25, 0.25], base=2)
     + st.entropy([0.5, 0.25, 0.25], [0.25, 0.25, 0.5], base=2), "cross_entropy_not_kl",
     "H(p)"),
    ("06.perplexity", 2 ** 2.3, "bits_base", "e^loss"),
    ("06.perplexity", 2.3, "loss_not_perplexity", "e^loss"),
    ("07.lse", 1000.0, "forgot_log_k", "ln 3"),
    ("07.keras", -math.log(2e-7), "eps_inside_log", "tf.keras"),
    ("05.min_ratio", 0.5, "where_not_value", "WHERE"),
    ("04.trace", 0.0, "all_entries", "np.trace"),
    ("07.bce_logits", -math.log(_sigmoid(50.0)), "sign_of_z", "sign of z"),
    # combinations: a flipped sign and bits
    ("01.halving", -3.0, "sign+bits_for_nats", "sign"),
    # two slips at once: the sum, in bits
    ("02.mean", 7 * log_loss(BCE_T, BCE_P) / math.log(2), "sum_for_mean+bits_for_nats",
     "two slips"),
    # close but not within the tolerance
    ("03.mean", 0.55, "precision", "tolerance"),
]


@pytest.mark.parametrize("exercise_id, answer, key, words", DIAGNOSES,
                         ids=[f"{d[0]}-{d[2]}" for d in DIAGNOSES])
def test_each_slip_is_named(exercise_id, answer, key, words):
    fb = check(exercise_id, answer)
    assert not fb.right
    assert fb.diagnosis == key, fb.message
    assert words in fb.message


def test_a_wrong_answer_is_not_given_away():
    fb = check("02.mean", 7 * log_loss(BCE_T, BCE_P))
    assert f"{log_loss(BCE_T, BCE_P):.4f}" not in fb.message


def test_an_unrecognised_wrong_number_gets_the_hint_and_the_tolerance():
    fb = check("02.loss", 0.123)
    assert not fb.right and fb.diagnosis is None
    assert "Hint" in fb.message and "tolerance" in fb.message


@pytest.mark.parametrize("answer", [np.inf, np.nan])
def test_non_finite_answers_are_explained(answer):
    fb = check("02.mean", answer)
    assert fb.diagnosis == "not_finite"


@pytest.mark.parametrize("answer, key", [("two", "not_a_number"), (len, "not_a_number"),
                                         ([1.0, 2.0], "shape")])
def test_answers_of_the_wrong_kind(answer, key):
    assert check("01.halving", answer).diagnosis == key


def test_numbers_given_as_text_or_one_element_lists_are_read():
    assert check("01.halving", " 2,0794 ")
    assert check("01.halving", [3 * math.log(2)])


# --------------------------------------------------------------------------- text answers

@pytest.mark.parametrize("answer", ["a", "A", "(a)", " (A) ", "a.", "'a'", "option a",
                                    "(a) costs more"])
def test_text_answers_are_normalised(answer):
    assert check("02.cost_more", answer)


@pytest.mark.parametrize("exercise_id, answer", [
    ("04.shift", "No"), ("04.shift", False), ("04.shift", "NO."), ("06.good", " no "),
    ("03.same", "The same"), ("03.same", "equal"), ("05.race", "Cross-Entropy"),
    ("05.race", "CE"), ("07.overflow32", "(B)")])
def test_synonyms_and_spellings_are_accepted(exercise_id, answer):
    assert check(exercise_id, answer), check(exercise_id, answer).message


@pytest.fixture
def larger_smaller():
    ex = E.register(E.Exercise(id="99.test_larger", question="Larger.",
                               expected=lambda: "larger", hint="h", solution="s",
                               choices=("larger", "smaller")))
    yield ex.id
    del E._REGISTRY[ex.id]


@pytest.mark.parametrize("answer, right", [("larger", True), ("Bigger", True),
                                           ("greater", True), ("higher", True),
                                           ("smaller", False), ("lower", False),
                                           ("Less", False)])
def test_larger_and_smaller_synonyms(larger_smaller, answer, right):
    fb = check(larger_smaller, answer)
    assert fb.right is right
    if not right:
        assert fb.diagnosis == "wrong_choice"


def test_a_wrong_choice_is_explained_with_computed_numbers():
    fb = check("01.compare", "b")
    assert fb.diagnosis == "wrong_choice"
    assert f"{-math.log(0.01):.3f}" in fb.message


def test_an_answer_outside_the_choices_lists_them():
    fb = check("01.compare", "c")
    assert fb.diagnosis == "not_a_choice" and "'a' or 'b'" in fb.message


# --------------------------------------------------------------------------- html and voila

def test_feedback_html_escapes_the_answer():
    fb = check("01.compare", "<script>alert(1)</script>")
    html = fb._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'class="celearn-feedback"' in html


def test_feedback_html_escapes_the_message_of_implement_it():
    fb = check("04.softmax", lambda z: "<b>")
    assert "<b>" in fb.message and "<b>" not in fb._repr_html_()


def test_no_answer_outside_voila(monkeypatch):
    for name in E._VOILA_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    assert "replace None" in check("01.halving", None).message
    assert "None" in check("04.softmax", None).message


@pytest.mark.parametrize("variable", ["VOILA_KERNEL_ID", "VOILA_REQUEST_URL",
                                      "VOILA_BASE_URL", "VOILA_PREHEAT"])
@pytest.mark.parametrize("exercise_id", ["01.halving", "04.softmax"])
def test_no_answer_in_voila_does_not_talk_about_editing_cells(monkeypatch, variable,
                                                               exercise_id):
    for name in E._VOILA_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(variable, "x")
    assert E.in_voila()
    msg = check(exercise_id, None).message
    assert "None" not in msg and "cell" not in msg and "run" not in msg
    assert "JupyterLab" in msg


# --------------------------------------------------------------------------- solutions

def test_solution_of_an_implement_exercise_is_code_that_passes():
    fb = E.solution("04.softmax")
    assert "def " in fb.message and "np.max" in fb.message


def test_solution_of_an_answer_exercise_shows_the_answer():
    assert "2.07944" in E.solution("01.halving").message


# --------------------------------------------------------------------------- implement it

def _sig(z):
    return 1 / (1 + np.exp(-z))


def _py_surprisal(p):
    return np.array([math.inf if x == 0 else -math.log(x) for x in np.ravel(p)]
                    ).reshape(np.shape(p))


def _py_bce(t, p):
    total = 0.0
    for ti, pi in zip(t, p):
        total += -math.log(pi) if ti == 1 else -math.log(1 - pi)
    return total / len(t)


def _raises(*args):
    raise RuntimeError("my bug")


NAIVE = [
    # (id, function, diagnosis, words in the case name, words in the message)
    ("01.surprisal", lambda p: -np.log2(p), "bits_for_nats", "random", "np.log"),
    ("01.surprisal", lambda p: np.log(p), "sign", "random", "MINUS"),
    ("01.surprisal", lambda p: -np.log(np.clip(p, 1e-7, 1)), "clipped", "tiny", "clipped"),
    ("01.surprisal", _py_surprisal, "dtype", "float32", "float32"),
    ("01.surprisal", lambda p: np.array([-math.log(x) for x in p]), "exception", "(2, 3)",
     "numpy"),
    ("02.bce", lambda t, p: -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p)), "nan",
     "confident and right", "0·(−inf)"),
    ("02.bce", lambda t, p: -np.sum(t * np.log(p) + (1 - t) * np.log(1 - p)),
     "sum_for_mean", "random", "mean"),
    ("02.bce", lambda t, p: -(t * np.log(p) + (1 - t) * np.log(1 - p)), "shape", "random",
     "one value per sample"),
    ("02.bce", _py_bce, "exception", "confident", "math domain"),
    ("02.bce", lambda t, p: cl.binary_cross_entropy(t, p, eps=1e-7), "clipped",
     "confident", "clipped"),
    ("02.bce", lambda t, p: -np.mean((1 - t) * np.log(p) + t * np.log(1 - p)),
     "labels_swapped", "random", "swapped"),
    ("03.cce", lambda t, p: -np.mean(np.sum(t * np.log(p), axis=0)), "wrong_axis", "random",
     "axis"),
    ("03.cce", lambda t, p: -np.sum(t * np.log(p)), "sum_for_mean", "random", "mean"),
    ("03.cce", lambda t, p: -np.mean(t * np.log(p)), "wrong_axis", "random", "axis=-1"),
    ("03.cce", lambda t, p: -np.mean(np.sum(t * np.log(p), axis=-1)), "nan", "wrong class",
     "0·(−inf)"),
    ("03.cce", lambda t, p: -np.mean(np.sum(t * np.log(p + 1e-12), axis=-1)), "clipped",
     "true class", "clipped"),
    ("04.softmax", lambda z: np.exp(z) / np.sum(np.exp(z), axis=-1, keepdims=True), "nan",
     "1000", "subtract the max"),
    ("04.softmax", lambda z: np.exp(z - z.max()) / np.sum(np.exp(z - z.max()), axis=-1,
                                                           keepdims=True),
     "global_max", "rows far apart", "EACH row"),
    ("04.softmax", lambda z: np.exp(z) / np.sum(np.exp(z), axis=0), "wrong_axis", "(3, 5)",
     "axis 0"),
    ("04.softmax", lambda z: np.exp(z) / np.sum(np.exp(z), axis=-1), "exception", "(3, 5)",
     "keepdims"),
    ("04.softmax", lambda z: sp.softmax(np.asarray(z, dtype=float), axis=-1), "dtype",
     "float32", "float32"),
    ("04.softmax", lambda z: np.exp(z - z.max(-1, keepdims=True)), "not_normalised",
     "random", "divided"),
    ("04.softmax_jacobian", lambda z: np.diag(softmax_np(z) * (1 - softmax_np(z))),
     "diagonal_only", "random", "off-diagonal"),
    ("04.softmax_jacobian", lambda z: np.outer(softmax_np(z), softmax_np(z))
     - np.diag(softmax_np(z)), "sign", "random", "sign"),
    ("04.softmax_jacobian", lambda z: softmax_np(z) * (1 - softmax_np(z)), "shape", "random",
     "shape"),
    ("05.mse_grad_logits", lambda t, z: 2 * (_sig(z) - t), "missing_chain", "random",
     "chain rule"),
    ("05.mse_grad_logits", lambda t, z: (_sig(z) - t) * _sig(z) * (1 - _sig(z)),
     "missing_2", "random", "factor 2"),
    ("05.mse_grad_logits", lambda t, z: _sig(z) - t, "ce_not_mse", "random", "cross-entropy"),
    ("05.mse_grad_logits", lambda t, z: 2 * (t - _sig(z)) * _sig(z) * (1 - _sig(z)), "sign",
     "random", "sign"),
    ("05.mse_grad_logits", lambda t, z: np.sum(2 * (_sig(z) - t) * _sig(z) * (1 - _sig(z))),
     "shape", "random", "one number"),
    ("05.mse_grad_logits",
     lambda t, z: 2 * (np.exp(z) / (1 + np.exp(z)) - t) * _sig(z) * (1 - _sig(z)), "nan",
     "1000", "stable"),
    ("06.kl_divergence", lambda p, q: np.sum(p * np.log(p / q), axis=-1), "nan", "zero in p",
     "0 · ln 0"),
    ("06.kl_divergence", lambda p, q: np.sum(q * np.log(q / p), axis=-1), "swapped",
     "random", "not symmetric"),
    ("06.kl_divergence", lambda p, q: np.sum(sp.rel_entr(p, q), axis=-1) / math.log(2),
     "bits_for_nats", "random", "bits"),
    ("06.kl_divergence", lambda p, q: np.sum(sp.rel_entr(p, q)), "shape", "(3, 5)",
     "last axis"),
    ("06.kl_divergence", lambda p, q: sp.rel_entr(p, q), "not_summed", "random", "add them"),
    ("07.logsumexp", lambda z: np.log(np.sum(np.exp(z), axis=-1)), "overflow",
     "[1000, 1000, 1000]", "max"),
    ("07.logsumexp", lambda z: np.log(np.sum(np.exp(z - z.max(-1, keepdims=True)), axis=-1)),
     "forgot_max", "random", "add the max back"),
    ("07.logsumexp", lambda z: sp.logsumexp(z, axis=-1, keepdims=True), "keepdims", "random",
     "keepdims"),
    ("07.logsumexp", lambda z: z.max() + np.log(np.sum(np.exp(z - z.max()), axis=-1)),
     "overflow", "rows far apart", "EACH row"),
    ("07.logsumexp", lambda z: sp.logsumexp(np.asarray(z, np.float64), axis=-1), "dtype",
     "float32", "float32"),
    ("07.bce_with_logits", lambda t, z: -np.mean(t * np.log(_sig(z))
                                                 + (1 - t) * np.log(1 - _sig(z))),
     "nan", "±40", "never form σ(z)"),
    ("07.bce_with_logits", lambda t, z: np.mean(z - z * t + np.log1p(np.exp(-z))),
     "overflow", "±1000", "ln(1 + e^-|z|)"),
    ("07.bce_with_logits", lambda t, z: np.sum(np.maximum(z, 0) - z * t
                                               + np.log1p(np.exp(-np.abs(z)))),
     "sum_for_mean", "random", "mean"),
    ("07.bce_with_logits", lambda t, z: np.mean(np.maximum(-z, 0) + z * t
                                                + np.log1p(np.exp(-np.abs(z)))),
     "sign_of_z", "random", "sign of z"),
    ("07.bce_with_logits", lambda t, z: cl.binary_cross_entropy(
        t, np.clip(_sig(z), 1e-7, 1 - 1e-7)), "clipped", "±40", "clipped"),
    # probabilities for logits, logits for probabilities, a double softmax, swapped args
    ("07.bce_with_logits", lambda t, z: -np.mean(t * np.log(z) + (1 - t) * np.log(1 - z)),
     "logit_as_probability", "random", "logits"),
    ("05.mse_grad_logits", lambda t, z: 2 * (z - t) * z * (1 - z), "logit_as_probability",
     "random", "σ(z)"),
    ("02.bce", lambda t, p: -np.mean(t * np.log(_sig(p)) + (1 - t) * np.log(1 - _sig(p))),
     "probability_as_logit", "random", "already a probability"),
    ("03.cce", lambda t, p: -np.mean(np.sum(t * sp.log_softmax(p, axis=-1), axis=-1)),
     "double_softmax", "random", "double softmax"),
    ("02.bce", lambda p, t: -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p)),
     "arguments_swapped", "random", "f(t, p)"),
]


@pytest.mark.parametrize("exercise_id, func, key, case, words", NAIVE,
                         ids=[f"{n[0]}-{n[2]}-{i}" for i, n in enumerate(NAIVE)])
def test_naive_implementations_are_told_what_fails(exercise_id, func, key, case, words):
    # pytest turns RuntimeWarning into errors: the check must catch them itself
    fb = check(exercise_id, func)
    assert not fb.right
    assert fb.diagnosis == key, fb.message
    assert case in fb.case
    assert words in fb.message
    assert "expected" in fb.message and "received" in fb.message or key == "exception"
    assert "input" in fb.message


CORRECT = [
    ("01.surprisal", lambda p: -np.log(p)),
    ("01.surprisal", lambda p: np.log(1 / p)),
    ("02.bce", lambda t, p: np.mean(np.where(t == 1, -np.log(p), -np.log(1 - p)))),
    ("02.bce", lambda t, p: -np.mean(sp.xlogy(t, p) + sp.xlogy(1 - t, 1 - p))),
    ("03.cce", lambda t, p: -np.mean(np.log(p[np.arange(len(p)), t.argmax(-1)]))),
    ("04.softmax", lambda z: sp.softmax(z, axis=-1)),
    ("04.softmax_jacobian", lambda z: np.diag(sp.softmax(z)) - np.outer(sp.softmax(z),
                                                                        sp.softmax(z))),
    ("05.mse_grad_logits", lambda t, z: 2 * (_sig(z) - t) * _sig(z) * (1 - _sig(z))),
    ("06.kl_divergence", lambda p, q: np.sum(sp.rel_entr(p, q), axis=-1)),
    ("07.logsumexp", lambda z: sp.logsumexp(z, axis=-1)),
    ("07.bce_with_logits", lambda t, z: np.mean(t * np.logaddexp(0, -z)
                                                + (1 - t) * np.logaddexp(0, z))),
]


@pytest.mark.parametrize("exercise_id, func", CORRECT,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CORRECT)])
def test_correct_implementations_pass(exercise_id, func):
    fb = check(exercise_id, func)
    assert fb.right, fb.message


def test_a_warning_inside_a_correct_function_is_a_note_not_an_error():
    fb = check("01.surprisal", lambda p: -np.log(p))
    assert fb.right
    assert any("divide by zero" in n for n in fb.notes)


def test_a_failing_optional_case_is_a_note():
    fb = check("02.bce", lambda t, p: np.mean(np.where(t == 1, -np.log(p), -np.log(1 - p))))
    assert fb.right
    assert any("soft labels" in n for n in fb.notes)


def test_a_function_that_raises_gets_a_clear_message():
    fb = check("04.softmax", _raises)
    assert not fb.right and fb.diagnosis == "exception"
    assert "RuntimeError: my bug" in fb.message and "_raises" in fb.message


def test_the_notebook_stub_returning_none_is_no_answer_yet(monkeypatch):
    for name in E._VOILA_VARIABLES:
        monkeypatch.delenv(name, raising=False)

    def my_softmax(z):
        return None  # your numpy code
    fb = check("04.softmax", my_softmax)
    assert fb.diagnosis == "no_answer" and "return None" in fb.message
    assert "fails" not in fb.message


def test_a_function_that_returns_none_on_a_later_case():
    def f(z):
        if np.ndim(z) == 1:
            return sp.softmax(z)
    fb = check("04.softmax", f)
    assert fb.diagnosis == "returned_none" and "return" in fb.message


def test_passing_a_result_instead_of_the_function():
    fb = check("04.softmax", softmax_np(np.zeros(3)))
    assert fb.diagnosis == "not_callable" and "function itself" in fb.message


def test_the_learner_input_is_not_changed_for_the_next_case():
    def mutating(z):
        z -= np.max(z, axis=-1, keepdims=True)  # in place: harmless for the checker
        e = np.exp(z)
        return e / e.sum(-1, keepdims=True)
    assert check("04.softmax", mutating)


def test_the_failing_case_shows_input_expected_and_received():
    fb = check("07.logsumexp", lambda z: np.log(np.sum(np.exp(z), axis=-1)))
    lines = fb.message.splitlines()
    assert any(line.strip().startswith("input  z = [1000") for line in lines)
    assert any(line.strip().startswith("expected 1001.1") for line in lines)
    assert any(line.strip() == "received inf" for line in lines)


@pytest.fixture
def undeclared_choices():
    ex = E.register(E.Exercise(id="99.test_letters", question="(b).",
                               expected=lambda: "b", hint="the hint", solution="s"))
    yield ex.id
    del E._REGISTRY[ex.id]


def test_a_text_exercise_without_declared_choices_never_reveals_the_answer(
        undeclared_choices):
    for wrong in ("a", "c", "zebra"):
        fb = check(undeclared_choices, wrong)
        assert not fb.right and "'b'" not in fb.message and "the hint" in fb.message
    assert check(undeclared_choices, "(B)")


# --------------------------------------------------------------------------- generality

TRANSFORMS = {
    "sign": lambda x: -x,
    "percent": lambda x: 100 * x,
    "bits/nats": lambda x: x / math.log(2),
    "nats/bits": lambda x: x * math.log(2),
    "factor 2": lambda x: 2 * x,
    "log10": lambda x: x / math.log(10),
}
NUMERIC_IDS = [i for i in ANSWER_IDS if not isinstance(E._get(i).expected(), str)]


PLAUSIBLE = {  # transform -> which answers it is a usual slip of
    "sign": lambda ex, want: True,
    "percent": lambda ex, want: ex.unit is None and np.all((want >= 0) & (want <= 1)),
    "bits/nats": lambda ex, want: ex.unit == "nats",
    "nats/bits": lambda ex, want: ex.unit == "bits",
    "factor 2": lambda ex, want: "factor_2" in ex.slips,
    "log10": lambda ex, want: ex.unit == "nats",  # (in bits, log10 is x·ln 2/ln 10)
}


@pytest.mark.parametrize("transform", TRANSFORMS, ids=list(TRANSFORMS))
@pytest.mark.parametrize("exercise_id", NUMERIC_IDS)
def test_a_usual_slip_is_named_only_where_it_is_plausible(exercise_id, transform):
    ex = E._get(exercise_id)
    want = np.asarray(ex.expected(), dtype=float)
    wrong = TRANSFORMS[transform](want)
    if np.allclose(wrong, want, rtol=1e-2):
        pytest.skip("this slip gives the right answer here")
    fb = check(exercise_id, wrong)
    assert not fb.right
    declared = {m[2] for m in ex.mistakes()} if ex.mistakes else set()
    if PLAUSIBLE[transform](ex, want):
        assert fb.diagnosis is not None, fb.message
    else:  # nothing, or a slip the exercise itself declares with that very value
        assert fb.diagnosis is None or fb.diagnosis.split("+")[-1] in declared, fb.message


@pytest.mark.parametrize("transform", ["sign", "percent", "bits/nats", "factor 2"])
@pytest.mark.parametrize("exercise_id", IMPLEMENT_IDS)
def test_any_usual_slip_of_any_function_is_named(exercise_id, transform):
    solution = E._get(exercise_id).solution

    def slipped(*args):
        out = np.asarray(solution(*args))
        return TRANSFORMS[transform](out).astype(out.dtype)

    fb = check(exercise_id, slipped)
    assert not fb.right
    assert fb.diagnosis not in (None, "wrong_values"), fb.message


MEAN_IDS = [i for i in IMPLEMENT_IDS if E._get(i).reduction == "mean"]


@pytest.mark.parametrize("exercise_id", MEAN_IDS)
def test_a_sum_for_a_mean_is_named_for_every_mean_loss(exercise_id):
    solution = E._get(exercise_id).solution
    fb = check(exercise_id, lambda *a: solution(*a) * len(a[0]))
    assert fb.diagnosis == "sum_for_mean" and "mean" in fb.message, fb.message


@pytest.mark.parametrize("exercise_id", IMPLEMENT_IDS)
def test_float64_output_for_float32_input_is_named_for_every_function(exercise_id):
    ex = E._get(exercise_id)
    cases = ex.cases(np.random.default_rng(0))
    if not any(np.asarray(v).dtype == np.float32 for c in cases for v in c.args.values()):
        pytest.skip("this exercise has no float32 case")
    solution = ex.solution
    fb = check(exercise_id, lambda *a: np.asarray(solution(*a), dtype=np.float64))
    assert fb.diagnosis == "dtype" and "float32" in fb.case, fb.message


@pytest.mark.parametrize("exercise_id", IMPLEMENT_IDS)
def test_an_exception_is_reported_for_every_function(exercise_id):
    def broken(*args):
        return np.asarray(args[0]).reshape(-1)[10**9]  # IndexError
    fb = check(exercise_id, broken)
    assert fb.diagnosis == "exception" and "IndexError" in fb.message
    assert "input" in fb.message


def test_passing_celearn_itself_is_not_an_answer():
    fb = check("04.softmax", cl.softmax)
    assert not fb.right and fb.diagnosis == "celearn_itself"


def test_a_diagnosed_wrong_answer_states_the_tolerance():
    assert "0.1 %" in check("01.halving", 3.0).message


# --------------------------------------------------------------------------- no misdiagnosis
# The real wrong answers learners give, computed here the way a learner computes them:
# the feedback must not name a slip that did not happen.

def test_forgetting_abs_z_in_bce_with_logits_is_not_a_stray_factor_2():
    t, z = 1.0, -50.0
    wrong = max(z, 0) - z * t + math.log1p(math.exp(-z))  # |z| forgotten: 100, not 50
    fb = check("07.bce_logits", wrong)
    assert not fb.right and fb.diagnosis != "factor_2"
    assert "factor 2" not in fb.message


def test_ln_k_over_k_is_not_called_a_percentage():
    fb = check("08.start", math.log(100) / 100)
    assert not fb.right and "percent" not in fb.message
    assert fb.diagnosis not in ("fraction_for_percent", "percent_for_fraction")


def test_nanmean_is_not_the_sum_over_the_samples():
    def bce_nanmean(t, p):
        return np.nanmean(-(t * np.log(p) + (1 - t) * np.log(1 - p)))
    fb = check("02.bce", bce_nanmean)
    assert not fb.right and fb.diagnosis != "sum_for_mean"
    assert "sum over" not in fb.message and "nanmean" in fb.message


def _ece_without_abs(t, p, n_bins=15):
    conf, correct = p.max(1), p.argmax(1) == t
    total = 0.0
    for lo, hi in zip(np.linspace(0, 1, n_bins + 1)[:-1], np.linspace(0, 1, n_bins + 1)[1:]):
        inside = (conf > lo) & (conf <= hi)
        if inside.any():
            total += inside.mean() * (correct[inside].mean() - conf[inside].mean())
    return total


def test_ece_without_the_absolute_value_is_not_a_sign_flip_in_one_bin():
    fb = check("09.ece", _ece_without_abs)
    assert not fb.right and fb.diagnosis == "no_abs", fb.message
    assert "one bin" not in fb.message and "sign is flipped" not in fb.message


def test_a_softmax_that_clips_the_logits_is_not_told_about_the_global_max():
    def clipped(z):
        e = np.exp(np.clip(z, -500, 500))
        return e / e.sum(axis=-1, keepdims=True)
    fb = check("04.softmax", clipped)
    assert not fb.right and "whole array" not in fb.message
    assert fb.diagnosis == "clipped_logits"


def test_n_over_n_pos_is_not_counted_from_zero():
    pos_weight = next((i for i in E.exercises() if i.endswith(".pos_weight")), None)
    if pos_weight is None:
        pytest.skip("no pos_weight exercise registered")
    fb = check(pos_weight, 1000 / 50)  # N / N_pos: one more than N_neg / N_pos
    assert not fb.right and "counted from 0" not in fb.message


def test_a_usual_slip_an_exercise_opts_into_is_named(off_by_one_exercise):
    fb = check(off_by_one_exercise, 3.0)
    assert fb.diagnosis == "off_by_one"


@pytest.fixture
def off_by_one_exercise():
    ex = E.register(E.Exercise(id="99.test_index", question="Index 2.", expected=lambda: 2.0,
                               hint="h", solution="s", slips=("off_by_one", "factor_2")))
    yield ex.id
    del E._REGISTRY[ex.id]


def test_usual_slips_that_coincide_are_not_named(off_by_one_exercise):
    # 1.0 is both 2 - 1 (off by one) and 2 / 2 (a missing factor 2): say neither
    fb = check(off_by_one_exercise, 1.0)
    assert not fb.right and fb.diagnosis is None


# --------------------------------------------------------------------------- printed values

def test_the_value_the_solution_prints_is_right():
    assert check("08.likelihood", 0.0116)
    assert not check("08.likelihood", 0.0115)


@pytest.mark.parametrize("exercise_id", NUMERIC_IDS)
def test_every_value_a_solution_prints_for_the_answer_is_right(exercise_id):
    ex = E._get(exercise_id)
    want = np.asarray(ex.expected(), dtype=float)
    if want.ndim:
        pytest.skip("an array answer")
    import re
    for text in re.findall(r"(?<![\w.^])-?\d+\.\d+", ex.solution):
        digits = len(text.lstrip("-").replace(".", "").lstrip("0"))
        if float(f"{float(want):.{digits}g}") == float(text):
            assert check(exercise_id, float(text)), (text, check(exercise_id, float(text)))


# --------------------------------------------------------------------------- numbered from 0

def test_notebook_04_numbers_classes_from_0():
    right = softmax_np(np.zeros(4)) - np.eye(4)[2]
    assert "true class 2" in check("04.grad", right).message
    texts = [check("04.grad", softmax_np(np.zeros(4)) - np.eye(4)[k]).message for k in (1, 3)]
    texts += [check("04.entry", w).message for w in (0.1, -0.2, 0.3)]
    texts += [E._get(i).question + E._get(i).hint + E._get(i).solution
              for i in ("04.entry", "04.grad")]
    for text in texts:
        assert "from 1" not in text and "class 3" not in text and "p_1 p_3" not in text


# --------------------------------------------------------------------------- answers of any kind

def test_complex_answers_are_refused_without_a_warning():
    for answer in (np.complex128(3 * math.log(2)), 3 * math.log(2) + 0j,
                   np.array([3 * math.log(2) + 1j])):
        fb = check("01.halving", answer)
        assert not fb.right and fb.diagnosis == "complex" and "complex" in fb.message


def test_a_function_returning_complex_numbers_is_refused():
    fb = check("01.surprisal", lambda p: -np.log(np.asarray(p, dtype=complex)))
    assert not fb.right and fb.diagnosis == "complex"


def test_huge_answers_and_errors_are_not_echoed_whole():
    huge = "x" * 1_000_000
    for exercise_id in ("01.compare", "01.halving"):
        assert len(check(exercise_id, huge).message) < 1000

    def raises_huge(p):
        raise ValueError(huge)
    assert len(check("01.surprisal", raises_huge).message) < 3000


@pytest.mark.parametrize("convert", [list, np.float64, np.float32, tuple],
                         ids=["list", "float64", "float32", "tuple"])
def test_lists_and_numpy_scalars_are_answers(convert):
    right = softmax_np(np.zeros(4)) - np.eye(4)[2]
    assert check("04.grad", list(right) if convert in (list, tuple) else right)
    assert check("01.halving", convert(3 * math.log(2)) if convert not in (list, tuple)
                 else convert([3 * math.log(2)]))


def test_torch_tensors_are_answers_and_results():
    torch = pytest.importorskip("torch")
    right = torch.softmax(torch.zeros(4, requires_grad=True), 0) - torch.eye(4)[2]
    assert right.requires_grad and check("04.grad", right)
    assert check("01.halving", torch.tensor(3 * math.log(2), requires_grad=True))
    fb = check("04.softmax", lambda z: torch.softmax(torch.as_tensor(z), -1))
    assert fb.right, fb.message


def test_jax_arrays_are_answers():
    jnp = pytest.importorskip("jax.numpy")
    assert check("04.grad", jnp.full(4, 0.25) - jnp.eye(4)[2])


# --------------------------------------------------------------------------- learners' functions

def _endless(z):
    while True:
        pass


def _endless_swallowing(z):
    while True:
        try:
            pass
        except Exception:  # noqa: BLE001 - the learner's code may swallow anything
            pass


@pytest.mark.parametrize("func", [_endless, _endless_swallowing])
def test_an_endless_loop_is_stopped_and_reported(monkeypatch, func):
    monkeypatch.setattr(E, "TIME_LIMIT", 0.2)
    fb = check("04.softmax", func)
    assert not fb.right and fb.diagnosis == "time_limit" and "stopped" in fb.message


def test_an_endless_loop_is_stopped_off_the_main_thread(monkeypatch):
    import threading
    monkeypatch.setattr(E, "TIME_LIMIT", 0.2)
    out = {}
    thread = threading.Thread(target=lambda: out.setdefault("fb", check("04.softmax",
                                                                        _endless)))
    thread.start()
    thread.join(30)
    assert not thread.is_alive() and out["fb"].diagnosis == "time_limit"


def test_an_input_changed_in_place_is_reported_and_the_next_case_gets_a_fresh_copy():
    ex = E._get("04.softmax")
    seen = []

    def mutating(z):
        seen.append(np.array(z, copy=True))
        z -= np.max(z, axis=-1, keepdims=True)  # in place
        e = np.exp(z)
        return e / e.sum(-1, keepdims=True)
    fb = check("04.softmax", mutating)
    assert fb.right and any("in place" in n for n in fb.notes)
    import zlib
    cases = ex.cases(np.random.default_rng(zlib.crc32(b"04.softmax")))
    for got, case in zip(seen, cases):
        np.testing.assert_array_equal(got, case.args["z"])


def test_a_function_that_prints_a_lot_does_not_flood_the_output(capsys):
    def chatty(z):
        print("x" * 100_000)
        return softmax_np(z)
    fb = check("04.softmax", chatty)
    assert fb.right
    captured = capsys.readouterr()
    assert captured.out == "" and len(fb.message) < 3000
    assert any("printed" in n for n in fb.notes)


# --------------------------------------------------------------------------- text answers

@pytest.mark.parametrize("exercise_id, answer", [
    ("03.same", "they're the same"), ("03.same", "They cost the same."),
    ("06.good", "no, it's worse"), ("06.good", "No - it is not better"),
    ("05.race", "cross-entropy wins"), ("05.race", "MSE is slower than CE"),
    ("05.race", "the cross entropy model is ahead"), ("04.shift", "No, nothing changes"),
    ("09.diagnose", "overconfident, above 1"), ("09.diagnose", ("overconfident", "T > 1")),
    ("09.diagnose", "Over-confident; the temperature is larger than 1")])
def test_natural_phrasings_of_a_right_answer_are_accepted(exercise_id, answer):
    fb = check(exercise_id, answer)
    assert fb.right, fb.message


@pytest.mark.parametrize("exercise_id, answer", [
    ("05.race", "ce loses"), ("03.same", "a costs more"), ("06.good", "yes, it's better"),
    ("09.diagnose", "overconfident, below 1")])
def test_phrasings_of_a_wrong_answer_are_wrong(exercise_id, answer):
    assert not check(exercise_id, answer)


def test_a_word_not_understood_is_named():
    fb = check("06.good", "perhaps")
    assert not fb.right and "'perhaps'" in fb.message and "'yes' or 'no'" in fb.message


# --------------------------------------------------------------------------- hints that grow

@pytest.mark.parametrize("exercise_id, wrongs", [
    ("02.mean", [7 * log_loss(BCE_T, BCE_P), 0.9, 0.1]),
    ("04.entry", [0.5, 0.25, -0.3]),
    ("04.softmax", [lambda z: np.exp(z), lambda z: np.exp(z) / np.exp(z).sum(),
                    lambda z: z])])
def test_help_grows_with_each_wrong_attempt(exercise_id, wrongs):
    messages = [check(exercise_id, w).message for w in wrongs]
    assert len(set(messages)) == 3
    assert "Hint" in messages[1]
    assert "First step of the solution" in messages[2] and "solution(" in messages[2]
    assert E.attempts(exercise_id) == 3
    assert check(exercise_id, E._get(exercise_id).solution if exercise_id == "04.softmax"
                 else E._get(exercise_id).expected())  # a right answer is still right


def test_attempts_are_counted_per_exercise():
    check("02.mean", 0.9)
    check("02.mean", 0.8)
    assert E.attempts("02.mean") == 2 and E.attempts("02.loss") == 0
    assert "First step" not in check("02.loss", 0.9).message


def test_in_voila_no_text_talks_about_cells(monkeypatch):
    for name in E._VOILA_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("VOILA_KERNEL_ID", "x")
    texts = [check(i, None).message for i in ("01.halving", "04.softmax", "06.good")]
    texts += [check("02.mean", w).message for w in (0.9, 0.8, 0.7, 0.6)]
    texts += [check("04.softmax", f).message for f in (lambda z: z, lambda z: 2 * z,
                                                        lambda z: None)]
    for text in texts:
        for phrase in ("run the cell", "replace None", "scroll up", "solution("):
            assert phrase not in text, text
