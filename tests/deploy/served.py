"""The shipped nginx configuration, really run, with a stand-in sign-in (import as
``served``).

One knowledge base is published once per module into a publish folder; nginx serves its
``live`` release with the public and internal hosts on ONE port (the Host header picks
the site, as on a production server) and asks the stand-in oauth2-proxy before every
internal request.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent / "browser"))
sys.path.insert(0, str(HERE.parent / "publish"))

from authstub import AuthStub  # noqa: E402
from gitrepo import GIT_ENV  # noqa: E402
from nginx import Nginx, nginx_binary, serving_release  # noqa: E402
from pubkb import make_server  # noqa: E402

from kcs.publish import publish  # noqa: E402

PUBLIC, INTERNAL = "help.example.test", "kb.example.test"


@dataclass
class Served:
    dest: Path
    nginx: Nginx
    auth: AuthStub

    @property
    def live(self) -> Path:
        return self.dest / "live"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    if nginx_binary() is None:
        pytest.fail("nginx is not installed (scripts/test.sh installs it)")
    base = tmp_path_factory.mktemp("deploy")
    with pytest.MonkeyPatch.context() as patch:
        for key, value in GIT_ENV.items():
            patch.setenv(key, value)
        bare, _ = make_server(base)
        dest = base / "srv"
        dest.mkdir()
        publish(bare, dest)
    with serving_release(base / "nginx", dest / "live", (PUBLIC, INTERNAL)) as server:
        yield Served(dest, server, server.auth)
