"""A class on one server: N simulated learners on a real JupyterHub, dragging an explorer.

For issue 23. Starts JupyterHub on 127.0.0.1 (its dummy authenticator, the simple
local-process spawner, configurable-http-proxy from npm) once, and grows one class to
each N in turn (10, then 20, 40, 60: only the new learners start). Each learner: the hub
creates the user and starts their single-user server, a kernel starts, and the notebook's
setup cell and explorer cell run over the kernel websocket. Then every learner of the
class sends the explorer's ``state`` changes at 10 per second for ``--seconds`` (as a
dragging browser's throttled saves do: a widget ``update`` comm message). For each N it
prints (``start s``: the time the new learners took to be ready)

* memory: the hub + proxy, all single-user servers, all kernels (RSS, MB);
* CPU: cores used by servers + kernels during the drag phase (and by the kernels alone);
* latency: p50 / p95 from a state message to the kernel's reply (the ``idle`` status
  whose parent is that message: the kernel has applied the state and sent its answer);
* failures: kernels that died, replies that never came (within 5 s).

Everything it starts is stopped at the end (by PID), also on Ctrl-C. Bounded in time:
each N has a start-up deadline and a fixed drag phase. Needs ``pip install jupyterhub``
and Node.js with npm (it installs configurable-http-proxy into a temporary folder, or
uses ``--proxy PATH``). Linux only (/proc). Prints figures; asserts nothing.

    python benchmarks/bench_classroom.py --learners 10 20 40 60
    python benchmarks/bench_classroom.py --learners 2 --seconds 10      # a quick try
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETUP = ("import numpy as np\nimport matplotlib.pyplot as plt\nimport celearn as cl\n"
         "cl.use_style()\nrng = np.random.default_rng(0)")
EXPLORER = "explorer = cl.widgets.LogExplorer()\nprint(explorer.model_id)"
RATE = 10                       # state messages per second per learner
REPLY_TIMEOUT = 5.0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cpu_seconds(pid):
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return 0.0


def children(pid):
    """All descendants of ``pid`` (from /proc)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int(open(entry / "stat").read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def cmdline(pid):
    try:
        return open(f"/proc/{pid}/cmdline").read().replace("\0", " ")
    except OSError:
        return ""


def ensure_proxy(workdir, given):
    if given:
        return given
    found = shutil.which("configurable-http-proxy")
    if found:
        return found
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("bench_classroom needs Node.js and npm (configurable-http-proxy), or --proxy PATH")
    subprocess.run([npm, "install", "--silent", "--prefix", str(workdir / "chp"),
                    "configurable-http-proxy"], check=True, stdout=subprocess.DEVNULL)
    return str(workdir / "chp" / "node_modules" / ".bin" / "configurable-http-proxy")


HUB_CONFIG = """
c = get_config()  # noqa
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api}"
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.JupyterHub.authenticator_class = "dummy"
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {homes!r} + "/{{username}}"
c.Spawner.args = ["--allow-root", "--ServerApp.root_dir=" + {notebooks!r}]
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.JupyterHub.concurrent_spawn_limit = 200
c.JupyterHub.db_url = "sqlite:///" + {db!r}
c.JupyterHub.cookie_secret_file = {secret!r}
c.JupyterHub.pid_file = {pidfile!r}
c.JupyterHub.load_roles = [{{"name": "bench", "scopes": ["admin:users", "admin:servers",
    "tokens", "access:servers"], "services": ["bench"]}}]
c.JupyterHub.services = [{{"name": "bench", "api_token": {token!r}}}]
c.JupyterHub.cleanup_servers = True
"""


class Hub:
    def __init__(self, workdir, proxy):
        self.workdir = workdir
        self.port, self.hub_port, self.proxy_api = free_port(), free_port(), free_port()
        self.token = secrets.token_hex(16)
        homes = workdir / "homes"
        homes.mkdir(parents=True)
        (workdir / "secret").write_bytes(secrets.token_bytes(32).hex().encode())
        (workdir / "secret").chmod(0o600)
        config = HUB_CONFIG.format(
            port=self.port, hub_port=self.hub_port, proxy_api=self.proxy_api, proxy=proxy,
            homes=str(homes), notebooks=str(ROOT / "notebooks"), db=str(workdir / "hub.sqlite"),
            secret=str(workdir / "secret"), pidfile=str(workdir / "hub.pid"), token=self.token)
        (workdir / "jupyterhub_config.py").write_text(config)
        self.log = open(workdir / "hub.log", "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(workdir / "jupyterhub_config.py")],
            cwd=workdir, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        self.base = f"http://127.0.0.1:{self.port}"

    def stop(self):
        pids = children(self.proc.pid)
        for pid in [self.proc.pid, *pids]:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            pass
        for pid in [self.proc.pid, *pids]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.log.close()


async def http(session, method, url, token, body=None, ok=(200, 201, 202, 204)):
    headers = {"Authorization": f"token {token}"}
    async with session.request(method, url, headers=headers, json=body) as resp:
        text = await resp.text()
        if resp.status not in ok:
            raise RuntimeError(f"{method} {url}: {resp.status} {text[:200]}")
        return json.loads(text) if text else None


def message(msg_type, content, session_id, channel="shell"):
    return {"header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "bench",
                       "session": session_id, "date": "", "version": "5.3"},
            "parent_header": {}, "metadata": {}, "content": content, "channel": channel,
            "buffers": []}


class Learner:
    def __init__(self, name):
        self.name = name
        self.latencies, self.lost, self.errors = [], 0, []
        self.kernel_dead = False

    async def start(self, hub, session):
        api = f"{hub.base}/hub/api"
        await http(session, "POST", f"{api}/users/{self.name}", hub.token, ok=(201, 409))
        await http(session, "POST", f"{api}/users/{self.name}/server", hub.token, ok=(201, 202, 400))
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            user = await http(session, "GET", f"{api}/users/{self.name}", hub.token)
            server = (user.get("servers") or {}).get("", {})
            if server.get("ready"):
                break
            await asyncio.sleep(0.5)
        else:
            raise RuntimeError(f"{self.name}: server not ready in 180 s")
        token = await http(session, "POST", f"{api}/users/{self.name}/tokens", hub.token,
                           body={"note": "bench", "expires_in": 3600})
        self.token = token["token"]
        self.base = f"{hub.base}/user/{self.name}"
        kernel = await http(session, "POST", f"{self.base}/api/kernels", self.token,
                            body={"name": "python3"})
        self.kernel_id = kernel["id"]
        self.session_id = uuid.uuid4().hex
        url = (f"ws://127.0.0.1:{hub.port}/user/{self.name}/api/kernels/{self.kernel_id}"
               f"/channels?session_id={self.session_id}")
        self.ws = await session.ws_connect(url, headers={"Authorization": f"token {self.token}"},
                                           max_msg_size=0)
        self.waiting = {}
        self.reader = asyncio.ensure_future(self.read())
        out = await self.execute(SETUP + "\n" + EXPLORER, timeout=120)
        self.model_id = out.strip().splitlines()[-1]

    async def read(self):
        async for msg in self.ws:
            if msg.type.name != "TEXT":
                if msg.type.name in ("CLOSED", "ERROR"):
                    break
                continue
            data = json.loads(msg.data)
            parent = data.get("parent_header", {}).get("msg_id")
            entry = self.waiting.get(parent)
            if entry is None:
                continue
            kind = data["header"]["msg_type"]
            if kind == "stream":
                entry["out"].append(data["content"].get("text", ""))
            elif kind == "error":
                entry["out"].append("ERROR " + data["content"].get("ename", ""))
            elif kind == "status" and data["content"]["execution_state"] == "idle":
                entry["done"].set_result(time.perf_counter())

    async def send(self, msg):
        loop = asyncio.get_running_loop()
        entry = {"out": [], "done": loop.create_future()}
        self.waiting[msg["header"]["msg_id"]] = entry
        await self.ws.send_str(json.dumps(msg))
        return entry

    async def execute(self, code, timeout):
        entry = await self.send(message("execute_request", {
            "code": code, "silent": False, "store_history": True, "user_expressions": {},
            "allow_stdin": False, "stop_on_error": True}, self.session_id))
        await asyncio.wait_for(entry["done"], timeout)
        out = "".join(entry["out"])
        if "ERROR" in out:
            raise RuntimeError(f"{self.name}: kernel error: {out[-300:]}")
        return out

    async def drag(self, seconds):
        rng = __import__("random").Random(self.name)
        end = time.monotonic() + seconds
        pending = []
        while time.monotonic() < end:
            p = round(rng.uniform(0.01, 0.99), 3)
            msg = message("comm_msg", {"comm_id": self.model_id, "data": {
                "method": "update", "state": {"state": {"p": p}}, "buffer_paths": []}},
                self.session_id)
            t0 = time.perf_counter()
            entry = await self.send(msg)
            pending.append((t0, entry))
            await asyncio.sleep(1 / RATE)
        for t0, entry in pending:
            try:
                t1 = await asyncio.wait_for(asyncio.shield(entry["done"]), REPLY_TIMEOUT)
                self.latencies.append((t1 - t0) * 1000)
            except asyncio.TimeoutError:
                self.lost += 1

    async def close(self, hub, session):
        try:
            await self.ws.close()
            self.reader.cancel()
        except Exception:               # the socket may be gone with a dead kernel
            pass


async def run_class(sizes, seconds, proxy, workdir, report):
    """One hub; the class grows to each size in ``sizes`` (ascending): the new learners
    start, then all of them drag for ``seconds``; ``report(result)`` after each size."""
    import aiohttp

    hub = Hub(workdir, proxy)
    live, failures, made = [], [], 0
    try:
        async with aiohttp.ClientSession() as session:
            deadline = time.monotonic() + 60
            while True:
                try:
                    await http(session, "GET", f"{hub.base}/hub/api/", hub.token)
                    break
                except Exception:
                    if time.monotonic() > deadline or hub.proc.poll() is not None:
                        raise RuntimeError("JupyterHub did not start: see "
                                           f"{workdir / 'hub.log'}")
                    await asyncio.sleep(0.5)
            for n in sizes:
                new = [Learner(f"learner{i:02d}") for i in range(made, n)]
                made = n
                t0 = time.monotonic()
                started = await asyncio.gather(*(lr.start(hub, session) for lr in new),
                                               return_exceptions=True)
                result = {"N": n, "new": len(new), "start_s": time.monotonic() - t0}
                failures += [f"{lr.name}: {type(err).__name__}: {err}"
                             for lr, err in zip(new, started) if isinstance(err, Exception)]
                live += [lr for lr, err in zip(new, started) if not isinstance(err, Exception)]
                for lr in live:                      # this size's figures only
                    lr.latencies, lr.lost = [], 0
                procs = children(hub.proc.pid)
                servers = [p for p in procs if "jupyterhub-singleuser" in cmdline(p)]
                kernels = [p for p in procs if "ipykernel" in cmdline(p)]
                server_cpu0 = sum(cpu_seconds(p) for p in servers)
                kernel_cpu0 = sum(cpu_seconds(p) for p in kernels)
                w0 = time.monotonic()
                await asyncio.gather(*(lr.drag(seconds) for lr in live))
                wall = time.monotonic() - w0
                server_cpu1 = sum(cpu_seconds(p) for p in servers)
                kernel_cpu1 = sum(cpu_seconds(p) for p in kernels)
                alive = [p for p in kernels if Path(f"/proc/{p}").exists()]
                result.update(
                    hub_mb=rss_mb(hub.proc.pid) + sum(rss_mb(p) for p in procs
                                                      if "configurable-http-proxy" in cmdline(p)),
                    servers_mb=sum(rss_mb(p) for p in servers),
                    kernels_mb=sum(rss_mb(p) for p in alive),
                    cores=(server_cpu1 - server_cpu0 + kernel_cpu1 - kernel_cpu0) / wall,
                    kernel_cores=(kernel_cpu1 - kernel_cpu0) / wall,
                    latencies=[x for lr in live for x in lr.latencies],
                    lost=sum(lr.lost for lr in live),
                    dead=len(kernels) - len(alive),
                    failures=list(failures))
                report(result)
            await asyncio.gather(*(lr.close(hub, session) for lr in live))
    finally:
        hub.stop()


def percentile(values, q):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, nargs="+", default=[10, 20, 40, 60])
    parser.add_argument("--seconds", type=float, default=60.0, help="drag phase per N")
    parser.add_argument("--proxy", help="configurable-http-proxy executable")
    args = parser.parse_args(argv)
    try:
        import aiohttp  # noqa: F401
        import jupyterhub  # noqa: F401
    except ImportError as err:
        sys.exit(f"bench_classroom needs {err.name}: pip install jupyterhub aiohttp")
    t_all = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="celearn-classroom-") as tmp:
        proxy = ensure_proxy(Path(tmp), args.proxy)
        print(f"{'N':>3s} {'start s':>8s} {'hub MB':>7s} {'servers MB':>10s} {'kernels MB':>10s} "
              f"{'MB/learner':>10s} {'cores':>6s} {'kernels':>7s} {'p50 ms':>7s} {'p95 ms':>7s} {'replies':>8s} "
              f"{'lost':>5s} {'dead':>5s} {'failed':>6s}")
        def report(r):
            n = r["N"]
            per = (r["servers_mb"] + r["kernels_mb"]) / max(1, n)
            print(f"{n:3d} {r['start_s']:8.1f} {r['hub_mb']:7.0f} {r['servers_mb']:10.0f} "
                  f"{r['kernels_mb']:10.0f} {per:10.0f} {r['cores']:6.2f} {r['kernel_cores']:7.2f} "
                  f"{percentile(r['latencies'], 0.5):7.1f} {percentile(r['latencies'], 0.95):7.1f} "
                  f"{len(r['latencies']):8d} {r['lost']:5d} {r['dead']:5d} {len(r['failures']):6d}",
                  flush=True)
            for failure in r["failures"][:5]:
                print(f"    {failure}")

        sizes = sorted(set(args.learners))
        asyncio.run(run_class(sizes, args.seconds, proxy, Path(tmp) / "hub", report))
    print(f"bench_classroom: {time.monotonic() - t_all:.0f} s in all")


if __name__ == "__main__":
    main()
