"""`chalice local`, with a listen backlog that survives a busy registration desk.

Chalice's local server keeps socketserver's default backlog of 5 pending
connections; a burst of more (a few desks and the dashboard at once) gets
connections reset. Everything else is the `chalice` command as installed.
"""

from __future__ import annotations

import socketserver
import sys

from chalice.cli import main

if __name__ == "__main__":
    socketserver.TCPServer.request_queue_size = 128
    # Its handler knows only the common methods and answers others (TRACE,
    # QUERY) itself with a 501 page; API Gateway hands them to the app,
    # which answers 405 method_not_allowed in the contract's envelope.
    from chalice.local import ChaliceRequestHandler

    ChaliceRequestHandler.do_TRACE = ChaliceRequestHandler._generic_handle
    ChaliceRequestHandler.do_QUERY = ChaliceRequestHandler._generic_handle
    sys.argv[0] = "chalice"
    sys.exit(main())
