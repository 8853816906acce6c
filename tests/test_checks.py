"""checks: the verdicts every exercise prints, the update-rule checker, and verdict recording."""
import json
import math
import re
import sys
import types

import numpy as np
import pytest

from lrviz.exercises import checks
from lrviz.exercises.checks import KEY, answer_key, check_choice, check_number, check_update_rule


@pytest.mark.parametrize("answer, ok", [(0.2, True), (0.2099, True), (0.191, True), (0.22, False), (-0.2, False)])
def test_check_number_uses_a_relative_tolerance(answer, ok, capsys):
    assert check_number(answer, 0.2, rtol=0.05) is ok
    out = capsys.readouterr().out
    assert out.startswith("✅ Right." if ok else "❌ Not yet.")


def test_check_number_absolute_tolerance_for_answers_near_zero(capsys):
    assert check_number(1e-9, 0.0, atol=1e-6) is True
    assert check_number(1e-3, 0.0, atol=1e-6, hint="Think of the limit.") is False
    assert "Think of the limit." in capsys.readouterr().out


@pytest.mark.parametrize("answer", ["0.2", True, math.nan, math.inf, [0.2], np.array([0.1, 0.2])])
def test_check_number_asks_for_a_finite_number_instead_of_raising(answer, capsys):
    assert check_number(answer, 0.2) is False
    assert "Answer with a finite number" in capsys.readouterr().out


def test_check_number_says_to_drop_the_quotes_of_a_string(capsys):
    check_number("14", 14)
    assert "(without quotes)" in capsys.readouterr().out


def test_check_number_accepts_numpy_scalars_and_one_element_arrays(capsys):
    assert check_number(np.float32(0.2), 0.2) is True
    assert check_number(np.int64(3), 3) is True
    assert check_number(np.array([1.13]), 1.13) is True  # e.g. ex.trajectory.final_x on a 1-D surface
    assert check_number(np.array(2.0), 2.0) is True


@pytest.mark.parametrize("answer, ok", [(13, True), (14, True), (13.5, True), (np.int64(14), True),
                                        (12, False), (15, False), (13.9, False), (14.0, True)])
def test_check_number_integer_accepts_the_integers_next_to_the_expected_count(answer, ok, capsys):
    assert check_number(answer, 13.5, rtol=0.0, integer=True) is ok


def test_check_number_integer_keeps_the_tolerance(capsys):
    assert check_number(113, 113.0, rtol=0.0, atol=0.5, integer=True) is True
    assert check_number(114, 113.0, rtol=0.0, atol=0.5, integer=True) is False  # 113 is exact: no neighbours
    assert check_number(114, 113.0, rtol=0.0, atol=0.5) is False


@pytest.mark.parametrize("check", [lambda a: check_number(a, 0.2), lambda a: check_choice(a, "adam", ["sgd", "adam"])])
@pytest.mark.parametrize("answer", [None, ...])
def test_none_and_ellipsis_are_unanswered(check, answer, capsys):
    assert check(answer) is False
    out = capsys.readouterr().out
    assert out.startswith("✏️ Write your answer")
    assert "Not yet" not in out


def test_check_number_compares_a_point_entry_by_entry(capsys):
    assert check_number((2.56, 1.28), (2.56, 1.28), rtol=1e-3) is True
    assert check_number(np.array([2.5601, 1.28]), [2.56, 1.28], rtol=1e-3) is True
    assert check_number([2.56, 1.0], (2.56, 1.28), rtol=1e-3, hint="H") is False
    assert "Entry 2 of 2 is off. H" in capsys.readouterr().out
    assert check_number([3.0, 1.0], (2.56, 1.28)) is False
    assert "Every entry is off." in capsys.readouterr().out
    for bad in (2.56, (2.56,), ("2.56", 1.28), (2.56, math.nan)):
        assert check_number(bad, (2.56, 1.28)) is False
        assert "Answer with 2 finite numbers" in capsys.readouterr().out
    assert check_number((13, 7), (13.5, 7.0), rtol=0.0, integer=True) is True
    capsys.readouterr()
    assert check_number(None, (1.0, 2.0)) is False
    assert capsys.readouterr().out.startswith("✏️ Write your answer")


def test_check_choice_ignores_case_and_spaces_and_lists_unknown_options(capsys):
    assert check_choice("  ADAM ", "adam", ["sgd", "adam"]) is True
    assert check_choice("sgd", "adam", ["sgd", "adam"], hint="Which one rescales?") is False
    assert "Which one rescales?" in capsys.readouterr().out
    assert check_choice("lion", "adam", ["sgd", "adam"]) is False
    assert "Pick one of: sgd, adam" in capsys.readouterr().out


# ---------------------------------------------------------------- update rules: references

def sgd(x, grad, state, lr):
    return x - lr * grad


