"""The bench suite: intake, a human action's round trip, timer precision, scale and replay, each against
a bare ceiling measured in the same run on the same embedded Temporal dev server.

    .venv/bin/python bench/suite.py [--runs 3] [--intake 2000] [--action 200] [--timers 1000] [--scale 10000]
                                    [--replay 2000] [--workers 1] [--cache 1000] [--only intake,action,...] [--write]

Every figure is the median of `--runs` runs with min and max. Sizes also come from the environment
(`DUBAN_BENCH_INTAKE`, ...), so `make bench` and the CI smoke run (tiny sizes) share this file. With `--write`
the tables replace the "Suite" section of bench/RESULTS.md (the other sections are kept).
"""

import argparse
import asyncio
import json
import os
import platform
import re
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.campaign_import import bench_import  # noqa: E402
from bench.flow import bench_action, bench_intake  # noqa: E402
from bench.replay import bench_replay  # noqa: E402
from bench.scale import bench_scale, scale_checkpoints  # noqa: E402
from bench.stack import Stack, env_int, stack  # noqa: E402
from bench.timers import bench_timers  # noqa: E402
from core.logging import configure_logging  # noqa: E402

__all__ = ["bench_action", "bench_intake", "bench_replay", "bench_scale", "bench_timers", "main", "report",
           "run_all", "scale_checkpoints", "stack", "write"]

RESULTS = ROOT / "bench" / "RESULTS.md"
SECTION = "## Suite (make bench)"
BENCHES = ("intake", "action", "timers", "scale", "replay", "import")


# --- running and the report --------------------------------------------------------------------------------------


def machine() -> str:
    memory = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")), 0)
    return f"{os.cpu_count()} cores, {memory / 2**20:.0f} GiB memory, Python {platform.python_version()}, Linux {platform.release()}"


Runner = Callable[[Stack, int], Awaitable[dict[str, float]]]
RUNNERS: dict[str, Runner] = {"intake": bench_intake, "action": bench_action, "timers": bench_timers, "scale": bench_scale, "replay": bench_replay}
RUNNERS["import"] = bench_import  # campaigns (专项整治)
TITLES = {
    "intake": "1. Intake: POST /api/v1/hazards at 50 clients until visible in the read model, vs starting a trivial workflow",
    "action": "2. A human action (assess) round trip until projected, sequential and 20 concurrent, vs a bare Update",
    "timers": "3. Timer precision: hazards whose deadlines fall in the same second; lateness of the first reminder and rung",
    "scale": "4. Scale: open hazards waiting on their deadlines",
    "replay": "5. Replay: `duban audit replay` (audit.replay) vs the bare Replayer on the same histories",
    "import": "6. A campaign's hazard list (.xlsx) imported: dry run, real run, the same file again",
}


async def run_all(
    sizes: dict[str, int], runs: int, only: tuple[str, ...], workers: int = 1, cache: int = 1000
) -> dict[str, list[dict[str, float]]]:
    results: dict[str, list[dict[str, float]]] = {name: [] for name in only}
    for r in range(runs):
        for name in only:
            async with stack(cache=cache, workers=workers) as s:
                t0 = time.perf_counter()
                figures = await RUNNERS[name](s, sizes[name])
                print(f"run {r + 1}/{runs} {name} ({sizes[name]}): {json.dumps({k: round(v, 2) for k, v in figures.items()})} "
                      f"in {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
                results[name].append(figures)
    return results


def report(results: dict[str, list[dict[str, float]]], sizes: dict[str, int], command: str) -> str:
    lines = [SECTION, "", f"Machine: {machine()}. Measured {time.strftime('%Y-%m-%d')}.", "", "```sh", command, "```", ""]
    for name, runs in results.items():
        lines += [f"### {TITLES[name]} (size {sizes[name]}, {len(runs)} runs)", "", "| figure | median | min | max |", "| --- | ---: | ---: | ---: |"]
        for key in runs[0]:
            values = [r[key] for r in runs if key in r]
            lines.append(f"| {key} | {statistics.median(values):.2f} | {min(values):.2f} | {max(values):.2f} |")
        lines.append("")
    return "\n".join(lines)


def write(section: str) -> None:
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(lambda _m: section + "\n", text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section + "\n"
    RESULTS.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    defaults = {"intake": 2000, "action": 200, "timers": 1000, "scale": 10000, "replay": 2000, "import": 5000}
    for name, default in defaults.items():
        parser.add_argument(f"--{name}", type=int, default=env_int(name, default))
    parser.add_argument("--runs", type=int, default=env_int("runs", 3))
    parser.add_argument("--workers", type=int, default=env_int("workers", 1), help="worker processes")
    parser.add_argument("--cache", type=int, default=env_int("cache", 1000), help="each worker's max_cached_workflows")
    parser.add_argument("--only", default=os.environ.get("DUBAN_BENCH_ONLY", ",".join(BENCHES)))
    parser.add_argument("--write", action="store_true", help="put the tables in bench/RESULTS.md")
    args = parser.parse_args(argv)
    only = tuple(b for b in args.only.split(",") if b)
    configure_logging("WARNING", json=False)  # the timer bench's in-process projection logs like the worker
    sizes = {name: getattr(args, name) for name in defaults}
    results = asyncio.run(run_all(sizes, args.runs, only, args.workers, args.cache))
    command = (".venv/bin/python bench/suite.py " + " ".join(f"--{n} {sizes[n]}" for n in only)
               + f" --runs {args.runs} --workers {args.workers} --cache {args.cache} --only {','.join(only)} --write")
    section = report(results, sizes, command)
    print(section)
    if args.write:
        write(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
