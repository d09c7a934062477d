"""The origin printed in documents' links: the request's, as the pages' links."""

from __future__ import annotations

from types import SimpleNamespace

from chalicelib.api.origin import request_origin


def request(host, path="/c/{number}", asked="/c/X", params=None, **headers):
    return SimpleNamespace(
        headers={"host": host, **headers},
        path=path,
        uri_params=params or {"number": "X"},
        context={"path": asked},
    )


def test_the_host_and_scheme_the_client_used(monkeypatch):
    monkeypatch.delenv("HADIR_TLS_CERT", raising=False)
    assert request_origin(request("127.0.0.1:8000")) == "http://127.0.0.1:8000"
    proto = {"x-forwarded-proto": "https"}
    assert request_origin(request("h.example", **proto)) == "https://h.example"
    monkeypatch.setenv("HADIR_TLS_CERT", "/tmp/cert.pem")
    assert request_origin(request("192.168.1.20:8000")) == "https://192.168.1.20:8000"


def test_api_gateways_stage_is_kept_as_the_pages_base(monkeypatch):
    monkeypatch.delenv("HADIR_TLS_CERT", raising=False)
    reply = request(
        "abc.execute-api.example",
        path="/events/e/certificates.pdf",
        asked="/api/events/e/certificates.pdf",
        **{"x-forwarded-proto": "https"},
    )
    assert request_origin(reply) == "https://abc.execute-api.example/api"


def test_a_host_that_is_not_one_is_not_printed(monkeypatch):
    monkeypatch.delenv("HADIR_TLS_CERT", raising=False)
    assert request_origin(request("evil.example/phish?x=")) == "http://localhost"
    assert request_origin(request("h.example", **{"x-forwarded-proto": "javascript"})) == (
        "http://h.example"
    )
