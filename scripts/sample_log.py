"""Write a plausible combined access log for a knowledge repository's articles.

    .venv/bin/python scripts/sample_log.py [--root .] [--days 30] [--lines 20000] OUT

For trying the usage pages without production traffic: views of the repository's
real article ids, language pages, assets, beacons (searches, clicks, feedback,
suggestions, contacts), some crawlers and probes, all dated in the last ``days``
days so ``kcs usage ingest OUT && kcs build`` shows them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from pathlib import Path
from urllib.parse import quote

AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0",
]
QUERIES = {
    "sv": [
        "vpn fungerar inte",
        "skrivare",
        "lösenord",
        "outlook offline",
        "teams ljud",
        "0x80070643",
        "mfa ny telefon",
    ],
    "fi": ["vpn ei toimi", "tulostin", "salasana unohtui", "AADSTS50076"],
    "nl": ["wachtwoord vergeten", "printer toevoegen", "vpn verbinding"],
    "en": ["reset password", "add printer", "outlook offline", "eduroam", "laptop docking"],
}


def write(out: Path, ids: list[str], *, days: int, lines: int, seed: int = 3) -> None:
    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    people = [
        (
            f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}",
            rng.choice(AGENTS),
            rng.choice(list(QUERIES)),
        )
        for _ in range(400)
    ]
    rows = []
    for _ in range(lines // 4):
        ip, agent, lang = rng.choice(people)
        when = now - dt.timedelta(seconds=rng.randrange(days * 86400))
        article = rng.choice(ids)
        query = rng.choice(QUERIES[lang])
        q = quote(query)
        visit = [f"/{lang}/", f"/_kcs/e?v=1&t=search&q={q}&n={rng.choice([0, 0, 3, 5])}&l={lang}"]
        roll = rng.random()
        if roll < 0.5:
            visit += [
                f"/_kcs/e?v=1&t=click&q={q}&p={rng.randrange(1, 4)}&a={article}&l={lang}",
                f"/a/{article}/",
                f"/_kcs/e?v=1&t=feedback&a={article}&h={rng.choice(['yes', 'yes', 'no'])}"
                f"&r={rng.choice(['outdated', 'unclear', 'mismatch'])}&l={lang}",
            ]
        elif roll < 0.8:
            visit += [
                f"/{lang}/contact/",
                f"/_kcs/e?v=1&t=suggest&q={q}&n=2&l={lang}",
                f"/_kcs/e?v=1&t=suggest-click&q={q}&p=1&a={article}&l={lang}",
                f"/a/{article}/",
            ]
        else:
            visit += [f"/{lang}/contact/", f"/_kcs/e?v=1&t=contact&q={q}&l={lang}"]
        for step, path in enumerate(visit):
            stamp = (when + dt.timedelta(seconds=20 * step)).strftime("%d/%b/%Y:%H:%M:%S +0000")
            status = 204 if path.startswith("/_kcs/") else 200
            rows.append(
                (when, f'{ip} - - [{stamp}] "GET {path} HTTP/1.1" {status} 512 "-" "{agent}"\n')
            )
        if rng.random() < 0.1:
            stamp = when.strftime("%d/%b/%Y:%H:%M:%S +0000")
            rows.append(
                (
                    when,
                    f'10.9.9.9 - - [{stamp}] "GET /a/{article}/ HTTP/1.1" 200 512 "-" '
                    '"Mozilla/5.0 (compatible; Googlebot/2.1; '
                    '+http://www.google.com/bot.html)"\n',
                )
            )
            rows.append(
                (
                    when,
                    f'10.9.9.8 - - [{stamp}] "GET /healthz HTTP/1.1" 200 2 "-" "kube-probe/1.29"\n',
                )
            )
    rows.sort(key=lambda row: row[0])
    out.write_text("".join(line for _when, line in rows), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--root", type=Path, default=Path("."))
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--lines", type=int, default=20_000)
    args = parser.parse_args()
    from kcs.knowledge import load

    ids = sorted(a.id for a in load(args.root).articles)
    write(args.out, ids or ["example"], days=args.days, lines=args.lines)


if __name__ == "__main__":
    main()
