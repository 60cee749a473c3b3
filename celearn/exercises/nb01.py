"""Exercises of notebook 01-log-curves."""
import numpy as np

from ..information import surprisal
from . import Case, Exercise, Implement, clipped_variants, register

_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven",
          8: "eight", 9: "nine", 10: "ten", 11: "eleven", 12: "twelve"}


def _halvings(d):
    """How many halvings of 1 give 1/d (d a power of 2)."""
    return int(round(np.log2(d)))


register(Exercise(
    id="01.halving",
    prompt=lambda d: f"How many nats of surprise does an event with p = 1/{d} carry?",
    first_step=lambda d: (f'1/{d} = {" · ".join(["1/2"] * _halvings(d))}: count the '
                          "halvings of 1, then multiply by ln 2."),
    question=lambda d: (f"{_WORDS[_halvings(d)].capitalize()} halvings (p = 1/{d}) cost "
                        f"{_halvings(d)} ln 2 ≈ {float(surprisal(1 / d)):.3f} nats."),
    expected=lambda d: float(surprisal(1 / d)),
    hint=lambda d: (f"p = 1/{d} is {_WORDS[_halvings(d)]} halvings of 1; each halving adds "
                    "ln 2 ≈ 0.693 nats."),
    solution=lambda d: (f"-ln(1/{d}) = {_halvings(d)} ln 2 = {float(surprisal(1 / d)):.4f} "
                        f"nats ({_halvings(d)} bits)."),
    unit="nats",
    mistakes=lambda d: [
        (float(surprisal(1 / d, base=2)), "that is the number of halvings, i.e. the "
         "surprisal in bits; in nats each halving costs ln 2 ≈ 0.693.", "bits_for_nats"),
        (float(surprisal(1 / 2)), f"that is one halving (p = 1/2); p = 1/{d} is "
         f"{_WORDS[_halvings(d)]}.", "one_halving"),
    ],
    params=lambda rng: {"d": 2 ** int(rng.integers(2, 11))},   # p = 1/4 ... 1/1024
    defaults={"d": 8},
))
register(Exercise(
    id="01.bits",
    prompt=lambda d: f"How many bits of surprise does an event with p = 1/{d} carry?",
    first_step=lambda d: (f"{d} = 2^{_halvings(d)}, so p = 2^-{_halvings(d)}; -log2 p is the "
                          "exponent."),
    question=lambda d: f"An event with p = 1/{d} carries {_halvings(d)} bits.",
    expected=lambda d: float(surprisal(1 / d, base=2)),
    hint=lambda d: f"{d} = 2^{_halvings(d)}: count the halvings, each one is a bit.",
    solution=lambda d: f"-log2(1/{d}) = {_halvings(d)} bits.",
    unit="bits",
    params=lambda rng: {"d": 2 ** int(rng.integers(3, 21))},   # p = 1/8 ... 1/1048576
    defaults={"d": 1024},
))
register(Exercise(
    id="01.compare",
    first_step='Compute both surprisals: -ln 0.01 and -ln 0.9 (np.log).',
    question="p = 0.01 is the bigger surprise: 4.605 nats against 0.105 for p = 0.9.",
    expected=lambda: "a" if surprisal(0.01) > surprisal(0.9) else "b",
    choices=("a", "b"),
    why_not=lambda: {
        "b": f"-ln 0.9 = {float(surprisal(0.9)):.3f} nats but -ln 0.01 = "
             f"{float(surprisal(0.01)):.3f}: the rarer event (smaller p) is the bigger "
             "surprise.",
    },
    hint="The smaller the probability, the bigger -ln p. Answer 'a' or 'b'.",
    solution="-ln 0.01 = 4.605 nats, -ln 0.9 = 0.105 nats, so (a).",
))


def my_surprisal(p):
    """Surprisal -ln p, elementwise (a reference implementation)."""
    p = np.asarray(p)
    with np.errstate(divide="ignore"):   # -ln 0 = inf is the right answer, not an accident
        return -np.log(p)


def _surprisal_cases(rng):
    return [
        Case("random p, shape (6,)", {"p": rng.uniform(0.01, 1.0, 6)}),
        Case("random p, shape (2, 3)", {"p": rng.uniform(0.01, 1.0, (2, 3))},
             why="surprisal is elementwise: keep the input's shape."),
        Case("p = 1 (a certain event)", {"p": np.array([1.0, 0.5, 0.25])},
             why="-ln 1 = 0: a certain event carries no surprise."),
        Case("tiny p = 1e-300", {"p": np.array([1e-300, 1e-10])},
             why="-ln 1e-300 ≈ 690.8 is an ordinary finite number: clipping p to "
                 "[eps, 1] or adding an eps inside the log changes it."),
        Case("p = 0 (an impossible event)", {"p": np.array([0.0, 0.5])},
             why="-ln 0 is +inf exactly: numpy's np.log(0) gives -inf (with a "
                 "divide-by-zero warning you may silence with np.errstate); math.log(0) "
                 "raises, and clipping p (or adding an eps) gives a finite number."),
        Case("float32 p", {"p": np.array([0.5, 0.125, 1e-30], dtype=np.float32)},
             why="the result must keep the input's dtype (float32)."),
    ]


register(Implement(
    id="01.surprisal",
    question="Write f(p) returning the surprisal -ln p elementwise (numpy array in, "
             "array of the same shape and dtype out). Required: random p of any shape, "
             "p = 1 gives 0, tiny p, p = 0 gives inf (not an error, not a finite number), "
             "float32 in gives float32 out. A numpy divide-by-zero warning at p = 0 is "
             "only a note.",
    signature="f(p)",
    reference=lambda p: surprisal(p),
    cases=_surprisal_cases,
    solution=my_surprisal,
    mistakes=lambda p: [
        (surprisal(p, base=2), "you used log base 2 (bits); the course's surprisal is in "
         "nats: np.log.", "bits_for_nats"),
        (-surprisal(p), "the sign is flipped: surprisal is MINUS ln p (ln p ≤ 0 for p in "
         "[0, 1], so -ln p ≥ 0).", "sign"),
        (1 / np.asarray(p, dtype=np.float64), "that is 1/p, how many times rarer than "
         "certain the event is; the surprisal is its log, ln(1/p) = -ln p.", "ratio_not_log"),
        *clipped_variants(lambda eps, mode: -np.log(
            np.clip(p, eps, 1) if mode == "clip" else p + eps)),
    ],
))
