"""Spaced review: three retrieval questions from earlier notebooks, and an answer box.

``cl.exercises.review("05")`` opens notebook 05 with three short questions drawn from the
exercises of notebooks 01-04, checked by the same checker (:func:`check`). It favours
what the learner's progress record (:mod:`.progress`) shows as missed (tried, never
solved) or old (solved long ago); questions from a notebook already picked count a little
less, so the three usually come from three notebooks. With an empty record the choice is
fixed (a hash of the notebook and the exercise id), so a fresh run always shows the same
three.

``cl.exercises.ask(id)`` is one question with a text box and a Check button, its feedback
printed beneath: an app view (Voila) has no cells to type an answer into. A number may be
typed as arithmetic ("3*ln(2)", "1/(2*0.05)").
"""
from __future__ import annotations

import ast
import datetime as _dt
import html
import math
import operator
import re
import zlib

from . import Feedback, _get, check
from . import progress as _progress

#: The review questions: exercises answered with one number or a word, each asked in a
#: sentence that stands alone (the notebook's context included).
PROMPTS = {
    "01.halving": "How many nats of surprise does an event with p = 1/8 carry?",
    "01.bits": "How many bits of surprise does an event with p = 1/1024 carry?",
    "01.compare": "Which is the bigger surprise: (a) an event you gave p = 0.01 happens, "
                  "or (b) an event you gave p = 0.9 happens? Answer a or b.",
    "02.cost_more": "Binary cross-entropy: which costs more, (a) p = 0.9 for a photo that "
                    "is not a seal (t = 0), or (b) p = 0.2 for a seal (t = 1)? Answer a or b.",
    "02.loss": "The binary cross-entropy (nats) of a seal photo (t = 1) scored p = 0.25?",
    "02.grad": "Binary cross-entropy through the sigmoid, t = 0 and logit z = 2: what is "
               "dL/dz?",
    "02.coin": "Seven photos, each predicted p = 0.5: their total binary cross-entropy "
               "(nats)?",
    "03.same": "Three classes, the true one is the second (panda). Which costs more: "
               "(a) p = (0.4, 0.3, 0.3) or (b) p = (0.4, 0.6, 0.0)? Answer a, b or same.",
    "03.loss": "Three classes; the true one is the third (duck). The cross-entropy (nats) "
               "of the prediction (0.2, 0.5, 0.3)?",
    "03.uniform": "What does the uniform prediction (1/3, 1/3, 1/3) cost (nats), whatever "
                  "the true class?",
    "04.shift": "Add 100 to every logit of z = (1, 2, 3): does softmax(z) change? Answer "
                "yes or no.",
    "04.entry": "For z = (1, 2, 3), what is the softmax Jacobian entry dp_0/dz_2 "
                "(classes numbered from 0)?",
    "04.trace": "The trace of the softmax Jacobian at z = (2, 1, 0.1), that is "
                "1 - sum of p_i squared?",
    "05.slope": "What is the slope of -ln p at p = 0.05?",
    "05.min_ratio": "The smallest possible ratio of the slopes (1/p) / (2(1 - p)) of "
                    "cross-entropy and squared error, over p in (0, 1)?",
    "05.ratio5": "At logit z = -5 with t = 1, how many times larger is cross-entropy's "
                 "gradient with respect to z than squared error's?",
    "06.uniform8": "The entropy, in bits, of a uniform distribution over 8 outcomes?",
    "06.kl": "KL(p || q) in bits for p = (1/2, 1/4, 1/4) and q = (1/4, 1/4, 1/2)?",
    "06.baseline": "Class frequencies (0.5, 0.3, 0.2): what loss (nats) does predicting "
                   "these frequencies for every sample get?",
    "06.perplexity": "A language model's loss is 2.3 nats per token: its perplexity?",
    "06.good": "A model reaches 0.30 nats on a binary task whose classes are 95 % / 5 %. "
               "Is it better than the baseline? Answer yes or no.",
    "07.overflow32": "In float32, the naive softmax of [100, 0] returns (a) about [1, 0] "
                     "or (b) nan in its first entry? Answer a or b.",
    "07.keras": "Keras clips p to [1e-7, 1 - 1e-7] before -ln p. What loss (nats) does "
                "p = 0 for the true class get?",
    "07.lse": "log(e^1000 + e^1000 + e^1000), computed without overflow?",
    "07.bce_logits": "Binary cross-entropy from the logit z = -50 for t = 1 (nats)?",
    "07.saturation64": "From which integer z on is the naive sigmoid 1/(1 + e^-z) exactly "
                       "1 in float64?",
    "08.coin_mle": "A coin shows 13 heads in 20 tosses. Which q maximises the likelihood?",
    "08.absolute": "Paid by the absolute error |t - q| and believing rain has probability "
                   "0.7, which report q minimises your expected penalty?",
    "08.start": "The loss (nats) to expect from an untrained 100-class model with tiny "
                "weights?",
    "09.accuracy": "A model's accuracy is 0.85; temperature scaling fits T = 2.5. Its "
                   "accuracy afterwards?",
    "09.one_bin": "A model predicts 0.9 for 100 samples and is right on 72 (one bin). Its "
                  "ECE?",
    "09.smooth_floor": "Label smoothing 0.1 with 10 classes: the lowest loss (nats) a model "
                       "can reach on one sample?",
    "09.diagnose": "Validation loss rises while validation accuracy stays flat: is the "
                   "model overconfident or underconfident?",
    "10.floor": "A 3-class model's loss never goes below 0.551. The likeliest bug: (a) a "
                "softmax before CrossEntropyLoss, (b) label smoothing 0.1, (c) padding in "
                "the mean? Answer a, b or c.",
    "11.pos_weight": "950 negatives and 50 positives: which pos_weight makes the positives "
                     "count as much as the negatives in total?",
    "11.threshold": "A calibrated plain model: at which threshold on P(pos) does it decide "
                    "as a model trained with pos_weight = 19 does at 0.5?",
    "11.multihot_floor": "Softmax cross-entropy with the multi-hot target (1, 1, 0): the "
                         "lowest loss (nats) any logits can reach?",
    "11.smoothing_gap": "Label smoothing 0.1, 10 classes: at which logit gap (true class "
                        "minus each other class) is the loss smallest?",
}

