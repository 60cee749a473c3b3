// Scene of StabilityExplorer (notebook 07). Its point is NumPy's own float32/float64
// arithmetic, which the browser cannot reproduce bit for bit: the kernel sends, once,
// the numbers of every slider position in both dtypes (the model's `live`: scales,
// table[dtype][position] = [ce stable, ce naive, bce stable, bce naive, naive p (3),
// stable p (3)], inf/nan as strings); this draws a state from its row.

const EXP_MAX = 4;

function decode(v) {
  if (typeof v === "number") return v;
  return v === "inf" ? Infinity : v === "-inf" ? -Infinity : NaN;
}

function rowOf(s, live) {
  if (!live || !live.table) return null;
  const k = live.scales.indexOf(s.scale);
  if (k >= 0 && live.table[s.dtype]) return live.table[s.dtype][k].map(decode);
  const now = live.now;
  if (now && now.scale === s.scale && now.dtype === s.dtype) return now.row.map(decode);
  return null;                                  // not received yet
}

function why(value, kind) {
  if (Number.isNaN(value)) return "nan: exp(z) overflowed, inf / inf";
  if (!Number.isFinite(value)) {
    return kind === "ce" ? "inf: softmax rounded the true class's probability to 0, −log 0 = inf"
      : "inf: σ(z) rounded to 1, log(1 − 1) = log 0";
  }
  return `${fmt(value, 2)} nats`;
}

function scene(s, P, live) {
  const row = rowOf(s, live);
  if (!row) return undefined;
  const scale = s.scale;
  const ylo = 0.3;
  const marks = [];
  ["ce", "bce"].forEach((kind, ax) => {
    const stable = row[2 * ax], value = row[2 * ax + 1];
    marks.push(
      { kind: "line", key: `guide-${kind}`, ax, x: [scale, scale], y: [ylo, stable],
        role: "guide" },
      { kind: "dot", key: `stable-${kind}`, ax, x: scale, y: stable, role: "marker" },
    );
    if (Number.isFinite(value)) {
      marks.push({ kind: "dot", key: `naive-${kind}`, ax, x: scale, y: value, r: 3,
        color: P.colors.wrong });
    } else {
      const right = scale > 10 ** (EXP_MAX - 1.2);
      marks.push({ kind: "text", key: `naive-text-${kind}`, ax, x: scale, y: stable,
        text: Number.isNaN(value) ? "naive: nan" : "naive: inf", dx: right ? -8 : 8,
        dy: right ? 8 : -16, ha: right ? "right" : "left", role: "value", color: P.colors.wrong,
        weight: "bold" });
    }
  });
  const ce = row[0], bce = row[2];
  const pNaive = row.slice(4, 7).map((v) => fmt(v, 2)).join(", ");
  const pStable = row.slice(7, 10).map((v) => fmt(v, 2)).join(", ");
  const readout = `s = ${pyG(scale, 3)} (${esc(s.dtype)}). Softmax cross-entropy of the true class: `
    + key(ce, `stable ${fmt(ce, 2)} nats`, "up")
    + `; naive −log(softmax(z)) ${why(row[1], "ce")}. `
    + `BCE with t = 0 at z = s: stable ${fmt(bce, 2)} nats; `
    + `naive −log(1 − σ(z)) ${why(row[3], "bce")}. `
    + `Softmax probabilities: naive (${pNaive}), stable (${pStable}).`;
  return { marks, readout, value: ce };
}

// Nothing on this figure is dragged: the log-scale slider and the dtype toggle are the controls.
function drag(id, x, y, s, P) {
  return {};
}
