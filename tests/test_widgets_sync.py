"""The board's hold on the controls' value syncs (``holdSyncs`` in js/render.js), in node.

ipywidgets (8.1) sends a control's value to the kernel only when the kernel has answered
the previous message, keeping the newest value in ``_msg_buffer`` meanwhile and ignoring
the kernel's echo of an older value while a newer one waits there. ``FakeModel`` below
follows that code (WidgetModel.sync, send_sync_message, _handle_status and the
echo_update branch of _handle_comm_msg in @jupyter-widgets/base 6) with a kernel that
answers after ``latency`` ms. The hold must cut a drag on a local kernel to about one
sync per 100 ms, send the drag's last value last, and never let an echo move the
control back.
"""
from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

import pytest

from celearn.widgets._base import _JS
from scenes import NODE

DRIVER = r"""
import { holdSyncs } from "./render.mjs";

class FakeModel {
  constructor(latency) {
    this.latency = latency; this.value = 0; this.sent = []; this.reverts = [];
    this._pending_msgs = 0; this._msg_buffer = null; this._msg_buffer_callbacks = null;
    this._expected = new Map(); this._attrs = new Set(); this.comm = {}; this.comm_live = true;
    this.nextId = 0;
  }
  // the learner moves the slider: set + save_changes -> sync("patch")
  move(v) { this.value = v; this.sync({ value: v }); }
  sync(attrs) {
    Object.keys(attrs).forEach((a) => this._attrs.add(a));
    if (this._pending_msgs >= 1) {
      this._msg_buffer = Object.assign(this._msg_buffer || {}, attrs);
      this._msg_buffer_callbacks = {};
    } else {
      this.rememberLastUpdateFor(this.send_sync_message(attrs, {}));
    }
  }
  rememberLastUpdateFor(id) { this._attrs.forEach((a) => this._expected.set(a, id)); this._attrs = new Set(); }
  send_sync_message(state, callbacks) {
    const id = `m${this.nextId++}`;
    this.sent.push({ id, value: state.value, at: performance.now() });
    // the kernel echoes the value, then reports idle
    setTimeout(() => { this.echo(id, state.value); this._handle_status(); }, this.latency);
    this._pending_msgs++;
    return id;
  }
  echo(id, v) {
    if (this._expected.has("value")) {
      if (this._expected.get("value") !== id) return;            // an older echo
      this._expected.delete("value");
      if (this._msg_buffer !== null && "value" in this._msg_buffer) return;
    }
    if (v !== this.value) this.reverts.push([this.value, v]);
    this.value = v;
  }
  _handle_status() {
    this._pending_msgs--;
    if (this._msg_buffer !== null && this._pending_msgs < 1) {
      const id = this.send_sync_message(this._msg_buffer, this._msg_buffer_callbacks);
      this.rememberLastUpdateFor(id);
      this._msg_buffer = null; this._msg_buffer_callbacks = null;
    }
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const { latency, hold, steps, every, coupled } = JSON.parse(process.argv[2]);
// `coupled` controls of one explorer that move together (the triangle's sliders)
const models = Array.from({ length: coupled }, () => new FakeModel(latency));
const peers = new Map();
if (hold) models.forEach((m) => holdSyncs(m, peers));
const model = models[0];
const t0 = performance.now();
for (let i = 1; i <= steps; i++) {
  models.forEach((m, j) => m.move((i + j) / 100));
  await sleep(every);
}
const dragMs = performance.now() - t0;
await sleep(latency + 400 * coupled);
process.stdout.write(JSON.stringify({ sent: model.sent.map((m) => m.value), dragMs,
  reverts: model.reverts, last: model.value, pending: model._pending_msgs,
  buffer: model._msg_buffer,
  all: models.map((m) => ({ sent: m.sent.map((x) => x.value), last: m.value,
    pending: m._pending_msgs, buffer: m._msg_buffer, reverts: m.reverts })) }));
"""


def drive(latency, hold, steps=60, every=10, coupled=1):
    if NODE is None:
        pytest.fail("node runs the explorers' JavaScript in these tests: install Node.js")
    with tempfile.TemporaryDirectory() as d:
        src = (_JS / "render.js").read_text() + "\nexport { holdSyncs };\n"
        Path(d, "render.mjs").write_text(src)
        Path(d, "driver.mjs").write_text(DRIVER)
        args = json.dumps({"latency": latency, "hold": hold, "steps": steps, "every": every,
                           "coupled": coupled})
        out = subprocess.run([NODE, "driver.mjs", args], cwd=d, capture_output=True,
                             text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_a_local_drag_syncs_about_once_per_100_ms():
    without = drive(latency=1, hold=False)
    held = drive(latency=1, hold=True)
    # ipywidgets alone: about one sync per step on a kernel with no latency
    assert len(without["sent"]) > 40, without
    # held: one per 100 ms of dragging, plus the first and the last
    assert len(held["sent"]) <= held["dragMs"] / 100 + 3, held
    assert len(held["sent"]) >= 3, held


@pytest.mark.parametrize("latency", [1, 50, 250])
def test_the_last_value_is_sent_last_and_no_echo_moves_the_control(latency):
    held = drive(latency=latency, hold=True)
    assert held["sent"][-1] == 0.6, held          # the drag ended at 60 / 100
    assert held["last"] == 0.6 and held["reverts"] == [], held
    assert held["pending"] == 0 and held["buffer"] is None, held


def test_a_remote_kernel_keeps_ipywidgets_own_pace():
    """At 250 ms round trip the hold adds nothing: one sync per round trip, as before."""
    without = drive(latency=125, hold=False)
    held = drive(latency=125, hold=True)
    assert abs(len(held["sent"]) - len(without["sent"])) <= 1, (without, held)


@pytest.mark.parametrize("latency", [1, 50])
def test_coupled_controls_share_the_pace(latency):
    """Three sliders moved together (the triangle) send about one sync per 100 ms in all,
    not three, and each still ends on its last value with no echo moving it back."""
    held = drive(latency=latency, hold=True, coupled=3)
    alone = drive(latency=latency, hold=True, coupled=1)
    total = sum(len(m["sent"]) for m in held["all"])
    assert total <= held["dragMs"] / 100 + 3 * 3, held
    assert total < 2 * len(alone["sent"]) + 3, (total, alone)
    for j, m in enumerate(held["all"]):
        assert m["sent"][-1] == (60 + j) / 100 and m["last"] == (60 + j) / 100, m
        assert m["reverts"] == [] and m["pending"] == 0 and m["buffer"] is None, m
