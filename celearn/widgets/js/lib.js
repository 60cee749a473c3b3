// celearn explorers: pure helpers shared by every scene (no DOM here).
// Each formula mirrors a celearn function; tests compare them in node.

// Python's fmt(): fixed digits, scientific for tiny/huge values, ∞, true minus sign.
function fmt(x, digits = 3) {
  x = Number(x);
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "∞";
  if (x === -Infinity) return "−∞";
  let s;
  if (x !== 0 && (Math.abs(x) >= 1e5 || Math.abs(x) < 10 ** -digits)) {
    s = x.toExponential(digits).replace(/e([+-])(\d)$/, "e$10$2");
  } else {
    s = x.toFixed(digits);
  }
  return s.replace(/-/g, "−");
}

// HTML-escape text that goes into the readout.
function esc(s) {
  return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;").replace(/'/g, "&#x27;");
}

// The readout's key number: visible text, machine-readable value and trend.
function key(value, text, trend) {
  return `<span class="celearn-key" data-value="${Number(value)}" data-trend="${trend}">${esc(text)}</span>`;
}

// sigma(z), stable for any finite z (as celearn.sigmoid).
function sigmoid(z) {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

// log(1 + exp(z)) without overflow: -ln sigma(-z).
function softplus(z) {
  return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
}

function logsumexp(z) {
  const m = Math.max(...z);
  let s = 0;
  for (const v of z) s += Math.exp(v - m);
  return m + Math.log(s);
}

function softmax(z) {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

// Shannon sums with 0 log 0 = 0 (as celearn.information).
function entropy(p) {
  let h = 0;
  for (const v of p) if (v > 0) h -= v * Math.log(v);
  return h;
}

function crossEntropy(p, q) {
  let h = 0;
  for (let i = 0; i < p.length; i++) if (p[i] > 0) h -= p[i] * Math.log(q[i]);
  return h;
}

function klDivergence(p, q) {
  let d = 0;
  for (let i = 0; i < p.length; i++) if (p[i] > 0) d += p[i] * Math.log(p[i] / q[i]);
  return d;
}

// Evenly spaced values, as numpy.linspace.
function linspace(a, b, n) {
  const out = new Array(n);
  for (let i = 0; i < n; i++) out[i] = n === 1 ? a : a + (b - a) * (i / (n - 1));
  return out;
}

function clamp(x, lo, hi) {
  return Math.min(hi, Math.max(lo, x));
}

// x.toFixed(digits) as Python formats it: an exact tie (the double is exactly
// halfway, e.g. 3.125 to 2 digits) rounds half to even, where toFixed rounds up.
function pyFixed(x, digits) {
  const s = x.toFixed(digits);
  if (!Number.isFinite(x) || Math.abs(x) >= 1e21) return s;
  const exact = x.toFixed(100);              // the double's decimal expansion
  const i = exact.indexOf(".") + 1 + digits;
  if (exact[i] !== "5" || /[1-9]/.test(exact.slice(i + 1))) return s;
  const down = digits === 0 ? exact.slice(0, i - 1) : exact.slice(0, i);
  return Number(down[down.length - 1]) % 2 === 0 ? down : s;
}

// Python's fmt (celearn/widgets/_base.py): since it rounds exact ties away from zero, as
// toFixed does, this is fmt itself (kept as a name the scenes use).
function pyFmt(x, digits = 3) {
  return fmt(x, digits);
}

// Python's format(x, ".{digits}g"): significant digits, trailing zeros dropped,
// scientific (e+03) when the exponent is below -4 or at least `digits`.
function pyG(x, digits = 3) {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? "nan" : (x > 0 ? "inf" : "-inf");
  if (x === 0) return "0";
  const [mantissa, exp] = x.toExponential(digits - 1).split("e");
  const e = Number(exp);
  const strip = (t) => (t.includes(".") ? t.replace(/0+$/, "").replace(/\.$/, "") : t);
  if (e >= -4 && e < digits) return strip(x.toFixed(digits - 1 - e));
  return `${strip(mantissa)}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
}

// A heat-map or weight-image cell's colour: value on [-limit, limit] through the colour
// table (linear interpolation, channels rounded half up), as jacobian.cell_color.
function cellColor(value, limit, table) {
  const t = Math.min(1, Math.max(0, (value / limit + 1) / 2));
  const pos = t * (table.length - 1);
  const i = Math.min(Math.floor(pos), table.length - 2);
  const f = pos - i;
  const hex = (a, b) => Math.floor(a + (b - a) * f + 0.5).toString(16).padStart(2, "0");
  return "#" + [0, 1, 2].map((c) => hex(table[i][c], table[i + 1][c])).join("");
}

// A mark with a role takes its style from the table by role (ROLES, from roles.json, which
// Python's saved picture reads too: celearn.widgets._base.styled); what the mark sets
// itself wins. Colours there are palette names ("ink": the page's text colour).
function styled(m, colors) {
  const role = m.role && ROLES[m.role];
  if (!role) return m;
  const out = { ...role, ...m };
  if (!("color" in m) && role.color) {
    out.color = role.color === "ink" ? "#000000" : colors[role.color];
  }
  return out;
}

// Frames of a replay (as Replaying.REPLAY_FRAMES in celearn/widgets/_base.py).
const REPLAY_FRAMES = 25;

// The epochs a replay shows, one per frame (as the explorers' replay_steps).
function replaySteps(n, frames = REPLAY_FRAMES) {
  const steps = linspace(0, n, frames).map((v) => Math.trunc(v));
  return [...new Set(steps)].sort((a, b) => a - b);
}

// A "replay" button: the live run's curves from epoch 0, 40 ms a frame (the scene draws
// epochs up to view.upto).
function replayAction(label, frames = REPLAY_FRAMES) {
  return { name: "replay", label, run(ctx) {
    const live = ctx.live;
    if (!live || !live.state) return;
    const steps = replaySteps(live.state.epochs, frames);
    let i = 0;
    const next = () => {
      if (i >= steps.length) { ctx.setView({}); return; }
      ctx.setView({ upto: steps[i] });
      i += 1;
      setTimeout(next, 40);
    };
    next();
  } };
}
