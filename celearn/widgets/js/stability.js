// Scene of StabilityExplorer (notebook 07). Its point is NumPy's own float32/float64
// arithmetic, which the browser cannot reproduce bit for bit: the kernel computes the
// scene (Explorer.kernel_scene) and sends it as numbers in the board's `live`; this
// draws what it received (marks in data coordinates and the readout), nothing else.

function scene(s, P, live) {
  if (!live || !Array.isArray(live.marks)) return undefined;   // not received yet
  return { marks: live.marks, readout: live.readout, value: live.value };
}

// Nothing on this figure is dragged: the log-scale slider and the dtype toggle are the controls.
function drag(id, x, y, s, P) {
  return {};
}
