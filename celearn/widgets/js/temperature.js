// Scene of TemperatureExplorer (notebook 09): reliability diagram, ECE, NLL and accuracy
// of softmax(z / T) for the labels t and logits z in the params.

// Top-label bins ((m-1)/M, m/M] as celearn.calibration.reliability_bins, and the mean NLL.
function temperatureStats(t, z, T, M) {
  const step = 1 / M;
  const edges = [];
  for (let i = 1; i < M; i++) edges.push(i * step);        // numpy.linspace's interior edges
  const count = new Array(M).fill(0), hits = new Array(M).fill(0), sums = new Array(M).fill(0);
  let nll = 0, right = 0;
  for (let n = 0; n < t.length; n++) {
    const row = z[n].map((v) => v / T);
    const p = softmax(row);
    let top = 0;
    for (let k = 1; k < p.length; k++) if (p[k] > p[top]) top = k;
    const conf = p[top];
    let b = 0;
    while (b < edges.length && edges[b] < conf) b++;          // searchsorted, side="left"
    count[b] += 1;
    sums[b] += conf;
    if (top === t[n]) { hits[b] += 1; right += 1; }
    nll += logsumexp(row) - row[t[n]];
  }
  let ece = 0;
  for (let m = 0; m < M; m++) ece += Math.abs(hits[m] - sums[m]);
  return { count, hits, sums, ece: ece / t.length, nll: nll / t.length,
    accuracy: right / t.length };
}

function scene(s, P) {
  const T = s.T, M = P.n_bins;
  const st = temperatureStats(P.t, P.z, T, M);
  const width = 1 / M;
  const marks = [];
  for (let m = 0; m < M; m++) {
    if (st.count[m] === 0) continue;
    const lo = m * width, acc = st.hits[m] / st.count[m], conf = st.sums[m] / st.count[m];
    marks.push({ kind: "rect", x0: lo, x1: lo + width, y0: 0, y1: acc, color: P.colors.ce,
      alpha: 0.85, edge: "#ffffff" });
    marks.push({ kind: "rect", x0: lo, x1: lo + width, y0: acc, y1: conf, color: P.colors.wrong,
      alpha: 0.35, edge: P.colors.wrong });
  }
  marks.push({ kind: "text", x: 0.04, y: 0.93, coords: "axes", text: `ECE = ${fmt(st.ece)}`,
    color: "#000000", size: 11, weight: "bold" });
  marks.push({ kind: "line", ax: 1, x: [T, T], y: [0, 1.05 * P.nll_top], role: "guide" });
  marks.push({ kind: "dot", ax: 2, x: T, y: st.ece, r: 4, color: P.colors.wrong });
  marks.push({ kind: "dot", key: "marker", ax: 1, x: T, y: Math.min(st.nll, 1.05 * P.nll_top),
    role: "marker", drag: "T", label: "the temperature T",
    valuetext: `T = ${T.toFixed(2)}` });
  const readout = `T = ${T.toFixed(2)}: NLL = ${key(st.nll, `${fmt(st.nll)} nats`, "any")}`
    + `, ECE = ${fmt(st.ece)}, accuracy ${fmt(st.accuracy)} (never changes: `
    + `z / T keeps each sample's largest logit); fitted T = ${P.T_fit.toFixed(2)}`;
  return { marks, readout, value: st.nll };
}

// Dragging the dot along the NLL curve: its x (log axis) is the new T.
function drag(id, x, y, s, P) {
  return { T: x };
}
