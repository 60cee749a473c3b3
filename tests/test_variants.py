"""Tests of the exercise variants: cl.exercises.question/check/solution with a seed.

Each variant's answer is recomputed here from the variant's own numbers with numpy and
scipy (``ORACLE``), never with the celearn call the exercise uses; a few declared slips
are recomputed the same way (``SLIPS``).
"""
import math
import re
from pathlib import Path
from fractions import Fraction

import numpy as np
import pytest
import scipy.special as sp
import scipy.stats as st

from celearn import exercises as E
from celearn.exercises.spaced import PROMPTS

SEEDS = [0, 1, 2, 3, 7, 42, 2024, 123456789, 2**40 + 3]


@pytest.fixture(autouse=True)
def _fresh_attempts():
    E.reset_attempts()
    yield
    E.reset_attempts()


def _smoothed(eps, K):
    t = np.full(K, eps / K)
    t[0] += 1 - eps
    return t


ORACLE = {
    "01.halving": lambda d: math.log(d),
    "01.bits": lambda d: math.log2(d),
    "02.loss": lambda p: -math.log(p),
    "02.grad": lambda t, z: sp.expit(z) - t,
    "03.loss": lambda c, p: -math.log(p[c]),
    "03.uniform": lambda K: math.log(K),
    "04.entry": lambda z, i, j: -sp.softmax(z)[i] * sp.softmax(z)[j],
    "04.grad": lambda K, c: np.full(K, 1 / K) - np.eye(K)[c],
    "04.trace": lambda z: 1 - np.sum(sp.softmax(z) ** 2),
    "05.slope": lambda p: -1 / p,
    "05.ratio5": lambda z: 1 / (2 * sp.expit(z) * sp.expit(-z)),
    "06.uniform8": lambda K: math.log2(K),
    "06.kl": lambda p, q: st.entropy(p, q, base=2),
    "06.baseline": lambda f: st.entropy(f),
    "06.perplexity": lambda loss: math.exp(loss),
    "07.lse": lambda a, k: a + math.log(k),
    "07.bce_logits": lambda z: np.logaddexp(0, -z),   # t = 1: softplus(-z)
    "08.coin_mle": lambda h, n: h / n,
    "08.start": lambda K: math.log(K),
    "09.accuracy": lambda acc, T: acc,
    "09.one_bin": lambda right, conf: abs(right / 100 - conf),
    "09.smooth_floor": lambda eps, K: st.entropy(_smoothed(eps, K)),
    "11.pos_weight": lambda neg, pos: neg / pos,
    "11.threshold": lambda w: 1 / (1 + w),
    "11.smoothing_gap": lambda eps, K: math.log((1 - eps + eps / K) / (eps / K)),
}

# declared slips recomputed from a variant's numbers: id -> (value(**numbers), key)
SLIPS = {
    "01.halving": (lambda d: math.log2(d), "bits_for_nats"),
    "02.loss": (lambda p: -math.log(1 - p), "wrong_branch"),
    "02.grad": (lambda t, z: z - t, "logit_for_probability"),
    "03.uniform": (lambda K: math.log(K - 1), "wrong_k"),
    "04.trace": (lambda z: np.sum(sp.softmax(z) ** 2), "complement"),
    "05.slope": (lambda p: 1 / (1 - p), "wrong_branch"),
    "05.ratio5": (lambda z: -math.log(sp.expit(z)) / sp.expit(-z) ** 2, "loss_ratio"),
    "06.perplexity": (lambda loss: 2 ** loss, "bits_base"),
    "07.lse": (lambda a, k: float(a), "forgot_log_k"),
    "08.coin_mle": (lambda h, n: (n - h) / n, "tails"),
    "08.start": (lambda K: float(K), "k_not_log"),
    "09.one_bin": (lambda right, conf: right / 100, "accuracy"),
    "11.pos_weight": (lambda neg, pos: pos / neg, "inverted"),
    "11.threshold": (lambda w: 1 / w, "odds_threshold"),
}


VARIANT_IDS = E.variants()
CASES = [(i, s) for i in VARIANT_IDS for s in SEEDS]


def _numeric_ids():
    return [i for i in E.exercises() if E._get(i).kind == "answer"
            and not isinstance(E._get(i).expected(), str)]


def _close(ex, a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=ex.rtol, atol=ex.atol))


# --------------------------------------------------------------------------- which

def test_at_least_half_of_the_numeric_exercises_have_variants():
    numeric = _numeric_ids()
    assert set(VARIANT_IDS) <= set(numeric)
    assert 2 * len(VARIANT_IDS) >= len(numeric), (len(VARIANT_IDS), len(numeric))


def test_every_variant_has_an_independent_oracle():
    assert set(ORACLE) == set(VARIANT_IDS)


# --------------------------------------------------------------------------- the default

