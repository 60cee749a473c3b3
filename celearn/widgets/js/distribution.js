// Scene of DistributionExplorer (notebook 06): p and q over three outcomes,
// H(p), H(p, q) = H(p) + KL(p||q), in nats or bits.

const FLOOR = 0.01;
const XMAX = 2.5;   // as _XMAX in information.py
const STEPS = 100;
const NAMES = { p0: "p₀", p1: "p₁", p2: "p₂", q0: "q₀", q1: "q₁", q2: "q₂" };

function hundredths(v) {
  return Math.floor(v * STEPS + 0.5);
}

function third(a, b) {
  return Math.round((1 - a - b) * 1e10) / 1e10;
}

// numpy.allclose(a, b): |a - b| <= 1e-8 + 1e-5 |b|
function allclose(a, b) {
  return a.every((v, i) => Math.abs(v - b[i]) <= 1e-8 + 1e-5 * Math.abs(b[i]));
}

function scene(s, P) {
  const p = [s.p0, s.p1, third(s.p0, s.p1)];
  const q = [s.q0, s.q1, third(s.q0, s.q1)];
  const unit = s.unit;
  const scale = unit === "bits" ? Math.LN2 : 1;
  const h = entropy(p) / scale;
  const hpq = crossEntropy(p, q) / scale;
  const kl = klDivergence(p, q) / scale;
  const marks = [];
  const dists = [["p", p, -0.2], ["q", q, 0.2]];
  for (const [name, d, shift] of dists) {
    d.forEach((v, i) => {
      const c = i + shift;
      marks.push({ kind: "rect", key: `${name}-bar${i}`, x0: c - 0.19, x1: c + 0.19, y0: 0,
        y1: v, color: P.colors[name] });
      marks.push({ kind: "text", key: `${name}-text${i}`, x: c, y: v, text: v.toFixed(2),
        dx: 0, dy: 6, ha: "center", va: "bottom", size: 8, color: "#000000" });
    });
  }
  for (const [name, d, shift] of dists) {
    d.forEach((v, i) => {
      const mark = `${name}${i}`;
      marks.push({ kind: "dot", key: `${mark}-handle`, x: i + shift, y: v, r: 4.5,
        color: P.colors[name], edge: "#ffffff", drag: mark,
        label: `${NAMES[mark]}: drag the bar's top to set it`,
        valuetext: `${NAMES[mark]} = ${v.toFixed(2)}` });
    });
  }
  const top = XMAX;
  marks.push(
    { kind: "rect", ax: 1, key: "h", x0: 0, x1: Math.min(h, top), y0: -0.3, y1: 0.3,
      color: P.colors.p },
    { kind: "rect", ax: 1, key: "hpq-base", x0: 0, x1: Math.min(h, top), y0: 0.7, y1: 1.3,
      color: P.colors.p, alpha: 0.45 },
    { kind: "rect", ax: 1, key: "kl", x0: Math.min(h, top), x1: Math.min(h + kl, top),
      y0: 0.7, y1: 1.3, color: P.colors.wrong },
    { kind: "text", ax: 1, key: "h-text", x: Math.min(h + 0.03 * top, top * 0.86), y: 0,
      text: pyFmt(h), dx: 0, dy: 0, ha: "left", va: "center", role: "value" },
    { kind: "text", ax: 1, key: "hpq-text", x: Math.min(hpq + 0.03 * top, top * 0.86), y: 1,
      text: pyFmt(hpq), dx: 0, dy: 0, ha: "left", va: "center", role: "value" },
    { kind: "text", ax: 1, key: "kl-text", x: Math.min(h + kl / 2, top * 0.9), y: 1.32,
      text: `KL = ${pyFmt(kl)}`, dx: 0, dy: 0, ha: "center", va: "bottom", role: "value",
      color: P.colors.wrong, weight: "bold" },
  );
  const same = allclose(p, q) ? " (q = p: no extra cost)" : "";
  const f2 = (d) => d.map((v) => v.toFixed(2)).join(", ");
  const readout = `p = (${f2(p)}), q = (${f2(q)}): `
    + `H(p) = ${pyFmt(h)} ${unit}, H(p, q) = ${pyFmt(hpq)} ${unit}, `
    + key(kl, `KL(p‖q) = ${pyFmt(kl)} ${unit}`, "any")
    + ` = H(p, q) − H(p)${same}.`;
  return { marks, readout, value: kl };
}

// The other slider of the same distribution gives way (the remainder stays >= 0.01).
function react(name, s, P) {
  const other = { p0: "p1", p1: "p0", q0: "q1", q1: "q0" }[name];
  if (!other || 1 - s[name] - s[other] >= FLOOR - 1e-9) return null;
  return { [other]: Math.round((1 - FLOOR - s[name]) * 1e10) / 1e10 };
}

// Dragging the top of bar `id` ("p0" ... "q2") to height y, in whole hundredths.
function drag(id, x, y, s, P) {
  const d = id[0], i = Number(id[1]);
  const k = Math.min(Math.max(hundredths(y), 1), STEPS - 2);
  let a = hundredths(s[`${d}0`]), b = hundredths(s[`${d}1`]);
  if (i === 0) {
    a = k;
    b = Math.min(b, STEPS - 1 - a);
  } else if (i === 1) {
    b = k;
    a = Math.min(a, STEPS - 1 - b);
  } else {
    b = STEPS - k - a;
    if (b < 1) { b = 1; a = STEPS - 1 - k; }
  }
  return { [`${d}0`]: a / STEPS, [`${d}1`]: b / STEPS };
}

// Arrow keys: one hundredth up or down for the focused bar.
function keyStep(id, dir, s, P) {
  const d = id[0], i = Number(id[1]);
  const v = i === 2 ? third(s[`${d}0`], s[`${d}1`]) : s[id];
  return drag(id, 0, (hundredths(v) + dir) / STEPS, s, P);
}
