"""OneCycleLR's momentum cycle: the momentum mirrors the lr over the same two phases."""
import numpy as np
import pytest

import lrviz
from lrviz.engine.schedules import onecycle_momentum


def test_endpoints_and_trough_are_torchs_defaults():
    m = onecycle_momentum(total_steps=1000)
    assert m(0) == pytest.approx(0.95)
    assert m(299) == pytest.approx(0.85)     # pct_start * total - 1: where the lr peaks
    assert m(999) == pytest.approx(0.95)


@pytest.mark.parametrize("strategy", ["cos", "linear"])
def test_momentum_moves_exactly_opposite_to_the_lr(strategy):
    T = 500
    lr = lrviz.schedule("onecycle", lr=0.1, total_steps=T, anneal_strategy=strategy)
    m = onecycle_momentum(total_steps=T, anneal_strategy=strategy)
    t = np.arange(T)
    lr_t, m_t = lr(t), m(t)
    assert t[np.argmax(lr_t)] == t[np.argmin(m_t)] == 149
    # within each phase both follow the same anneal fraction, so they are affinely related
    up, down = t <= 149, t > 149
    initial, peak, low = 0.1 / 25, 0.1, 0.1 / 25 / 1e4
    np.testing.assert_allclose(m_t[up], 0.95 - 0.10 * (lr_t[up] - initial) / (peak - initial), atol=1e-12)
    np.testing.assert_allclose(m_t[down], 0.85 + 0.10 * (peak - lr_t[down]) / (peak - low), atol=1e-12)
    assert np.all(np.diff(m_t[up]) <= 0) and np.all(np.diff(m_t[down]) >= 0)


@pytest.mark.parametrize("kw, name", [(dict(total_steps=0), "total_steps"), (dict(total_steps=10, pct_start=1.0), "pct_start"),
                                      (dict(total_steps=10, base_momentum=0.99), "base_momentum"),
                                      (dict(total_steps=10, anneal_strategy="exp"), "anneal_strategy")])
def test_bad_arguments_name_themselves(kw, name):
    with pytest.raises(ValueError, match=f"Invalid {name}"):
        onecycle_momentum(**kw)
