"""HTML folders with links between pages; the triage report with usage data."""

from __future__ import annotations

from pathlib import Path

from kcs.importers.pipeline import run_import
from kcs.importers.report import render_markdown, to_dict
from kcs.knowledge import load
from kcs.lint import lint


def page(title: str, body: str) -> str:
    return (
        f"<html lang='en'><head><title>{title} - Confluence</title>"
        f"<meta name='description' content='About {title}.'>"
        f"<meta name='author' content='Jan'></head><body><h1>{title}</h1>{body}</body></html>"
    )


def test_html_folder_links_and_fields(kb: Path, tmp_path: Path) -> None:
    src = tmp_path / "space"
    (src / "net").mkdir(parents=True)
    (src / "net" / "vpn.html").write_text(
        page(
            "VPN drops",
            "<h2>Problem</h2><p>It drops. See <a href='../wifi.html#cause'>Wi-Fi</a>."
            "</p><h2>Solution</h2><ul><li>Reconnect</li>"
            "<li>Restart <code>vpnagent</code></li></ul>",
        )
    )
    (src / "wifi.html").write_text(page("Wi-Fi slow", "<h2>Cause</h2><p>Channel.</p>"))
    result = run_import(kb, src, into="articles/network")
    assert not result.failures
    kb_loaded = load(kb)
    vpn = kb_loaded.by_id()["vpn"]
    assert (vpn.title, vpn.summary, vpn.lang, vpn.source["author"]) == (
        "VPN drops",
        "About VPN drops.",
        "en",
        "Jan",
    )
    assert vpn.body == (
        "\n## Issue\n\nIt drops. See [Wi-Fi](wifi.md#cause).\n\n## Resolution\n\n"
        "- Reconnect\n- Restart `vpnagent`\n"
    )
    assert [f for f in lint(kb_loaded) if f.severity == "error"] == []


def test_report_lists_used_imported_articles(kb: Path, tmp_path: Path) -> None:
    from kcs.usage.store import connect, database_path

    src = tmp_path / "src"
    src.mkdir()
    for name in ("a", "b", "c"):
        (src / f"{name}.md").write_text(f"---\ntitle: {name}\n---\n\nText {name}.\n")
    first = run_import(kb, src, into="articles/t")
    assert to_dict(first, kb)["used"] is None
    conn = connect(database_path(kb))
    conn.executemany(
        "INSERT INTO daily VALUES (?, 'views', ?, 'en', '', '', ?)",
        [("2026-01-01", "b", 7), ("2026-01-02", "b", 5), ("2026-01-02", "c", 2)],
    )
    conn.close()
    result = run_import(kb, src, into="articles/t", dry_run=True)
    assert to_dict(result, kb)["used"] == [
        {"id": "b", "path": "articles/t/b.md", "views": 12},
        {"id": "c", "path": "articles/t/c.md", "views": 2},
    ]
    assert "| [b](articles/t/b.md) | 12 |\n| [c](articles/t/c.md) | 2 |" in render_markdown(
        result, kb
    )
