// celearn explorers: the browser side (appended after lib.js and the explorer's scene).
// Python renders the static figure once (model "background", axes geometry in "axes");
// this draws the moving marks in data coordinates on an SVG laid over it, and the readout.
// It listens to the explorer's ipywidgets sliders in the browser, so a drag never waits
// for the kernel; dragging a mark sets those sliders (the kernel hears the final values
// through ipywidgets' own message throttling). Kernel-drawn scenes (sendState) are the
// exception: there the browser sends the values itself and draws what the kernel returns.

const SVG = "http://www.w3.org/2000/svg";
const PT = 100 / 72;                          // CSS px per point (figures are 100 dpi)

function toPixel(ax, x, y) {
  const [x0, y0, x1, y1] = ax.bbox;          // CSS px, top-left origin
  const fx = ax.xscale === "log"
    ? (Math.log(x) - Math.log(ax.xlim[0])) / (Math.log(ax.xlim[1]) - Math.log(ax.xlim[0]))
    : (x - ax.xlim[0]) / (ax.xlim[1] - ax.xlim[0]);
  const fy = ax.yscale === "log"
    ? (Math.log(y) - Math.log(ax.ylim[0])) / (Math.log(ax.ylim[1]) - Math.log(ax.ylim[0]))
    : (y - ax.ylim[0]) / (ax.ylim[1] - ax.ylim[0]);
  return [x0 + fx * (x1 - x0), y1 - fy * (y1 - y0)];
}

function toData(ax, px, py) {
  const [x0, y0, x1, y1] = ax.bbox;
  const fx = (px - x0) / (x1 - x0);
  const fy = (y1 - py) / (y1 - y0);
  const x = ax.xscale === "log"
    ? Math.exp(Math.log(ax.xlim[0]) + fx * (Math.log(ax.xlim[1]) - Math.log(ax.xlim[0])))
    : ax.xlim[0] + fx * (ax.xlim[1] - ax.xlim[0]);
  const y = ax.yscale === "log"
    ? Math.exp(Math.log(ax.ylim[0]) + fy * (Math.log(ax.ylim[1]) - Math.log(ax.ylim[0])))
    : ax.ylim[0] + fy * (ax.ylim[1] - ax.ylim[0]);
  return [x, y];
}

const finite = (v) => Number.isFinite(v);

function setAttrs(node, attrs) {
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined) node.removeAttribute(k);
    else if (node.getAttribute(k) !== String(v)) node.setAttribute(k, v);
  }
}

// One mark -> [tag, attributes, text]; marks are in data coordinates of axes `ax`.
function markShape(m, axes) {
  const ax = axes[m.ax || 0];
  const common = { "data-mark": m.key || null, opacity: m.alpha ?? null };
  if (m.kind === "line") {
    const pts = [];
    for (let i = 0; i < m.x.length; i++) {
      if (!finite(m.x[i]) || !finite(m.y[i])) continue;
      const [px, py] = toPixel(ax, m.x[i], m.y[i]);
      pts.push(`${px.toFixed(2)},${py.toFixed(2)}`);
    }
    return ["polyline", { ...common, points: pts.join(" "), fill: "none", stroke: m.color,
      "stroke-width": (m.lw ?? 2) * PT,
      "stroke-dasharray": m.dash ? m.dash.split(" ").map((v) => Number(v) * PT).join(" ") : null,
      "stroke-linecap": "round", "stroke-linejoin": "round" }];
  }
  if (m.kind === "dot") {
    const [px, py] = toPixel(ax, m.x, m.y);
    return ["circle", { ...common, cx: px.toFixed(2), cy: py.toFixed(2), r: (m.r ?? 4) * PT,
      fill: m.color, stroke: m.edge || "white", "stroke-width": m.edge ? 1.5 : 1 }];
  }
  if (m.kind === "rect") {
    const [ax0, ay0] = toPixel(ax, m.x0, m.y0);
    const [ax1, ay1] = toPixel(ax, m.x1, m.y1);
    return ["rect", { ...common, x: Math.min(ax0, ax1).toFixed(2), y: Math.min(ay0, ay1).toFixed(2),
      width: Math.abs(ax1 - ax0).toFixed(2), height: Math.abs(ay1 - ay0).toFixed(2),
      fill: m.color, stroke: m.edge || null, "stroke-width": m.edge ? 1 : null }];
  }
  if (m.kind === "text") {
    let [px, py] = m.coords === "axes"
      ? [ax.bbox[0] + m.x * (ax.bbox[2] - ax.bbox[0]), ax.bbox[3] - m.y * (ax.bbox[3] - ax.bbox[1])]
      : toPixel(ax, m.x, m.y);
    px += (m.dx || 0) * PT;
    py -= (m.dy || 0) * PT;                   // dy points up, like matplotlib offsets
    const anchor = { left: "start", center: "middle", right: "end" }[m.ha || "left"];
    const baseline = { baseline: "alphabetic", center: "central", top: "hanging",
      bottom: "text-after-edge" }[m.va || "baseline"];
    return ["text", { ...common, x: px.toFixed(2), y: py.toFixed(2), fill: m.color || "#000",
      "font-size": (m.size || 10) * PT, "font-weight": m.weight || null, "text-anchor": anchor,
      "dominant-baseline": baseline }, m.text];
  }
  throw new Error(`celearn: unknown mark kind ${m.kind}`);
}

