"""The shape of the course's text, for every notebooks/NN-*.ipynb on disk (new ones included).

Each notebook has an H1 title, "You will learn", a check cell, Summary and Exercises, a link
to the course map, and a last cell that leads to the next notebook by its real file name (the
last notebook leads back to the map) and says to shut the kernel down. Claims are checked in
one place, introduced in one sentence; the text never asks the reader to scroll, or to click
code that the app view (Voila) hides. The list of notebooks comes from the folder, so a
notebook added later is held to the same rules without a change here.
"""
import json
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

NOTEBOOK_DIR = Path(__file__).resolve().parents[1] / "notebooks"
NAME = re.compile(r"^(\d\d)-[a-z0-9-]+\.ipynb$")
COURSE = sorted(p for p in NOTEBOOK_DIR.glob("*.ipynb") if NAME.match(p.name))
INDEX = "00-index.ipynb"
CHECK_TAG = "nbval-check-output"
# a notebook link in markdown: [text](NN-name.ipynb) or (NN-name.ipynb#anchor)
LINK = re.compile(r"\]\(([^)\s#]+\.ipynb)(?:#[^)]*)?\)")


def cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def text(cell):
    return "".join(cell["source"])


def markdown(path):
    return [text(c) for c in cells(path) if c["cell_type"] == "markdown"]


def headings(path):
    return [ln.strip() for md in markdown(path) for ln in md.splitlines() if ln.startswith("#")]


def number(path):
    return int(NAME.match(path.name).group(1))


def lesson_ids(paths):
    return [p.stem for p in paths]


LESSONS = [p for p in COURSE if p.name != INDEX]


def test_the_course_is_numbered_from_00_without_gaps():
    assert COURSE and COURSE[0].name == INDEX, "notebooks/00-index.ipynb (the course map) is missing"
    numbers = [number(p) for p in COURSE]
    assert numbers == list(range(len(COURSE))), (
        f"notebook numbers {numbers} are not 00, 01, ... without gaps or repeats: the 'Next' "
        "links follow the numbers")
    strays = sorted(p.name for p in NOTEBOOK_DIR.glob("*.ipynb") if not NAME.match(p.name))
    assert not strays, f"notebooks not named NN-topic.ipynb (lower case, hyphens): {strays}"


@pytest.mark.parametrize("path", COURSE, ids=lesson_ids(COURSE))
def test_title_is_an_h1_in_the_first_cell(path):
    first = cells(path)[0]
    assert first["cell_type"] == "markdown" and text(first).lstrip().startswith("# "), \
        f"{path.name}: the first cell must be markdown starting with an H1 title ('# ...')"


@pytest.mark.parametrize("path", LESSONS, ids=lesson_ids(LESSONS))
def test_lesson_has_you_will_learn_summary_and_exercises(path):
    md = "\n".join(markdown(path))
    assert "**You will learn**" in md or "You will learn" in headings(path), \
        f"{path.name}: no 'You will learn' list"
    for heading in ("## Summary", "## Exercises"):
        assert heading in headings(path), f"{path.name}: no {heading!r} heading"


@pytest.mark.parametrize("path", COURSE, ids=lesson_ids(COURSE))
def test_a_check_cell_checks_the_claims_and_nbval_compares_its_output(path):
    # 00's check is check_course_folder, which calls check_claim (and does not fail alone in Colab)
    checks = [c for c in cells(path) if c["cell_type"] == "code"
              and ("check_claim(" in text(c) or "check_course_folder(" in text(c))]
    assert checks, f"{path.name}: no check cell (a code cell calling cl.check_claim)"
    for cell in checks:
        assert CHECK_TAG in cell["metadata"].get("tags", []), \
            f"{path.name}: a check cell lacks the {CHECK_TAG!r} tag, so nbval would not compare it"


@pytest.mark.parametrize("path", LESSONS, ids=lesson_ids(LESSONS))
def test_the_check_cell_is_introduced_in_one_sentence(path):
    intros = [md for md in markdown(path) if re.search(r"^#+ .*Check the claims", md, re.M)]
    assert len(intros) == 1, f"{path.name}: expected one 'Check the claims' heading, found {len(intros)}"
    body = re.split(r"^#+ .*Check the claims.*$", intros[0], flags=re.M)[1].strip()
    sentences = re.findall(r"[.!?](?:\s|$)", body)
    assert body and len(sentences) <= 1, \
        f"{path.name}: the 'Check the claims' paragraph is {len(sentences)} sentences; keep one:\n{body}"


