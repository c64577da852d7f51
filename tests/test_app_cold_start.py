"""A just-started server draws its Home page without torch; torch is imported afterwards by a
background thread, which also limits it to one thread.

Each check runs in a fresh interpreter: this test process has loaded torch already
(conftest's ``single_thread``)."""

import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

HOME_THEN_WARM_UP = """
import json, sys
from streamlit.testing.v1 import AppTest
at = AppTest.from_file("app.py", default_timeout=60)
at.run()
result = {
    "exception": [str(e.value) for e in at.exception],
    "title": [t.value for t in at.title],
    "sidebar_links": len(at.sidebar.get("page_link")),
    "torch_after_home": "torch" in sys.modules,
    "engine_after_home": "lstm_core.train" in sys.modules,
}
from lstm_core.runtime import warm_up_later
warm_up_later().join(180)
import torch
result["engine_after_warm_up"] = "lstm_core.train" in sys.modules
result["torch_threads"] = torch.get_num_threads()
print(json.dumps(result))
"""


def test_home_page_draws_without_torch_and_the_warm_up_loads_it_later():
    out = subprocess.run(
        [sys.executable, "-c", HOME_THEN_WARM_UP],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    r = json.loads(out.stdout.strip().splitlines()[-1])
    assert r["exception"] == [] and r["title"] and r["sidebar_links"] >= 8, r
    assert not r["torch_after_home"], "the Home page imported torch"
    assert not r["engine_after_home"], "the Home page imported the engine"
    assert r["engine_after_warm_up"] and r["torch_threads"] == 1, r


def test_app_py_imports_no_torch():
    """The modules app.py imports (Home, sidebar, lessons, classroom) load without torch."""
    code = (
        "import ast, importlib, sys\n"
        "tree = ast.parse(open('app.py').read())\n"
        "for node in tree.body:\n"
        "    if isinstance(node, ast.ImportFrom):\n"
        "        importlib.import_module(node.module)\n"
        "    elif isinstance(node, ast.Import):\n"
        "        for alias in node.names:\n"
        "            importlib.import_module(alias.name)\n"
        "print(sorted(k for k in sys.modules if k.split('.')[0] == 'torch')[:3])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]", f"app.py's imports loaded {out.stdout.strip()}"


def test_warm_up_waits_until_pages_stop_asking():
    from lstm_core.runtime import _WarmUp

    warm = _WarmUp()
    thread = warm.request(quiet_s=0.5, max_wait_s=60)
    for _ in range(5):  # a class still arriving: every 0.1 s another page asks
        time.sleep(0.1)
        assert warm.request(quiet_s=0.5, max_wait_s=60) is thread
        assert thread.is_alive(), "the warm-up ran while pages were still being drawn"
    thread.join(30)
    assert not thread.is_alive()
