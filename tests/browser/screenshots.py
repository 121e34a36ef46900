"""Take the screenshots in docs/screenshots/ from the sample knowledge base.

    .venv/bin/python tests/browser/screenshots.py [--out docs/screenshots]

Builds the sample sites in a temporary folder (with usage data from a generated log),
serves them with nginx (deploy/nginx.conf) and photographs each page type in each
language at desktop (1280 px, whole page) and phone (390 px, first screen) width:
``<lang>/<type>-<width>.png`` for the home page, a search typed on it, an article, a
topic listing, the contact page with suggestions showing and the 404 page; and
``internal/<type>-<width>.png`` for the internal home page and two report pages.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from nginx import Nginx  # noqa: E402
from sitekit import REPO, build, launch, make_kb  # noqa: E402

WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
#: per language: a search on the home page and a subject on the contact page
TYPED = {
    "sv": ("skrivaren", "glömt lösenord"),
    "fi": ("tulostin", "salasana unohtui"),
    "nl": ("printer", "wachtwoord vergeten"),
    "en": ("printer", "forgot password"),
}


def article(lang: str) -> str:
    return "a/accounts-reset-password/" if lang == "sv" else f"a/accounts-reset-password-{lang}/"


def shoot(public: str, internal: str, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    written: list[Path] = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        for width, (w, h) in WIDTHS.items():
            phone = width == "phone"
            context = browser.new_context(
                viewport={"width": w, "height": h}, is_mobile=phone, has_touch=phone
            )
            page = context.new_page()

            def snap(
                folder: str, kind: str, page: Any = page, phone: bool = phone, width: str = width
            ) -> None:
                path = out / folder / f"{kind}-{width}.png"
                path.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=path, full_page=not phone)
                written.append(path)

            for lang, (query, subject) in TYPED.items():
                page.goto(public + f"{lang}/")
                snap(lang, "home")
                page.locator("#kcs-q-home").fill(query)
                page.locator(".kcs-result").first.wait_for()
                snap(lang, "search")
                page.goto(public + article(lang))
                snap(lang, "article")
                page.goto(public + f"{lang}/d/accounts/")
                snap(lang, "listing")
                page.goto(public + f"{lang}/contact/")
                page.locator("#kcs-subject").press_sequentially(subject, delay=30)
                page.locator(".kcs-suggest__list a").first.wait_for()
                snap(lang, "contact")
                page.goto(public + f"{lang}/no-such-page/")
                snap(lang, "404")
            page.goto(internal + "sv/")
            snap("internal", "home")
            for report in ("health", "search"):
                page.goto(internal + f"reports/{report}/")
                snap("internal", f"report-{report}")
            context.close()
        browser.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kcs-shots-") as tmp:
        root = make_kb(Path(tmp) / "kb", announcements=False)
        build(root, root / "site")
        server = Nginx.start(
            Path(tmp) / "nginx", root / "site" / "public", root / "site" / "internal"
        )
        try:
            for path in shoot(server.url, server.internal_url, args.out):
                print(path)
        finally:
            server.stop()


if __name__ == "__main__":
    main()
