// Scene of TriangleExplorer (notebook 03): a 3-class prediction in the probability triangle.

const GRID = 1000;

function barycentric(P, x, y) {
  const p2 = y / P.corners[2][1];
  const p1 = x - 0.5 * p2;
  return [1 - p1 - p2, p1, p2];
}

// The nearest point with every probability >= floor (celearn.plotting.simplex_from_xy).
function simplexFromXY(P, x, y) {
  const p = barycentric(P, x, y);
  const k = 3, floor = P.floor;
  const q = p.map((v) => v - floor);
  const total = 1 - k * floor;
  const u = q.slice().sort((a, b) => b - a);
  let cum = 0, theta = 0;
  for (let i = 0; i < k; i++) {
    cum += u[i];
    const excess = cum - total;
    if (u[i] - excess / (i + 1) > 0) theta = excess / (i + 1);
  }
  return q.map((v) => Math.max(v - theta, 0) + floor);
}

function thousandths(p) {
  const a = Math.min(Math.max(Math.round(p[0] * GRID), 1), GRID - 2);
  const b = Math.min(Math.max(Math.round(p[1] * GRID), 1), GRID - 1 - a);
  return [a, b, GRID - a - b];
}

function scene(s, P) {
  const k = s.true_class;
  const trend = k === 0 ? "down" : "up";
  const raw = [s.p0, s.p1, s.p2];
  const sum = raw[0] + raw[1] + raw[2];
  const p = raw.map((v) => v / sum);
  const loss = -Math.log(p[k]);
  const bits = -Math.log2(p[k]);
  const c = P.corners;
  const x = p[0] * c[0][0] + p[1] * c[1][0] + p[2] * c[2][0];
  const y = p[0] * c[0][1] + p[1] * c[1][1] + p[2] * c[2][1];
  const marks = [];
  for (let i = 0; i < 3; i++) {
    marks.push({ kind: "rect", ax: 1, key: `bar${i}`, x0: i - 0.4, x1: i + 0.4, y0: 0, y1: p[i],
      color: i === k ? P.colors.true : P.colors.p });
    marks.push({ kind: "text", ax: 1, key: `barlabel${i}`, x: i, y: p[i], text: p[i].toFixed(3),
      dx: 0, dy: 2, ha: "center", va: "bottom", role: "value" });
  }
  marks.push({ kind: "dot", key: "point", x, y, r: 5, color: P.colors.marker, edge: "#ffffff",
    drag: "point", label: "the prediction in the probability triangle",
    valuetext: P.labels.map((name, i) => `${name} ${p[i].toFixed(3)}`).join(", ") });
  const probs = P.labels.map((name, i) => `${esc(name)} ${p[i].toFixed(3)}`).join(", ");
  const atFloor = p.some((v) => Math.round(v * GRID) <= 1);
  const clamp = atFloor
    ? ` The point is kept inside the triangle: each p ≥ ${P.floor}, so the loss `
      + `stays finite (at most ${fmt(P.max_loss)} nats).`
    : "";
  const readout = `True class: ${esc(P.labels[k])}. Prediction p = (${probs}) → `
    + `loss = −ln p(${esc(P.labels[k])}) = ` + key(loss, `${fmt(loss)} nats`, trend)
    + ` = ${fmt(bits)} bits.` + clamp;
  return { marks, readout, value: loss };
}

function drag(id, x, y, s, P) {
  const [a, b, c] = thousandths(simplexFromXY(P, x, y));
  return { p0: a / GRID, p1: b / GRID, p2: c / GRID };
}

// A moved slider rescales the other two (in thousandths) so the three sum to 1.
function react(name, s, P) {
  if (name === "true_class") return null;
  const j = Number(name[1]);
  const v = [0, 1, 2].map((i) => Math.round(s[`p${i}`] * GRID));
  const others = [0, 1, 2].filter((i) => i !== j);
  const excess = others.map((i) => v[i] - 1);
  const room = GRID - v[j] - 2;
  const share = excess[0] + excess[1] > 0 ? excess[0] / (excess[0] + excess[1]) : 0.5;
  const first = 1 + Math.floor(room * share + 0.5);
  return { [`p${others[0]}`]: first / GRID, [`p${others[1]}`]: (GRID - v[j] - first) / GRID };
}

// Arrow keys on the point: move it along the edge direction of the true class's corner.
function keyStep(id, dir, s, P) {
  const k = s.true_class;
  const v = [0, 1, 2].map((i) => Math.round(s[`p${i}`] * GRID));
  const step = 5 * dir;                           // 0.005 towards (or away from) corner k
  const target = Math.min(Math.max(v[k] + step, 1), GRID - 2);
  const values = react(`p${k}`, { ...s, [`p${k}`]: target / GRID }, P);
  return { [`p${k}`]: target / GRID, ...values };
}
