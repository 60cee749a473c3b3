// Scene of RaceExplorer (notebook 05): the training runs in the kernel, which sends
// the curves as numbers (board.live); the browser draws them. While the kernel trains
// for a newly released slider, the last curves are shown faded.

function sameState(a, b) {
  return Object.keys(a).every((k) => a[k] === b[k]);
}

function scene(s, P, live) {
  if (!live || !live.marks) return null;
  if (!live.state || sameState(s, live.state)) return live;
  return { ...live, marks: live.marks.map((m) => ({ ...m, alpha: 0.35 })) };
}

// Nothing on the figure is draggable: the sliders drive the race.
function drag(id, x, y, s, P) {
  return {};
}
