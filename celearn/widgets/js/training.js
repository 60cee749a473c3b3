// Scene of TrainingExplorer (notebook 12): the kernel trains softmax regression on the
// digits when a slider is released and sends the curves and the weights as numbers (the
// model's `live`: {state, run: {train_loss, val_loss, train_accuracy, val_accuracy,
// weights, limit, ...}}); the browser draws them, replays the curves from epoch 0, and
// shows the last run faded while the kernel trains for a newly released slider.

const PARTS = [["train", "ce", null], ["val", "marker", "5 4"]];

function sameState(a, b) {
  return Object.keys(a).every((k) => a[k] === b[k]);
}

// Python's format(v, ".1%"): v * 100 with one decimal (ties to even), then "%".
function percent(v) {
  return `${pyFixed(v * 100, 1)}%`;
}

// The readout (as TrainingExplorer.readout).
function readout(run, n, P) {
  const tl = run.train_loss, vl = run.val_loss, va = run.val_accuracy;
  const last = (a) => a[a.length - 1];
  let text = `After ${n} epochs (${run.steps} steps of ${run.batch_size} images): `
    + "validation loss " + key(last(vl), fmt(last(vl)), "any") + " nats, accuracy "
    + `${percent(last(va))}; training loss ${fmt(last(tl))}. At epoch 0 (W = 0) the loss `
    + `was ${fmt(vl[0])} = ln 10.`;
  const peak = Math.max(...tl.slice(1));
  if (peak > tl[0]) {
    const big = run.largest_logit;
    text += ` The training loss rose above its start, to ${fmt(peak)} at epoch `
      + `${tl.indexOf(peak)}: the learning rate is too high, each step overshoots. `
      + "It is still a finite number: the stable loss (log-sum-exp) never takes "
      + `exp of a logit alone (the largest is now ${pyFixed(big, 0)}`
      + (big > P.exp_overflow ? ", where exp overflows to inf)." : ").");
  }
  const conf = run.confidence, acc = last(va);
  const gap = Math.abs(conf - acc) * 100;
  const how = (conf > acc ? "overconfident" : "underconfident") + ` by ${pyFixed(gap, 1)} points`;
  text += ` Validation: mean confidence ${percent(conf)} against accuracy `
    + `${percent(acc)} (${conf !== acc ? how : "calibrated on average"}), `
    + `ECE ${pyFixed(run.ece, 3)}.`;
  return text;
}

function scene(s, P, live, view) {
  if (!live || !live.run || !live.state) return null;
  const run = live.run;
  const n = live.state.epochs;
  const upto = view && Number.isInteger(view.upto) ? Math.min(view.upto, n) : n;
  const epochs = Array.from({ length: upto + 1 }, (_, i) => i);
  const [lo, hi] = P.loss_lim;
  const marks = [];
  let offScale = false;
  [["loss", 0], ["accuracy", 1]].forEach(([kind, ax]) => {
    for (const [part, role, dash] of PARTS) {
      let values = run[`${part}_${kind}`].slice(0, upto + 1);
      if (kind === "loss") {
        offScale = offScale || values.some((v) => v < lo || v > hi);
        values = values.map((v) => Math.min(hi, Math.max(lo, v)));
      }
      const mark = { kind: "line", ax, key: `${part}-${kind}`, x: epochs, y: values,
        color: P.colors[role], lw: 2 };
      if (dash) mark.dash = dash;
      marks.push(mark);
    }
  });
  if (offScale) {
    marks.push({ kind: "text", ax: 0, key: "off-scale", x: 0.98, y: 0.97, coords: "axes",
      text: "beyond the axis: drawn at its edge", ha: "right", va: "top", role: "value" });
  }
  const limit = run.limit;
  run.weights.forEach((image, k) => {
    image.forEach((w, i) => {
      const r = Math.floor(i / 8), c = i % 8;
      const color = cellColor(w, limit, P.table);   // edged in its own colour: no seams
      marks.push({ kind: "rect", ax: 2 + k, key: `w${k}-${i}`, x0: c, x1: c + 1, y0: r,
        y1: r + 1, color, edge: color, fixed: true });
    });
  });
  for (const [y, text] of [[1, "+" + pyG(limit, 3)], [0, "0"], [-1, "−" + pyG(limit, 3)]]) {
    marks.push({ kind: "text", ax: 12, key: `cbar${y}`, x: 0, y, text, dx: 0, ha: "left",
      va: "center", role: "value" });
  }
  const value = run.val_loss[run.val_loss.length - 1];
  const out = { marks, readout: readout(run, n, P), value };
  if (sameState(s, live.state)) return out;
  return { ...out, marks: marks.map((m) => ({ ...m, alpha: 0.35 })) };
}

// Nothing on the figure is draggable: the sliders drive the training.
function drag(id, x, y, s, P) {
  return {};
}

// The "replay" button: the curves from epoch 0, drawn by the page.
function actions() {
  return [replayAction("▶ replay the training")];
}