def momentum(x, grad, state, lr, momentum):
    b = state.get("b")
    state["b"] = b = grad.copy() if b is None else momentum * b + grad
    return x - lr * b


def nesterov(x, grad, state, lr, momentum):
    b = state.get("b")
    state["b"] = b = grad.copy() if b is None else momentum * b + grad
    return x - lr * (grad + momentum * b)


def rmsprop(x, grad, state, lr, alpha, eps):
    state["v"] = v = alpha * state.get("v", 0.0) + (1 - alpha) * grad ** 2
    return x - lr * grad / (np.sqrt(v) + eps)


def adagrad(x, grad, state, lr, eps):
    state["s"] = s = state.get("s", 0.0) + grad ** 2
    return x - lr * grad / (np.sqrt(s) + eps)


def adadelta(x, grad, state, lr, rho, eps):
    v = state["v"] = rho * state.get("v", 0.0) + (1 - rho) * grad ** 2
    u = state.get("u", 0.0)
    delta = np.sqrt(u + eps) / np.sqrt(v + eps) * grad
    state["u"] = rho * u + (1 - rho) * delta ** 2
    return x - lr * delta


def adam(x, grad, state, lr, betas, eps):
    b1, b2 = betas
    t = state["t"] = state.get("t", 0) + 1
    m = state["m"] = b1 * state.get("m", 0.0) + (1 - b1) * grad
    v = state["v"] = b2 * state.get("v", 0.0) + (1 - b2) * grad ** 2
    return x - lr * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps)


HYPER = {
    "sgd": dict(lr=0.1),
    "momentum": dict(lr=0.05, momentum=0.9),
    "nesterov": dict(lr=0.05, momentum=0.9),
    "rmsprop": dict(lr=0.01, alpha=0.99, eps=1e-8),
    "adagrad": dict(lr=0.1, eps=1e-10),
    "adadelta": dict(lr=1.0, rho=0.9, eps=1e-6),
    "adam": dict(lr=0.01, betas=(0.9, 0.999), eps=1e-8),
}
REFERENCES = {"sgd": sgd, "momentum": momentum, "nesterov": nesterov, "rmsprop": rmsprop,
              "adagrad": adagrad, "adadelta": adadelta, "adam": adam}


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_a_correct_rule_passes(name, capsys):
    assert check_update_rule(REFERENCES[name], name, explain="Well done.", **HYPER[name]) is True
    assert capsys.readouterr().out == "✅ Right. Well done.\n"


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_a_correct_rule_passes_with_other_sizes_and_seeds(name, capsys):
    for seed, dim, steps in [(1, 1, 3), (7, 5, 12)]:
        assert check_update_rule(REFERENCES[name], name, steps=steps, dim=dim, seed=seed, **HYPER[name]) is True


# ---------------------------------------------------------------- update rules: typical mistakes

def sgd_ascends(x, grad, state, lr):
    return x + lr * grad


def sgd_fixed_lr(x, grad, state, lr):
    return x - 0.1 * grad  # ignores the lr it is given


def momentum_keras(x, grad, state, lr, momentum):
    state["v"] = v = momentum * state.get("v", 0.0) - lr * grad
    return x + v


def momentum_ema(x, grad, state, lr, momentum):
    state["b"] = b = momentum * state.get("b", 0.0) + (1 - momentum) * grad
    return x - lr * b


def nesterov_heavy_ball(x, grad, state, lr, momentum):
    return globals()["momentum"](x, grad, state, lr, momentum)


def rmsprop_eps_inside(x, grad, state, lr, alpha, eps):
    state["v"] = v = alpha * state.get("v", 0.0) + (1 - alpha) * grad ** 2
    return x - lr * grad / np.sqrt(v + eps)


def adagrad_eps_inside(x, grad, state, lr, eps):
    state["s"] = s = state.get("s", 0.0) + grad ** 2
    return x - lr * grad / np.sqrt(s + eps)


def adagrad_average(x, grad, state, lr, eps):
    state["s"] = s = 0.9 * state.get("s", 0.0) + 0.1 * grad ** 2
    return x - lr * grad / (np.sqrt(s) + eps)


def adadelta_no_eps_on_top(x, grad, state, lr, rho, eps):
    v = state["v"] = rho * state.get("v", 0.0) + (1 - rho) * grad ** 2
    u = state.get("u", 0.0)
    delta = np.sqrt(u) / np.sqrt(v + eps) * grad
    state["u"] = rho * u + (1 - rho) * delta ** 2
    return x - lr * delta


def adam_no_bias_correction(x, grad, state, lr, betas, eps):
    b1, b2 = betas
    m = state["m"] = b1 * state.get("m", 0.0) + (1 - b1) * grad
    v = state["v"] = b2 * state.get("v", 0.0) + (1 - b2) * grad ** 2
    return x - lr * m / (np.sqrt(v) + eps)


