// Scene of FocalExplorer (notebook 10): focal loss -(1 - p_t)^γ ln p_t and its weight.

const FOCAL_GRID = linspace(0.01, 0.99, 99);

function focalLoss(p, gamma) {
  // as celearn.practice.focal_curve (sigmoid_focal_loss with t = 1, z = logit(p))
  return -Math.pow(1 - p, gamma) * Math.log(p);
}

function scene(s, P) {
  const gamma = s.gamma, pt = s.p_t;
  const loss = FOCAL_GRID.map((p) => focalLoss(p, gamma));
  const weight = FOCAL_GRID.map((p) => Math.pow(1 - p, gamma));
  const here = focalLoss(pt, gamma), ce = focalLoss(pt, 0);
  const w = Math.pow(1 - pt, gamma);
  const marks = [
    { kind: "line", x: FOCAL_GRID, y: loss, color: P.colors.ce, lw: 2 },
    { kind: "line", ax: 1, x: FOCAL_GRID, y: weight, color: P.colors.p, lw: 2 },
    { kind: "line", ax: 1, x: [pt, pt], y: [0, w], role: "guide" },
    { kind: "dot", ax: 1, x: pt, y: w, r: 5, color: P.colors.p },
    { kind: "text", ax: 1, x: pt, y: w, text: fmt(w), dx: pt > 0.8 ? -8 : 8, dy: 6,
      ha: pt > 0.8 ? "right" : "left", role: "label" },
    { kind: "dot", key: "marker", x: pt, y: here, role: "marker", drag: "p_t",
      label: "the example's p_t", valuetext: `p_t = ${pt.toFixed(2)}` },
  ];
  const readout = `γ = ${gamma.toFixed(1)}, p_t = ${pt.toFixed(2)}: focal loss ${fmt(here)} nats `
    + `(cross-entropy ${fmt(ce)}), weight (1 − p_t)^γ = ${key(w, fmt(w), "down")}`;
  return { marks, readout, value: w };
}

// Dragging the marker moves p_t along the curve.
function drag(id, x, y, s, P) {
  return { p_t: x };
}
