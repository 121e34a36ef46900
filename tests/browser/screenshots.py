"""Take the screenshots in docs/screenshots/ from the sample knowledge base.

    .venv/bin/python tests/browser/screenshots.py [--out docs/screenshots]

Builds the sample sites in a temporary folder, serves them with nginx (deploy/nginx.conf)
and photographs the home page (with a search typed), an article and the contact page
(with suggestions showing), at desktop (1280 px) and phone (390 px) width.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from nginx import Nginx  # noqa: E402
from sitekit import REPO, build, launch, make_kb  # noqa: E402

WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}


def shoot(url: str, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    written = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        for name, (width, height) in WIDTHS.items():
            phone = name == "phone"
            context = browser.new_context(
                viewport={"width": width, "height": height},
                device_scale_factor=2 if phone else 1,
                is_mobile=phone,
                has_touch=phone,
            )
            page = context.new_page()
            page.goto(url + "sv/")
            page.screenshot(path=out / f"home-{name}.png", full_page=not phone)
            page.locator("#kcs-q-home").fill("skrivaren")
            page.locator(".kcs-result").first.wait_for()
            page.screenshot(path=out / f"search-{name}.png")
            page.goto(url + "a/accounts-reset-password/")
            page.screenshot(path=out / f"article-{name}.png", full_page=True)
            page.goto(url + "sv/contact/")
            page.locator("#kcs-subject").press_sequentially("glömt lösenord", delay=30)
            page.locator(".kcs-suggest__list a").first.wait_for()
            page.screenshot(path=out / f"contact-{name}.png", full_page=True)
            written += [
                out / f"{kind}-{name}.png" for kind in ("home", "search", "article", "contact")
            ]
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
            for path in shoot(server.url, args.out):
                print(path)
        finally:
            server.stop()


if __name__ == "__main__":
    main()
