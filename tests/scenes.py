"""Run an explorer's browser scene (celearn/widgets/js) in node and compare it with Python.

The browser draws every moving mark and the readout from ``js/<name>.js``; Python's
``Explorer.scene`` computes the same scene from celearn's functions.  ``compare``
checks that both give the same marks, the same readout text and the same numbers
(to ``rtol``), state by state.
"""
from __future__ import annotations

import html
import json
import math
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from celearn.widgets._base import scene_js

NODE = shutil.which("node") or shutil.which("nodejs")
_TAGS = re.compile(r"<[^>]+>")
_NUM = re.compile(r'data-value="([^"]+)"')

RUNNER = """
import * as m from "./scene.mjs";
const input = JSON.parse(await new Promise((resolve) => {
  let data = ""; process.stdin.on("data", (c) => data += c); process.stdin.on("end", () => resolve(data));
}));
const out = input.states.map((s, i) => m.scene(s, input.params, (input.lives || [])[i]));
const drags = (input.drags || []).map(([id, x, y, s]) => m.drag(id, x, y, s, input.params));
const reacts = (input.reacts || []).map(([name, s]) => m.react ? (m.react(name, s, input.params) ?? null) : null);
process.stdout.write(JSON.stringify({ scenes: out, drags, reacts }, (k, v) =>
  typeof v === "number" && !Number.isFinite(v) ? String(v) : v));
"""


def run_js(name, states, params, drags=(), reacts=(), lives=None):
    """Scenes (and drag results) computed by the browser's code, in node.

    ``lives``: for kernel-drawn scenes, what the kernel sent (``board.live``) at each state.
    """
    if NODE is None:
        raise RuntimeError("node is needed to run the explorers' JavaScript in tests; "
                           "install Node.js (apt-get install nodejs)")
    with tempfile.TemporaryDirectory() as d:
        src = scene_js(name) + "\nexport { scene, drag };\n"
        for optional in ("keyStep", "react"):
            if f"function {optional}" in src:
                src += f"export {{ {optional} }};\n"
        (Path(d) / "scene.mjs").write_text(src)
        (Path(d) / "run.mjs").write_text(RUNNER)
        payload = json.dumps({"states": states, "params": params, "drags": list(drags),
                              "reacts": list(reacts), "lives": list(lives or [])})
        proc = subprocess.run([NODE, "run.mjs"], cwd=d, input=payload, capture_output=True,
                              text=True, timeout=120)
    if proc.returncode:
        raise RuntimeError(f"node failed on {name}.js:\n{proc.stderr}")
    out = json.loads(proc.stdout)
    if reacts:
        return out["scenes"], out["drags"], out["reacts"]
    return out["scenes"], out["drags"]


def _num(v):
    if isinstance(v, str) and v in ("Infinity", "-Infinity", "NaN"):
        return float(v.replace("Infinity", "inf").replace("NaN", "nan"))
    return v


def _close(a, b, rtol, atol):
    a, b = float(_num(a)), float(_num(b))
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= atol + rtol * max(abs(a), abs(b))


def _compare_value(path, py, js, rtol, atol, problems):
    js = _num(js)
    if isinstance(py, (list, tuple)):
        if not isinstance(js, list) or len(js) != len(py):
            problems.append(f"{path}: Python {py!r} vs JS {js!r}")
            return
        for i, (a, b) in enumerate(zip(py, js)):
            _compare_value(f"{path}[{i}]", a, b, rtol, atol, problems)
    elif isinstance(py, bool) or isinstance(py, str) or py is None:
        if py != js:
            problems.append(f"{path}: Python {py!r} vs JS {js!r}")
    elif isinstance(py, (int, float)):
        if not isinstance(js, (int, float)) or not _close(py, js, rtol, atol):
            problems.append(f"{path}: Python {py!r} vs JS {js!r}")
    else:
        problems.append(f"{path}: unexpected Python value {py!r}")


def readout_numbers(readout):
    """The key value and the visible text of a readout's HTML."""
    m = _NUM.search(readout)
    return (float(m.group(1)) if m else None,
            html.unescape(_TAGS.sub("", readout)).strip())


def compare(py_scene, js_scene, *, rtol=1e-9, atol=1e-12):
    """A list of differences between Python's and the browser's scene (empty when equal)."""
    problems = []
    if not _close(py_scene["value"], js_scene["value"], rtol, atol):
        problems.append(f"value: Python {py_scene['value']!r} vs JS {js_scene['value']!r}")
    pv, pt = readout_numbers(py_scene["readout"])
    jv, jt = readout_numbers(js_scene["readout"])
    if pt != jt:
        problems.append(f"readout text: Python {pt!r} vs JS {jt!r}")
    if pv is None or jv is None or not _close(pv, jv, rtol, atol):
        problems.append(f"readout key value: Python {pv!r} vs JS {jv!r}")
    ptrend = re.search(r'data-trend="(\w+)"', py_scene["readout"])
    jtrend = re.search(r'data-trend="(\w+)"', js_scene["readout"])
    if (ptrend and ptrend.group(1)) != (jtrend and jtrend.group(1)):
        problems.append("readout data-trend differs")
    pm, jm = py_scene["marks"], js_scene["marks"]
    if len(pm) != len(jm):
        return problems + [f"{len(pm)} marks in Python, {len(jm)} in JS"]
    for i, (a, b) in enumerate(zip(pm, jm)):
        keys = set(a) | set(b)
        for k in sorted(keys):
            if k not in a or k not in b:
                problems.append(f"mark {i} ({a.get('kind')}): field {k!r} only in "
                                f"{'Python' if k in a else 'JS'}")
                continue
            _compare_value(f"mark {i} ({a.get('kind')}).{k}", a[k], b[k], rtol, atol, problems)
    return problems