def adam_eps_hat(x, grad, state, lr, betas, eps):
    b1, b2 = betas
    t = state["t"] = state.get("t", 0) + 1
    m = state["m"] = b1 * state.get("m", 0.0) + (1 - b1) * grad
    v = state["v"] = b2 * state.get("v", 0.0) + (1 - b2) * grad ** 2
    return x - lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t) * m / (np.sqrt(v) + eps)


# (name, function, the step it must fail at, words the hint must contain)
MISTAKES = [
    ("sgd", sgd_ascends, "step 1,", "wrong way"),
    ("sgd", sgd_fixed_lr, "step 1 (other hyperparameters)", "not numbers written into it"),
    ("momentum", momentum_keras, "step 2 (the lr changes every step", "Keep lr out of the buffer"),
    ("momentum", momentum_ema, "step 1,", ""),
    ("nesterov", nesterov_heavy_ball, "step 1,", ""),
    ("rmsprop", rmsprop_eps_inside, "step 1,", "sqrt(v) + eps"),
    ("adagrad", adagrad_eps_inside, "step 1,", "sqrt(sum) + eps"),
    ("adagrad", adagrad_average, "step 1,", ""),
    ("adadelta", adadelta_no_eps_on_top, "step 1,", ""),
    ("adam", adam_no_bias_correction, "step 1,", "bias correction"),
    ("adam", adam_eps_hat, "step 1,", "epsilon-hat"),
]


@pytest.mark.parametrize("name, fn, where, words", MISTAKES, ids=[m[1].__name__ for m in MISTAKES])
def test_a_typical_mistake_fails_at_the_right_step_and_coordinate(name, fn, where, words, capsys):
    assert check_update_rule(fn, name, hint="HINT", **HYPER[name]) is False
    out = capsys.readouterr().out
    assert out.startswith("❌ Not yet. At " + where), out
    assert words in out and out.rstrip().endswith("HINT")
    # the coordinate named is one that really differs: recompute both values from the message
    m = re.search(r"your new x\[(\d+)\] is (\S+), expected (\S+) \(your step", out)
    assert m, out
    got, want = float(m.group(2)), float(m.group(3))
    assert got != want


def test_the_reported_coordinate_is_the_first_that_differs(capsys):
    def only_last_coordinate_wrong(x, grad, state, lr):
        new = x - lr * grad
        new[2] = new[2] + 1e-3
        return new

    assert check_update_rule(only_last_coordinate_wrong, "sgd", dim=3, lr=0.1) is False
    out = capsys.readouterr().out
    assert "At step 1, with lr=0.1" in out and "coordinate 2" in out and "new x[2]" in out


def test_an_error_in_the_second_step_is_reported_at_step_two(capsys):
    def forgets_the_buffer(x, grad, state, lr, momentum):
        if "b" in state:
            return x - lr * grad  # momentum forgotten from the second step on
        state["b"] = grad
        return x - lr * grad

    assert check_update_rule(forgets_the_buffer, "momentum", lr=0.05, momentum=0.9) is False
    assert capsys.readouterr().out.startswith("❌ Not yet. At step 2,")


@pytest.mark.parametrize("body, words", [
    ("raise ZeroDivisionError('boom')", "raised ZeroDivisionError: boom"),
    ("return float(np.sum(x))", "returned shape ()"),
    ("return x[:2]", "returned shape (2,)"),
    ("return x / 0.0", "coordinate 0 of your result is"),
    ("return x - lr * grad, state", "return only new_x"),
    ("return 'x'", "not an array of numbers"),
    ("x - lr * grad", "returned None"),
])
def test_broken_functions_get_a_message_not_an_exception(body, words, capsys):
    ns = {"np": np}
    exec(f"def step(x, grad, state, lr):\n    {body}\n", ns)
    with np.errstate(all="ignore"):
        assert check_update_rule(ns["step"], "sgd", lr=0.1) is False
    out = capsys.readouterr().out
    assert out.startswith("❌ Not yet. At step 1") and words in out, out


def test_a_function_missing_a_hyperparameter_is_told_which_names_it_gets(capsys):
    def step(x, grad, state, lr):
        return x - lr * grad

    assert check_update_rule(step, "momentum", lr=0.1, momentum=0.9) is False
    assert "must accept the keyword arguments lr, momentum" in capsys.readouterr().out


@pytest.mark.parametrize("stub", ["    ...", "    pass", "    '''Write the rule.'''", "    '''Doc.'''\n    ..."])
def test_a_stub_body_or_none_is_unanswered(stub, capsys):
    ns = {}
    exec(f"def step(x, grad, state, lr):\n{stub}\n", ns)
    assert check_update_rule(ns["step"], "sgd", lr=0.1) is False
    assert check_update_rule(None, "sgd", lr=0.1) is False
    assert capsys.readouterr().out.count("✏️ Write the body of your update function") == 2