HOW_TO = ('Type your answer in the box under a question and press Check; in a code cell, '
          'cl.exercises.check("<id>", answer) checks it too.')

_PENALTY_SAME_NOTEBOOK = 0.75


# --------------------------------------------------------------------------- choosing

def _notebook_number(notebook, name="notebook"):
    """'05', 5 or '05-ce-vs-mse-slopes' -> 5."""
    if isinstance(notebook, bool):
        notebook = None
    if isinstance(notebook, int):
        number = notebook
    else:
        m = re.match(r"^\s*(\d{1,2})(?:-[\w-]*)?(?:\.ipynb)?\s*$", str(notebook))
        number = int(m.group(1)) if m else None
    if number is None or not 0 <= number <= 99:
        raise ValueError(f"{name} must be a notebook number such as \"05\" (or 5, or "
                         f"\"05-ce-vs-mse-slopes\"), got {notebook!r}; pass the number of the "
                         "notebook the review opens.")
    return number


def _age_days(entry, now):
    try:
        last = _dt.datetime.fromisoformat(entry["last"])
    except (KeyError, ValueError, TypeError):
        return 0.0
    if last.tzinfo is None:
        last = last.replace(tzinfo=_dt.timezone.utc)
    return max((now - last).total_seconds() / 86400.0, 0.0)


def priority(entry, now):
    """How much a question is due: missed > solved long ago > never tried > just solved.

    ``entry`` is the question's progress entry (None: never tried). Missed (tried, never
    solved): 3 to 4, growing with its age; never tried: 1; solved: its age in weeks (up
    to 2.5), plus 0.5 if it took wrong attempts.
    """
    if entry is None:
        return 1.0
    age = _age_days(entry, now)
    if not entry.get("solved"):
        return 3.0 + min(age / 7.0, 1.0)
    return min(age / 7.0, 2.5) + (0.5 if entry.get("wrong") else 0.0)


def choose(notebook, entries=None, *, k=3, now=None):
    """The ids of ``k`` review questions for ``notebook``, from earlier notebooks only.

    ``entries`` is the progress record's ``{id: entry}`` (None: the learner's record).
    The highest :func:`priority` first; each pick from a notebook lowers the rest of that
    notebook by 0.75; ties are broken by a fixed hash, so an empty record gives a fixed
    choice.
    """
    number = _notebook_number(notebook)
    if entries is None:
        entries = _progress.load()["exercises"]
    now = now or _dt.datetime.now(_dt.timezone.utc)
    pool = [i for i in PROMPTS if int(i.split(".")[0]) < number]
    base = {i: priority(entries.get(i), now) for i in pool}
    tie = {i: zlib.crc32(f"{number:02d}|{i}".encode()) for i in pool}
    used: dict[str, int] = {}
    picked = []
    while pool and len(picked) < k:
        def key(i):
            nb = i.split(".")[0]
            return (base[i] - _PENALTY_SAME_NOTEBOOK * used.get(nb, 0), -tie[i])
        best = max(pool, key=key)
        pool.remove(best)
        picked.append(best)
        nb = best.split(".")[0]
        used[nb] = used.get(nb, 0) + 1
    return picked