@pytest.mark.parametrize("path", LESSONS, ids=lesson_ids(LESSONS))
def test_links_to_the_course_map(path):
    body = markdown(path)[:-1]  # the last cell of the last notebook also links to the map
    assert any(INDEX in LINK.findall(md) for md in body), \
        f"{path.name}: no link to the course map ([course map]({INDEX})) before the last cell"


@pytest.mark.parametrize("path", COURSE, ids=lesson_ids(COURSE))
def test_the_last_cell_leads_to_the_next_notebook_and_says_to_shut_the_kernel_down(path):
    last = cells(path)[-1]
    assert last["cell_type"] == "markdown", f"{path.name}: the last cell must be the 'Next' text"
    position = COURSE.index(path)
    following = COURSE[position + 1].name if position + 1 < len(COURSE) else INDEX
    links = LINK.findall(text(last))
    assert following in links, (
        f"{path.name}: the last cell links {links}, not the next notebook {following!r}")
    assert "Shut Down Kernel" in text(last), \
        f"{path.name}: the last cell does not say to shut this notebook's kernel down"


@pytest.mark.parametrize("path", COURSE, ids=lesson_ids(COURSE))
def test_only_the_last_notebook_says_the_course_is_finished(path):
    md = "\n".join(markdown(path)).lower()
    finished = re.search(r"finished the (whole )?course|end of the course|completed the course", md)
    if path != COURSE[-1]:
        assert not finished, f"{path.name} says {finished.group(0)!r}, but {COURSE[-1].name} follows"


@pytest.mark.parametrize("path", COURSE, ids=lesson_ids(COURSE))
def test_every_notebook_link_points_at_a_notebook_on_disk(path):
    for md in markdown(path):
        for target in LINK.findall(md):
            assert (NOTEBOOK_DIR / target).is_file(), f"{path.name} links {target!r}, which does not exist"


def test_the_course_map_lists_every_notebook():
    listed = {t for md in markdown(NOTEBOOK_DIR / INDEX) for t in LINK.findall(md)}
    missing = [p.name for p in LESSONS if p.name not in listed]
    assert not missing, f"{INDEX}'s course map does not link {missing}"


# Voila (the app view) hides every code cell: text must not send the reader into the code.
HIDDEN_CODE = re.compile(r"scroll up|click the (?:⋯|bar|code)|code (?:is )?collapsed|collapsed code", re.I)
ANSWER_IN_CODE = re.compile(r"in place of `None`|replace `?None`?|run the cell", re.I)


@pytest.mark.parametrize("path", COURSE, ids=lesson_ids(COURSE))
def test_text_fits_the_app_view_that_hides_code(path):
    for md in markdown(path):
        hidden = HIDDEN_CODE.search(md)
        assert not hidden, f"{path.name}: {hidden.group(0)!r} points at code that Voila hides:\n{md[:300]}"
        if ANSWER_IN_CODE.search(md):
            assert "JupyterLab" in md, (
                f"{path.name}: asks to edit or run a cell without saying where (in JupyterLab; "
                f"the app view hides the code):\n{md[:300]}")


# A decimal the prose states ("0.2147", "36.4") must come from the notebook's code: printed by a
# cell, or written into its check cell. Exercise questions (their numbers are inputs) are left out.
DECIMAL = re.compile(r"(?<![\w.$^_{])(\d+\.\d{2,})(?!\w)")


def stated_decimals(path):
    prose = "\n".join(markdown(path)).split("## Exercises", 1)[0]
    prose = re.sub(r"<details>.*?</details>", "", prose, flags=re.S)
    return sorted(set(DECIMAL.findall(prose)))


def computed_text(path):
    code = [c for c in cells(path) if c["cell_type"] == "code"]
    checks = [text(c) for c in code if "check_claim(" in text(c)]
    printed = ["".join(o.get("text", "")) + "".join(o.get("data", {}).get("text/plain", ""))
               for c in code for o in c.get("outputs", [])]
    return "\n".join(checks + printed)


@pytest.mark.parametrize("path", COURSE, ids=lesson_ids(COURSE))
def test_every_decimal_the_text_states_is_printed_or_checked(path):
    computed = computed_text(path)
    unbacked = [n for n in stated_decimals(path) if n not in computed]
    assert not unbacked, (f"{path.name} states {unbacked} in its text, but no cell prints them and "
                          "the check cell does not state them: add them to a check_claim")

