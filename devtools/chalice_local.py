"""`chalice local`, with a listen backlog that survives a busy registration desk.

Chalice's local server keeps socketserver's default backlog of 5 pending
connections; a burst of more (a few desks and the dashboard at once) gets
connections reset. With HADIR_TLS_CERT and HADIR_TLS_KEY set (run_local sets
them off loopback, or on HADIR_TLS=1), every connection is HTTPS: each accepted
socket is wrapped, and its handshake made, in the thread that serves it, so a
slow or plain-HTTP client holds up no one else. Everything else is the
`chalice` command as installed.
"""

from __future__ import annotations

import os
import re
import socketserver
import ssl
import sys

from chalice.cli import main

# An attendee's manage token travels in the path (/me/<token>, /registrations/<token>):
# the request log shows its place, never the token.
_SECRET_PATH = re.compile(r"/(me|registrations)/[^/\s?\"]+")


def redacted(text: str) -> str:
    return _SECRET_PATH.sub(r"/\1/<token>", text)


def redact_request_log() -> None:
    from chalice.local import ChaliceRequestHandler

    plain = ChaliceRequestHandler.log_message

    def log_message(self, format, *args):
        plain(self, format, *(redacted(str(arg)) for arg in args))

    ChaliceRequestHandler.log_message = log_message


def serve_https(certificate: str, key: str) -> None:
    """Make chalice local's server speak only HTTPS, with this certificate chain and key."""
    from chalice import local

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(certificate, key)
    plain_finish = local.ThreadedHTTPServer.finish_request

    def finish_request(self, request, client_address):
        request.settimeout(30)  # a client that never finishes its handshake lets go
        try:
            secure = context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return  # plain HTTP, or a phone that does not trust the certificate yet
        secure.settimeout(None)
        try:
            plain_finish(self, secure, client_address)
        finally:
            secure.close()  # wrap_socket took the plain socket's descriptor

    local.ThreadedHTTPServer.finish_request = finish_request
    local.LocalDevServer.serve_forever = lambda self: self.server.serve_forever()  # type: ignore[method-assign]


if __name__ == "__main__":
    socketserver.TCPServer.request_queue_size = 128
    # Its handler knows only the common methods and answers others (TRACE,
    # QUERY) itself with a 501 page; API Gateway hands them to the app,
    # which answers 405 method_not_allowed in the contract's envelope.
    from chalice.local import ChaliceRequestHandler

    ChaliceRequestHandler.do_TRACE = ChaliceRequestHandler._generic_handle
    ChaliceRequestHandler.do_QUERY = ChaliceRequestHandler._generic_handle
    redact_request_log()
    certificate, key = os.environ.get("HADIR_TLS_CERT"), os.environ.get("HADIR_TLS_KEY")
    if certificate and key:
        serve_https(certificate, key)
    sys.argv[0] = "chalice"
    sys.exit(main())
