// Scene of JacobianExplorer (notebook 04): logits as draggable bars, the tempered
// softmax Jacobian J = (diag(p) - p p^T) / T as a heat map, and p as bars.
// Axes: 0 logits, 1 heat map, 2 probabilities, 3 colour bar (live tick labels).

const SUBSCRIPT = "₀₁₂₃₄₅₆₇₈₉";
const sub = (i) => String(i).split("").map((d) => SUBSCRIPT[Number(d)]).join("");

// +0.225 / −0.147, with the sign of a negative zero kept (as Python's format).
function signed(x) {
  return (x < 0 || Object.is(x, -0) ? "−" : "+") + Math.abs(x).toFixed(3);
}

// Central differences of softmax(z / T)_i in z_j, as celearn.numerical_gradient (h = 1e-6).
function finiteDifferenceJacobian(z, T) {
  const K = z.length;
  const h = 1e-6;
  const J = z.map(() => new Array(K).fill(0));
  for (let j = 0; j < K; j++) {
    const plus = z.slice(), minus = z.slice();
    plus[j] = z[j] + h;
    minus[j] = z[j] - h;
    const pp = softmax(plus.map((v) => v / T));
    const pm = softmax(minus.map((v) => v / T));
    for (let i = 0; i < K; i++) J[i][j] = (pp[i] - pm[i]) / (plus[j] - minus[j]);
  }
  return J;
}

function scene(s, P) {
  const K = P.K;
  const z = [];
  for (let j = 0; j < K; j++) z.push(s[`z${j}`]);
  const T = s.T;
  const p = softmax(z.map((v) => v / T));
  const J = p.map((pi, i) => p.map((pj, j) => ((i === j ? pi : 0) - pi * pj) / T));
  const fd = finiteDifferenceJacobian(z, T);
  let error = 0;
  for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) {
    error = Math.max(error, Math.abs(J[i][j] - fd[i][j]));
  }
  const limit = P.scale / T;
  const black = "#000000";
  const marks = [];
  for (let j = 0; j < K; j++) {
    const zj = z[j] + 0;                      // never "−0.0"
    const up = zj >= 0;
    marks.push(
      { kind: "rect", key: `zbar-${j}`, x0: j - 0.3, x1: j + 0.3, y0: 0, y1: zj,
        color: P.colors.ce, alpha: 0.55, ax: 0 },
      { kind: "rect", key: `zcap-${j}`, x0: j - 0.34, x1: j + 0.34, y0: zj - 0.22, y1: zj + 0.22,
        color: P.colors.ce, edge: P.colors.marker, drag: `z${j}`,
        label: `logit z${sub(j)} (bar height)`, valuetext: `z${sub(j)} = ${zj.toFixed(1)}`,
        ax: 0 },
      { kind: "text", key: `ztext-${j}`, x: j, y: zj, text: zj.toFixed(1).replace("-", "−"),
        dy: up ? 8 : -8, ha: "center", va: up ? "bottom" : "top", role: "value", ax: 0 },
    );
  }
  for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) {
    marks.push({ kind: "rect", key: `cell-${i}-${j}`, x0: j - 0.5, x1: j + 0.5, y0: i - 0.5,
      y1: i + 0.5, color: cellColor(J[i][j], limit, P.table), fixed: true, ax: 1 });
  }
  for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) {
    const v = J[i][j];
    marks.push({ kind: "text", key: `celltext-${i}-${j}`, x: j, y: i, text: signed(v),
      ha: "center", va: "center", role: "value",
      color: Math.abs(v) > 0.6 * limit ? "#ffffff" : black, fixed: true, ax: 1 });
  }
  for (let j = 0; j < K; j++) {
    marks.push(
      { kind: "rect", key: `pbar-${j}`, x0: j - 0.3, x1: j + 0.3, y0: 0, y1: p[j],
        color: P.colors.p, ax: 2 },
      { kind: "text", key: `ptext-${j}`, x: j, y: p[j], text: p[j].toFixed(3), dy: 2,
        ha: "center", va: "bottom", role: "value", ax: 2 },
    );
  }
  for (const [y, text] of [[1, `+${limit.toFixed(2)}`], [0, "0"], [-1, `−${limit.toFixed(2)}`]]) {
    marks.push({ kind: "text", key: `cbar-${y}`, ax: 3, x: 1, y, text, dx: 7, ha: "left",
      va: "center", role: "value" });
  }
  const listing = p.map((v) => v.toFixed(3)).join(", ");
  const agree = error < P.tol
    ? `< 1e${Math.round(Math.log10(P.tol))}`.replace("-", "−")
    : `= ${fmt(error)}`;
  const readout = `${key(p[0], `p₀ = ${p[0].toFixed(3)}`, "up")} (p = ${listing}); `
    + `J₀₀ = p₀(1 − p₀)/T = ${fmt(J[0][0])}; `
    + `largest |J − finite differences| ${agree}`;
  return { marks, readout, value: p[0] };
}

// Dragging a logit bar's top: its height is the new logit (the slider snaps and clamps it).
function drag(id, x, y, s, P) {
  return { [id]: y };
}