async function controlModels(model) {
  const refs = model.get("controls") || [];
  const manager = model.widget_manager;
  return Promise.all(refs.map((ref) => manager.get_model(String(ref).replace(/^IPY_MODEL_/, ""))));
}

// A linear slider's value rounded to two more decimals than its step has (float noise off)
function roundToStep(v, step) {
  const decimals = step > 0 ? Math.max(0, Math.ceil(-Math.log10(step)) + 2) : 12;
  return Number(v.toFixed(decimals));
}

function snap(control, value) {
  const lo = control.get("min"), hi = control.get("max"), step = control.get("step") || 0;
  const base = control.get("base");
  if (base) {                                 // a log slider: min, max, step are exponents
    let e = clamp(Math.log(Math.max(value, 1e-300)) / Math.log(base), lo, hi);
    if (step > 0) e = lo + Math.round((e - lo) / step) * step;
    return base ** clamp(e, lo, hi);
  }
  let v = clamp(value, lo, hi);
  if (step > 0) v = lo + Math.round((v - lo) / step) * step;
  v = clamp(v, lo, hi);
  return roundToStep(v, step);
}

// Notebook 7 binds ArrowLeft/ArrowRight and PageUp/PageDown to notebook commands,
// taken on the document before a focused slider sees the key. Lumino skips its key
// bindings for an element marked data-lm-suppress-shortcuts: a listener on the window
// (which sees the key first) marks the focused control inside an explorer for just that
// keystroke, so these keys move the slider or handle and every other shortcut still works.
const STEP_KEYS = new Set(["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown",
  "PageUp", "PageDown", "Home", "End"]);
function keepStepKeys() {
  if (window.__celearnStepKeys) return;
  window.__celearnStepKeys = true;
  window.addEventListener("keydown", (event) => {
    const target = event.target;
    if (!STEP_KEYS.has(event.key) || event.ctrlKey || event.metaKey || event.altKey) return;
    if (!(target instanceof Element) || !target.closest(".celearn-explorer")) return;
    if (target.hasAttribute("data-lm-suppress-shortcuts")) return;
    target.setAttribute("data-lm-suppress-shortcuts", "true");
    setTimeout(() => target.removeAttribute("data-lm-suppress-shortcuts"), 0);
  }, true);
}

// The values a slider can take, as this browser computes them (each JavaScript engine
// has its own Math.pow, so only the page knows its numbers): ipywidgets' sliders take
// noUiSlider's value, which snaps in percent of the range (k steps of 100 * step /
// (max - min) percent, then back to a value), and a log slider sets base ** that
// exponent; snap() above (keys on a handle) computes min + k * step. Both are asked for.
function positions(c) {
  const lo = c.get("min"), hi = c.get("max"), step = c.get("step") || 0;
  if (!(step > 0) || !(hi > lo) || (hi - lo) / step > 250) return [];   // one request
  const base = c.get("base");
  const stepPct = (step * 100) / (hi - lo);
  const values = new Set();
  for (let k = 0; k * stepPct <= 100 + 1e-9; k++) {
    const pct = k * stepPct;
    // noUiSlider's fromStepping: (pct - 0) * (100 / (100 - 0)) * (max - min) / 100 + min,
    // whose factor 100 / 100 is exactly 1
    const noUi = pct >= 100 ? hi : (pct * (hi - lo)) / 100 + lo;
    for (const e of [noUi, Math.min(hi, lo + k * step)]) {
      values.add(base ? Math.pow(base, e) : e);
      if (!base) values.add(roundToStep(e, step));
    }
  }
  return [...values];
}

