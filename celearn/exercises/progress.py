"""The learner's progress record: which exercises are solved, attempts, first and last time.

A small JSON file on the learner's own machine (no network, no account)::

    <Jupyter data directory>/celearn/progress.json

(``jupyter --data-dir`` prints that directory); the environment variable
``CELEARN_PROGRESS_FILE`` names another file (the test suite and CI use it).
:func:`celearn.exercises.check` records every attempt that gives an answer (right or
wrong; ``None`` records nothing). ``cl.progress()`` shows the record as a table;
``cl.progress(reset=True)`` forgets it.

The file is written atomically (a temporary file in the same folder, then
``os.replace``), so a crash mid-write leaves the old record whole. A file that cannot
be read as a record (corrupt, unreadable, another schema) is replaced by a fresh one
with a warning; where the folder cannot be written (read-only, or not creatable) the
record is kept in memory for this kernel, with one warning.
"""
from __future__ import annotations

import datetime as _dt
import html
import json
import os
import tempfile
import warnings
from pathlib import Path

ENV_VAR = "CELEARN_PROGRESS_FILE"
SCHEMA = 1

_MEMORY: dict[str, dict] = {}
"""Records kept in memory, by file path, where the file cannot be written."""
_WARNED: set[str] = set()


def path() -> Path:
    """The file of the progress record: ``$CELEARN_PROGRESS_FILE`` or the Jupyter data dir."""
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override).expanduser()
    try:
        from jupyter_core.paths import jupyter_data_dir
        base = Path(jupyter_data_dir())
    except ImportError:  # jupyter_core is absent outside Jupyter: its default location
        base = Path.home() / ".local" / "share" / "jupyter"
    return base / "celearn" / "progress.json"


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


def _empty() -> dict:
    return {"schema": SCHEMA, "exercises": {}}


def _valid(data) -> bool:
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        return False
    entries = data.get("exercises")
    if not isinstance(entries, dict):
        return False
    for entry in entries.values():
        if not (isinstance(entry, dict) and isinstance(entry.get("solved"), bool)
                and isinstance(entry.get("attempts"), int)
                and isinstance(entry.get("wrong"), int)
                and isinstance(entry.get("first"), str)
                and isinstance(entry.get("last"), str)):
            return False
    return True


def _warn_once(key, message):
    if key not in _WARNED:
        _WARNED.add(key)
        warnings.warn(message, UserWarning, stacklevel=3)


def _write(file: Path, data: dict) -> bool:
    """Write ``data`` atomically; False (and the record kept in memory) where it cannot."""
    text = json.dumps(data, indent=1, sort_keys=True)
    tmp = None
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".progress-", suffix=".tmp", dir=file.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, file)
        tmp = None
    except OSError as err:
        _MEMORY[str(file)] = data
        _warn_once(("write", str(file)),
                   f"celearn could not write its progress record {file} ({err.strerror or err}); "
                   f"your progress is kept in memory until the kernel stops. To keep it, set "
                   f"the environment variable {ENV_VAR} to a file in a folder you can write.")
        return False
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
    _MEMORY.pop(str(file), None)
    return True


def load() -> dict:
    """The record as a dict ``{"schema": 1, "exercises": {id: entry}}`` (never raises).

    A missing file is an empty record; a file that cannot be read as a record is
    replaced by an empty one, with a warning naming the file.
    """
    file = path()
    if str(file) in _MEMORY:
        return _MEMORY[str(file)]
    try:
        text = file.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):  # not there yet (or its folder cannot be)
        return _empty()
    except (OSError, UnicodeDecodeError) as err:
        problem = f"could not be read ({getattr(err, 'strerror', None) or err})"
    else:
        try:
            data = json.loads(text)
        except ValueError:
            problem = "is not valid JSON (corrupt)"
        else:
            if _valid(data):
                return data
            problem = "is not a celearn progress record of schema 1"
    fresh = _empty()
    if _write(file, fresh):
        done = "it was replaced by an empty record"
    else:
        done = "an empty record is kept in memory instead"
    warnings.warn(f"celearn's progress record {file} {problem}: {done}.", UserWarning,
                  stacklevel=2)
    return fresh


