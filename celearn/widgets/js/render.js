// celearn explorers: the browser side (appended after lib.js and the explorer's scene).
// One anywidget per explorer. The model's "state" (the controls' values) is the only
// trait that moves: the page draws the controls from "controls_spec" as native inputs,
// draws the moving marks of scene(state) on an SVG laid over the static picture
// ("background", axes geometry in "axes"), and saves the state to the kernel at most
// every SAVE_MS while something moves, and once more when it is released.

const SVG = "http://www.w3.org/2000/svg";
const PT = 100 / 72;                          // CSS px per point (figures are 100 dpi)
const SAVE_MS = 100;                          // about 10 saves a second while dragging
const SETTLE_MS = 400;                        // quiet this long: the move has settled
const HIT_PX = 24;                            // smallest hit area of a draggable mark

// The style table by role: the page's ink and paper, the focus ring, in each theme.
// Mark colours come from the course palette (params.colors, by meaning); in the dark
// theme each is drawn in its dark twin (params.dark_colors), ink and paper swap.
const THEMES = {
  light: { ink: "#000000", paper: "#ffffff", muted: "#595959", focus: "#0b57d0" },
  dark: { ink: "#e0e0e0", paper: "#111111", muted: "#b3b3b3", focus: "#8ab4f8" },
};

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
function markShape(m, axes, paint, colors) {
  m = styled(m, colors);
  const ax = axes[m.ax || 0];
  const common = { "data-mark": m.key || null, opacity: m.alpha ?? null };
  const color = paint(m.color, m.fixed);
  if (m.kind === "line") {
    const pts = [];
    for (let i = 0; i < m.x.length; i++) {
      if (!finite(m.x[i]) || !finite(m.y[i])) continue;
      const [px, py] = toPixel(ax, m.x[i], m.y[i]);
      pts.push(`${px.toFixed(2)},${py.toFixed(2)}`);
    }
    return ["polyline", { ...common, points: pts.join(" "), fill: "none", stroke: color,
      "stroke-width": (m.lw ?? 2) * PT,
      "stroke-dasharray": m.dash ? m.dash.split(" ").map((v) => Number(v) * PT).join(" ") : null,
      "stroke-linecap": "round", "stroke-linejoin": "round" }];
  }
  if (m.kind === "dot") {
    const [px, py] = toPixel(ax, m.x, m.y);
    return ["circle", { ...common, cx: px.toFixed(2), cy: py.toFixed(2), r: (m.r ?? 4) * PT,
      fill: color, stroke: paint(m.edge || "#ffffff", m.fixed), "stroke-width": m.edge ? 1.5 : 1 }];
  }
  if (m.kind === "rect") {
    const [ax0, ay0] = toPixel(ax, m.x0, m.y0);
    const [ax1, ay1] = toPixel(ax, m.x1, m.y1);
    return ["rect", { ...common, x: Math.min(ax0, ax1).toFixed(2), y: Math.min(ay0, ay1).toFixed(2),
      width: Math.abs(ax1 - ax0).toFixed(2), height: Math.abs(ay1 - ay0).toFixed(2),
      fill: color, stroke: m.edge ? paint(m.edge, m.fixed) : null, "stroke-width": m.edge ? 1 : null }];
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
    return ["text", { ...common, x: px.toFixed(2), y: py.toFixed(2), fill: color,
      "font-size": (m.size || 10) * PT, "font-weight": m.weight || null, "text-anchor": anchor,
      "dominant-baseline": baseline }, m.text];
  }
  throw new Error(`celearn: unknown mark kind ${m.kind}`);
}

// A text label kept inside its axes: shifted back in when it would cross an edge.
function keepInside(node, ax) {
  node.removeAttribute("transform");
  let box;
  try { box = node.getBBox(); } catch (e) { return; }
  if (!box || !(box.width > 0)) return;
  const [x0, y0, x1, y1] = ax.bbox;
  let dx = 0, dy = 0;
  if (box.x + box.width > x1) dx = x1 - (box.x + box.width);
  if (box.x + dx < x0) dx = x0 - box.x;
  if (box.y < y0) dy = y0 - box.y;
  if (box.y + box.height + dy > y1) dy = y1 - (box.y + box.height);
  if (dx || dy) node.setAttribute("transform", `translate(${dx.toFixed(2)},${dy.toFixed(2)})`);
}

