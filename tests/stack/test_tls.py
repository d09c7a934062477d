"""`make run` on the venue's network: HTTPS with the data directory's certificate (API.md §5)."""

from __future__ import annotations

import http.client
import json
import os
import ssl
import stat

import pytest

from tests.support.localstack import WORKSHOP, start_stack

pytestmark = pytest.mark.stack


def https_get(port: int, path: str, cafile, host: str = "127.0.0.1"):
    """A GET that trusts only the data directory's authority, and checks the name."""
    context = ssl.create_default_context(cafile=str(cafile))
    connection = http.client.HTTPSConnection(host, port, context=context, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def assert_served_over_tls(stack, data_dir) -> None:
    tls = data_dir / "tls"
    assert stack.base.startswith("https://")
    for trusted in ("ca.pem", "cert.pem"):  # the phone's file, and the chain the server serves
        status, raw = https_get(stack.port, "/health", tls / trusted)
        assert status == 200, raw
        assert json.loads(raw)["status"] == "ok"
    status, _ = https_get(stack.port, "/health", tls / "ca.pem", host="localhost")
    assert status == 200
    for secret in ("key.pem", "ca-key.pem"):
        assert stat.S_IMODE(os.stat(tls / secret).st_mode) == 0o600
    # Plain HTTP gets no answer, and the next HTTPS client is not held up by it.
    plain = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=10)
    with pytest.raises((http.client.HTTPException, ConnectionError, OSError)):
        plain.request("GET", "/health")
        plain.getresponse().read()
    plain.close()
    assert https_get(stack.port, "/health", tls / "ca.pem")[0] == 200


def test_tls_on_loopback_when_asked(tmp_path):
    with start_stack(extra_env={"HADIR_TLS": "1", "HADIR_DATA_DIR": str(tmp_path)}) as stack:
        assert_served_over_tls(stack, tmp_path)


def test_all_addresses_are_https_without_asking_and_the_certificate_is_kept(tmp_path):
    env = {"HADIR_HOST": "0.0.0.0", "HADIR_DATA_DIR": str(tmp_path)}
    env_without_tls = {"HADIR_TLS": ""}
    with start_stack(extra_env={**env, **env_without_tls}) as stack:
        assert_served_over_tls(stack, tmp_path)
        printed, port = stack.banner + stack.output(), stack.port
    authority = (tmp_path / "tls" / "ca.pem").read_bytes()
    served = (tmp_path / "tls" / "cert.pem").read_bytes()
    # A restart on the same directory and network keeps both: a trusted phone stays trusted.
    with start_stack(extra_env={**env, **env_without_tls}) as again:
        assert_served_over_tls(again, tmp_path)
    assert (tmp_path / "tls" / "ca.pem").read_bytes() == authority
    assert (tmp_path / "tls" / "cert.pem").read_bytes() == served
    # make run names the LAN addresses and the dashboard link on them.
    from devtools.tls import lan_addresses

    for address in lan_addresses():
        assert f"https://{address}:{port}\n" in printed
    if lan_addresses():
        assert f"https://{lan_addresses()[0]}:{port}/dashboard/{WORKSHOP}" in printed
