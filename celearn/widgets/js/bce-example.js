// Scene of BCEExampleExplorer (notebook 02): the worked example's per-sample losses.

function bceOne(t, p) {
  return t === 1 ? -Math.log(p) : -Math.log1p(-p);
}

function scene(s, P) {
  const i = s.sample - 1;
  const t = P.targets;
  const preds = P.preds.slice();
  preds[i] = s.p;                          // the slider is the edited sample's prediction
  const trend = t[i] === 1 ? "down" : "up";
  const losses = preds.map((p, j) => bceOne(t[j], p));
  const total = losses.reduce((a, b) => a + b, 0);
  const mean = total / losses.length;
  const marks = [];
  losses.forEach((loss, j) => {
    marks.push({ kind: "rect", key: `bar${j}`, x0: 0, x1: loss, y0: j - 0.4, y1: j + 0.4,
      color: t[j] === 1 ? P.colors.ce : P.colors.wrong, edge: j === i ? "#000000" : null });
    marks.push({ kind: "text", key: `label${j}`, x: loss, y: j,
      text: `t=${t[j]}, p=${preds[j].toFixed(2)}: ${loss.toFixed(3)}`, dx: j === i ? 9 : 4, dy: 0,
      ha: "left", va: "center", role: "value", weight: j === i ? "bold" : "normal" });
  });
  marks.push({ kind: "text", key: "total", x: 1, y: 1.02, coords: "axes",
    text: `total ${total.toFixed(3)} nats, mean ${mean.toFixed(3)}`, dx: 0, dy: 0,
    ha: "right", va: "bottom", size: 10, color: "#000000" });
  marks.push({ kind: "dot", key: "handle", x: losses[i], y: i, r: 5, color: P.colors.marker,
    drag: "loss", label: `loss of sample ${i + 1}: drag to change its prediction`,
    valuetext: `p = ${preds[i].toFixed(2)}` });
  const rows = losses.map((loss, j) =>
    `<tr style="font-weight:${j === i ? "bold" : "normal"}">`
    + `<td>${j + 1}</td> <td>${t[j]}</td> <td>${preds[j].toFixed(2)}</td> `
    + `<td>${loss.toFixed(3)}</td></tr>`).join("\n");
  const table = '<table class="celearn-table" style="font-size:90%">'
    + "<caption>per-sample loss</caption>\n<tr><th>sample</th> <th>t</th> "
    + `<th>p</th> <th>loss (nats)</th></tr>\n${rows}</table>`;
  const readout = `Sample ${i + 1} (t = ${t[i]}) predicted p = ${preds[i].toFixed(2)} `
    + `costs ${losses[i].toFixed(3)} nats. Total loss of the batch: `
    + key(total, `${fmt(total)} nats`, trend)
    + `, mean ${fmt(mean)} nats per sample.\n` + table;
  return { marks, readout, value: total };
}

// The bar's length is the loss: invert it for the edited sample's prediction.
function drag(id, x, y, s, P) {
  const i = s.sample - 1;
  const loss = Math.max(x, 0);
  return { p: P.targets[i] === 1 ? Math.exp(-loss) : -Math.expm1(-loss) };
}

// A chosen sample shows its own prediction on the slider (as the kernel's react).
function react(name, s, P) {
  if (name === "sample") return { p: P.preds[s.sample - 1] };
  return null;
}

// The slider edits the chosen sample's prediction: the page keeps the edit in its copy
// of the params, as the kernel keeps it in its own (BCEExampleExplorer.state_changed).
function remember(s, P) {
  P.preds[s.sample - 1] = s.p;
}
