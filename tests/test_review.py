"""The spaced review: questions from earlier notebooks only, favouring what was missed or is old,
the same three for an empty record; the answer box (for Voila) driven from Python."""
import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import celearn as cl
from celearn.exercises import progress
from celearn.exercises import spaced as rv

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[1]
NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.timezone.utc)
LESSONS = range(2, 13)


@pytest.fixture
def record_file(tmp_path, monkeypatch):
    file = tmp_path / "progress.json"
    monkeypatch.setenv(progress.ENV_VAR, str(file))
    monkeypatch.setattr(progress, "_MEMORY", {})
    monkeypatch.setattr(progress, "_WARNED", set())
    cl.exercises.reset_attempts()
    return file


def entry(solved, wrong=0, days_ago=0.0):
    when = (NOW - dt.timedelta(days=days_ago)).isoformat()
    return {"solved": solved, "attempts": wrong + solved, "wrong": wrong, "first": when,
            "last": when}


def notebook_of(i):
    return int(i.split(".")[0])


def pool(n):
    return [i for i in rv.PROMPTS if notebook_of(i) < n]


def test_every_review_question_is_an_answer_exercise_with_one_number_or_a_word():
    known = set(cl.exercises.exercises())
    for i, prompt in rv.PROMPTS.items():
        assert i in known, i
        ex = cl.exercises._get(i)
        assert ex.kind == "answer", i
        want = ex.expected()
        assert isinstance(want, str) or getattr(want, "ndim", 0) == 0, i
        assert prompt.strip().endswith(("?", ".")), i


@pytest.mark.parametrize("n", LESSONS)
def test_never_from_the_same_or_a_later_notebook(n):
    everything_missed = {i: entry(False, wrong=2, days_ago=30) for i in rv.PROMPTS}
    for entries in ({}, everything_missed):
        ids = rv.choose(n, entries, now=NOW)
        assert len(ids) == 3 and len(set(ids)) == 3
        assert all(notebook_of(i) < n for i in ids), (n, ids)


@pytest.mark.parametrize("n", LESSONS)
def test_an_empty_record_gives_the_same_three_every_time(n):
    first = rv.choose(n, {}, now=NOW)
    assert rv.choose(n, {}, now=NOW + dt.timedelta(days=400)) == first
    # three notebooks where there are three to draw from
    assert len({notebook_of(i) for i in first}) == min(3, n - 1)


def test_an_empty_record_gives_the_same_three_in_any_process():
    code = ("import celearn as cl; from celearn.exercises import spaced as rv; "
            "print([rv.choose(n, {}) for n in range(2, 13)])")
    seen = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                             text=True, check=True, cwd=ROOT).stdout
        seen.add(out)
    assert len(seen) == 1
    assert seen.pop().strip() == str([rv.choose(n, {}) for n in LESSONS])


@pytest.mark.parametrize("n", [3, 5, 8, 12])
def test_a_missed_exercise_comes_back(n):
    usual = rv.choose(n, {}, now=NOW)
    for missed in pool(n):
        if missed in usual:
            continue
        ids = rv.choose(n, {missed: entry(False, wrong=1, days_ago=1)}, now=NOW)
        assert ids[0] == missed, (missed, ids)


def test_a_solved_exercise_waits_and_an_old_one_comes_back():
    n = 6
    usual = rv.choose(n, {}, now=NOW)
    just_solved = {i: entry(True, days_ago=0.1) for i in usual}
    assert not set(rv.choose(n, just_solved, now=NOW)) & set(usual)
    # everything solved; one of them two months ago: that one first
    solved = {i: entry(True, days_ago=1) for i in pool(n)}
    old = pool(n)[-1]
    solved[old] = entry(True, days_ago=60)
    assert rv.choose(n, solved, now=NOW)[0] == old


def test_missed_beats_old_beats_never_tried_beats_just_solved():
    order = [rv.priority(entry(False, wrong=1, days_ago=0), NOW),
             rv.priority(entry(True, days_ago=30), NOW),
             rv.priority(None, NOW),
             rv.priority(entry(True, days_ago=0), NOW)]
    assert order == sorted(order, reverse=True) and len(set(order)) == 4


def test_review_reads_the_learners_record(record_file):
    usual = cl.exercises.review("09").ids
    missed = next(i for i in pool(9) if i not in usual)
    cl.exercises.check(missed, -12345.0)               # wrong: recorded as missed
    r = cl.exercises.review("09")
    assert r.ids[0] == missed and r.reasons[missed] == "missed last time"
    text = repr(r)
    assert f"[{missed}]" in text and rv.PROMPTS[missed] in text
    assert 'cl.exercises.check("<id>", answer)' in text


