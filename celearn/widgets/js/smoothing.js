// Scene of SmoothingExplorer (notebook 10): the smoothed target, the loss floor and its gap.

// Loss of logits (g, 0, ..., 0), true class first, target (1 - ε) t + ε/K:
// -s_t g + log(e^g + K - 1) = -s_t g + g + log1p((K - 1) e^-g)   (s_t + (K - 1) s_o = 1)
function smoothedLoss(g, eps, K) {
  const st = 1 - eps + eps / K;
  return (1 - st) * g + Math.log1p((K - 1) * Math.exp(-g));
}

function scene(s, P) {
  const eps = s.eps, K = P.K;
  const st = 1 - eps + eps / K, so = eps / K;
  const target = Array.from({ length: K }, (_, i) => (i === 0 ? st : so));
  const gaps = linspace(P.gaps[0], P.gaps[1], P.gaps[2]);
  const loss = gaps.map((g) => smoothedLoss(g, eps, K));
  const floor = entropy(target);
  const gap = eps === 0 ? Infinity : Math.log(st / so);
  const marks = target.map((v, i) => ({ kind: "rect", x0: i - 0.35, x1: i + 0.35, y0: 0, y1: v,
    color: i === 0 ? P.colors.true : P.colors.wrong }));
  marks.push({ kind: "text", x: 0, y: st, text: fmt(st), dx: 0, dy: 4, ha: "center",
    role: "value" });
  marks.push({ kind: "line", ax: 1, x: gaps, y: loss, color: P.colors.ce, lw: 2 });
  let where;
  if (Number.isFinite(gap)) {
    marks.push({ kind: "dot", ax: 1, x: gap, y: floor, r: 5, color: P.colors.marker });
    marks.push({ kind: "text", ax: 1, x: gap, y: floor, text: `H = ${fmt(floor)}`, dx: 0,
      dy: -14, ha: "center", role: "value" });
    where = `at gap ${fmt(gap)}`;
  } else {
    where = "(reached only as the gap grows forever)";
  }
  const readout = `ε = ${eps.toFixed(2)}, K = ${K}: target ${fmt(st)} for the true class, `
    + `${fmt(so)} for each other; floor H(t_smooth) = ${key(floor, `${fmt(floor)} nats`, "up")} ${where}`;
  return { marks, readout, value: floor };
}

// Nothing is dragged in this explorer: the ε slider is the control.
function drag(id, x, y, s, P) {
  return {};
}
