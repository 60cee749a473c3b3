// Scene of SlopesExplorer (notebook 05): tangents of -ln p and (1 - p)^2 at the slider's p.

const YMAX = 5.0;

// The tangent segment at (p, value): fixed length on screen, cut at the axes' edges.
function tangent(p, value, slope) {
  const half = 0.22 / Math.hypot(1, slope / YMAX);
  const x0 = Math.max(p - half, p + (YMAX - value) / slope);
  const x1 = Math.min(p + half, p - value / slope);
  return [[x0, x1], [value + slope * (x0 - p), value + slope * (x1 - p)]];
}

function scene(s, P) {
  const p = s.p;
  const ce = -Math.log(p);
  const se = (1 - p) ** 2;
  // as celearn.bce_grad_p and mse_grad_p compute them (t = 1), to the last bit
  const sCe = (p - 1) / (p * (1 - p));
  const sSe = 2 * (p - 1);
  const ratio = sCe / sSe;
  const marks = [{ kind: "line", key: "guide", x: [p, p], y: [0, YMAX], color: P.colors.neutral,
    lw: 1, dash: "1 2" }];
  for (const [k, value, slope] of [["ce", ce, sCe], ["mse", se, sSe]]) {
    const [x, y] = tangent(p, value, slope);
    marks.push({ kind: "line", key: `tangent-${k}`, x, y, color: P.colors[k], lw: 2.2,
      dash: "5 2" });
  }
  for (const [k, value, what] of [["ce", ce, "cross-entropy"], ["mse", se, "squared error"]]) {
    marks.push({ kind: "dot", key: `marker-${k}`, x: p, y: value, r: 4, color: P.colors.marker,
      drag: "p", label: `p on the ${what} curve`, valuetext: `p = ${p.toFixed(2)}` });
  }
  const notes = [["ce", 0.96, `slope of −ln p: ${pyFmt(sCe, 2)}`],
    ["mse", 0.87, `slope of (1 − p)²: ${pyFmt(sSe, 2)}`],
    ["marker", 0.78, `ratio: ${pyFmt(ratio, 2)}`]];
  for (const [k, y, text] of notes) {
    marks.push({ kind: "text", key: `note-${k}`, x: 0.98, y, coords: "axes", text, dx: 0, dy: 0,
      ha: "right", va: "top", size: 10, color: P.colors[k] });
  }
  const readout = `At p = ${p.toFixed(2)}: slope of −ln p = ${key(sCe, pyFmt(sCe, 2), "up")}`
    + `, slope of (1 − p)² = ${pyFmt(sSe, 2)}; cross-entropy is ${pyFmt(ratio, 2)} times as steep.`;
  return { marks, readout, value: sCe };
}

// Dragging a marker: its x is the new p (the slider snaps and clamps it).
function drag(id, x, y, s, P) {
  return { p: x };
}