// A linear slider's value at whole position k, with the float noise rounded off.
function roundToStep(v, step) {
  const decimals = step > 0 ? Math.max(0, Math.ceil(-Math.log10(step)) + 2) : 12;
  return Number(v.toFixed(decimals));
}

function positionValue(spec, k) {
  k = clamp(Math.round(k), 0, spec.positions);
  if (spec.kind === "log") return spec.values[k];
  const v = spec.min + k * spec.step;
  return spec.kind === "int" ? Math.round(v) : roundToStep(clamp(v, spec.min, spec.max), spec.step);
}

function positionOf(spec, v) {
  if (spec.kind === "log") {
    const first = spec.values[0] > 0 ? 0 : 1;   // 12's L2 slider: position 0 holds 0 (none)
    if (first && !(v > 0)) return 0;
    const e = Math.log(v) / Math.log(spec.base);
    const lo = Math.log(spec.values[first]) / Math.log(spec.base);
    return clamp(first + Math.round((e - lo) / spec.step), first, spec.positions);
  }
  return clamp(Math.round((v - spec.min) / spec.step), 0, spec.positions);
}

// A value from the page (a drag, a key, a typed number) as the control holds it.
function accept(spec, v) {
  if (spec.kind === "radio" || spec.kind === "select") {
    return spec.options.some(([, o]) => o === v) ? v : undefined;
  }
  if (typeof v !== "number" || !Number.isFinite(v)) return undefined;
  return positionValue(spec, positionOf(spec, v));
}

function showValue(spec, v) {
  if (spec.kind === "log") return Number(v.toPrecision(3)).toString();
  if (spec.kind === "int") return String(v);
  return v.toFixed(spec.digits ?? 2);
}

// Notebook 7 binds ArrowLeft/ArrowRight and PageUp/PageDown to notebook commands, taken
// on the document before a focused control sees the key. Lumino skips its key bindings
// for an element marked data-lm-suppress-shortcuts: mark the focused control inside an
// explorer for just that keystroke, so these keys move it and other shortcuts still work.
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

// -- the page's theme ---------------------------------------------------------------
function parseColor(text) {
  const m = /rgba?\(([^)]+)\)/.exec(text || "");
  if (!m) return null;
  const parts = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
  if (parts.length >= 4 && parts[3] === 0) return null;          // transparent
  return parts.slice(0, 3);
}

