"""Repository-level promises: Binder matches requirements, notebooks are saved cleanly."""
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def package_names(path):
    names = set()
    for line in (ROOT / path).read_text().splitlines():
        line = line.split("#")[0].strip()
        if not line or line.startswith("-"):
            continue
        names.add(re.split(r"[<>=!~\[; ]", line, maxsplit=1)[0].lower().replace("_", "-"))
    return names


def test_binder_pins_the_same_packages_as_requirements():
    assert package_names("binder/requirements.txt") == package_names("requirements.txt")


def test_binder_pins_exact_versions():
    for line in (ROOT / "binder/requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            assert "==" in line, f"binder/requirements.txt: {line!r} is not pinned"


def test_binder_has_no_test_only_packages():
    test_only = package_names("requirements-test.txt") - package_names("requirements.txt")
    assert test_only and not (test_only & package_names("binder/requirements.txt"))


def test_readme_quick_start_has_two_commands():
    readme = (ROOT / "README.md").read_text()
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```(?:bash|sh)?\n(.*?)```", quick, flags=re.S)
    lines = [ln for block in commands for ln in block.strip().splitlines() if ln.strip()]
    assert len(lines) == 2, lines
    assert "jupyter lab" in lines[0] and "pytest" in lines[1]
    ci = (ROOT / ".ci/run").read_text()
    assert lines[1].replace("pip ", "python -m pip ").replace("&& pytest", "&& python -m pytest") in ci


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_saved_executed_without_widget_state(path):
    nb = json.loads(path.read_text())
    assert "widgets" not in nb["metadata"], "saved widget state: run tools/execute_notebooks.py"
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(c["execution_count"] for c in code), "notebook is not saved executed"
    counts = [c["execution_count"] for c in code]
    assert counts == list(range(1, len(code) + 1)), "not executed top to bottom in one kernel"
    for cell in code:
        for out in cell["outputs"]:
            assert out["output_type"] != "error", f"saved error output in {path.name}"
            assert "application/vnd.jupyter.widget-view+json" not in out.get("data", {}), \
                "saved widget view would show 'model not found': run tools/execute_notebooks.py"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_shape(path):
    nb = json.loads(path.read_text())
    md = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert md.lstrip().startswith("# "), "no H1 title"
    if path.name.startswith("00"):
        return
    for heading in ("You will learn", "## Summary", "## Exercises"):
        assert heading in md, f"{path.name}: missing {heading!r}"
    code = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    assert code[0].startswith("import numpy as np") and "cl.use_style()" in code[0]
    assert "default_rng(0)" in code[0]
    assert any("cl.widgets." in c for c in code), "no explorer"
    assert any("assert " in c or "check_claim(" in c for c in code), "no check cell"
    assert sum("import " in c for c in code) == 1, "imports belong in the one setup cell"


def test_binder_server_config_culls_idle_kernels_after_ten_minutes(tmp_path):
    """What postBuild installs is read by a real jupyter_server: kernels idle for 10
    minutes are culled, also those whose tab is still open; an existing setting in the
    same file is kept."""
    import subprocess
    import sys

    etc = tmp_path / "etc" / "jupyter"
    etc.mkdir(parents=True)
    (etc / "jupyter_server_config.json").write_text('{"ServerApp": {"shutdown_no_activity_timeout": 7}}')
    subprocess.run([sys.executable, str(ROOT / "binder" / "install_server_config.py"), str(tmp_path)],
                   check=True, capture_output=True)
    code = ("from jupyter_server.serverapp import ServerApp; app = ServerApp(); "
            "app.initialize(argv=['--allow-root', '--port=0', '--no-browser']); "
            "km = app.kernel_manager; "
            "print(km.cull_idle_timeout, km.cull_connected, km.cull_interval, "
            "app.shutdown_no_activity_timeout)")
    env = {**__import__("os").environ, "JUPYTER_CONFIG_PATH": str(etc),
           "JUPYTER_CONFIG_DIR": str(tmp_path / "home")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         check=True, timeout=120).stdout.split()
    assert out == ["600", "True", "60", "7"]
    assert "binder/install_server_config.py" in (ROOT / "binder" / "postBuild").read_text()
