// Scene of LogExplorer (notebook 01): the surprisal -ln p of the slider's p.

function scene(s, P) {
  const p = s.p;
  const nats = -Math.log(p);
  const bits = -Math.log2(p);
  const right = p > 0.6;
  const high = nats > 6.0;                    // near the top: the label goes under the marker
  const marks = [
    { kind: "line", x: [p, p], y: [0, nats], role: "guide" },
    { kind: "text", x: p, y: nats, text: `${fmt(nats)} nats`, dx: right ? -10 : 10,
      dy: high ? -8 : 8, ha: right ? "right" : "left", va: high ? "top" : "baseline",
      role: "label" },
    { kind: "dot", key: "marker", x: p, y: nats, role: "marker", drag: "p",
      label: "p on the surprisal curve", valuetext: `p = ${p.toFixed(3)}` },
  ];
  const readout = `p = ${p.toFixed(3)} → −ln p = ${key(nats, `${fmt(nats)} nats`, "down")}`
    + ` = ${fmt(bits)} bits`;
  return { marks, readout, value: nats };
}

// Dragging the marker: its x is the new p (the slider snaps and clamps it).
function drag(id, x, y, s, P) {
  return { p: x };
}
