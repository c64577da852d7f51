"""Against a real ``streamlit run app.py`` on loopback: the upload route refuses a request
without the XSRF token or with a forged one (403) and an upload over ``server.maxUploadSize``
(413), before the app sees either, while a well-formed small upload with the token passes."""

import asyncio
import http.client
import re

import pytest

from bench.load import HOST, Server, run_sync

LIMIT_MB = 25  # .streamlit/config.toml


@pytest.fixture(scope="module")
def server():
    s = Server()
    try:
        s.wait_healthy()
        yield s
    finally:
        s.stop()


async def session_id(port: int) -> str:
    """Open a session over the WebSocket, as a browser does; its id from ``new_session``."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    url = f"ws://{HOST}:{port}/_stcore/stream"
    ws = await websockets.connect(url, subprotocols=["streamlit"], open_timeout=60)
    m = BackMsg()
    m.rerun_script.query_string = ""
    await ws.send(m.SerializeToString())
    while True:
        msg = ForwardMsg()
        msg.ParseFromString(await asyncio.wait_for(ws.recv(), 60))
        if msg.WhichOneof("type") == "new_session":
            return ws, msg.new_session.initialize.session_id


def xsrf_cookie(port: int) -> str:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    conn.request("GET", "/_stcore/health")  # the browser asks here first; it sets the cookie
    r = conn.getresponse()
    r.read()
    cookies = " ".join(v for k, v in r.getheaders() if k.lower() == "set-cookie")
    found = re.search(r"_streamlit_xsrf=([^;]+)", cookies)
    assert found, f"no XSRF cookie in {cookies!r}"
    return found.group(1)


def put_upload(port: int, sid: str, size: int, token: str | None, body: bytes = b"") -> int:
    """PUT an upload that declares ``size`` bytes; only ``body`` is sent."""
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    conn.putrequest("PUT", f"/_stcore/upload_file/{sid}/file-1")
    conn.putheader("Content-Type", "multipart/form-data; boundary=x")
    conn.putheader("Content-Length", str(size))
    if token is not None:
        conn.putheader("X-Xsrftoken", token)
        conn.putheader("Cookie", f"_streamlit_xsrf={token}")
    conn.endheaders(body or None)
    status = conn.getresponse().status
    conn.close()
    return status


def test_uploads_need_the_xsrf_token_and_stay_under_the_size_limit(server):
    async def check():
        ws, sid = await session_id(server.port)
        try:
            token = xsrf_cookie(server.port)
            over = (LIMIT_MB << 20) + 1
            assert put_upload(server.port, sid, 1000, None) == 403  # no token: refused
            assert put_upload(server.port, sid, 1000, "forged|token|x") == 403
            assert put_upload(server.port, sid, over, token) == 413  # too big: refused
            assert put_upload(server.port, "no-such-session", 1000, token) == 400
            body = (b"--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\""
                    b"\r\nContent-Type: text/csv\r\n\r\nv\n1\n2\n\r\n--x--\r\n")  # fmt: skip
            assert put_upload(server.port, sid, len(body), token, body) in (200, 204)
        finally:
            await ws.close()

    run_sync(check())
    assert server.alive()


def test_run_sync_works_inside_a_running_event_loop():
    async def answer():
        return 42

    async def inside_a_loop():
        return run_sync(answer())  # asyncio.run here would raise

    assert run_sync(inside_a_loop()) == 42