@pytest.mark.parametrize("bad", ["x", "1a", True, -1, "01", 1])
def test_a_bad_notebook_is_a_value_error(bad):
    with pytest.raises(ValueError, match="notebook"):
        cl.exercises.review(bad)


def test_a_bad_k_is_a_value_error():
    with pytest.raises(ValueError, match="k must be"):
        cl.exercises.review("05", k=0)


# --------------------------------------------------------------------------- the answer box

def feedback_text(box):
    return "".join(o["data"]["text/plain"] for o in box.output.outputs)


def test_the_answer_box_checks_what_is_typed(record_file):
    box = cl.exercises.ask("01.bits")
    assert "1/1024" in box.question.value
    assert box.answer.description and box.button.description == "Check"
    box.answer.value = "9"
    box.button.click()
    assert feedback_text(box).startswith("❌") and not box.feedback.right
    box.answer.value = " 10 "
    box.button.click()
    assert feedback_text(box).startswith("✅") and box.feedback.right
    assert len(box.output.outputs) == 1                  # the old feedback is replaced
    entry_ = progress.load()["exercises"]["01.bits"]
    assert (entry_["attempts"], entry_["wrong"], entry_["solved"]) == (2, 1, True)


def test_enter_checks_the_answer_and_check_after_it_counts_no_second_attempt(record_file):
    box = cl.exercises.ask("01.bits")
    box.answer.value = "9"                    # what the page sends on Enter (or on leaving)
    assert feedback_text(box).startswith("❌")
    box.button.click()                        # the same text: the same feedback, no attempt
    box.answer.value = "10"
    assert feedback_text(box).startswith("✅")
    entry_ = progress.load()["exercises"]["01.bits"]
    assert (entry_["attempts"], entry_["wrong"], entry_["solved"]) == (2, 1, True)


def test_the_answer_box_takes_arithmetic_and_words(record_file):
    box = cl.exercises.ask("01.halving")
    box.answer.value = "3*ln(2)"
    box.button.click()
    assert box.feedback.right, feedback_text(box)
    words = cl.exercises.ask("04.shift")
    words.answer.value = "No, it doesn't"
    words.button.click()
    assert words.feedback.right, feedback_text(words)


def test_an_empty_box_asks_for_an_answer_and_records_nothing(record_file):
    box = cl.exercises.ask("02.loss")
    box.button.click()
    assert "type it in the box" in feedback_text(box)
    assert progress.load()["exercises"] == {}


def test_an_unknown_exercise_is_a_value_error():
    with pytest.raises(ValueError, match="exercise_id"):
        cl.exercises.ask("99.nothing")


@pytest.mark.parametrize("typed, value", [("1/8", 0.125), ("2^10", 1024.0), ("-ln 0.25", None),
                                          ("ln(4)", 1.3862943611198906), ("88 %", 0.88),
                                          ("__import__('os').getcwd()", None), ("a", None),
                                          ("9**9**9", None), ("1/0", None)])
def test_arithmetic_is_evaluated_without_running_code(typed, value):
    got = rv.arithmetic(typed)
    if typed == "-ln 0.25":
        assert got == pytest.approx(1.3862943611198906)
    elif value is None:
        assert got is None
    else:
        assert got == pytest.approx(value)


def test_the_review_shows_boxes_live_and_text_without_a_kernel(record_file):
    r = cl.exercises.review("04")
    bundle = r._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    for i in r.ids:
        assert f"[{i}]" in bundle["text/plain"] and f"<code>{i}</code>" in bundle["text/html"]
    assert [b.exercise_id for b in r.boxes] == r.ids
    r.boxes[0].answer.value = "-12345"
    r.boxes[0].button.click()
    assert r.boxes[0].feedback is not None and not r.boxes[0].feedback.right


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("[01][0-9]-*.ipynb")),
                         ids=lambda p: p.stem[:2])
def test_each_notebook_from_02_opens_with_its_review_after_the_setup_cell(path):
    n = int(path.name[:2])
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    calls = [k for k, c in enumerate(cells) if "cl.exercises.review(" in "".join(c["source"])]
    if n < 2:
        assert not calls
        return
    setup = next(k for k, c in enumerate(cells) if c["cell_type"] == "code")
    assert calls == [setup + 2], (path.name, calls)
    assert cells[setup + 1]["cell_type"] == "markdown"
    assert re.fullmatch(rf'cl\.exercises\.review\("{n:02d}"\)',
                        "".join(cells[setup + 2]["source"]).strip())
