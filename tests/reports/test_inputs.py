"""Reading a report's inputs: front-matter-only articles, loaded beside the git log pass."""

from __future__ import annotations

import dataclasses
import gc
import logging
import os
import pickle
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from gitrepo import git, init_repo, write
from reportrepo import KCS_YML, article, commit

from kcs.errors import ConfigError
from kcs.history import paused_gc
from kcs.knowledge import load
from kcs.reports import build, compute
from kcs.reports.inputs import _KeepRecords, _Loading, load_inputs
from kcs.reports.render import render

LINUX = sys.platform == "linux"


def without_bodies(kb_articles: tuple) -> list:
    return [dataclasses.replace(a, body="", sections=(), links=()) for a in kb_articles]


def test_front_matter_load_is_the_full_load_without_bodies(kb_repo: Path) -> None:
    full = load(kb_repo)
    light = load(kb_repo, bodies=False)
    assert light.findings == full.findings
    assert list(light.articles) == without_bodies(full.articles)
    assert all(a.body and a.sections for a in full.articles)


def test_articles_without_a_state_are_read_whole(tmp_path: Path) -> None:
    root = init_repo(tmp_path / "kb")
    write(root / "kcs.yml", KCS_YML)
    write(root / "articles/vpn/a.md", "---\ntitle: A\n---\n## Issue\nx\n## Resolution\ny\n")
    write(root / "articles/vpn/b.md", "---\ntitle: B\nstate:\n---\n## Issue\nx\n")
    light = load(root, bodies=False)
    assert [(a.state, bool(a.sections)) for a in light.articles] == [
        ("not-validated", True),
        ("wip", True),
    ]
    assert light == load(root)


def in_a_fresh_process(script: str, *args: str) -> None:
    """Run ``script`` in a new interpreter: a test process has threads and children of
    earlier tests, and the forked loader is only used in a single-threaded process."""
    paths = os.pathsep.join([str(Path(__file__).parents[1]), *sys.path])
    result = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": paths},
        check=False,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(not LINUX, reason="the forked loader is Linux only")
def test_articles_load_in_a_child_process_beside_the_history(kb_repo: Path) -> None:
    in_a_fresh_process(
        """
import os, sys
from pathlib import Path
from kcs.knowledge import load
from kcs.reports.inputs import _Loading
root = Path(sys.argv[1])
loading = _Loading(root, False)
assert loading.pid > 0, "a child, not a thread of this process"
loading.thread.join()
# None: the child sent nothing back (say, the knowledge base did not pickle) and
# result() would load the articles a second time, here
assert loading.future.result() is not None, "the child process sent no articles"
assert loading.result() == load(root, bodies=False)
try:
    os.waitpid(loading.pid, os.WNOHANG)
except ChildProcessError:
    pass  # already reaped
else:
    raise AssertionError("the child was not reaped")
""",
        str(kb_repo),
    )


def test_a_process_with_native_threads_loads_in_a_thread(kb_repo: Path) -> None:
    in_a_fresh_process(
        """
import sys
from pathlib import Path
import polars as pl
pl.DataFrame({"a": list(range(100000))}).group_by("a").len()  # starts Polars' threads
from kcs.reports.inputs import _Loading
loading = _Loading(Path(sys.argv[1]), False)
assert loading.pid == 0, "forked beside native threads"
assert loading.result().articles
""",
        str(kb_repo),
    )


def test_with_another_thread_running_the_articles_load_in_a_thread(kb_repo: Path) -> None:
    hold = threading.Event()
    other = threading.Thread(target=hold.wait)
    other.start()
    try:
        loading = _Loading(kb_repo, False)
        assert loading.pid == 0
        assert loading.result() == load(kb_repo, bodies=False)
    finally:
        hold.set()
        other.join()


def test_a_broken_kcs_yml_is_raised_in_the_caller(tmp_path: Path) -> None:
    root = init_repo(tmp_path / "kb")
    write(root / "kcs.yml", "languages: [en\n")
    write(root / "articles/vpn/a.md", article("a", "A", "validated"))
    commit(root, "A", "2025-01-01T10:00:00+00:00", "Anna <anna@example.org>")
    with pytest.raises(ConfigError) as direct:
        load(root)
    with pytest.raises(ConfigError) as through_inputs:
        load_inputs(root, bodies=False)
    assert str(through_inputs.value) == str(direct.value)


@pytest.mark.skipif(not LINUX, reason="the forked loader is Linux only")
def test_a_failing_history_leaves_no_child_behind(kb_repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{kb_repo}", str(clone))
    in_a_fresh_process(
        """
import os, sys
from pathlib import Path
from kcs.errors import GitError
from kcs.reports.inputs import load_inputs
try:
    load_inputs(Path(sys.argv[1]), bodies=False)
except GitError as exc:
    assert "shallow clone" in str(exc), exc
else:
    raise AssertionError("a shallow clone must fail")
try:
    os.waitpid(-1, os.WNOHANG)
except ChildProcessError:
    pass  # no child of this process is left unreaped
else:
    raise AssertionError("a child is left behind")
""",
        str(clone),
    )


def test_staleness_and_contributors_read_no_bodies_but_report_the_same(kb_repo: Path) -> None:
    for name in ("staleness", "contributors"):
        inputs = load_inputs(kb_repo)  # whole articles
        whole = compute(name)(inputs.kb, inputs.history, inputs.today)
        assert render(build(name, kb_repo), "json") == render(whole, "json")


def test_paused_gc_restores_the_collector() -> None:
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner one leaves it to the outer one
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0  # survivors moved to the oldest generation, not frozen
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()  # off before, off after
    finally:
        gc.enable()


def test_log_records_of_the_child_can_be_handed_to_the_parent(
    caplog: pytest.LogCaptureFixture,
) -> None:
    kept = _KeepRecords()
    logger = logging.getLogger("kcs.test.child")
    logger.addHandler(kept)
    try:
        try:
            raise ValueError("bad front matter")
        except ValueError:
            logger.warning("%s: %d problems", "articles/a.md", 2, exc_info=True)
    finally:
        logger.removeHandler(kept)
    (record,) = pickle.loads(pickle.dumps(kept.records))
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="kcs.test.child"):
        logging.getLogger(record.name).handle(record)
    assert caplog.messages == ["articles/a.md: 2 problems"]
    assert "ValueError: bad front matter" in caplog.text
