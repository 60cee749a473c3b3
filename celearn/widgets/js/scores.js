// Scene of ProperScoreExplorer (notebook 08): expected log, Brier and absolute penalties.

// Expected penalty of reporting q when t = 1 has probability p (celearn.likelihood.expected_score).
function expectedScore(p, q, rule) {
  if (rule === "log") {
    const heads = p === 0 ? 0 : -p * Math.log(q);
    const tails = p === 1 ? 0 : -(1 - p) * Math.log(1 - q);
    return heads + tails;
  }
  if (rule === "brier") return p * (1 - q) ** 2 + (1 - p) * q ** 2;
  return p * (1 - q) + (1 - p) * q;
}

// The minimiser over q in [0, 1] (celearn.likelihood.best_report).
function bestReport(p, rule) {
  if (rule === "log" || rule === "brier") return p;
  return p > 0.5 ? 1 : p < 0.5 ? 0 : 0.5;
}

const RULES = ["log", "brier", "absolute"];

function scene(s, P) {
  const q = s.q, p = s.p_star, top = P.ymax;
  const grid = linspace(P.grid[0], P.grid[1], P.grid[2]);
  const colors = P.score_colors;
  const marks = RULES.map((rule) => ({ kind: "line", x: grid,
    y: grid.map((v) => { const e = expectedScore(p, v, rule); return e <= top ? e : NaN; }),
    color: colors[rule], lw: 2 }));
  marks.push({ kind: "line", x: [p, p], y: [0, top], color: P.colors.true, lw: 1, dash: "2 2" });
  marks.push({ kind: "line", x: [q, q], y: [0, top], role: "guide" });
  const values = {};
  for (const rule of RULES) {
    const best = bestReport(p, rule);
    values[rule] = [expectedScore(p, q, rule), expectedScore(p, best, rule), best];
    marks.push({ kind: "dot", x: best, y: values[rule][1], r: 5, color: colors[rule] });
    marks.push({ kind: "dot", x: q, y: Math.min(values[rule][0], top), r: 3.5,
      color: P.colors.marker });
  }
  const handle = 0.92 * top;
  marks.push({ kind: "dot", key: "p-star", x: p, y: handle, r: 6, color: P.colors.true,
    drag: "p_star", label: "the truth p*", valuetext: `p* = ${p.toFixed(2)}` });
  marks.push({ kind: "text", x: p, y: handle, text: "p*", dx: 9, dy: 0, ha: "left", va: "center",
    color: P.colors.true, size: 10 });
  marks.push({ kind: "dot", key: "marker", x: q, y: 0, role: "marker", drag: "q",
    label: "the report q", valuetext: `q = ${q.toFixed(2)}` });
  const [logQ, logBest] = values.log;
  const [brQ, brBest] = values.brier;
  const [abQ, abBest, abAt] = values.absolute;
  const readout = `truth p* = ${p.toFixed(2)}, report q = ${q.toFixed(2)}: expected log loss `
    + key(logQ, fmt(logQ), "any")
    + ` (honest q = p*: ${fmt(logBest)}), Brier ${fmt(brQ)} (${fmt(brBest)}), `
    + `absolute ${fmt(abQ)} (best at q = ${String(abAt)}: ${fmt(abBest)})`;
  return { marks, readout, value: logQ };
}

function drag(id, x, y, s, P) {
  return id === "p_star" ? { p_star: x } : { q: x };
}
