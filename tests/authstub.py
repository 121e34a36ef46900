"""A stand-in for oauth2-proxy on 127.0.0.1 (import as ``authstub``).

nginx asks ``GET /oauth2/auth`` before every internal request: 202 grants, 401 denies.
The stand-in grants a request that carries the session cookie ``_oauth2_proxy=<token>``
of a signed-in agent (or every request with ``grant_all``), serves a sign-in page at
``/oauth2/sign_in`` and ``/oauth2/start``, and records what it was asked.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

COOKIE = "_oauth2_proxy"
TOKEN = "signed-in-agent"
SIGN_IN_PAGE = b"<!doctype html><title>Sign in</title><p>Sign in with your organisation account."


@dataclass
class AuthStub:
    grant_all: bool = False
    tokens: set[str] = field(default_factory=lambda: {TOKEN})
    asked: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def address(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"{host}:{port}"

    def granted(self, cookie_header: str) -> bool:
        if self.grant_all:
            return True
        jar = SimpleCookie()
        try:
            jar.load(cookie_header)
        except Exception:  # a malformed cookie is simply not a session
            return False
        return COOKIE in jar and jar[COOKIE].value in self.tokens

    def start(self) -> AuthStub:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                stub.asked.append((self.path, dict(self.headers.items())))
                path = self.path.split("?", 1)[0]
                if path == "/oauth2/auth":
                    self.send_response(202 if stub.granted(self.headers.get("Cookie", "")) else 401)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif path in ("/oauth2/sign_in", "/oauth2/start"):
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                    self.send_header("Content-Length", str(len(SIGN_IN_PAGE)))
                    self.end_headers()
                    if self.command == "GET":
                        self.wfile.write(SIGN_IN_PAGE)
                else:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()

            do_HEAD = do_GET  # noqa: N815

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
