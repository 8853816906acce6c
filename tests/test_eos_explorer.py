"""lrviz.explorers.eos: the edge-of-stability explorer follows the explorer contract."""
import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from lrviz.explorers.eos import eos_explorer  # noqa: E402
from lrviz.training import eos  # noqa: E402


@pytest.fixture(scope="module")
def ex():
    return eos_explorer(lr=0.3, steps=300, every=50)


def test_the_run_on_screen_is_the_training_layers_run(ex):
    assert ex.update(lr=0.3, batch_size=500, steps=300)
    fresh = eos.gd(lr=0.3, steps=300, every=50)
    assert np.array_equal(ex.trajectory.loss, fresh.loss) and np.array_equal(ex.trajectory.sharpness, fresh.sharpness)
    assert ex.figure.axes[0].lines[0].get_ydata().tolist() == fresh.sharpness.tolist()
    assert ex.figure.axes[0].lines[1].get_ydata() == pytest.approx(2 / 0.3)
    assert ex.verdict == "at the edge of stability"


def test_a_small_batch_runs_sgd_and_controls_show_the_params(ex):
    assert ex.update(batch_size=10, lr=0.4)
    fresh = eos.sgd(lr=0.4, batch_size=10, steps=300, every=50)
    assert np.array_equal(ex.trajectory.loss, fresh.loss)
    assert {k: c.value for k, c in ex.controls.items()} == {"lr": 0.4, "batch_size": 10, "steps": 300}
    assert ex.message == ""


def test_a_diverging_lr_is_shown_not_raised(ex):
    assert ex.update(batch_size=500, lr=1.0)
    assert ex.verdict == "diverged" and "diverged at step" in ex._readout.value


@pytest.mark.parametrize("bad, message", [
    (dict(lr=-0.1), "Invalid lr: -0.1 (must be a finite number in (0, 10])"),
    (dict(batch_size=7), "Invalid batch_size: 7 (must be one of 1, 2, 5, 10, 20, 50, 100, 500)"),
    (dict(steps=0), "Invalid steps: 0 (must be an integer in [1, 5000])"),
    (dict(momentum=0.9), "Invalid parameter: 'momentum'"),
])
def test_a_rejected_update_changes_nothing_and_says_why(ex, bad, message):
    assert ex.update(lr=0.2, batch_size=500, steps=300)
    before = (dict(ex.params), ex.trajectory.loss.copy(), {k: c.value for k, c in ex.controls.items()},
              [line.get_ydata().copy() for ax in ex.figure.axes for line in ax.lines])
    assert ex.update(**bad) is False
    assert ex.message.startswith(message)
    after = (dict(ex.params), ex.trajectory.loss, {k: c.value for k, c in ex.controls.items()},
             [line.get_ydata() for ax in ex.figure.axes for line in ax.lines])
    assert before[0] == after[0] and np.array_equal(before[1], after[1]) and before[2] == after[2]
    assert all(np.array_equal(a, b) for a, b in zip(before[3], after[3]))


def test_save_gif_writes_a_small_animation(ex, tmp_path):
    assert ex.update(lr=0.3, batch_size=500, steps=300)
    from PIL import Image
    path = ex.save_gif(tmp_path / "eos.gif", max_frames=10)
    with Image.open(path) as im:
        assert im.n_frames >= 5
    assert path.stat().st_size < 500_000
