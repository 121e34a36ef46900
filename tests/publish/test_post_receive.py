"""hooks/post-receive on a real bare repository: a push to main starts the publisher in the
background, the push does not wait for it, and other branches publish nothing."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

from gitrepo import REPO_ROOT, commit_all, git, write
from pubkb import article, hold_lock, live_page, make_server


def install(bare: Path, dest: Path) -> None:
    hook = bare / "hooks" / "post-receive"
    shutil.copy(REPO_ROOT / "hooks" / "post-receive", hook)
    hook.chmod(0o755)
    git(bare, "config", "kcs.python", sys.executable)
    git(bare, "config", "kcs.publishDir", str(dest))


def wait_for(check, timeout: float = 240.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


def push(work: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "push", "origin", *args], cwd=work, capture_output=True, text=True, timeout=30
    )


def test_push_to_main_publishes_in_background(tmp_path: Path) -> None:
    bare, work = make_server(tmp_path)
    dest = tmp_path / "srv"
    dest.mkdir()
    install(bare, dest)
    holder = hold_lock(dest)  # a publish "already running": the new one must queue
    try:
        write(work / "articles/network/vpn.md", article("vpn", "VPN", "Pushed text."))
        commit_all(work, "pushed")
        started = time.monotonic()
        done = push(work, "main")
        took = time.monotonic() - started
        assert done.returncode == 0, done.stderr
        assert f"remote: kcs: publishing main to {dest} in the background" in done.stderr
        assert took < 20  # the publisher still waits for the lock: the push did not
        time.sleep(0.5)
        assert not (dest / "live").exists()  # still waiting for the lock
    finally:
        holder.kill()
        holder.wait()
    wait_for(lambda: (dest / "live").exists())
    assert "Pushed text." in live_page(dest, "public", "a/vpn/index.html")
    wait_for(lambda: "nothing to send" in (dest / "publish.out").read_text())
    out = (dest / "publish.out").read_text()
    assert " live as " in out and out.index(" live as ") < out.index("nothing to send")


def test_other_branches_and_no_folder_publish_nothing(tmp_path: Path) -> None:
    bare, work = make_server(tmp_path)
    dest = tmp_path / "srv"
    dest.mkdir()
    install(bare, dest)
    git(work, "checkout", "-q", "-b", "proposal/x")
    write(work / "articles/network/vpn.md", article("vpn", "VPN", "Proposal."))
    commit_all(work, "proposal")
    done = push(work, "proposal/x")
    assert done.returncode == 0 and "publishing" not in done.stderr
    git(bare, "config", "--unset", "kcs.publishDir")
    git(work, "checkout", "-q", "main")
    git(work, "merge", "-q", "--no-ff", "-m", "merge", "proposal/x")
    done = push(work, "main")
    assert done.returncode == 0 and "publishing" not in done.stderr
    time.sleep(1)
    assert list(dest.iterdir()) == []
