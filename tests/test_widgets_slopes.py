"""Drive the slopes explorer and the training-race explorer of notebook 05 from Python."""
import asyncio

import numpy as np
import pytest

import celearn as cl
from celearn.widgets import RaceExplorer, SlopesExplorer


def run_in_fresh_loop(coroutine_function):
    """asyncio.run in its own thread: other tests in the session (Playwright's
    sync API) may leave an event loop set in the main thread."""
    import threading

    errors = []

    def target():
        try:
            asyncio.run(coroutine_function())
        except BaseException as exc:  # re-raised in the test's thread
            errors.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive(), "the event loop did not finish within 60 s"
    if errors:
        raise errors[0]


class TestSlopesExplorer:
    def test_readout_states_both_slopes_and_their_ratio(self):
        ex = SlopesExplorer(p=0.2)
        assert ex.key_value == pytest.approx(-5.0)
        assert ex.readout_text == ("At p = 0.20: slope of −ln p = −5.00, slope of (1 − p)² = "
                                   "−1.60; cross-entropy is 3.12 times as steep.")

    def test_tangents_touch_the_curves_with_the_right_slopes(self):
        ex = SlopesExplorer()
        for p in (0.05, 0.5, 0.93):
            ex.p.value = p
            for line, f, slope in ((ex.tangent_ce, lambda q: -np.log(q), -1 / p),
                                   (ex.tangent_se, lambda q: (1 - q) ** 2, -2 * (1 - p))):
                x, y = line.get_data()
                assert (y[1] - y[0]) / (x[1] - x[0]) == pytest.approx(slope)
                mid = (x[0] + x[1]) / 2
                assert mid == pytest.approx(p)
                assert (y[0] + y[1]) / 2 == pytest.approx(f(p))

    def test_key_rises_with_every_step(self):
        ex = SlopesExplorer()
        values = []
        for k in range(1, 100):
            ex.p.value = round(k / 100, 2)
            values.append(ex.key_value)
        assert np.all(np.diff(values) > 0)

    def test_ratio_is_smallest_at_one_half(self):
        ex = SlopesExplorer(p=0.5)
        assert "2.00 times" in ex.readout_text
        ex.p.value = 0.01
        assert "50.51 times" in ex.readout_text


@pytest.fixture(scope="module")
def race():
    ex = RaceExplorer()
    ex.live = False
    return ex


class TestRaceExplorer:
    def test_default_race_cross_entropy_wins(self, race):
        ce, se = race.runs["ce"], race.runs["mse"]
        assert ce.accuracy[0] == se.accuracy[0] < 0.2          # same, confidently wrong start
        assert ce.accuracy[-1] > 0.95 and se.accuracy[-1] < 0.5
        assert race.key_value == pytest.approx(ce.loss[-1])
        assert f"{ce.accuracy[-1]:.1%}" in race.readout_text
        assert f"{se.accuracy[-1]:.1%}" in race.readout_text

    def test_lines_show_every_epoch(self, race):
        x, y = race.lines["ce", "loss"].get_data()
        assert len(x) == race.epochs.value + 1
        assert np.array_equal(y, race.runs["ce"].loss)
        x, y = race.lines["mse", "accuracy"].get_data()
        assert np.array_equal(y, race.runs["mse"].accuracy)

    def test_final_ce_loss_falls_with_each_learning_rate_step(self):
        ex = RaceExplorer(epochs=300)
        ex.live = False
        values = []
        for k in range(1, 41):
            ex.lr.value = round(0.05 * k, 2)
            values.append(ex.key_value)
        assert np.all(np.diff(values) < 0)

    def test_small_initial_weights_let_squared_error_learn_too(self):
        ex = RaceExplorer(init_scale=0.0)
        assert ex.runs["mse"].accuracy[-1] > 0.9

    def test_deterministic(self):
        a, b = RaceExplorer(), RaceExplorer()
        assert a.readout_text == b.readout_text

    def test_replay_without_an_event_loop_ends_on_the_full_race(self, race):
        before = race.frames_drawn
        race.replay()
        assert race.frames_drawn - before >= 20
        x, _ = race.lines["mse", "loss"].get_data()
        assert len(x) == race.epochs.value + 1

    def test_replay_animates_in_a_running_loop(self):
        ex = RaceExplorer(epochs=100)
        drawn = []
        ex.canvas.draw = lambda: drawn.append(len(ex.lines["ce", "loss"].get_data()[0]))

        async def click_and_wait():
            ex.replay_button.click()
            assert ex._task is not None  # runs in the background, the kernel stays free
            await ex._task

        run_in_fresh_loop(click_and_wait)
        assert len(drawn) >= 20 and drawn == sorted(drawn)
        assert drawn[0] == 1 and drawn[-1] == 101

    def test_moving_a_control_stops_a_replay(self):
        ex = RaceExplorer(epochs=100)
        ex.canvas.draw = lambda: None

        async def replay_then_move():
            ex.replay()
            await asyncio.sleep(0)
            ex.init_scale.value = 1.0
            assert ex._task is None

        run_in_fresh_loop(replay_then_move)
        x, _ = ex.lines["ce", "loss"].get_data()
        assert len(x) == 101

    def test_label_follows_line_end(self, race):
        n = race.epochs.value
        assert race.labels["ce", "accuracy"].xy == (n, race.runs["ce"].accuracy[-1])
