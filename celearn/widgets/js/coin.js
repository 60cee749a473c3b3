// Scene of CoinLikelihoodExplorer (notebook 08): likelihood and NLL of h heads in n tosses.

// h ln q + m ln(1 - q), a count of 0 contributing 0 (as celearn.likelihood.coin_log_likelihood)
function coinLogLik(q, h, m) {
  const up = h > 0 ? (q > 0 ? h * Math.log(q) : -Infinity) : 0;
  const down = m > 0 ? (q < 1 ? m * Math.log(1 - q) : -Infinity) : 0;
  return up + down;
}

function scene(s, P) {
  const q = s.q, h = s.heads, n = P.tosses, m = n - h;
  const best = h / n;
  const grid = linspace(P.grid[0], P.grid[1], P.grid[2]);
  const ll = grid.map((v) => coinLogLik(v, h, m));
  const llBest = coinLogLik(best, h, m);
  const nllQ = -coinLogLik(q, h, m);
  const nllBest = -llBest;
  const relQ = Math.exp(-nllQ - llBest);
  const likQ = Math.exp(-nllQ);
  const green = P.colors.true, black = P.colors.marker;
  const marks = [
    { kind: "line", x: grid, y: ll.map((v) => Math.exp(v - llBest)), color: P.colors.p, lw: 2 },
    { kind: "line", ax: 1, x: grid, y: ll.map((v) => (-v <= P.ymax ? -v : NaN)),
      color: P.colors.ce, lw: 2 },
    { kind: "line", x: [best, best], y: [0, 1], color: green, lw: 1, dash: "2 2" },
    { kind: "line", ax: 1, x: [best, best], y: [0, Math.min(nllBest, P.ymax)], color: green,
      lw: 1, dash: "2 2" },
    { kind: "dot", x: best, y: 1, r: 5, color: green },
    { kind: "dot", ax: 1, x: best, y: nllBest, r: 5, color: green },
    { kind: "text", x: best, y: 1, text: `max at h/n = ${best.toFixed(2)}`, dx: 0, dy: 7,
      ha: "center", color: green, role: "value" },
    { kind: "dot", key: "q-left", x: q, y: relQ, r: 5, color: black },
    { kind: "text", ax: 1, x: q, y: Math.min(nllQ, P.ymax), text: `${fmt(nllQ)} nats`, dx: 8,
      dy: 6, ha: q < 0.7 ? "left" : "right", role: "label" },
    { kind: "dot", key: "marker", ax: 1, x: q, y: Math.min(nllQ, P.ymax), r: 6, color: black,
      drag: "q", label: "q on the NLL curve", valuetext: `q = ${q.toFixed(2)}` },
  ];
  const readout = `${h} heads, ${m} tails; q = ${q.toFixed(2)}: likelihood ${fmt(likQ)}, NLL = `
    + key(nllQ, `${fmt(nllQ)} nats`, "any")
    + `; the maximum is at q = h/n = ${best.toFixed(2)} (NLL ${fmt(nllBest)} nats)`;
  return { marks, readout, value: nllQ };
}

// Dragging the marker along the NLL curve: its x is the new q.
function drag(id, x, y, s, P) {
  return { q: x };
}
