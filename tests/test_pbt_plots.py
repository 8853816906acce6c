"""pbt_plots: every function draws on the Axes it gets and returns its artists."""
import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from lrviz import nets, pbt, pbt_plots, plotting  # noqa: E402


@pytest.fixture(scope="module")
def small_pbt():
    return pbt.digits_pbt(members=4, rounds=3, epochs_per_round=1)


def test_toy_panel_draws_both_workers_and_the_events():
    res = pbt.toy("pbt", steps=40)
    fig, ax = plotting.subplots()
    arts = pbt_plots.toy_panel(ax, res, name="pbt")
    for i in range(2):
        np.testing.assert_array_equal(arts.paths[i].get_xydata(), res.theta[i])
    n_exploit = sum(e[1] == "exploit" for e in res.events)
    assert np.isfinite(arts.jumps.get_xydata()).all(axis=1).sum() == 2 * n_exploit
    assert len(arts.explores.get_xdata()) == sum(e[1] == "explore" for e in res.events)
    assert "pbt" in arts.title.get_text() and "best Q" in arts.title.get_text()
    fig.canvas.draw()


def test_set_toy_step_moves_the_paths_and_keeps_the_limits():
    res = pbt.toy("explore", steps=60, seed=1)
    fig, ax = plotting.subplots()
    arts = pbt_plots.toy_panel(ax, res, step=0)
    lims = ax.get_xlim(), ax.get_ylim()
    assert len(arts.paths[0].get_xdata()) == 1 and len(arts.explores.get_xdata()) == 0
    pbt_plots.set_toy_step(arts, res, 20)
    assert len(arts.paths[0].get_xdata()) == 21
    assert len(arts.explores.get_xdata()) == sum(e[1] == "explore" and e[0] <= 20 for e in res.events)
    assert "step 20" in arts.title.get_text()
    assert (ax.get_xlim(), ax.get_ylim()) == lims
    pbt_plots.set_toy_step(arts, res, 10_000)  # clipped to the last step
    assert len(arts.paths[1].get_xdata()) == 61


def test_toy_best_q_one_line_per_run():
    runs = {v: pbt.toy(v, steps=50) for v in pbt.TOY_VARIANTS}
    fig, ax = plotting.subplots()
    lines = pbt_plots.toy_best_q(ax, runs)
    assert set(lines) == set(runs)
    np.testing.assert_allclose(lines["grid"].get_ydata(), runs["grid"].q.max(0))


def test_population_lr_and_schedule(small_pbt):
    fig, (a, b) = plotting.subplots(1, 2)
    out = pbt_plots.population_lr(a, small_pbt)
    assert len(out["points"].get_offsets()) == small_pbt.lr.size
    path, path_lr = pbt.lineage(small_pbt)
    np.testing.assert_allclose(out["lineage"].get_ydata(), path_lr)
    n_links = int((small_pbt.parent != np.arange(small_pbt.parent.shape[1])).sum())
    assert len(out["links"]) == n_links
    st = pbt_plots.discovered_schedule(b, small_pbt, epochs_per_round=2)
    np.testing.assert_allclose(st.get_data().values, path_lr)
    np.testing.assert_allclose(st.get_data().edges, np.arange(4) * 2)
    fig.canvas.draw()


def test_round_scores(small_pbt):
    grid = pbt.digits_grid(members=4, rounds=3, epochs_per_round=1)
    fig, ax = plotting.subplots()
    lines = pbt_plots.round_scores(ax, {"PBT": small_pbt, "grid": grid})
    np.testing.assert_allclose(lines["grid"].get_ydata(), grid.scores.max(1))


def test_training_curves_and_update():
    r = nets.train(lr=1e-2, epochs=3)
    fig, (a, b) = plotting.subplots(1, 2)
    lines = pbt_plots.training_curves(a, b, r, splits=("train", "val", "test"))
    assert set(lines) == {(k, s) for k in ("loss", "acc") for s in ("train", "val", "test")}
    np.testing.assert_allclose(lines["acc", "test"].get_ydata(), r.test_acc)
    r2 = nets.train(lr=1e-3, epochs=6)
    pbt_plots.update_training_curves(lines, r2)
    np.testing.assert_allclose(lines["loss", "train"].get_ydata(), r2.train_loss)
    assert a.get_xlim() == (0, 6)
    only_loss = pbt_plots.training_curves(a, None, r, splits=("train",), linestyle="--")
    assert list(only_loss) == [("loss", "train")]
    fig.canvas.draw()


def test_run_colours_are_far_apart():
    """Every pair of variant colours differs clearly (vermillion and orange were too close)."""
    from matplotlib.colors import to_rgb
    from lrviz.pictures.pbt_plots import RUN_COLORS
    names = ["pbt", "exploit", "explore", "grid"]
    rgb = {n: np.array(to_rgb(RUN_COLORS[n])) for n in names}
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert np.linalg.norm(rgb[a] - rgb[b]) > 0.4, (a, b)
