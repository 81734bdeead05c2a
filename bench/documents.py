"""Rendering official documents: pages per second through core.official_documents.render, the one
entry point the render activity calls. `python bench/documents.py [--n 50]`."""

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pypdf import PdfReader  # noqa: E402

from core.official_documents import render  # noqa: E402
from tests.test_official_documents import every_document  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=3, help="rounds over every document kind")
    args = parser.parse_args()
    documents = every_document()
    render(documents[0])  # the first call loads the fonts
    times, pages = [], 0
    for _ in range(args.n):
        for document in documents:
            started = time.perf_counter()
            pdf = render(document).pdf
            times.append(time.perf_counter() - started)
            pages += len(PdfReader(io.BytesIO(pdf)).pages)
    total = sum(times)
    print(f"rendered {len(times)} documents ({pages} pages) in {total:.2f} s: "
          f"median {statistics.median(times) * 1000:.0f} ms a document, {pages / total:.1f} pages/s")


if __name__ == "__main__":
    main()
