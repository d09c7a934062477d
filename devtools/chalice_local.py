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
    sys.argv[0] = "chalice"
    sys.exit(main())
