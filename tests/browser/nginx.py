"""Run Debian's nginx with deploy/nginx.conf on 127.0.0.1, as the current user.

The deploy configuration has @@PLACEHOLDERS@@ for paths and addresses; :func:`render`
fills them so nginx keeps its pid file, temp files and logs under one prefix folder, and
:class:`Nginx` starts it in the foreground on free ports and stops it again. The internal
host asks a sign-in service first: a stand-in for oauth2-proxy (tests/authstub.py) that
grants every request unless the caller passes its own.
Usable from a shell too: ``python tests/browser/nginx.py site/`` serves a built site.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = REPO / "deploy" / "nginx.conf"
sys.path.insert(0, str(REPO / "tests"))

from authstub import AuthStub  # noqa: E402


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.path.exists(p)), None
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def render(
    prefix: Path,
    public_root: Path,
    internal_root: Path,
    port: int,
    internal_port: int,
    *,
    auth: str = "127.0.0.1:9",
    names: tuple[str, str] = ("localhost", "localhost"),
) -> Path:
    """Write ``prefix/nginx.conf`` from the deploy configuration; return its path."""
    values = {
        "@@PREFIX@@": str(prefix),
        "@@LOG_DIR@@": str(prefix),
        "@@PUBLIC_ROOT@@": str(public_root),
        "@@INTERNAL_ROOT@@": str(internal_root),
        "@@LISTEN@@": f"127.0.0.1:{port}",
        "@@LISTEN_INTERNAL@@": f"127.0.0.1:{internal_port}",
        "@@SERVER_NAME@@": names[0],
        "@@SERVER_NAME_INTERNAL@@": names[1],
        "@@AUTH_UPSTREAM@@": auth,
        "@@TLS@@": "",
        # As root nginx would hand its workers to 'nobody', who cannot read pytest's
        # private temp folders; as anyone else the directive is ignored with a warning.
        "@@USER_LINE@@": "user root;" if os.geteuid() == 0 else "",
    }
    text = TEMPLATE.read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace(key, value)
    if re.search(r"@@[A-Z_]+@@", text):
        raise ValueError(f"{TEMPLATE}: a placeholder was left unfilled")
    for sub in ("tmp/body", "tmp/proxy", "tmp/fastcgi", "tmp/uwsgi", "tmp/scgi"):
        (prefix / sub).mkdir(parents=True, exist_ok=True)
    conf = prefix / "nginx.conf"
    conf.write_text(text, encoding="utf-8")
    return conf


@dataclass
class Nginx:
    """A running nginx serving a public and an internal site."""

    prefix: Path
    process: subprocess.Popen[bytes]
    port: int
    internal_port: int
    auth: AuthStub
    own_auth: bool = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def internal_url(self) -> str:
        return f"http://127.0.0.1:{self.internal_port}/"

    @property
    def access_log(self) -> Path:
        """The public host's access log."""
        return self.prefix / "public.access.log"

    @property
    def internal_access_log(self) -> Path:
        return self.prefix / "internal.access.log"

    def log_lines(self) -> list[str]:
        if not self.access_log.exists():
            return []
        return self.access_log.read_text(encoding="utf-8").splitlines()

    def beacons(self, kind: str | None = None) -> list[str]:
        """Access-log lines of usage beacons (of one type when given)."""
        needle = "GET /_kcs/e?v=1&t=" + (f"{kind}&" if kind else "")
        return [line for line in self.log_lines() if needle in line]

    def wait_for_line(self, fragment: str, timeout: float = 5.0) -> str:
        """The first access-log line containing ``fragment`` (nginx does not buffer it)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.log_lines():
                if fragment in line:
                    return line
            time.sleep(0.05)
        tail = "\n".join(self.log_lines()[-8:])
        raise AssertionError(f"no access-log line with {fragment!r}; last lines:\n{tail}")

    @classmethod
    def start(
        cls,
        prefix: Path,
        public_root: Path,
        internal_root: Path,
        *,
        auth: AuthStub | None = None,
        names: tuple[str, str] | None = None,
    ) -> Nginx:
        """Start nginx; with ``names`` both hosts share one port and the Host header decides."""
        binary = nginx_binary()
        if binary is None:
            raise RuntimeError("nginx is not installed: apt-get install -y nginx")
        own_auth = auth is None
        stub = auth or AuthStub(grant_all=True).start()
        last = ""
        for _attempt in range(5):  # a free port may be taken between probe and bind
            port = free_port()
            internal_port = port if names else free_port()
            if port == internal_port and not names:
                continue
            conf = render(
                prefix,
                public_root,
                internal_root,
                port,
                internal_port,
                auth=stub.address,
                names=names or ("localhost", "localhost"),
            )
            process = subprocess.Popen(
                [binary, "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log")],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            if _wait_for(port, process) and _wait_for(internal_port, process):
                return cls(prefix, process, port, internal_port, stub, own_auth)
            process.kill()
            _, err = process.communicate(timeout=5)
            last = err.decode(errors="replace")
        if own_auth:
            stub.stop()
        raise RuntimeError(f"nginx did not start: {last.strip()}")

    def stop(self) -> None:
        if self.own_auth:
            self.auth.stop()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


@contextmanager
def serving_release(prefix: Path, live: Path, names: tuple[str, str]) -> Iterator[Nginx]:
    """Both sites of a published release (``live``/public, ``live``/internal) on one port
    as deployed: the internal host behind a sign-in stand-in that grants only its cookie."""
    auth = AuthStub().start()
    try:
        server = Nginx.start(prefix, live / "public", live / "internal", auth=auth, names=names)
        try:
            yield server
        finally:
            server.stop()
    finally:
        auth.stop()


def _wait_for(port: int, process: subprocess.Popen[bytes], timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        with socket.socket() as sock:
            sock.settimeout(0.2)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.05)
    return False


if __name__ == "__main__":  # pragma: no cover - manual use
    site = Path(sys.argv[1] if len(sys.argv) > 1 else "site").resolve()
    prefix = Path(os.environ.get("TMPDIR", "/tmp")) / f"kcs-nginx-{os.getpid()}"
    server = Nginx.start(prefix, site / "public", site / "internal")
    print(f"public {server.url}  internal {server.internal_url}  log {server.access_log}")
    try:
        server.process.wait()
    except KeyboardInterrupt:
        server.stop()
