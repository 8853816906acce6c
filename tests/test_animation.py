"""lrviz.animation: thinning, blitted frame updates, FuncAnimation and small GIFs."""
import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

import lrviz
from lrviz import animation as A
from lrviz import plotting as P


@pytest.mark.parametrize("n,m", [(0, 60), (1, 60), (10, 4), (500, 60), (59, 60), (1000, 2)])
def test_thin_frames(n, m):
    f = thin_frames = A.thin_frames(n, m)
    assert f[0] == 0 and f[-1] == n
    assert len(f) <= m and np.all(np.diff(f) > 0)
    if n + 1 <= m:
        assert len(thin_frames) == n + 1


def _rosenbrock_fig(steps=500):
    t = lrviz.descend("rosenbrock", "momentum", x0=(-1.5, 2.0), steps=steps, lr=1e-3)
    fig = Figure(figsize=(6, 4))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    P.contours_2d(ax, t.surface, n=120)
    pa = P.path_2d(ax, t)
    return fig, pa, t


def test_show_frame_blits_and_updates():
    fig, pa, t = _rosenbrock_fig(100)
    anim = A.PathAnimation(fig, [(pa, t.x[:, 0], t.x[:, 1])])
    assert len(anim) == 101 and fig.canvas.supports_blit
    step = anim.show_frame(10)
    assert step == 10
    np.testing.assert_allclose(pa.line.get_xydata(), t.x[:11])
    assert anim._live._background is not None  # blitting path was taken
    anim.show_frame(-1)
    np.testing.assert_allclose(pa.head.get_xydata()[0], t.x[-1])
    with pytest.raises(IndexError, match=r"^Invalid frame: 500 \(must be an integer in \[-101, 101\): the animation has 101 frames\)$"):
        anim.show_frame(500)
    with pytest.raises(TypeError, match=r"^Invalid frame: 2.5 \(must be an integer\)$"):
        anim.show_frame(2.5)
    fig.canvas.draw()  # someone else redraws: the cache is dropped, then rebuilt
    assert anim._live._background is None
    anim.show_frame(3)
    assert anim._live._background is not None


def test_show_frame_without_blit_and_extra_artists():
    fig, pa, t = _rosenbrock_fig(30)
    ax = fig.axes[0]
    (marker,) = ax.plot([], [], "x")
    seen = []

    def on_frame(step):
        seen.append(step)
        marker.set_data([t.x[step, 0]], [t.x[step, 1]])

    anim = A.PathAnimation(fig, [(pa, t.x[:, 0], t.x[:, 1])], frames=A.thin_frames(30, 5),
                           artists=[marker], on_frame=on_frame, blit=False)
    anim.show_frame(2)
    assert seen == [int(anim.frames[2])] and anim._live._background is None
    np.testing.assert_allclose(marker.get_xydata()[0], t.x[seen[0]])


@pytest.mark.filterwarnings("ignore:Animation was deleted")
def test_to_animation_frames():
    fig, pa, t = _rosenbrock_fig(200)
    fa = A.to_animation(fig, [(pa, t.x[:, 0], t.x[:, 1])], max_frames=20)
    frames = fa.path_animation.frames
    assert len(frames) <= 20 and frames[-1] == 200
    fa._func(5)
    assert len(pa.line.get_xdata()) == frames[5] + 1
    fa.event_source.stop()
    del fa  # matplotlib warns when an unsaved animation is collected: let it happen here
    import gc

    gc.collect()


def test_save_gif_small_multiframe(tmp_path):
    fig, pa, t = _rosenbrock_fig(500)
    out = A.save_gif(fig, [(pa, t.x[:, 0], t.x[:, 1])], tmp_path / "run.gif", fps=10,
                     max_frames=60, dpi=80)
    with Image.open(out) as im:
        assert im.format == "GIF"
        assert 1 < im.n_frames <= 60
    size = (tmp_path / "run.gif").stat().st_size
    assert size < 500_000, f"GIF is {size / 1e3:.0f} KB"
    # the figure is left at the last frame
    np.testing.assert_allclose(pa.head.get_xydata()[0], t.x[-1])


def test_save_gif_with_callable(tmp_path):
    fig, pa, t = _rosenbrock_fig(40)

    def draw(step):
        P.set_path(pa, t.x[:step + 1, 0], t.x[:step + 1, 1])

    out = A.save_gif(fig, draw, tmp_path / "cb.gif", steps=40, max_frames=8)
    with Image.open(out) as im:
        assert im.n_frames > 1
    with pytest.raises(TypeError, match=r"^Invalid steps: None \(must be the last step"):
        A.save_gif(fig, draw, tmp_path / "x.gif")
    for kwargs, exc, name in [(dict(steps=-1), ValueError, "steps"), (dict(steps=4, fps=0), ValueError, "fps"),
                              (dict(steps=4, max_frames=0), ValueError, "max_frames"),
                              (dict(steps=4, frames=[0.5, 1]), TypeError, "frames"),
                              (dict(steps=4, dpi="high"), TypeError, "dpi")]:
        with pytest.raises(exc, match=rf"^Invalid {name}: "):
            A.save_gif(fig, draw, tmp_path / "x.gif", **kwargs)
    assert not (tmp_path / "x.gif").exists()  # checked before anything is written


@pytest.mark.parametrize("args, exc, message", [
    ((-1, 5), ValueError, "Invalid n_steps: -1 (must be an integer >= 0)"),
    ((10, 0), ValueError, "Invalid max_frames: 0 (must be an integer >= 1)"),
    ((10.5, 4), TypeError, "Invalid n_steps: 10.5 (must be an integer >= 0)"),
    ((10, "4"), TypeError, "Invalid max_frames: '4' (must be an integer >= 1)"),
])
def test_thin_frames_bad_arguments(args, exc, message):
    with pytest.raises(exc) as info:
        A.thin_frames(*args)
    assert str(info.value) == message
