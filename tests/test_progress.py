"""The local progress record: written atomically, never crashing on a bad file, fed by check()."""
import json
import os
import warnings

import pytest

import celearn as cl
from celearn.exercises import progress

pytestmark = pytest.mark.unit


@pytest.fixture
def record_file(tmp_path, monkeypatch):
    """A fresh record file for one test (and no memory of earlier tests' warnings)."""
    file = tmp_path / "sub" / "progress.json"
    monkeypatch.setenv(progress.ENV_VAR, str(file))
    monkeypatch.setattr(progress, "_MEMORY", {})
    monkeypatch.setattr(progress, "_WARNED", set())
    return file


def read(file):
    return json.loads(file.read_text(encoding="utf-8"))


def test_the_environment_variable_names_the_file(record_file):
    assert progress.path() == record_file
    progress.record("01.bits", True)
    assert read(record_file)["exercises"]["01.bits"]["solved"] is True


def test_without_the_variable_the_file_is_in_the_jupyter_data_directory(monkeypatch):
    from jupyter_core.paths import jupyter_data_dir

    monkeypatch.delenv(progress.ENV_VAR, raising=False)
    assert progress.path() == progress.Path(jupyter_data_dir()) / "celearn" / "progress.json"


def test_a_missing_file_is_created_by_the_first_attempt(record_file):
    assert not record_file.exists() and not record_file.parent.exists()
    assert progress.load()["exercises"] == {}                 # reading creates nothing
    assert not record_file.exists()
    progress.record("01.halving", False)
    data = read(record_file)
    assert data["schema"] == progress.SCHEMA
    entry = data["exercises"]["01.halving"]
    assert (entry["solved"], entry["attempts"], entry["wrong"]) == (False, 1, 1)


def test_attempts_first_and_last_time(record_file):
    progress.record("02.loss", False, when="2026-01-01T10:00:00+00:00")
    progress.record("02.loss", True, when="2026-01-03T10:00:00+00:00")
    progress.record("02.loss", False, when="2026-01-05T10:00:00+00:00")
    entry = read(record_file)["exercises"]["02.loss"]
    assert entry == {"solved": True, "attempts": 3, "wrong": 2,
                     "first": "2026-01-01T10:00:00+00:00", "last": "2026-01-05T10:00:00+00:00"}


@pytest.mark.parametrize("step", ["fsync", "replace"])
def test_a_crash_mid_write_leaves_the_old_file_whole(record_file, monkeypatch, step):
    progress.record("01.bits", True)
    before = record_file.read_bytes()

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("the kernel died here")

    monkeypatch.setattr(progress.os, step, crash)
    with pytest.raises(KeyboardInterrupt):
        progress.record("01.halving", False)
    monkeypatch.undo()
    assert record_file.read_bytes() == before                  # the old record, whole
    assert os.listdir(record_file.parent) == ["progress.json"]  # no temporary file left
    assert list(read(record_file)["exercises"]) == ["01.bits"]


@pytest.mark.parametrize("content", ['{"schema": 1, "exercises": {"01.bits": ', "\x00\x01 garbage",
                                     "[1, 2, 3]", '{"schema": 99, "exercises": {}}',
                                     '{"schema": 1, "exercises": {"01.bits": {"solved": "yes"}}}'],
                         ids=["truncated", "binary", "a list", "another schema", "bad entry"])
def test_a_corrupt_file_is_replaced_with_a_warning(record_file, content):
    record_file.parent.mkdir()
    record_file.write_text(content, encoding="utf-8")
    with pytest.warns(UserWarning) as caught:
        progress.record("01.compare", True)
    message = str(caught[0].message)
    assert str(record_file) in message and "replaced" in message
    data = read(record_file)                                   # a valid record again
    assert data["schema"] == progress.SCHEMA
    assert list(data["exercises"]) == ["01.compare"]


