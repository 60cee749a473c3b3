"""Exercises of notebook 01-log-curves."""
from ..information import surprisal
from . import Exercise, register

register(Exercise(
    id="01.halving",
    question="Three halvings (p = 1/8) cost 3 ln 2 ≈ 2.079 nats.",
    expected=lambda: float(surprisal(1 / 8)),
    hint="p = 1/8 is three halvings of 1; each halving adds ln 2 ≈ 0.693 nats.",
    solution="-ln(1/8) = 3 ln 2 = 2.0794 nats (3 bits).",
))
register(Exercise(
    id="01.bits",
    question="An event with p = 1/1024 carries 10 bits.",
    expected=lambda: float(surprisal(1 / 1024, base=2)),
    hint="1024 = 2^10: count the halvings, each one is a bit.",
    solution="-log2(1/1024) = 10 bits.",
))
register(Exercise(
    id="01.compare",
    question="p = 0.01 is the bigger surprise: 4.605 nats against 0.105 for p = 0.9.",
    expected=lambda: "a" if surprisal(0.01) > surprisal(0.9) else "b",
    hint="The smaller the probability, the bigger -ln p. Answer 'a' or 'b'.",
    solution="-ln 0.01 = 4.605 nats, -ln 0.9 = 0.105 nats, so (a).",
))
