"""The engine stands alone: importing lstm_core pulls in neither streamlit nor plotly. The
figure builders are pure: importing ui.figures pulls in plotly but not streamlit."""

import subprocess
import sys


def test_lstm_core_imports_no_ui_stack():
    code = (
        "import sys, importlib, pkgutil, lstm_core\n"
        "for m in pkgutil.walk_packages(lstm_core.__path__, 'lstm_core.'):\n"
        "    if m.name != 'lstm_core.__main__':\n"
        "        importlib.import_module(m.name)\n"
        "bad = sorted(k for k in sys.modules if k.split('.')[0] in ('streamlit', 'plotly'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"lstm_core imported: {out.stdout.strip()}"


def test_ui_figures_imports_no_streamlit():
    code = (
        "import sys, importlib, pkgutil, ui.figures\n"
        "for m in pkgutil.walk_packages(ui.figures.__path__, 'ui.figures.'):\n"
        "    importlib.import_module(m.name)\n"
        "assert 'ui.figures.train' in sys.modules\n"
        "bad = sorted(k for k in sys.modules if k.split('.')[0] == 'streamlit')\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"ui.figures imported: {out.stdout.strip()}"


def test_single_thread_limits_torch_and_blas():
    from threadpoolctl import threadpool_info

    from lstm_core.runtime import single_thread

    single_thread()
    import torch

    assert torch.get_num_threads() == 1
    assert all(p["num_threads"] == 1 for p in threadpool_info() if p["user_api"] == "blas")
