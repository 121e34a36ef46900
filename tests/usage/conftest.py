"""Fixtures of the usage tests: a real nginx and a small knowledge repository."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from usagekit import CONF, Server, free_port, make_kb, site_folder  # noqa: E402


@pytest.fixture
def nginx(tmp_path: Path) -> Iterator[Server]:
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        pytest.fail("nginx is not installed: apt-get install -y nginx")
    prefix = tmp_path / "nginx"
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / "tmp" / sub).mkdir(parents=True)
    root = site_folder(tmp_path / "site")
    for _attempt in range(5):
        port = free_port()
        conf = prefix / "nginx.conf"
        conf.write_text(
            CONF.format(
                prefix=prefix, port=port, root=root, user="user root;" if os.geteuid() == 0 else ""
            )
        )
        process = subprocess.Popen(
            [
                binary,
                "-p",
                str(prefix),
                "-c",
                str(conf),
                "-e",
                str(prefix / "error.log"),
                "-g",
                "daemon off;",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and process.poll() is None:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        if process.poll() is None:
            server = Server(prefix, port, process)
            try:
                yield server
            finally:
                process.terminate()
                process.wait(timeout=10)
            return
    pytest.fail("nginx did not start")


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    return make_kb(tmp_path / "kb")
