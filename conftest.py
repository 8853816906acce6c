"""Collection rules for the whole test run (tests/ and notebooks/)."""
import importlib.util
import os

# Notebook 12b needs the optional Ray Tune install. Without it the notebook is left out
# (and said so in the header), unless LRVIZ_WITH_RAY=1 asks for it: then it must run.
_RAY_MISSING = importlib.util.find_spec("ray") is None and os.environ.get("LRVIZ_WITH_RAY") != "1"
collect_ignore = ["notebooks/12b_pbt_with_ray_tune.ipynb"] if _RAY_MISSING else []


def pytest_report_header(config):
    if _RAY_MISSING:
        return "notebook 12b (Ray Tune) not checked: Ray is not installed (pip install -r requirements-ray.txt)"
    return None
