"""WeasyPrint 70's PDF/UA tagging grows faster than the text: the same paragraphs typeset
with and without `pdf_variant="pdf/ua-1"`, at growing lengths, in one process.

    .venv/bin/python bench/pdfua_tagging.py [--sizes 250,500,1000,2000]

Each row doubles the text; plain output doubles its time, tagged output more than doubles
its extra cost (the structure tree is built by walking the whole document for each page).
"""

from __future__ import annotations

import argparse
import time

from weasyprint import HTML

PARAGRAPH = (
    "<p>" + "The wealth of those societies in which the capitalist mode of production "
    "prevails presents itself as an immense accumulation of commodities. " * 3 + "</p>"
)


def seconds(paragraphs: int, variant: str | None) -> float:
    html = HTML(string=f"<html lang=en><head><title>t</title></head><body>{PARAGRAPH * paragraphs}</body></html>")
    start = time.perf_counter()
    html.write_pdf(pdf_variant=variant) if variant else html.write_pdf()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="250,500,1000,2000")
    sizes = [int(n) for n in parser.parse_args().sizes.split(",")]
    seconds(10, "pdf/ua-1")  # warm up the imports and font loading
    print(f"{'paragraphs':>10} {'plain s':>8} {'tagged s':>9} {'tagging s':>10} {'tagging growth':>15}")
    previous = None
    for n in sizes:
        plain = min(seconds(n, None) for _ in range(2))  # the better of two: the machine may be shared
        tagged = min(seconds(n, "pdf/ua-1") for _ in range(2))
        extra = tagged - plain
        growth = f"{extra / previous:.1f}×" if previous else ""
        print(f"{n:>10} {plain:8.2f} {tagged:9.2f} {extra:10.2f} {growth:>15}")
        previous = extra


if __name__ == "__main__":
    main()