// ipywidgets sends a control's new value to the kernel only when the kernel has answered
// the previous one, and keeps the newest value meanwhile (WidgetModel._msg_buffer, which
// also makes it ignore the echo of an older value). Over a remote kernel that is one
// sync per round trip; on a local kernel (no latency) it is every step of a drag, each
// one kernel message, echo and status pair: 0.05-0.12 of a core and up to 440 KB per
// dragging learner. Holding each sync "in flight" for at least SYNC_MS more gives the
// same syncs at most one per SYNC_MS locally, through ipywidgets' own buffer, so the
// newest value is always the one sent last. The browser draws from its own model
// values, so nothing on the page waits for this; the kernel hears the final value at
// most SYNC_MS late. Skipped where the widget manager lacks these internals.
// Coupled controls (the triangle's three sliders) move together, one sync each: a sync
// is then held SYNC_MS for each control of the explorer that synced within the last
// hold, so the explorer as a whole still sends about one sync per SYNC_MS.
const SYNC_MS = 100;
// The hold is one more pending message, released as the kernel's "idle" for a sync is:
// through ipywidgets' own _handle_status, which sends the buffered value if it is the last.
const IDLE = { content: { execution_state: "idle" } };
function holdSyncs(c, peers) {
  if (c.__celearnHold || typeof c.send_sync_message !== "function"
      || typeof c._handle_status !== "function" || typeof c._pending_msgs !== "number") return;
  c.__celearnHold = true;
  const send = c.send_sync_message;
  c.send_sync_message = function (...args) {
    const id = send.apply(this, args);
    if (!id) return id;                       // not sent (no comm): nothing to hold
    const now = performance.now();
    peers.set(this, now);
    let moving = 0;
    for (const t of peers.values()) if (now - t <= SYNC_MS * peers.size + SYNC_MS) moving += 1;
    this._pending_msgs += 1;
    setTimeout(() => this._handle_status(IDLE), SYNC_MS * Math.max(1, moving));
    return id;
  };
}