def test_an_unreadable_file_is_a_warning_not_a_crash(record_file):
    record_file.mkdir(parents=True)                 # a folder where the file should be
    with pytest.warns(UserWarning, match="could not"):
        progress.record("01.bits", True)
    assert progress.load()["exercises"]["01.bits"]["solved"] is True   # kept in memory


def test_a_folder_that_cannot_be_made_warns_once_and_keeps_the_record_in_memory(
        tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(progress.ENV_VAR, str(blocker / "celearn" / "progress.json"))
    monkeypatch.setattr(progress, "_MEMORY", {})
    monkeypatch.setattr(progress, "_WARNED", set())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        progress.record("01.bits", False)
        progress.record("01.bits", True)
        progress.record("01.halving", True)
    assert len(caught) == 1, [str(w.message) for w in caught]
    assert "in memory" in str(caught[0].message) and progress.ENV_VAR in str(caught[0].message)
    entries = cl.progress().entries
    assert entries["01.bits"]["attempts"] == 2 and entries["01.bits"]["solved"]
    assert entries["01.halving"]["solved"]


def test_check_records_each_attempt_and_none_records_nothing(record_file):
    cl.exercises.reset_attempts()
    cl.exercises.check("01.bits", None)
    assert progress.load()["exercises"] == {}
    cl.exercises.check("01.bits", 9)
    cl.exercises.check("01.bits", 10)
    cl.exercises.check("01.halving", "not a number")
    entries = progress.load()["exercises"]
    assert (entries["01.bits"]["attempts"], entries["01.bits"]["wrong"]) == (2, 1)
    assert entries["01.bits"]["solved"] is True
    assert entries["01.halving"]["solved"] is False


def test_an_unwritten_function_records_nothing(record_file):
    cl.exercises.check("01.surprisal", lambda p: None)         # a stub, no answer yet
    assert progress.load()["exercises"] == {}


def test_the_table_and_reset(record_file):
    empty = cl.progress()
    total = len(cl.exercises.exercises())
    assert empty.entries == {} and f"0 of {total}" in repr(empty)
    cl.exercises.check("02.loss", 1.386)
    cl.exercises.check("03.uniform", 2.0)
    table = cl.progress()
    text = repr(table)
    assert f"1 of {total}" in text
    row = next(line for line in text.splitlines() if line.startswith("02.loss"))
    assert row.split()[:5] == ["02.loss", "02", "yes", "1", "0"]
    row = next(line for line in text.splitlines() if line.startswith("03.uniform"))
    assert row.split()[:5] == ["03.uniform", "03", "no", "1", "1"]
    page = table._repr_html_()
    assert "<table" in page and "<code>03.uniform</code>" in page and "✘ no" in page
    assert cl.progress(reset=True).entries == {}
    assert read(record_file)["exercises"] == {}


def test_reset_must_be_a_bool(record_file):
    with pytest.raises(ValueError, match="reset must be True or False"):
        cl.progress(reset="yes")


def test_a_read_only_folder_warns_once_and_keeps_the_record_in_memory(record_file, monkeypatch):
    progress.record("01.bits", False)                           # written while writable
    def read_only(*args, **kwargs):                             # as a read-only folder answers
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(progress.tempfile, "mkstemp", read_only)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        progress.record("01.bits", True)
        progress.record("01.halving", True)
    assert len(caught) == 1 and "Permission denied" in str(caught[0].message)
    assert list(read(record_file)["exercises"]) == ["01.bits"]  # the file as it was
    entries = cl.progress().entries                             # the memory has all three
    assert entries["01.bits"]["attempts"] == 2 and entries["01.halving"]["solved"]


def test_the_suite_never_uses_the_learners_own_record():
    # conftest.py points the variable at a temporary file for the whole session
    from jupyter_core.paths import jupyter_data_dir

    file = progress.Path(os.environ[progress.ENV_VAR])
    assert file.parent.name.startswith("celearn-progress-")
    assert progress.Path(jupyter_data_dir()) not in file.parents
