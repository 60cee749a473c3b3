// celearn explorers: prediction mode (celearn/widgets/predict.py), used by render.js.
// Until the learner commits a guess, the page holds no truth at all: the kernel sends
// the truth's marks and the feedback ("reveal") only after the commit. Everything that
// comes with the reveal carries the class celearn-reveal and is created then (absent
// before, not hidden). The guess mark is a focusable role="slider" moved by pointer
// (mouse, pen, touch) or keys; the commit is a real <button class="celearn-commit">.

function predictionGuessValue(q, k) {
  const v = q.lo + Math.min(q.positions, Math.max(0, Math.round(k))) * q.step;
  return Number(v.toFixed(q.digits + 2));
}

function predictionSnap(q, v) {
  if (typeof v !== "number" || !Number.isFinite(v)) return null;
  return predictionGuessValue(q, (v - q.lo) / q.step);
}

function predictionWords(q, v) {
  if (v === null || v === undefined) return "no guess yet";
  const text = typeof v === "number" ? v.toFixed(q.digits) : String(v);
  return q.unit ? `${text} ${q.unit}` : text;
}

// ctx: { model, root, row, readout, figure, svg, footer, schedule, clearScene }
function setupPrediction(ctx) {
  const { model, root, row, readout, svg, footer } = ctx;
  const q = model.get("question");
  const number = q.kind === "number";
  let guess = (model.get("answer") || {}).guess ?? null;
  let draggingGuess = false;
  let waiting = false;

  root.classList.add("celearn-prediction", "celearn-predicting");
  const box = document.createElement("div");
  box.className = "celearn-question";
  const text = document.createElement("p");
  text.className = "celearn-question-text";
  text.textContent = q.text;
  const hint = document.createElement("p");
  hint.className = "celearn-question-hint";
  box.append(text, hint);
  root.insertBefore(box, readout);
  readout.classList.add("celearn-reveal");
  readout.remove();                            // back (with the truth) after the commit

  // the choices: a native radio group
  let radios = [];
  if (!number) {
    const group = document.createElement("fieldset");
    group.className = "celearn-guess-choice";
    const legend = document.createElement("legend");
    legend.textContent = "Your guess";
    group.append(legend);
    const name = `celearn-guess-${++UNIQUE}`;
    radios = q.options.map((option) => {
      const label = document.createElement("label");
      const input = document.createElement("input");
      Object.assign(input, { type: "radio", name, value: option });
      input.addEventListener("change", () => {
        if (input.checked) setGuess(option, true);
      });
      label.append(input, document.createTextNode(option));
      group.append(label);
      return input;
    });
    box.append(group);
  }

  // the buttons and the spoken result
  const commit = document.createElement("button");
  commit.type = "button";
  commit.className = "celearn-commit";
  commit.textContent = "Commit my guess";
  commit.addEventListener("click", () => {
    if (guess === null || revealed() || waiting) return;
    waiting = true;
    commit.textContent = "Checking…";
    commit.setAttribute("aria-busy", "true");
    model.set("answer", { guess, committed: true });
    model.save_changes();
  });
  const retry = document.createElement("button");
  retry.type = "button";
  retry.className = "celearn-retry";
  retry.textContent = "Try again";
  retry.addEventListener("click", () => {
    guess = null;
    model.set("answer", { guess: null, committed: false });
    model.save_changes();
  });
  const announce = document.createElement("div");
  announce.className = "celearn-announce";
  announce.setAttribute("role", "status");
  announce.setAttribute("aria-live", "polite");
  footer.append(commit);
  root.append(announce);

  // the guess layer (over the marks) and the revealed marks
  const guessLayer = document.createElementNS(SVG, "g");
  guessLayer.setAttribute("class", "celearn-guess");
  const revealLayer = document.createElementNS(SVG, "g");
  revealLayer.setAttribute("class", "celearn-reveal-layer");
  svg.append(revealLayer, guessLayer);
  let area = null, guide = null, handle = null, dot = null, label = null;
  if (number) {
    area = document.createElementNS(SVG, "rect");
    area.setAttribute("class", "celearn-guess-area");
    guide = document.createElementNS(SVG, "polyline");
    guide.setAttribute("class", "celearn-guess-guide");
    handle = document.createElementNS(SVG, "g");
    handle.setAttribute("class", "celearn-handle celearn-guess-handle");
    handle.setAttribute("tabindex", "0");
    handle.setAttribute("role", "slider");
    handle.setAttribute("aria-label", `${q.label} (${q.along === "y" ? "up and down" : "left and right"})`);
    handle.setAttribute("aria-valuemin", String(q.lo));
    handle.setAttribute("aria-valuemax", String(q.hi));
    const hit = document.createElementNS(SVG, "rect");
    hit.setAttribute("class", "celearn-hit");
    dot = document.createElementNS(SVG, "circle");
    handle.append(hit, dot);
    label = document.createElementNS(SVG, "text");
    label.setAttribute("class", "celearn-guess-label");
    guessLayer.append(area, guide, handle, label);
    const fromPointer = (event) => {
      const rect = svg.getBoundingClientRect();
      const [w, h] = model.get("size");
      const px = (event.clientX - rect.left) * (w / rect.width);
      const py = (event.clientY - rect.top) * (h / rect.height);
      const [x, y] = toData(model.get("axes")[q.ax], px, py);
      return predictionSnap(q, q.along === "y" ? y : x);
    };
    const down = (event) => {
      if (revealed() || waiting) return;
      event.preventDefault();
      (event.currentTarget).setPointerCapture(event.pointerId);
      handle.focus({ preventScroll: true });
      draggingGuess = event.currentTarget;
      setGuess(fromPointer(event), false);
    };
    const move = (event) => {
      if (draggingGuess !== event.currentTarget) return;
      setGuess(fromPointer(event), false);
    };
    const up = (event) => {
      if (draggingGuess !== event.currentTarget) return;
      draggingGuess = false;
      setGuess(guess, true);
    };
    for (const target of [area, handle]) {
      target.addEventListener("pointerdown", down);
      target.addEventListener("pointermove", move);
      target.addEventListener("pointerup", up);
      target.addEventListener("pointercancel", up);
    }
    handle.addEventListener("keydown", (event) => {
      const dirs = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1, PageUp: 10,
        PageDown: -10, Home: -1e9, End: 1e9 };
      const dir = dirs[event.key];
      if (!dir || revealed() || waiting) return;
      event.preventDefault();
      const from = guess === null ? q.start : guess;
      setGuess(predictionGuessValue(q, Math.round((from - q.lo) / q.step) + dir), true);
    });
  }

  function revealed() {
    const r = model.get("reveal");
    return !!(r && Object.keys(r).length);
  }

  // a guess from the page: drawn now, sent to the kernel when it settles
  function setGuess(value, final) {
    if (value === null || value === undefined || revealed()) return;
    guess = value;
    update();
    if (final) {
      model.set("answer", { guess, committed: false });
      model.save_changes();
    }
  }

  function update() {
    const done = revealed();
    const hasGuess = guess !== null;
    commit.disabled = !hasGuess || done || waiting;
    for (const input of row.querySelectorAll("input, select")) input.disabled = !done;
    for (const input of radios) {
      input.checked = input.value === guess;
      input.disabled = done;
    }
    if (!done) {
      hint.textContent = number
        ? (hasGuess ? `Your guess: ${predictionWords(q, guess)}. Move it, or commit it.`
          : "Drag the mark to your guess (or focus it and use the arrow keys), then commit it.")
        : (hasGuess ? `Your guess: ${guess}. Change it, or commit it.`
          : "Choose your guess, then commit it.");
    } else {
      hint.textContent = "";
    }
    if (handle) {
      handle.setAttribute("aria-valuenow", String(hasGuess ? guess : q.start));
      handle.setAttribute("aria-valuetext", hasGuess ? `your guess: ${predictionWords(q, guess)}`
        : `no guess yet; the mark starts at ${predictionWords(q, q.start)}`);
      if (done) handle.setAttribute("aria-disabled", "true");
      else handle.removeAttribute("aria-disabled");
    }
    ctx.schedule();
  }

  // the guess layer and the revealed marks, in data coordinates (called by draw())
  function draw(axes, paint) {
    if (number) {
      const ax = axes[q.ax];
      if (!ax) return;
      const done = revealed();
      const value = guess === null ? q.start : guess;
      const [px, py] = toPixel(ax, ...(q.along === "y" ? [q.at, value] : [value, q.at]));
      const [x0, y0, x1, y1] = ax.bbox;
      setAttrs(area, { x: x0, y: y0, width: x1 - x0, height: y1 - y0,
        display: done ? "none" : null });
      const ends = q.along === "y"
        ? [toPixel(ax, q.at, q.lo), toPixel(ax, q.at, q.hi)]
        : [toPixel(ax, q.lo, q.at), toPixel(ax, q.hi, q.at)];
      setAttrs(guide, { points: ends.map(([a, b]) => `${a.toFixed(2)},${b.toFixed(2)}`).join(" "),
        fill: "none", stroke: paint(q.color), "stroke-width": 1.2, "stroke-dasharray": "2 3",
        display: done ? "none" : null });
      const r = 7 * PT;
      setAttrs(dot, { cx: px.toFixed(2), cy: py.toFixed(2), r: r.toFixed(2),
        fill: guess === null ? paint("#ffffff") : paint(q.color), stroke: paint(q.color),
        "stroke-width": 2.5 });
      const size = Math.max(2 * r, HIT_PX) + 8;
      setAttrs(handle.firstChild, { x: (px - size / 2).toFixed(2), y: (py - size / 2).toFixed(2),
        width: size.toFixed(2), height: size.toFixed(2), rx: 4 });
      // as the saved picture (predict.py's guess_marks): beside the mark, away from the
      // truth's label once that is shown
      const right = px > (x0 + x1) / 2;
      const truth = done ? model.get("reveal").truth : null;
      const below = truth !== null && q.along === "y" && truth > guess;
      setAttrs(label, { x: (px + (right ? -14 : 14) * PT).toFixed(2),
        y: (py + (below ? 8 : -7) * PT).toFixed(2), fill: paint(q.color),
        "font-size": 10 * PT, "font-weight": "bold", "text-anchor": right ? "end" : "start",
        "dominant-baseline": below ? "hanging" : "alphabetic" });
      label.textContent = guess === null ? "drag me to your guess"
        : `${q.label}: ${predictionWords(q, guess)}`;
      keepInside(label, ax);
    }
    const r = model.get("reveal") || {};
    const marks = r.marks || [];
    const colors = (model.get("params") || {}).colors || {};
    while (revealLayer.childNodes.length > marks.length) revealLayer.lastChild.remove();
    marks.forEach((m, i) => {
      const [tag, attrs, content] = markShape(m, axes, paint, colors);
      let node = revealLayer.childNodes[i];
      if (!node || node.tagName !== tag) {
        const made = document.createElementNS(SVG, tag);
        if (node) node.replaceWith(made); else revealLayer.append(made);
        node = made;
      }
      setAttrs(node, { ...attrs, class: "celearn-reveal" });
      if (content !== undefined) node.textContent = content;
      if (m.kind === "text") keepInside(node, axes[m.ax || 0]);
    });
  }

  // the kernel's word: the answer it holds, and the reveal once it committed
  function onAnswer() {
    const a = model.get("answer") || {};
    if (!draggingGuess) guess = a.guess ?? null;
    if (!a.committed) {
      waiting = false;
      commit.textContent = "Commit my guess";
      commit.removeAttribute("aria-busy");
    }
    update();
  }

  function onReveal() {
    const done = revealed();
    waiting = false;
    commit.textContent = "Commit my guess";
    commit.removeAttribute("aria-busy");
    announce.replaceChildren();
    if (done) {
      commit.textContent = "Guess committed";
      root.classList.remove("celearn-predicting");
      root.insertBefore(readout, box.nextSibling);
      const said = document.createElement("p");
      said.className = "celearn-feedback celearn-reveal";
      said.textContent = model.get("reveal").feedback;
      announce.append(said);
      footer.append(retry);
      guess = model.get("reveal").guess;
    } else {
      root.classList.add("celearn-predicting");
      readout.remove();
      retry.remove();
      ctx.clearScene();
      guess = (model.get("answer") || {}).guess ?? null;
    }
    update();
  }

  model.on("change:answer", onAnswer);
  model.on("change:reveal", onReveal);
  if (revealed()) onReveal(); else update();
  return {
    revealed,
    draw,
    dispose() {
      model.off("change:answer", onAnswer);
      model.off("change:reveal", onReveal);
    },
  };
}