@pytest.mark.parametrize("exercise_id", VARIANT_IDS)
def test_seed_none_is_the_notebooks_variant(exercise_id):
    ex = E._get(exercise_id)
    assert ex.values == ex.defaults
    want = ex.expected()
    assert np.allclose(want, ORACLE[exercise_id](**ex.defaults), rtol=1e-4, atol=1e-12)
    assert E.question(exercise_id) == E.question(exercise_id, seed=None)
    assert E.check(exercise_id, want).right
    assert E.check(exercise_id, want, seed=None).right
    # the review (spaced.py) asks the same question as the exercise without a seed
    if exercise_id in PROMPTS:
        assert E.question(exercise_id) == PROMPTS[exercise_id]


# --------------------------------------------------------------------------- one variant

def _shown(key, value, text, exercise_id):
    """Does ``text`` show the number ``value`` (of parameter ``key``)?"""
    if exercise_id == "03.loss" and key == "c":  # the class is named, not numbered
        return ("first", "second", "third")[value] in text
    if exercise_id == "07.lse" and key == "k":   # k equal terms e^a
        return text.count("e^") == value
    if isinstance(value, (list, tuple, np.ndarray)):
        return all(_shown(key, v, text, exercise_id) for v in value)
    forms = {f"{value:g}", str(Fraction(value).limit_denominator(1024))}
    return any(re.search(rf"(?<![\d.]){re.escape(f)}(?![\d])", text) for f in forms)


@pytest.mark.parametrize("exercise_id, seed", CASES)
def test_a_variants_answer_its_question_and_its_check(exercise_id, seed):
    ex = E._get(exercise_id).variant(seed)
    want = ex.expected()
    oracle = ORACLE[exercise_id](**ex.values)
    rtol = 1e-4 if exercise_id == "08.coin_mle" else 1e-9  # 08: the argmax of a grid
    assert np.allclose(want, oracle, rtol=rtol, atol=1e-12), (ex.values, want, oracle)
    text = E.question(exercise_id, seed=seed)
    for key, value in ex.values.items():
        assert _shown(key, value, text, exercise_id), (key, value, text)
    fb = E.check(exercise_id, oracle, seed=seed)
    assert fb.right, fb.message
    assert "✅" in fb.message
    assert E.attempts(exercise_id) == 0
    # the solution shows this variant's answer
    assert E.solution(exercise_id, seed=seed).message.endswith(
        f"(answer: {E._fmt(want)})")


@pytest.mark.parametrize("exercise_id, seed", CASES)
def test_the_same_seed_gives_the_same_variant(exercise_id, seed):
    assert E.question(exercise_id, seed=seed) == E.question(exercise_id, seed=seed)
    assert E._get(exercise_id).variant(seed).values == \
        E._get(exercise_id).variant(np.int64(seed) if seed < 2**63 else seed).values


def test_a_seed_keeps_its_numbers():
    """A seed handed out as homework must keep its numbers across numpy versions and
    machines: these were drawn once (numpy's PCG64 through SeedSequence([seed, crc32 of
    the id])); if this fails, the learners' questions changed under them."""
    assert E._get("02.loss").variant(20231234).values == {"p": 0.7}
    assert E._get("11.pos_weight").variant(20231234).values == {"neg": 1360, "pos": 80}
    assert E._get("06.kl").variant(20231234).values == {
        "p": [0.5, 0.125, 0.25, 0.125], "q": [0.125, 0.5, 0.125, 0.25]}


def test_two_exercises_with_one_seed_draw_unrelated_numbers():
    # 05.slope and 02.loss both draw one probability; with one seed they differ mostly
    same = sum(E._get("05.slope").variant(s).values["p"]
               == E._get("02.loss").variant(s).values["p"] for s in range(40))
    assert same <= 8


# --------------------------------------------------------------------------- two variants

@pytest.mark.parametrize("exercise_id", VARIANT_IDS)
def test_different_seeds_give_different_answers(exercise_id):
    answers = [np.asarray(E._get(exercise_id).variant(s).expected(), float) for s in SEEDS]
    distinct = {tuple(np.round(a, 9).ravel()) for a in answers}
    assert len(distinct) >= len(SEEDS) // 2, distinct
    assert not np.array_equal(answers[0], answers[1]) or not np.array_equal(
        answers[1], answers[2])


@pytest.mark.parametrize("exercise_id", VARIANT_IDS)
def test_one_variants_answer_is_refused_by_another_seeds_check(exercise_id):
    base = E._get(exercise_id)
    variants = {s: base.variant(s) for s in SEEDS}
    refused = 0
    for a in SEEDS:
        for b in SEEDS:
            want_a = ORACLE[exercise_id](**variants[a].values)
            if _close(base, want_a, variants[b].expected()):
                continue
            E.reset_attempts()
            fb = E.check(exercise_id, want_a, seed=b)
            assert not fb.right, (a, b, fb.message)
            refused += 1
    assert refused >= len(SEEDS)


# --------------------------------------------------------------------------- slips