def _why(entry, now):
    if entry is None:
        return "not tried yet"
    if not entry.get("solved"):
        return "missed last time"
    days = int(_age_days(entry, now))
    return "solved today" if days == 0 else f"solved {days} day{'s' * (days != 1)} ago"


# --------------------------------------------------------------------------- answers typed as text

_FUNCS = {"ln": math.log, "log": math.log, "log2": math.log2, "log10": math.log10,
          "exp": math.exp, "sqrt": math.sqrt}
_CONSTS = {"pi": math.pi, "e": math.e}
_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
        ast.Div: operator.truediv, ast.Pow: operator.pow, ast.USub: operator.neg,
        ast.UAdd: operator.pos}


def arithmetic(text):
    """A number typed as arithmetic: "3*ln(2)", "1/8", "2^10", "-ln 0.25" (None if not).

    >>> arithmetic("3*ln(2)")
    2.0794415416798357
    >>> arithmetic("2^10")
    1024.0
    >>> arithmetic("a") is None
    True
    """
    s = str(text).strip().replace("−", "-").replace("^", "**").replace(",", ".")
    s = re.sub(r"\b(ln|log2|log10|log|exp|sqrt)\s+([\d.]+)", r"\1(\2)", s)  # "ln 2"
    if not s or len(s) > 80:
        return None
    percent = s.endswith("%")
    if percent:
        s = s[:-1]
    try:
        tree = ast.parse(s, mode="eval")
    except SyntaxError:
        return None

    def ev(node):
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
                and not isinstance(node.value, bool):
            return float(node.value)
        if isinstance(node, ast.Name) and node.id in _CONSTS:
            return _CONSTS[node.id]
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            left, right = ev(node.left), ev(node.right)
            if isinstance(node.op, ast.Pow) and abs(right) > 1000:
                raise ValueError("exponent too large")
            return _OPS[type(node.op)](left, right)
        if isinstance(node, ast.UnaryOp) and type(node.op) in _OPS:
            return _OPS[type(node.op)](ev(node.operand))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in _FUNCS and len(node.args) == 1 and not node.keywords:
            return _FUNCS[node.func.id](ev(node.args[0]))
        raise ValueError("not arithmetic")

    try:
        value = float(ev(tree))
    except (ValueError, ZeroDivisionError, OverflowError, TypeError):
        return None
    return value / 100 if percent else value


def check_text(exercise_id, text):
    """Check an answer typed as text (a box in the app view): arithmetic is evaluated."""
    text = str(text).strip()
    if not text:
        return Feedback(False, "No answer yet: type it in the box, then press Check.",
                        diagnosis="no_answer")
    if not isinstance(_get(exercise_id).expected(), str):
        value = arithmetic(text)
        if value is not None:
            return check(exercise_id, value)
    return check(exercise_id, text)


# --------------------------------------------------------------------------- widgets

def _question_text(exercise_id):
    """The exercise's question (:func:`question`: its own prompt, else :data:`PROMPTS`)."""
    from . import question
    return question(exercise_id)


def ask(exercise_id):
    """One question with a text box, a Check button and the feedback beneath (for Voila).

    Returns an :class:`Ask` (an ipywidgets box); ``.answer.value`` is the text,
    ``.button.click()`` checks it, ``.feedback`` is the last :class:`Feedback`.
    """
    _get(exercise_id)  # an unknown id -> ValueError naming the known ones
    return _ask_class()(exercise_id)


_ASK = None