async function render({ model, el }) {
  keepStepKeys();
  const names = model.get("names");
  const controls = await controlModels(model);
  const peers = new Map();                    // control model -> when it last synced
  controls.forEach((c) => holdSyncs(c, peers));
  const byName = Object.fromEntries(names.map((n, i) => [n, controls[i]]));

  const root = document.createElement("div");
  root.className = "celearn-board";
  const readout = document.createElement("div");
  readout.className = "celearn-readout";
  readout.setAttribute("aria-live", "polite");
  const figure = document.createElement("div");
  figure.className = "celearn-figure";
  const img = document.createElement("img");
  img.className = "celearn-static";
  img.setAttribute("draggable", "false");
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "celearn-marks");
  figure.append(img, svg);
  root.append(readout, figure);
  el.append(root);

  const nodes = new Map();                    // mark key -> SVG element (kept across frames)
  let pending = false;
  let dragging = null;
  let applying = false;                       // setting controls ourselves: no react()

  const choices = model.get("choices") || {};

  // A selection control (toggle, dropdown) holds an index in the browser.
  function valueOf(name, c) {
    return name in choices ? choices[name][c.get("index")] : c.get("value");
  }

  function state() {
    const s = {};
    names.forEach((n, i) => { s[n] = valueOf(n, controls[i]); });
    return s;
  }

  function layout() {
    const [w, h] = model.get("size");
    // its own size where there is room; scaled down, picture and marks together, in a
    // narrower output area (a laptop, a side panel): never cut off at the right
    figure.style.width = `${w}px`;
    figure.style.maxWidth = "100%";
    figure.style.aspectRatio = `${w} / ${h}`;
    svg.setAttribute("viewBox", `0 0 ${w} ${h}`);
    svg.setAttribute("width", "100%");
    svg.setAttribute("height", "100%");
    img.src = model.get("background");
    img.width = w;
    img.height = h;
    img.style.width = "100%";
    img.style.height = "100%";
    img.alt = model.get("alt");
  }

  // Kernel-drawn scenes that depend on the controls' values only (params.prefetch):
  // state (JSON) -> scene, from the kernel's answers and from one prefetch of every
  // position of the prefetch slider, so a drag over those positions draws at once.
  const known = new Map();
  const KNOWN_MAX = 4096;
  function remember(entry) {
    if (!entry || !entry.state || !Array.isArray(entry.marks)) return;
    if (known.size >= KNOWN_MAX) known.clear();
    known.set(JSON.stringify(entry.state), entry);
  }

  let asked = "";
  function prefetch() {
    const params = model.get("params");
    const c = params.kernel_scene && params.prefetch ? byName[params.prefetch] : null;
    if (!c) return;
    const now = state();
    const ask = JSON.stringify({ ...now, [params.prefetch]: null });
    if (ask === asked) return;                // asked for these other values already
    asked = ask;
    const states = positions(c).map((v) => ({ ...now, [params.prefetch]: v }))
      .filter((s) => !known.has(JSON.stringify(s)));
    if (states.length) model.send({ kind: "prefetch", states });
  }

  let drawn = null;                           // [live, axes, params] painted (kernel scenes)
  let shownReadout = null;
  function draw() {
    pending = false;
    const params = model.get("params");
    const axes = model.get("axes");
    let live = model.get("live");
    if (params.kernel_scene && params.prefetch) {
      remember(live);
      // a scene the page holds, if it belongs to the static picture shown (after a
      // dtype click the old picture stays until the kernel sends the new one)
      const hit = known.get(JSON.stringify(state()));
      const fixed = Object.entries(params.static_state || {});
      if (hit && fixed.every(([k, v]) => hit.state[k] === v)) live = hit;
    }
    const out = scene(state(), params, live);
    if (!out) return;                         // a kernel-drawn scene not received yet
    if (params.kernel_scene) {
      // a control moved, but the kernel's scene is the one already shown: nothing to paint
      root.dataset.state = JSON.stringify(state());
      if (drawn && drawn[0] === live && drawn[1] === axes && drawn[2] === params) return;
      drawn = [live, axes, params];
    }
    if (out.readout !== shownReadout) {       // a readout update is a changed readout
      readout.innerHTML = out.readout;
      shownReadout = out.readout;
    }
    root.dataset.value = String(out.value);
    root.dataset.uid = String(params.uid);
    root.dataset.state = JSON.stringify(state());
    root.dataset.live = live && live.state ? JSON.stringify(live.state) : "";
    root.dataset.frames = String(Number(root.dataset.frames || 0) + 1);
    const seen = new Set();
    let previous = null;                      // the SVG keeps the marks' order (z-order)
    out.marks.forEach((m, i) => {
      const id = m.key || `${m.kind}-${i}`;
      seen.add(id);
      const [tag, attrs, text] = markShape(m, axes);
      let node = nodes.get(id);
      if (!node || node.tagName !== tag) {
        if (node) node.remove();
        node = document.createElementNS(SVG, tag);
        nodes.set(id, node);
        if (m.drag) makeDraggable(node, m);
      }
      const place = previous ? previous.nextSibling : svg.firstChild;
      if (node !== place) svg.insertBefore(node, place);
      previous = node;
      node.__mark = m;
      setAttrs(node, attrs);
      if (text !== undefined && node.textContent !== text) node.textContent = text;
      if (m.drag) {
        setAttrs(node, { tabindex: 0, role: "slider", class: "celearn-handle",
          "aria-label": m.label || m.drag, "aria-valuetext": m.valuetext || null });
      }
    });
    for (const [id, node] of nodes) {
      if (!seen.has(id)) { node.remove(); nodes.delete(id); }
    }
  }

  function schedule() {
    if (!pending) { pending = true; requestAnimationFrame(draw); }
  }

  function setValues(values) {
    applying = true;
    try {
      for (const [name, v] of Object.entries(values)) {
        const c = byName[name];
        if (c && name in choices) {
          const index = choices[name].indexOf(v);
          if (index >= 0 && index !== c.get("index")) { c.set("index", index); c.save_changes(); }
          continue;
        }
        if (!c || !Number.isFinite(v)) continue;
        const snapped = snap(c, v);
        if (snapped !== c.get("value")) {
          c.set("value", snapped);
          c.save_changes();
        }
      }
    } finally {
      applying = false;
    }
  }

  // A kernel-drawn scene: the browser tells the kernel the controls' values as they
  // move, in messages of its own (ipywidgets syncs a value only after the kernel has
  // answered the previous one, a full round trip), at most one per SEND_MS and always
  // the last one, so the final scene arrives one round trip after mouse-up.
  const SEND_MS = 40;
  // A move of the prefetch slider to a position whose scene the page holds is not sent
  // (its value sync tells the kernel); any other control's move is, since it may change
  // the static picture too.
  let sentState = "", sentAt = -Infinity, sendTimer = null, mustSend = false;
  function sendState(prefetched) {
    if (!model.get("params").kernel_scene) return;
    const s = state();
    const text = JSON.stringify(s);
    if (text === sentState) return;
    if (!prefetched) mustSend = true;
    if (!mustSend && known.has(text)) return;
    const wait = SEND_MS - (performance.now() - sentAt);
    if (wait > 0) {
      if (!sendTimer) sendTimer = setTimeout(() => { sendTimer = null; sendState(true); }, wait);
      return;
    }
    mustSend = false;
    sentState = text;
    sentAt = performance.now();
    model.send({ kind: "state", state: s });
  }

  // A control moved by the learner (not by the kernel, not by us): coupled controls
  // follow at once, in the browser (e.g. the triangle's three sliders sum to 1).
  function onControl(name, c) {
    const learner = !c._state_lock;
    if (!learner) sentState = "";             // the kernel moved it: the next state is news
    if (!applying && learner && typeof react === "function") {
      const values = react(name, state(), model.get("params"));
      if (values) setValues(values);
    }
    if (learner) sendState(name === model.get("params").prefetch);
    if (name !== model.get("params").prefetch) prefetch();   // other values: other scenes
    schedule();
  }

  function pointerData(event, axIndex) {
    const rect = svg.getBoundingClientRect();
    const [w, h] = model.get("size");
    const px = (event.clientX - rect.left) * (w / rect.width);
    const py = (event.clientY - rect.top) * (h / rect.height);
    return toData(model.get("axes")[axIndex || 0], px, py);
  }

  function makeDraggable(node, mark) {
    node.addEventListener("pointerdown", (event) => {
      event.preventDefault();
      node.setPointerCapture(event.pointerId);
      node.focus({ preventScroll: true });
      dragging = node;
    });
    node.addEventListener("pointermove", (event) => {
      if (dragging !== node) return;
      const m = node.__mark;
      const [x, y] = pointerData(event, m.ax);
      if (typeof drag === "function") setValues(drag(m.drag, x, y, state(), model.get("params")));
    });
    const stop = () => { dragging = null; };
    node.addEventListener("pointerup", stop);
    node.addEventListener("pointercancel", stop);
    node.addEventListener("keydown", (event) => {
      const dir = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1 }[event.key];
      if (!dir) return;
      event.preventDefault();
      const m = node.__mark;
      const keyControls = m.keys || [m.drag];
      const values = typeof keyStep === "function"
        ? keyStep(m.drag, dir, state(), model.get("params")) : null;
      if (values) { setValues(values); return; }
      for (const name of keyControls) {
        const c = byName[name];
        if (c) setValues({ [name]: c.get("value") + dir * (c.get("step") || 0.01) });
      }
    });
  }

  layout();
  draw();
  const handlers = controls.map((c, i) => {
    const handler = () => onControl(names[i], c);
    c.on(names[i] in choices ? "change:index" : "change:value", handler);
    return handler;
  });
  model.on("change:params", schedule);
  model.on("change:axes", schedule);
  model.on("change:live", schedule);
  model.on("msg:custom", (msg) => {
    if (!msg || msg.kind !== "scenes" || !Array.isArray(msg.entries)) return;
    msg.entries.forEach(remember);
    schedule();
  });
  prefetch();
  model.on("change:background", () => { layout(); schedule(); });
  model.on("change:size", () => { layout(); schedule(); });
  return () => {
    if (sendTimer) clearTimeout(sendTimer);
    controls.forEach((c, i) => c.off(names[i] in choices ? "change:index" : "change:value",
      handlers[i]));
  };
}

export default { render };