@pytest.mark.parametrize("exercise_id, seed", CASES)
def test_declared_slips_of_a_variant_are_named(exercise_id, seed):
    ex = E._get(exercise_id).variant(seed)
    want = ex.expected()
    declared = [(np.asarray(m[0], float), m[1], m[2] if len(m) > 2 else "declared")
                for m in (ex.mistakes() if ex.mistakes else [])]
    named = 0
    for value, _, _ in declared:
        if _close(ex, value, want):
            continue  # this slip gives the right answer in this variant
        first = next((why, key) for v, why, key in declared if _close(ex, value, v))
        E.reset_attempts()
        fb = E.check(exercise_id, value, seed=seed)
        assert not fb.right
        assert fb.diagnosis == first[1], (value, fb.message)
        assert first[0] in fb.message
        named += 1
    assert named or not declared


@pytest.mark.parametrize("exercise_id, seed",
                         [(i, s) for i in SLIPS for s in SEEDS])
def test_a_slip_recomputed_from_the_variants_numbers_is_named(exercise_id, seed):
    ex = E._get(exercise_id).variant(seed)
    slip, key = SLIPS[exercise_id]
    value = slip(**ex.values)
    if _close(ex, value, ex.expected()):
        pytest.skip("the slip gives the right answer in this variant")
    fb = E.check(exercise_id, value, seed=seed)
    assert fb.diagnosis == key, fb.message
    # the same wrong number in the notebook's variant is not this slip (or not wrong)
    default = E._get(exercise_id)
    if not _close(default, value, slip(**default.defaults)):
        E.reset_attempts()
        assert E.check(exercise_id, value).diagnosis != key


def test_a_usual_slip_is_named_in_a_variant():
    ex = E._get("01.bits").variant(5)
    fb = E.check("01.bits", math.log(ex.values["d"]), seed=5)   # nats for bits
    assert fb.diagnosis == "nats_for_bits", fb.message


# --------------------------------------------------------------------------- hints

def test_the_hint_ladder_counts_attempts_per_exercise_and_shows_the_variants_step():
    seed = next(s for s in SEEDS if E._get("02.loss").variant(s).values["p"] != 0.25)
    p = E._get("02.loss").variant(seed).values["p"]
    first = E.check("02.loss", 7.0, seed=seed)
    second = E.check("02.loss", 8.0, seed=seed)
    third = E.check("02.loss", 9.0)          # no seed: the same exercise, one count
    assert (first.attempt, second.attempt, third.attempt) == (1, 2, 3)
    assert E.attempts("02.loss") == 3
    assert "First step of the solution" not in first.message
    step = "First step of the solution"
    # the first step of the solution has the numbers of the variant checked
    assert "p = 0.25" in third.message.split(step)[1]
    fourth = E.check("02.loss", 10.0, seed=seed)
    assert fourth.attempt == 4
    assert f"p = {p:g}" in fourth.message.split(step)[1]
    assert f"cl.exercises.solution('02.loss', seed={seed}) shows the whole solution" \
        in fourth.message
    assert "cl.exercises.solution('02.loss') shows the whole solution" in third.message


# --------------------------------------------------------------------------- bad input

@pytest.mark.parametrize("seed", [-1, 1.5, 3.0, "7", True, np.float64(2), [1], complex(1)])
@pytest.mark.parametrize("call", [
    lambda s: E.question("02.loss", seed=s),
    lambda s: E.check("02.loss", 1.0, seed=s),
    lambda s: E.check("02.loss", None, seed=s),
    lambda s: E.solution("02.loss", seed=s),
    lambda s: E._get("02.loss").variant(s),
])
def test_a_bad_seed_is_a_value_error_naming_seed(call, seed):
    with pytest.raises(ValueError, match=r"^seed must be a whole number >= 0"):
        call(seed)


@pytest.mark.parametrize("exercise_id", ["02.mean", "01.compare", "01.surprisal", "12.C"])
def test_an_exercise_without_variants_refuses_a_seed_and_lists_those_with(exercise_id):
    for call in (lambda: E.question(exercise_id, seed=3),
                 lambda: E.check(exercise_id, 1.0, seed=3),
                 lambda: E.solution(exercise_id, seed=3)):
        with pytest.raises(ValueError) as info:
            call()
        text = str(info.value)
        assert repr(exercise_id) in text and "has no variants" in text
        assert all(i in text for i in VARIANT_IDS)
    assert E.question(exercise_id)  # without a seed it works


def test_a_template_without_defaults_is_refused():
    with pytest.raises(ValueError, match="defaults"):
        E.Exercise(id="99.x", question=lambda a: f"{a}", expected=lambda a: a, hint="",
                   solution="", params=lambda rng: {"a": 1})


def test_question_without_a_seed_for_every_exercise():
    for i in E.exercises():
        assert isinstance(E.question(i), str) and E.question(i)


def test_the_readme_example_runs(capsys):
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Using variants for homework", 1)[1].split("\n## ", 1)[0]
    code = re.search(r"```python\n(.*?)```", section, flags=re.S).group(1)
    seed = int(re.search(r"seed = (\d+)", code).group(1))
    answer = E._get("02.loss").variant(seed).expected()
    exec(compile(code, "README.md", "exec"), {"answer": answer})
    printed = capsys.readouterr().out
    assert str(E.variants()) in printed
    assert E.question("06.kl", seed=seed) in printed