def _ask_class():
    global _ASK
    if _ASK is not None:
        return _ASK
    import ipywidgets as widgets

    class Ask(widgets.VBox):
        """A question, an answer box, a Check button and the feedback beneath."""

        def __init__(self, exercise_id):
            self.exercise_id = exercise_id
            self.feedback = None
            self.question = widgets.HTML(
                f"<b>{html.escape(exercise_id)}</b> {html.escape(_question_text(exercise_id))}")
            self.answer = widgets.Text(
                description="Your answer", placeholder="a number (3*ln(2) works) or a word",
                style={"description_width": "initial"},
                layout=widgets.Layout(width="28em"),
                continuous_update=False)      # the value arrives on Enter (or leaving the box)
            self.button = widgets.Button(description="Check", tooltip="Check your answer",
                                         button_style="primary",
                                         layout=widgets.Layout(width="6em"))
            self.output = widgets.Output()
            self.button.on_click(lambda _button: self.submit())
            self.answer.observe(self._on_answer, names="value")     # Enter checks it too
            self._checked = None                   # the text the feedback is about
            super().__init__([self.question, widgets.HBox([self.answer, self.button]),
                              self.output])
            self.add_class("celearn-ask")

        def _on_answer(self, change):
            if str(change["new"]).strip():
                self.submit()

        def submit(self):
            """Check the text in the box and show the feedback beneath (as the button does).

            The text the feedback already answers is not checked again (clicking Check
            after Enter, or leaving the box, counts one attempt, not two)."""
            if self.feedback is not None and self.answer.value == self._checked:
                return self.feedback
            self._checked = self.answer.value
            self.feedback = check_text(self.exercise_id, self.answer.value)
            # the new feedback replaces the old; role="status": a screen reader reads it out
            self.output.outputs = ({"output_type": "display_data", "metadata": {}, "data": {
                "text/plain": self.feedback.message,
                "text/html": f'<div role="status">{self.feedback._repr_html_()}</div>'}},)
            return self.feedback

        def __repr__(self):
            return f"<Ask {self.exercise_id}: {_question_text(self.exercise_id)}>"

    _ASK = Ask
    return Ask


class Review:
    """Three retrieval questions (see :func:`review`): text without a kernel, boxes with one.

    Attributes
    ----------
    notebook : int
    ids : list of str
    reasons : dict
        Why each was chosen ("missed last time", "solved 9 days ago", "not tried yet").
    """

    def __init__(self, notebook, ids, reasons):
        self.notebook = notebook
        self.ids = list(ids)
        self.reasons = dict(reasons)
        self._widget = None

    def questions(self):
        """[(id, question text), ...]."""
        return [(i, _question_text(i)) for i in self.ids]

    @property
    def widget(self):
        """The questions with answer boxes (an ipywidgets VBox of :func:`ask` boxes)."""
        if self._widget is None:
            import ipywidgets as widgets
            self.boxes = [ask(i) for i in self.ids]
            self._widget = widgets.VBox(self.boxes)
            self._widget.add_class("celearn-review")
        return self._widget

    def _lines(self):
        return [f"{n}. [{i}] {q} ({self.reasons[i]})"
                for n, (i, q) in enumerate(self.questions(), 1)]

    def __repr__(self):
        return "\n".join(["Warm-up from earlier notebooks: answer from memory.",
                          *self._lines(), HOW_TO])

    def _repr_html_(self):
        items = "".join(f"<li><code>{html.escape(i)}</code> {html.escape(q)} "
                        f"<em>({html.escape(self.reasons[i])})</em></li>"
                        for i, q in self.questions())
        return (f'<div class="celearn-review"><p><b>Warm-up from earlier notebooks:</b> '
                f"answer from memory.</p><ol>{items}</ol><p>{html.escape(HOW_TO)}</p></div>")

    def _repr_mimebundle_(self, **kwargs):
        # the live boxes, plus the questions as text and HTML for views without a kernel
        bundle = self.widget._repr_mimebundle_(**kwargs) or {}
        data = dict(bundle[0] if isinstance(bundle, tuple) else bundle)
        data["text/plain"] = repr(self)
        data["text/html"] = self._repr_html_()
        return data


def review(notebook, *, k=3):
    """Three short questions from the notebooks before ``notebook``, to open it with.

    Chosen to favour what the progress record shows as missed or long ago solved (see
    :func:`choose`); the same three every time for an empty record. Shown with an answer
    box each (so they work in Voila); checked by :func:`check`.

    Examples
    --------
    >>> import celearn as cl
    >>> r = cl.exercises.review("02")
    >>> sorted(r.ids)
    ['01.bits', '01.compare', '01.halving']
    """
    number = _notebook_number(notebook)
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be a positive whole number of questions, got {k!r}; "
                         "the notebooks use k=3.")
    entries = _progress.load()["exercises"]
    now = _dt.datetime.now(_dt.timezone.utc)
    ids = choose(number, entries, k=k, now=now)
    if not ids:
        raise ValueError(f"notebook {number:02d} has no earlier notebook with review "
                         "questions; the review starts at notebook 02.")
    return Review(number, ids, {i: _why(entries.get(i), now) for i in ids})
