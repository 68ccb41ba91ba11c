"""Render one page of each kind of the Board pack to PNG, as the visual reference
kept in docs/pack/: the pack of the latest month of the demo history, printed
exactly as the worker prints it, then rasterised by poppler's pdftoppm.

Run with `make pack-images` (which sets up the demo data first)."""

import io
import os
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
OUTPUT_DIR = PROJECT_DIR / "docs" / "pack"
RESOLUTION_DPI = 60


def main() -> None:
    sys.path.insert(0, str(PROJECT_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "strategy_portal.settings")
    import django

    django.setup()
    import pypdf

    from reporting.exports import render
    from reporting.ipr import monthly_periods_with_results
    from reporting.pack import draft_pack

    month = monthly_periods_with_results()[0].starts_on
    content = render(draft_pack(month), "pdf").content
    reader = pypdf.PdfReader(io.BytesIO(content))
    texts = [page.extract_text() for page in reader.pages]

    def first_page(words: str, after: int = 0) -> int:
        return next(n for n, text in enumerate(texts, 1) if n > after and words in text)

    objective = first_page("OKRs by unit")
    kinds = {
        "1-cover": 1,
        "2-contents": first_page("Contents"),
        "3-executive-summary": first_page("Executive summary", after=2),
        "4-key": first_page("Key to ratings and icons", after=2),
        "5-objective": objective,
        "6-charts": first_page("SPC chart of", after=objective),
        "7-exceptions": first_page("Values that are Red", after=2),
        "8-definitions": first_page("Appendix: OKR definitions", after=2),
    }
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as directory:
        pdf = Path(directory) / "pack.pdf"
        pdf.write_bytes(content)
        for name, number in kinds.items():
            subprocess.run(
                ["pdftoppm", "-png", "-r", str(RESOLUTION_DPI), "-singlefile"]
                + ["-f", str(number), "-l", str(number), str(pdf), str(OUTPUT_DIR / name)],
                check=True,
            )
            print(f"docs/pack/{name}.png: page {number} of {len(texts)}")


if __name__ == "__main__":
    main()