function luminance([r, g, b]) {
  const lin = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

// JupyterLab's --jp-layout-color0 where it exists, else the first ancestor with a
// background, else the system's preference.
function pageTheme(el) {
  const probe = document.createElement("div");
  probe.style.cssText = "position:absolute;width:0;height:0;visibility:hidden;"
    + "background-color:var(--jp-layout-color0, rgba(0, 0, 0, 0))";
  el.append(probe);
  let rgb = parseColor(getComputedStyle(probe).backgroundColor);
  probe.remove();
  for (let node = el; !rgb && node && node.nodeType === 1; node = node.parentElement) {
    rgb = parseColor(getComputedStyle(node).backgroundColor);
  }
  if (rgb) return luminance(rgb) < 0.2 ? "dark" : "light";
  return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches
    ? "dark" : "light";
}

// -- the controls ---------------------------------------------------------------------
let UNIQUE = 0;

function buildControls(specs, row, onChange) {
  const views = {};
  for (const spec of specs) {
    const id = `celearn-${++UNIQUE}`;
    const box = document.createElement("div");
    box.className = `celearn-control celearn-control-${spec.kind}`;
    box.dataset.name = spec.name;
    if (spec.kind === "range" || spec.kind === "int" || spec.kind === "log") {
      const label = document.createElement("label");
      label.htmlFor = id;
      label.textContent = spec.description || spec.name;
      const range = document.createElement("input");
      Object.assign(range, { type: "range", id, min: 0, max: spec.positions, step: 1 });
      range.className = "celearn-range";
      const number = document.createElement("input");
      Object.assign(number, { type: "number", className: "celearn-number" });
      number.setAttribute("aria-label", `${spec.description || spec.name} (type a value)`);
      if (spec.kind === "log") {
        Object.assign(number, { min: spec.values[0], max: spec.values[spec.positions], step: "any" });
      } else {
        Object.assign(number, { min: spec.min, max: spec.max, step: spec.step });
      }
      range.addEventListener("input", () => onChange({ [spec.name]: positionValue(spec, Number(range.value)) },
        { final: false, from: range, continuous: spec.continuous }));
      range.addEventListener("change", () => onChange({ [spec.name]: positionValue(spec, Number(range.value)) },
        { final: true, from: range }));
      number.addEventListener("change", () => {
        const v = Number(number.value);
        if (number.value === "" || !Number.isFinite(v)) return;
        const lo = spec.kind === "log" ? spec.values[0] : spec.min;
        const hi = spec.kind === "log" ? spec.values[spec.positions] : spec.max;
        onChange({ [spec.name]: spec.kind === "int" ? Math.round(clamp(v, lo, hi)) : clamp(v, lo, hi) },
          { final: true, from: number, typed: true });
      });
      box.append(label, range, number);
      views[spec.name] = (v) => {
        range.value = String(positionOf(spec, v));
        range.setAttribute("aria-valuetext", `${spec.description || spec.name} = ${showValue(spec, v)}`);
        if (document.activeElement !== number) number.value = showValue(spec, v);
      };
    } else if (spec.kind === "radio") {
      const group = document.createElement("fieldset");
      group.className = "celearn-radio";
      const legend = document.createElement("legend");
      legend.textContent = spec.description || spec.name;
      group.append(legend);
      const inputs = spec.options.map(([text, value], i) => {
        const label = document.createElement("label");
        const input = document.createElement("input");
        Object.assign(input, { type: "radio", name: id, value: String(i) });
        if (spec.tooltips && spec.tooltips[i]) label.title = spec.tooltips[i];
        input.addEventListener("change", () => {
          if (input.checked) onChange({ [spec.name]: value }, { final: true, from: input });
        });
        label.append(input, document.createTextNode(text));
        group.append(label);
        return [input, value];
      });
      box.append(group);
      views[spec.name] = (v) => inputs.forEach(([input, value]) => { input.checked = value === v; });
    } else {
      const label = document.createElement("label");
      label.htmlFor = id;
      label.textContent = spec.description || spec.name;
      const select = document.createElement("select");
      select.id = id;
      spec.options.forEach(([text], i) => {
        const option = document.createElement("option");
        option.value = String(i);
        option.textContent = text;
        select.append(option);
      });
      select.addEventListener("change", () => onChange({ [spec.name]: spec.options[Number(select.value)][1] },
        { final: true, from: select }));
      box.append(label, select);
      views[spec.name] = (v) => {
        const i = spec.options.findIndex(([, o]) => o === v);
        if (i >= 0) select.value = String(i);
      };
    }
    row.append(box);
  }
  return views;
}

// -- the explorer -------------------------------------------------------------------------
function render({ model, el }) {
  keepStepKeys();
  const specs = model.get("controls_spec");
  const bySpec = Object.fromEntries(specs.map((s) => [s.name, s]));
  const names = specs.map((s) => s.name);

  const root = document.createElement("div");
  root.className = `celearn-explorer celearn-explorer-${model.get("explorer")}`;
  root.dataset.uid = String(model.get("uid"));
  const row = document.createElement("div");
  row.className = "celearn-controls";
  const readout = document.createElement("div");
  readout.className = "celearn-readout";
  readout.setAttribute("aria-live", "polite");
  readout.setAttribute("aria-atomic", "true");
  const figure = document.createElement("div");
  figure.className = "celearn-figure";
  const img = document.createElement("img");
  img.className = "celearn-static";
  img.setAttribute("draggable", "false");
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "celearn-marks");
  figure.append(img, svg);
  const footer = document.createElement("div");
  footer.className = "celearn-footer";
  root.append(row, readout, figure, footer);
  el.append(root);

  let local = { ...model.get("state") };       // the page's state: the truth while moving
  let params = structuredClone(model.get("params"));
  let view = {};                               // what the scene shows besides the state
  let theme = "light";
  const nodes = new Map();                     // mark key -> SVG element (kept across frames)
  let pending = false;
  let dragging = null;
  let pred = null;                             // prediction mode (predict.js), if asked

  // -- saving and settling ---------------------------------------------------------------
  let lastSave = -Infinity, saveTimer = null, settleTimer = null, busy = false;
  let lastMoved = [];
  let unsaved = false;                         // moved without saving (05: saves on release)
  function save(final) {
    unsaved = false;
    const wait = SAVE_MS - (performance.now() - lastSave);
    if (!final && wait > 0) {
      if (!saveTimer) saveTimer = setTimeout(() => { saveTimer = null; save(true); }, wait);
      return;
    }
    if (saveTimer) { clearTimeout(saveTimer); saveTimer = null; }
    lastSave = performance.now();
    model.set("state", { ...local });
    model.save_changes();
  }
  function settleLater() {
    busy = true;
    readout.setAttribute("aria-busy", "true");
    if (settleTimer) clearTimeout(settleTimer);
    settleTimer = setTimeout(settle, SETTLE_MS);
  }
  function settle() {
    settleTimer = null;
    if (dragging) { settleLater(); return; }
    busy = false;
    readout.setAttribute("aria-busy", "false");   // a screen reader reads the readout now
    if (!unsaved) adopt(model.get("state"));      // the kernel's word, if it differs
  }

  function adopt(state) {
    if (!state || JSON.stringify(state) === JSON.stringify(local)) return;
    local = { ...state };
    syncInputs(null);
    schedule();
  }

  // A move from the page: values snapped to the controls, coupled controls follow.
  function change(values, { final = false, from = null, continuous = true, typed = false } = {}) {
    const next = { ...local };
    const moved = [];
    for (const name of names) {
      if (!(name in values)) continue;
      const v = typed ? values[name] : accept(bySpec[name], values[name]);
      if (v === undefined || v === next[name]) continue;
      next[name] = v;
      moved.push(name);
    }
    if (typeof react === "function") {
      for (const name of moved) {
        const more = react(name, next, params, local);
        if (!more) continue;
        for (const [other, v] of Object.entries(more)) {
          const ok = accept(bySpec[other], v);
          if (ok !== undefined) next[other] = ok;
        }
      }
    }
    const changed = JSON.stringify(next) !== JSON.stringify(local);
    // another control than the one whose save is pending: send that move first, so the
    // kernel hears every control's last value (e.g. 02's edited prediction, then a sample)
    if (saveTimer && moved.some((n) => !lastMoved.includes(n))) save(true);
    if (moved.length) lastMoved = moved;
    local = next;
    if (typeof remember === "function") remember(local, params);
    if (changed) {
      view = {};
      syncInputs(from);
      schedule();
    }
    settleLater();
    if ((changed || final) && (continuous !== false || final)) save(final);
    else if (changed) unsaved = true;
  }

  const inputs = buildControls(specs, row, change);
  function syncInputs(except) {
    for (const name of names) if (inputs[name]) inputs[name](local[name]);
  }

  // -- colours ------------------------------------------------------------------------
  function paint(color, fixed) {
    if (!color) return THEMES[theme].ink;
    if (theme === "light" || fixed) return color;
    const lower = String(color).toLowerCase();
    if (lower === "#000000") return THEMES.dark.ink;
    if (lower === "#ffffff") return THEMES.dark.paper;
    for (const [role, c] of Object.entries(params.colors || {})) {
      if (String(c).toLowerCase() === lower && params.dark_colors && params.dark_colors[role]) {
        return params.dark_colors[role];
      }
    }
    return color;
  }

  function applyTheme() {
    const next = pageTheme(el);
    if (next === theme && root.dataset.theme) return;
    theme = next;
    root.dataset.theme = theme;
    for (const [k, v] of Object.entries(THEMES[theme])) root.style.setProperty(`--celearn-${k}`, v);
    if (model.get("theme") !== theme) {
      model.set("theme", theme);
      model.save_changes();
    }
    schedule();
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
    img.alt = model.get("alt");
  }

  // -- drawing ----------------------------------------------------------------------
  let shownReadout = null;
  function draw() {
    pending = false;
    const axes = model.get("axes");
    if (pred && !pred.revealed()) {            // no truth in the page before the commit
      clearScene();
      pred.draw(axes, paint);
      return;
    }
    const out = scene(local, params, model.get("live"), view);
    if (!out) return;                          // kernel numbers not received yet
    if (out.readout !== shownReadout) {
      readout.innerHTML = out.readout;
      shownReadout = out.readout;
    }
    const keyNode = readout.querySelector(".celearn-key");
    const keyText = keyNode ? keyNode.textContent : "";
    root.dataset.value = String(out.value);
    root.dataset.state = JSON.stringify(local);
    // the state whose numbers are drawn (05: the kernel's curves may still be older)
    const live = model.get("live");
    root.dataset.live = JSON.stringify(live && live.state ? live.state : local);
    root.dataset.frames = String(Number(root.dataset.frames || 0) + 1);
    const seen = new Set();
    let previous = null;                       // the SVG keeps the marks' order (z-order)
    out.marks.forEach((m, i) => {
      const id = m.key || `${m.kind}-${i}`;
      seen.add(id);
      const [tag, attrs, text] = markShape(m, axes, paint, params.colors);
      let node = nodes.get(id);
      const want = m.drag ? "g" : tag;
      if (!node || node.tagName !== want) {
        if (node) node.remove();
        node = m.drag ? makeHandle(tag) : document.createElementNS(SVG, tag);
        if (pred) node.classList.add("celearn-reveal");
        nodes.set(id, node);
      }
      const place = previous ? previous.nextSibling : svg.firstChild;
      if (node !== place) svg.insertBefore(node, place);
      previous = node;
      node.__mark = m;
      const shape = m.drag ? node.lastChild : node;
      setAttrs(shape, attrs);
      if (text !== undefined && shape.textContent !== text) shape.textContent = text;
      if (m.kind === "text") keepInside(shape, axes[m.ax || 0]);
      if (m.drag) updateHandle(node, m, attrs, keyText);
    });
    for (const [id, node] of nodes) {
      if (!seen.has(id)) { node.remove(); nodes.delete(id); }
    }
    if (pred) pred.draw(axes, paint);
  }

  function clearScene() {
    for (const node of nodes.values()) node.remove();
    nodes.clear();
    shownReadout = null;
    delete root.dataset.value;
  }

  function schedule() {
    if (!pending) { pending = true; requestAnimationFrame(draw); }
  }

  // -- draggable marks: focusable sliders with a hit area of at least HIT_PX --------------
  function ariaControl(m) {
    return bySpec[m.drag] || bySpec[(m.keys || [])[0]] || specs[0];
  }

  function makeHandle(tag) {
    const g = document.createElementNS(SVG, "g");
    g.setAttribute("class", "celearn-handle");
    g.setAttribute("tabindex", "0");
    g.setAttribute("role", "slider");
    const hit = document.createElementNS(SVG, "rect");
    hit.setAttribute("class", "celearn-hit");
    g.append(hit, document.createElementNS(SVG, tag));
    g.addEventListener("pointerdown", (event) => {
      event.preventDefault();
      g.setPointerCapture(event.pointerId);
      g.focus({ preventScroll: true });
      dragging = g;
      settleLater();
    });
    g.addEventListener("pointermove", (event) => {
      if (dragging !== g) return;
      const m = g.__mark;
      const [x, y] = pointerData(event, m.ax);
      change(drag(m.drag, x, y, local, params));
    });
    const stop = () => {
      if (dragging !== g) return;
      dragging = null;
      save(true);
      settleLater();
    };
    g.addEventListener("pointerup", stop);
    g.addEventListener("pointercancel", stop);
    g.addEventListener("keydown", (event) => onKey(event, g.__mark));
    return g;
  }

  function updateHandle(g, m, attrs, keyText) {
    const hit = g.firstChild;
    let cx, cy, w, h;
    if (m.kind === "dot") {
      cx = Number(attrs.cx); cy = Number(attrs.cy); w = h = 2 * Number(attrs.r);
    } else if (m.kind === "rect") {
      w = Number(attrs.width); h = Number(attrs.height);
      cx = Number(attrs.x) + w / 2; cy = Number(attrs.y) + h / 2;
    } else {
      const box = g.lastChild.getBBox();
      cx = box.x + box.width / 2; cy = box.y + box.height / 2; w = box.width; h = box.height;
    }
    w = Math.max(w, HIT_PX); h = Math.max(h, HIT_PX);
    setAttrs(hit, { x: (cx - w / 2).toFixed(2), y: (cy - h / 2).toFixed(2),
      width: w.toFixed(2), height: h.toFixed(2), rx: 4 });
    const spec = ariaControl(m);
    const v = local[spec.name];
    const lo = spec.kind === "log" ? spec.values[0] : spec.min;
    const hi = spec.kind === "log" ? spec.values[spec.positions] : spec.max;
    setAttrs(g, { "aria-label": m.label || m.drag, "aria-valuemin": lo, "aria-valuemax": hi,
      "aria-valuenow": v, "aria-valuetext": [m.valuetext, keyText].filter(Boolean).join(", "),
      "data-mark": m.key || null });
  }

  function onKey(event, m) {
    const dirs = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1, PageUp: 10,
      PageDown: -10, Home: -1e6, End: 1e6 };
    const dir = dirs[event.key];
    if (!dir) return;
    event.preventDefault();
    let values = typeof keyStep === "function" ? keyStep(m.drag, dir, local, params) : null;
    if (!values) {
      const spec = ariaControl(m);
      const k = positionOf(spec, local[spec.name]) + dir;
      values = { [spec.name]: positionValue(spec, k) };
    }
    change(values, { final: true });
  }

  function pointerData(event, axIndex) {
    const rect = svg.getBoundingClientRect();
    const [w, h] = model.get("size");
    const px = (event.clientX - rect.left) * (w / rect.width);
    const py = (event.clientY - rect.top) * (h / rect.height);
    return toData(model.get("axes")[axIndex || 0], px, py);
  }

  // -- extras of a scene (05's replay) ----------------------------------------------------
  if (typeof actions === "function") {
    for (const action of actions()) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = `celearn-action celearn-action-${action.name}`;
      button.textContent = action.label;
      button.addEventListener("click", () => action.run(ctx));
      footer.append(button);
    }
  }
  const ctx = {
    get state() { return local; },
    get live() { return model.get("live"); },
    setView(v) { view = v; schedule(); },
  };

  // -- prediction mode: the question first, the truth after the commit ---------------------
  const question = model.get("question");
  if (question && question.kind && typeof setupPrediction === "function") {
    pred = setupPrediction({ model, root, row, readout, figure, svg, footer, schedule, clearScene });
  }

  // -- wiring ---------------------------------------------------------------------------
  const onState = () => { if (!busy) adopt(model.get("state")); };
  const onParams = () => { params = structuredClone(model.get("params")); schedule(); };
  const onPicture = () => { layout(); schedule(); };
  const onReplay = () => {
    if (typeof actions === "function") {
      const replay = actions().find((a) => a.name === "replay");
      if (replay) replay.run(ctx);
    }
  };
  const listeners = [["state", onState], ["params", onParams], ["axes", schedule],
    ["live", schedule], ["background", onPicture], ["size", onPicture], ["alt", onPicture],
    ["replays", onReplay]];
  for (const [name, handler] of listeners) model.on(`change:${name}`, handler);
  const media = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  if (media) media.addEventListener("change", applyTheme);
  const watcher = new MutationObserver(applyTheme);
  watcher.observe(document.body, { attributes: true, attributeFilter: ["class", "data-jp-theme-light", "data-jp-theme-name", "data-theme", "style"] });
  layout();
  syncInputs(null);
  applyTheme();
  draw();
  requestAnimationFrame(applyTheme);           // once attached: the page's colours are known
  return () => {
    if (saveTimer) clearTimeout(saveTimer);
    if (settleTimer) clearTimeout(settleTimer);
    watcher.disconnect();
    if (pred) pred.dispose();
    if (media) media.removeEventListener("change", applyTheme);
    for (const [name, handler] of listeners) model.off(`change:${name}`, handler);
  };
}

export default { render };
