"""The Dockerfile and .dockerignore (no container engine runs here: the file is checked as
text, instruction by instruction)."""

import fnmatch
import json
import re
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = (ROOT / "Dockerfile").read_text()
    joined = re.sub(r"\\\n", " ", "\n".join(
        line for line in text.splitlines() if not line.lstrip().startswith("#")
    ))  # fmt: skip
    out = []
    for line in joined.splitlines():
        if line.strip():
            word, _, rest = line.strip().partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def test_base_image_install_from_the_pinned_requirements_and_the_cpu_wheel_index():
    ins = instructions()
    assert ins[0] == ("FROM", "python:3.11-slim")
    runs = " ".join(a for i, a in ins if i == "RUN")
    assert "pip install --no-cache-dir -r requirements.txt" in runs
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in runs
    pins = (ROOT / "requirements.txt").read_text()
    assert re.search(r"^torch==\d+\.\d+\.\d+$", pins, re.M), "torch must be pinned exactly"
    copies = [a for i, a in ins if i == "COPY"]
    assert copies[0] == "requirements.txt ." and ". ." in copies  # install layer cached first


def test_healthcheck_polls_the_health_endpoint_with_a_valid_command():
    (health,) = [a for i, a in instructions() if i == "HEALTHCHECK"]
    assert "/_stcore/health" in health and "--start-period" in health
    code = shlex.split(health.split("CMD", 1)[1])[2]  # python -c "<code>"
    compile(code, "<healthcheck>", "exec")


def test_runs_as_a_non_root_user_with_the_data_directory_as_a_volume():
    ins = instructions()
    users = [a for i, a in ins if i == "USER"]
    assert users and users[-1] not in ("root", "0", "0:0")
    last_run = max(k for k, (i, _) in enumerate(ins) if i == "RUN")
    assert max(k for k, (i, _) in enumerate(ins) if i == "USER") > last_run
    envs = " ".join(a for i, a in ins if i == "ENV")
    assert "LSTM_PLAYGROUND_HOME=/data" in envs and "OMP_NUM_THREADS=1" in envs
    assert json.loads([a for i, a in ins if i == "VOLUME"][0]) == ["/data"]
    assert ("EXPOSE", "8501") in ins


def test_the_server_command_serves_app_py_on_all_interfaces_headless():
    (cmd,) = [json.loads(a) for i, a in instructions() if i == "CMD"]
    assert cmd[:5] == ["python", "-m", "streamlit", "run", "app.py"]
    assert "--server.address=0.0.0.0" in cmd and "--server.headless=true" in cmd
    assert "--server.port=8501" in cmd


def test_dockerignore_keeps_what_the_server_needs():
    patterns = [
        p.strip() for p in (ROOT / ".dockerignore").read_text().splitlines()
        if p.strip() and not p.startswith("#")
    ]  # fmt: skip
    needed = [
        "app.py", "requirements.txt", ".streamlit/config.toml", "static/plotly.min.js",
        "lstm_core/train.py", "lstm_core/data/elnino.csv", "ui/page.py", "pages/1_Train.py",
    ]  # fmt: skip
    for path in needed:
        assert (ROOT / path).exists(), path
        hit = [p for p in patterns if fnmatch.fnmatch(path, p) or path.startswith(p + "/")]
        assert not hit, f"{path} is excluded by {hit}"
    for secret in (".git", ".venv", "artifacts", "tests"):
        assert secret in patterns


def test_the_compose_file_runs_two_replicas_on_one_postgres_behind_sticky_nginx():
    import yaml

    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
    services = compose["services"]
    apps = [name for name, s in services.items() if s.get("build") == ".."]
    assert sorted(apps) == ["app1", "app2"]
    for name in apps:
        env = services[name]["environment"]
        assert env["LSTM_PLAYGROUND_DB"].startswith("postgresql://lstm:")
        assert env["LSTM_PLAYGROUND_DB"].endswith("@db:5432/lstm")
        assert {"LSTM_PLAYGROUND_SECRET", "LSTM_PLAYGROUND_TEACHER_KEY"} <= set(env)
        assert services[name]["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["app1"]["volumes"] != services["app2"]["volumes"]
    assert services["db"]["image"].startswith("postgres:")
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    mount = services["nginx"]["volumes"][0]
    assert mount.startswith("./nginx.conf:/etc/nginx/conf.d/default.conf")
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "hash $route consistent;" in conf and "Set-Cookie" in conf  # sticky sessions
    assert all(f"server {name}:8501;" in conf for name in apps)
    assert "proxy_set_header Upgrade $http_upgrade;" in conf  # the WebSocket
    guide = (ROOT / "docs" / "deployment.md").read_text()
    assert "deploy/compose.yaml" in guide and "LSTM_PLAYGROUND_DB" in guide
