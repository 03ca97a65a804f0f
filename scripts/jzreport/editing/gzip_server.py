"""Serve a folder on 127.0.0.1 with gzip, as any web host does (Python's http.server does not compress).

Page weights and Lighthouse scores are measured over this server: `python -m jzreport.editing.gzip_server DIR [PORT]`.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import sys
import threading
from pathlib import Path

COMPRESSIBLE = (".html", ".js", ".css", ".json", ".svg", ".txt", ".xml", ".csv", ".map")


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        wants_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (wants_gzip and path.is_file() and path.suffix in COMPRESSIBLE):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=3600")
        self.end_headers()
        import io

        return io.BytesIO(body)


def serve(folder: Path, port: int = 0) -> tuple[http.server.ThreadingHTTPServer, str]:
    """A running server (in a daemon thread) for `folder`, and its base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(GzipHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


if __name__ == "__main__":
    _, url = serve(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 8001)
    print(f"serving {sys.argv[1]} with gzip at {url}/ (Ctrl-C to stop)")
    threading.Event().wait()
