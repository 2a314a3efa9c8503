"""Serve a built site on 127.0.0.1 (tests, Lighthouse, the benchmark's browser run)."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(directory: Path, headers: dict[str, str] | None = None):
    """Start a static server for ``directory`` on a free port of 127.0.0.1, in a
    thread; returns ``(server, base_url)``; ``server.shutdown()`` stops it.
    ``headers`` are sent with every response (e.g. a Content-Security-Policy)."""

    class Handler(QuietHandler):
        def end_headers(self):
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            super().end_headers()

    handler = functools.partial(Handler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"
