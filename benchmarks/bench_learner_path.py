"""One learner follows every "Next" link: how much kernel memory is alive after each notebook?

For issue 23 (kernels that pile up). Starts a real Jupyter server with the configuration
that binder/ and deploy/ ship (``binder/jupyter_server_config.json``: kernels idle for
10 minutes are culled, connected or not), opens notebooks 00, 01, ... in turn as a learner
does (a new kernel each, every code cell run in order), and after each notebook prints the
kernels still alive and their total resident memory (RSS from /proc), against the issue's
target of 0.5 GB after notebook 10.

Two learners:

* ``shuts down``  -- does what each notebook's last cell says: shuts this notebook's kernel
  down before opening the next;
* ``leaves open`` -- never shuts anything down; spends ``--minutes`` per notebook, running a
  small cell every (scaled) minute as a learner working through it does, then moves on.
  Only the server's idle culling frees the kernels left behind.

Time is scaled by ``--scale`` (default 100: the shipped 600 s culling timeout and 60 s
culling interval become 6 s and 1 s on the command line, a 15-minute stay becomes 9 s), so
the run takes minutes; the culling logic is the server's own, unchanged. Linux only (/proc).
Prints figures; asserts nothing.

    python benchmarks/bench_learner_path.py
    python benchmarks/bench_learner_path.py --last 04 --minutes 5
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import nbformat
from jupyter_client import BlockingKernelClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_classroom import children, cmdline, free_port, rss_mb  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "binder" / "jupyter_server_config.json"
TARGET_MB = 512.0


class Server:
    def __init__(self, workdir, scale):
        shipped = json.loads(CONFIG.read_text())["MappingKernelManager"]
        self.timeout = max(1, round(shipped["cull_idle_timeout"] / scale))
        self.interval = max(1, round(shipped["cull_interval"] / scale))
        self.port, self.token = free_port(), secrets.token_hex(16)
        self.runtime = Path(workdir) / "runtime"
        env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(self.runtime),
                   CELEARN_PROGRESS_FILE=str(Path(workdir) / "progress.json"))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "jupyter_server", f"--config={CONFIG}",
             "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
             f"--IdentityProvider.token={self.token}", "--ServerApp.open_browser=False",
             f"--ServerApp.root_dir={ROOT / 'notebooks'}",
             f"--MappingKernelManager.cull_idle_timeout={self.timeout}",
             f"--MappingKernelManager.cull_interval={self.interval}"]
            + (["--allow-root"] if os.geteuid() == 0 else []),
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while True:
            try:
                self.api("GET", "/api/status")
                break
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    self.stop()
                    raise RuntimeError("the Jupyter server did not start in 60 s")
                time.sleep(0.3)

    def api(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data,
                                     method=method, headers={
                                         "Authorization": f"token {self.token}",
                                         "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as resp:
            text = resp.read().decode()
            return json.loads(text) if text else None

    def kernels(self):
        """{kernel id: RSS in MB} of the kernels alive now."""
        alive = {k["id"] for k in self.api("GET", "/api/kernels")}
        out = {}
        for pid in children(self.proc.pid):
            line = cmdline(pid)
            for kid in alive:
                if f"kernel-{kid}.json" in line:
                    out[kid] = out.get(kid, 0.0) + rss_mb(pid)
        return out

    def stop(self):
        for pid in children(self.proc.pid):
            try:
                os.kill(pid, 15)
            except OSError:
                pass
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def open_notebook(server, path):
    """A new kernel for ``path`` with every code cell run (as Run All does); its client."""
    kid = server.api("POST", "/api/kernels", {"name": "python3", "path": path.name})["id"]
    client = BlockingKernelClient(connection_file=str(server.runtime / f"kernel-{kid}.json"))
    client.load_connection_file()
    client.start_channels(hb=False)      # no heartbeat: under load it can miss a beat
    client.kernel_info()
    client.get_shell_msg(timeout=120)
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "code" and cell.source.strip():
            reply = client.execute_interactive(cell.source, timeout=600,
                                               output_hook=lambda msg: None)
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"{path.name}: a cell failed: {reply['content'].get('ename')}")
    return kid, client


def walk(server, notebooks, mode, minutes, scale):
    print(f"\n## learner who {mode} (culling after {server.timeout} s idle, checked every "
          f"{server.interval} s = the shipped 600 s / 60 s scaled by 1/{scale})\n")
    print("| notebook | kernels alive when leaving it | their RSS (MB) | most RSS while in it (MB) | target |")
    print("|---|---|---|---|---|")
    last = None
    for path in notebooks:
        kid, client = open_notebook(server, path)
        stay = minutes * 60 / scale
        end = time.monotonic() + stay
        most = sum(server.kernels().values())
        while time.monotonic() < end:                    # working in it: the kernel stays active
            client.execute_interactive("_ = 1", timeout=60, output_hook=lambda msg: None)
            time.sleep(min(60 / scale, max(0.0, end - time.monotonic())))
            most = max(most, sum(server.kernels().values()))
        client.stop_channels()
        if mode == "shuts down":
            server.api("DELETE", f"/api/kernels/{kid}")
        alive = server.kernels()
        total = sum(alive.values())
        verdict = "meets the target" if max(most, total) <= TARGET_MB else "OVER"
        print(f"| {path.stem} | {len(alive)} | {total:.0f} | {most:.0f} | "
              f"≤ {TARGET_MB:.0f} MB: {verdict} |", flush=True)
        last = total
    return last


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--last", default="10", help="the last notebook opened (prefix, default 10)")
    ap.add_argument("--minutes", type=float, default=15.0,
                    help="minutes a learner spends in each notebook (default 15)")
    ap.add_argument("--scale", type=float, default=100.0, help="time scale (default 100)")
    ap.add_argument("--modes", nargs="+", default=["shuts down", "leaves open"],
                    choices=["shuts down", "leaves open"])
    args = ap.parse_args(argv)
    notebooks = [p for p in sorted((ROOT / "notebooks").glob("*.ipynb"))
                 if p.name[:2] <= args.last[:2]]
    print(f"# one learner, notebooks {notebooks[0].stem} … {notebooks[-1].stem}, "
          f"{args.minutes:g} minutes each")
    with tempfile.TemporaryDirectory(prefix="celearn-path-") as workdir:
        for mode in args.modes:
            server = Server(workdir, args.scale)
            try:
                walk(server, notebooks, mode, args.minutes, args.scale)
            finally:
                server.stop()


if __name__ == "__main__":
    main()
