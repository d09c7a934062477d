"""`chalice local`, with a listen backlog that survives a busy registration desk.

Chalice's local server keeps socketserver's default backlog of 5 pending
connections; a burst of more (a few desks and the dashboard at once) gets
connections reset. With HADIR_TLS_CERT and HADIR_TLS_KEY set (run_local sets
them off loopback, or on HADIR_TLS=1), every connection is HTTPS: each accepted
socket is wrapped, and its handshake made, in the thread that serves it, so a
slow or plain-HTTP client holds up no one else. Its access log names no badge
code, token or query string (`redact`). With HADIR_LISTENING_FD set (run_local
sets it), it writes `listening` to that descriptor once its socket listens: the
one who started it then knows the port is its own, not another server's.
Everything else is the `chalice` command as installed.
"""

from __future__ import annotations

import os
import re
import socketserver
import ssl
import sys

from chalice.cli import main

# What a request line may carry that a log must not: the badge code in
# /badges/{code}/..., a manage token in /me/{token} and /registrations/{token},
# and anything in a query string (searched names, tokens someone put there).
_SECRET_SEGMENT = re.compile(r"(/(?:badges|me|registrations)/)[^/\s?#]+")
_QUERY = re.compile(r"\?[^\s#]*")


def redact(message: str) -> str:
    """A log line with every badge code, token and query string replaced by `<hidden>`."""
    return _SECRET_SEGMENT.sub(r"\1<hidden>", _QUERY.sub("?<hidden>", message))


def redact_request_logs() -> None:
    """Make chalice local's access log (one line a request, to stderr) redacted."""
    from chalice.local import ChaliceRequestHandler

    plain_log = ChaliceRequestHandler.log_message

    def log_message(self, format, *args):
        plain_log(self, "%s", redact(format % args))

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


def report_listening(descriptor: int) -> None:
    """Write `listening` to `descriptor` once the server's socket listens (then close it)."""
    activate = socketserver.TCPServer.server_activate

    def server_activate(self):
        activate(self)
        os.write(descriptor, b"listening\n")
        os.close(descriptor)

    socketserver.TCPServer.server_activate = server_activate  # type: ignore[method-assign]


if __name__ == "__main__":
    socketserver.TCPServer.request_queue_size = 128
    # Its handler knows only the common methods and answers others (TRACE,
    # QUERY) itself with a 501 page; API Gateway hands them to the app,
    # which answers 405 method_not_allowed in the contract's envelope.
    from chalice.local import ChaliceRequestHandler

    ChaliceRequestHandler.do_TRACE = ChaliceRequestHandler._generic_handle
    ChaliceRequestHandler.do_QUERY = ChaliceRequestHandler._generic_handle
    redact_request_logs()
    certificate, key = os.environ.get("HADIR_TLS_CERT"), os.environ.get("HADIR_TLS_KEY")
    if certificate and key:
        serve_https(certificate, key)
    listening = os.environ.pop("HADIR_LISTENING_FD", None)
    if listening:
        report_listening(int(listening))
    sys.argv[0] = "chalice"
    sys.exit(main())