def record(exercise_id: str, right: bool, *, when: str | None = None) -> dict:
    """Record one attempt at ``exercise_id`` (right or wrong); returns its entry."""
    data = load()
    when = when or _now()
    entry = data["exercises"].get(exercise_id)
    if entry is None:
        entry = data["exercises"][exercise_id] = {
            "solved": False, "attempts": 0, "wrong": 0, "first": when, "last": when}
    entry["attempts"] += 1
    entry["last"] = when
    if right:
        entry["solved"] = True
    else:
        entry["wrong"] += 1
    _write(path(), data)
    return entry


def clear():
    """Forget the whole record (the file is rewritten empty): ``cl.progress(reset=True)``."""
    _write(path(), _empty())


# --------------------------------------------------------------------------- the table

def _notebook_of(exercise_id):
    return exercise_id.split(".", 1)[0]


def _short_time(stamp):
    """'2026-12-05 18:09 UTC' from an ISO time stamp."""
    try:
        t = _dt.datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if t.tzinfo is not None:
        t = t.astimezone(_dt.timezone.utc)
    return t.strftime("%Y-%m-%d %H:%M UTC")


class Progress:
    """The progress record as a table (``repr``: plain text; in Jupyter: HTML).

    Attributes
    ----------
    entries : dict
        ``{exercise id: {"solved", "attempts", "wrong", "first", "last"}}``.
    total : int
        How many exercises the course has.
    """

    def __init__(self, entries, total):
        self.entries = {k: dict(v) for k, v in sorted(entries.items())}
        self.total = total

    @property
    def solved(self):
        """Ids of the solved exercises, sorted."""
        return [k for k, v in self.entries.items() if v["solved"]]

    def summary(self):
        n = len(self.entries)
        if not n:
            return (f"No exercise attempted yet: 0 of {self.total} solved. Each check of an "
                    "answer is recorded here (on this computer only).")
        return (f"{len(self.solved)} of {self.total} exercises solved; {n} attempted "
                f"({sum(v['attempts'] for v in self.entries.values())} checks in all).")

    def rows(self):
        """(id, notebook, "yes"/"no", attempts, wrong, first, last) per attempted exercise."""
        return [(k, _notebook_of(k), "yes" if v["solved"] else "no", v["attempts"],
                 v["wrong"], _short_time(v["first"]), _short_time(v["last"]))
                for k, v in self.entries.items()]

    _HEAD = ("exercise", "notebook", "solved", "attempts", "wrong", "first", "last")

    def __repr__(self):
        lines = ["Your progress. " + self.summary()]
        rows = self.rows()
        if rows:
            cells = [self._HEAD] + [tuple(str(c) for c in r) for r in rows]
            widths = [max(len(r[i]) for r in cells) for i in range(len(self._HEAD))]
            for r in cells:
                lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
        lines.append("Reset it with cl.progress(reset=True).")
        return "\n".join(lines)

    def _repr_html_(self):
        parts = ['<div class="celearn-progress">',
                 f"<p><strong>Your progress.</strong> {html.escape(self.summary())}</p>"]
        rows = self.rows()
        if rows:
            parts.append('<table><caption style="text-align:left">Exercises you have '
                         "checked</caption><thead><tr>")
            parts += [f'<th scope="col">{h}</th>' for h in self._HEAD]
            parts.append("</tr></thead><tbody>")
            for r in rows:
                mark = "✔ yes" if r[2] == "yes" else "✘ no"
                cells = [f'<th scope="row"><code>{html.escape(r[0])}</code></th>',
                         f"<td>{r[1]}</td>", f"<td>{mark}</td>",
                         *(f"<td>{html.escape(str(c))}</td>" for c in r[3:])]
                parts.append("<tr>" + "".join(cells) + "</tr>")
            parts.append("</tbody></table>")
        parts.append("<p>Reset it with <code>cl.progress(reset=True)</code>.</p></div>")
        return "".join(parts)


def progress(*, reset: bool = False) -> Progress:
    """The progress record as a table; ``reset=True`` forgets it first.

    Examples
    --------
    >>> import celearn as cl
    >>> table = cl.progress(reset=True)
    >>> table.entries
    {}
    """
    if not isinstance(reset, bool):
        raise ValueError(f"reset must be True or False, got {reset!r}; pass reset=True to "
                         "forget the record.")
    if reset:
        clear()
    from . import exercises
    return Progress(load()["exercises"], len(exercises()))