def test_a_rule_that_mutates_x_in_place_passes_with_a_note_and_cannot_corrupt_the_reference(capsys):
    def in_place(x, grad, state, lr):
        x -= lr * grad
        grad *= 0.0  # also scribbles on the gradient it was given
        return x

    assert check_update_rule(in_place, "sgd", lr=0.1) is True
    assert "changed x in place" in capsys.readouterr().out


def test_not_a_function_is_wrong(capsys):
    assert check_update_rule(0.1, "sgd", lr=0.1) is False
    assert "Answer with a function" in capsys.readouterr().out


def test_the_author_gets_an_error_for_a_bad_optimizer():
    with pytest.raises(ValueError, match="lion"):
        check_update_rule(sgd, "lion", lr=0.1)


# ---------------------------------------------------------------- recording and the key

@pytest.fixture
def fake_exercises(monkeypatch):
    """An exercise module as the notebooks import it, under the lrviz.exercises.nNN_ name."""
    mod = types.ModuleType("lrviz.exercises.n99_fake")
    exec(
        "from lrviz.exercises import checks\n"
        "def q1(answer):\n"
        "    '''Twice 0.1.'''\n"
        "    return checks.check_number(answer, 0.2, rtol=0.01, explain='2 * 0.1.')\n"
        "def _inner(answer):\n"
        "    return checks.check_choice(answer, 'adam', ['sgd', 'adam'], hint='Rescaled.')\n"
        "def q2(answer):\n"
        "    return _inner(answer)\n"
        "def q3(step):\n"
        "    return checks.check_update_rule(step, 'sgd', lr=0.1)\n"
        "def q10(answer):\n"
        "    return checks.check_number(answer, 13.5, rtol=0.0, integer=True)\n",
        mod.__dict__)
    monkeypatch.setitem(sys.modules, mod.__name__, mod)
    monkeypatch.setattr(checks, "VERDICTS", {})
    return mod


def test_verdicts_are_recorded_under_the_calling_module_and_question(fake_exercises, tmp_path, monkeypatch, capsys):
    log = tmp_path / "grades.jsonl"
    monkeypatch.setenv("LRVIZ_GRADE_LOG", str(log))
    fake_exercises.q1(0.2)
    fake_exercises.q2("sgd")
    fake_exercises.q3(None)
    fake_exercises.q1(0.3)  # a second try: the log keeps both, VERDICTS the last
    check_number(0.2, 0.2)  # not called from an exercise module: not recorded
    name = "lrviz.exercises.n99_fake"
    assert checks.VERDICTS == {(name, "q1"): "wrong", (name, "q2"): "wrong", (name, "q3"): "unanswered"}
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert lines == [{"module": name, "question": q, "verdict": v}
                     for q, v in [("q1", "right"), ("q2", "wrong"), ("q3", "unanswered"), ("q1", "wrong")]]


def test_no_log_file_without_the_environment_variable(fake_exercises, tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("LRVIZ_GRADE_LOG", raising=False)
    monkeypatch.chdir(tmp_path)
    fake_exercises.q1(0.2)
    assert list(tmp_path.iterdir()) == []


def test_the_key_sentinel_prints_nothing_and_records_the_expected_answers(fake_exercises, capsys):
    key = answer_key(fake_exercises)
    assert capsys.readouterr().out == ""
    assert checks.VERDICTS == {}
    assert [k["question"] for k in key] == ["q1", "q2", "q3", "q10"]  # numeric order, helpers left out
    assert key[0] == dict(question="q1", doc="Twice 0.1.", kind="number", expected=0.2, rtol=0.01, atol=0.0,
                          integer=False, hint="", explain="2 * 0.1.")
    assert key[1]["kind"] == "choice" and key[1]["expected"] == "adam" and key[1]["choices"] == ["sgd", "adam"]
    assert key[2]["kind"] == "update_rule" and key[2]["optimizer"] == "sgd" and key[2]["hyper"] == {"lr": 0.1}
    assert "lr" in key[2]["rule"]  # the optimizer's documented update rule
    assert key[3]["integer"] is True and key[3]["expected"] == 13.5
    assert repr(KEY) == "KEY"


def test_the_key_of_a_real_module_matches_its_checks(capsys):
    from lrviz.exercises import n04_bad_learning_rates as n04

    key = {k["question"]: k for k in answer_key(n04)}
    assert key["q1"]["kind"] == "number" and key["q1"]["expected"] == pytest.approx(0.4)  # 2 / (2 * 2.5)
    assert n04.q1(key["q1"]["expected"]) is True
    assert n04.q3(key["q3"]["expected"]) is True
