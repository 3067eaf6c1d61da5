"""Run every benchmark module (or those named on the command line) and print its figures."""

from __future__ import annotations

import importlib
import json
import pkgutil
import sys
from pathlib import Path


def main(names: list[str]) -> int:
    """Import ``bench.bench_<name>`` modules and print what each ``run()`` returns."""
    here = Path(__file__).parent
    found = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    chosen = [n for n in found if not names or n.removeprefix("bench_") in names or n in names]
    for name in chosen:
        print(f"== {name}", flush=True)
        figures = importlib.import_module(f"bench.{name}").run()
        print(json.dumps(figures, ensure_ascii=False, indent=2, default=str), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
