// Scene of BCEExplorer (notebook 02): one prediction p, its target t, loss and gradients.

function scene(s, P) {
  const p = s.p, t = s.t;
  const trend = t === 1 ? "down" : "up";
  const loss = t === 1 ? -Math.log(p) : -Math.log1p(-p);
  const bits = loss / Math.LN2;
  const dldp = -t / p + (1 - t) / (1 - p);
  const z = Math.log(p) - Math.log1p(-p);                 // the logit of p
  const dldz = sigmoid(z) - t;
  const right = p > 0.6;
  const high = loss > 6.2;                    // near the top: the label goes under the marker
  const marks = [
    { kind: "line", x: [p, p], y: [0, loss], role: "guide" },
    { kind: "text", x: p, y: loss, text: `${fmt(loss)} nats`, dx: right ? -10 : 10,
      dy: high ? -8 : 8, ha: right ? "right" : "left", va: high ? "top" : "baseline",
      role: "label" },
    { kind: "dot", ax: 1, x: p, y: dldz, r: 5, color: P.colors.marker },
    { kind: "dot", key: "marker", x: p, y: loss, role: "marker", drag: "p",
      label: "p on the active loss branch", valuetext: `p = ${p.toFixed(3)}` },
  ];
  const formula = t === 1 ? "−ln p" : "−ln(1 − p)";
  const readout = `t = ${t}, p = ${p.toFixed(3)} → loss = ${formula} = `
    + key(loss, `${fmt(loss)} nats`, trend)
    + ` = ${fmt(bits)} bits; dL/dp = ${fmt(dldp)}; dL/dz = p − t = ${fmt(dldz)}`;
  return { marks, readout, value: loss };
}

function drag(id, x, y, s, P) {
  return { p: x };
}
