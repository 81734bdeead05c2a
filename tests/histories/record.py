"""Record the committed histories: `python tests/histories/record.py [SCENARIO ...]`.

Runs each scenario of `scenarios.py` on a fresh time-skipping server with today's code and writes every
history it produced as `tests/histories/<scenario>.json` (later runs `<scenario>.run-N.json`, interviews
`<scenario>.interview-N.json`), and `fingerprints.json`, the command sequence of each. A history whose command
sequence changed is not lost: the old file moves to `previous/` (running hazards of the old version must still
replay), and `tests/test_replay_histories.py` keeps replaying it.
"""

import asyncio
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))  # run as a script from anywhere: the repository's packages

from temporalio.client import WorkflowHistory  # noqa: E402

from tests.histories.scenarios import SCENARIOS, Recorded, Scenario, command_sequence, record  # noqa: E402

FINGERPRINTS = HERE / "fingerprints.json"
PREVIOUS = HERE / "previous"


def load_fingerprints() -> dict[str, dict[str, Any]]:
    if not FINGERPRINTS.exists():
        return {}
    return json.loads(FINGERPRINTS.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def entry(scenario: str, recorded: Recorded) -> dict[str, Any]:
    return {
        "scenario": scenario,
        "workflow_id": recorded.workflow_id,
        "workflow_type": recorded.workflow_type,
        "current": True,
        "commands": command_sequence(recorded.history),
    }


def keep_previous(name: str, fingerprints: dict[str, dict[str, Any]]) -> None:
    """Move a current file whose version is being replaced to `previous/`, named by its command sequence."""
    old = fingerprints.pop(name)
    digest = hashlib.sha256(json.dumps(old["commands"]).encode()).hexdigest()[:8]
    kept = f"previous/{name.removesuffix('.json')}.{digest}.json"
    PREVIOUS.mkdir(exist_ok=True)
    (HERE / name).replace(HERE / kept)
    fingerprints[kept] = {**old, "current": False}
    print(f"kept the previous version as {kept}")


def write(scenario: Scenario, recorded: list[Recorded], fingerprints: dict[str, dict[str, Any]]) -> None:
    new = {r.file: r for r in recorded}
    for name, old in list(fingerprints.items()):
        replaced = name not in new or old["commands"] != command_sequence(new[name].history)
        if old.get("current") and old["scenario"] == scenario.name and (HERE / name).exists() and replaced:
            keep_previous(name, fingerprints)
    for name, r in new.items():
        (HERE / name).write_text(r.history.to_json() + "\n", encoding="utf-8")
        fingerprints[name] = entry(scenario.name, r)
        print(f"wrote {name} ({len(r.history.events)} events)")


async def main(names: list[str]) -> None:
    unknown = set(names) - {s.name for s in SCENARIOS}
    if unknown:
        raise SystemExit(f"unknown scenarios: {', '.join(sorted(unknown))}")
    chosen = [s for s in SCENARIOS if not names or s.name in names]
    results = await asyncio.gather(*(record(s) for s in chosen))
    fingerprints = load_fingerprints()
    for scenario, recorded in zip(chosen, results, strict=True):
        write(scenario, recorded, fingerprints)
    FINGERPRINTS.write_text(json.dumps(dict(sorted(fingerprints.items())), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {FINGERPRINTS.name}")


def load(name: str, fingerprints: dict[str, dict[str, Any]]) -> WorkflowHistory:
    return WorkflowHistory.from_json(fingerprints[name]["workflow_id"], (HERE / name).read_text(encoding="utf-8"))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
