// Scene of RaceExplorer (notebook 05): the training runs in the kernel, which sends the
// curves as numbers (the model's `live`: {state, runs: {ce, mse: {loss, accuracy}}});
// the browser draws them, replays them from epoch 0, and shows the last curves faded
// while the kernel trains for a newly released slider.

const LOSSES = [["ce", "cross-entropy"], ["mse", "squared error"]];

function sameState(a, b) {
  return Object.keys(a).every((k) => a[k] === b[k]);
}

// Python's format(v, ".1%"): v * 100 with one decimal (ties to even), then "%".
function percent(v) {
  return `${pyFixed(v * 100, 1)}%`;
}

function scene(s, P, live, view) {
  if (!live || !live.runs || !live.state) return null;
  const runs = live.runs;
  const n = live.state.epochs;
  const upto = view && Number.isInteger(view.upto) ? Math.min(view.upto, n) : n;
  const epochs = Array.from({ length: upto + 1 }, (_, i) => i);
  const marks = [];
  [["loss", 0], ["accuracy", 1]].forEach(([kind, ax]) => {
    const ends = { ce: runs.ce[kind][upto], mse: runs.mse[kind][upto] };
    for (const [loss] of LOSSES) {
      marks.push({ kind: "line", ax, key: `${loss}-${kind}`, x: epochs,
        y: runs[loss][kind].slice(0, upto + 1), color: P.colors[loss], lw: 2 });
    }
    for (const [loss, text] of LOSSES) {
      const values = runs[loss][kind];
      const below = ends[loss] < Math.max(ends.ce, ends.mse) || (ends.ce === ends.mse && loss === "mse");
      const tail = values.slice(Math.floor(0.6 * upto), upto + 1);
      marks.push({ kind: "text", ax, key: `${loss}-${kind}-label`, x: upto,
        y: below ? Math.min(...tail) : Math.max(...tail), text, dx: -4, dy: below ? -5 : 5,
        ha: "right", va: below ? "top" : "bottom", size: 10, color: P.colors[loss], weight: "bold" });
    }
  });
  const ce = runs.ce, se = runs.mse;
  const last = (a) => a[a.length - 1];
  const readout = `After ${n} epochs, the cross-entropy model has loss `
    + key(last(ce.loss), fmt(last(ce.loss)), "down")
    + ` and accuracy ${percent(last(ce.accuracy))}; the squared-error model has loss `
    + `${fmt(last(se.loss))} and accuracy ${percent(last(se.accuracy))} `
    + `(both started at accuracy ${percent(ce.accuracy[0])}).`;
  const out = { marks, readout, value: last(ce.loss) };
  if (sameState(s, live.state)) return out;
  return { ...out, marks: marks.map((m) => ({ ...m, alpha: 0.35 })) };
}

// Nothing on the figure is draggable: the sliders drive the race.
function drag(id, x, y, s, P) {
  return {};
}

// The "replay" button: the race from epoch 0, drawn by the page.
function actions() {
  return [replayAction("▶ replay the race")];
}
