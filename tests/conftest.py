import os
import sys
import tempfile
from pathlib import Path

import pytest

from lstm_core.runtime import single_thread

# pytest keeps each test module it has rewritten (for assertion messages) as a .pyc, and the
# packages imported under its rewriting (hypothesis) too, but only where bytecode may be
# written: with PYTHONDONTWRITEBYTECODE set, every worker of every run rewrites about 200
# modules again (7-13 s of CPU each on 2 cores).
sys.dont_write_bytecode = False
# Sessions and tests share one process: one torch thread and one BLAS thread, as the app runs.
single_thread()
# The run store of the tests lives in a throwaway folder, never in the user's data directory,
# and each pytest-xdist worker has its own (workers inherit the controller's environment).
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
os.environ["LSTM_PLAYGROUND_HOME"] = tempfile.mkdtemp(prefix=f"lstm-playground-tests-{_WORKER}-")

TESTS = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    """Tiers by place: tests/browser/ is ``browser``, tests/test_app_*.py is ``app``
    (Streamlit's AppTest). ``slow`` is set by hand on the few slow unit tests. Under xdist each
    browser file is one group: its tests stay on one worker, and a worker starts one server and
    one Chromium for all the files it runs, so two workers run browser files side by side."""
    xdist = config.pluginmanager.hasplugin("xdist")
    for item in items:
        path = Path(item.path)
        if TESTS / "browser" in path.parents:
            item.add_marker(pytest.mark.browser)
            if xdist:
                item.add_marker(pytest.mark.xdist_group(f"browser-{path.stem}"))
        elif path.name.startswith("test_app_"):
            item.add_marker(pytest.mark.app)
