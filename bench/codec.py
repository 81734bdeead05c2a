"""The payload codec's cost: AES-GCM encode + decode of a typical HazardState payload, in a loop.

    .venv/bin/python bench/codec.py [--loops 20000]

The payloads are the largest HazardState ones of a committed history (tests/histories/major_rejection_loop.json:
the state an Update returns after a rejection loop, a few KB of JSON), so the figure is that of real data.
It prints µs per payload for the codec alone (encrypt + decrypt) and for the pydantic converter around it,
and the same converter without the codec for comparison.
"""

import argparse
import asyncio
import base64
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from temporalio.api.common.v1 import Payload  # noqa: E402

from core.codec import DubanPayloadConverter, EncryptionCodec, KeyRing  # noqa: E402
from models.hazard import HazardState  # noqa: E402

HISTORY = ROOT / "tests" / "histories" / "major_rejection_loop.json"


def hazard_state() -> HazardState:
    """The largest payload of the history that parses as a HazardState."""
    converter = DubanPayloadConverter()
    best: tuple[int, HazardState] | None = None

    def walk(node: object) -> None:
        nonlocal best
        if isinstance(node, dict):
            if "metadata" in node and "data" in node and isinstance(node["data"], str):
                raw = base64.b64decode(node["data"])
                payload = Payload(metadata={k: base64.b64decode(v) for k, v in node["metadata"].items()}, data=raw)
                try:
                    state = converter.from_payload(payload, HazardState)
                except Exception:  # noqa: BLE001 - not a HazardState
                    state = None
                if state is not None and (best is None or len(raw) > best[0]):
                    best = (len(raw), state)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(json.loads(HISTORY.read_text(encoding="utf-8")))
    assert best is not None, "no HazardState payload in the history"
    return best[1]


def history_payloads() -> tuple[int, int, int]:
    """(events, payloads, their bytes) of the history: what a replay decodes once each."""
    count = size = 0

    def walk(node: object) -> None:
        nonlocal count, size
        if isinstance(node, dict):
            if "metadata" in node and "data" in node and isinstance(node["data"], str):
                count += 1
                size += len(base64.b64decode(node["data"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    history = json.loads(HISTORY.read_text(encoding="utf-8"))
    walk(history)
    return len(history["events"]), count, size


def timed(loops: int, step: object) -> float:
    """Median µs per call of 5 rounds of `loops` calls."""
    rounds = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(loops):
            step()  # type: ignore[operator]
        rounds.append((time.perf_counter() - start) / loops * 1e6)
    return statistics.median(rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--loops", type=int, default=20_000)
    args = parser.parse_args()
    state = hazard_state()
    converter = DubanPayloadConverter()
    codec = EncryptionCodec(KeyRing.parse("k1:" + base64.b64encode(os.urandom(32)).decode()))
    payload = converter.to_payload(state)
    assert payload is not None
    sealed = codec.encrypt(payload)
    assert converter.from_payload(codec.decrypt(sealed), HazardState) == state

    codec_only = timed(args.loops, lambda: codec.decrypt(codec.encrypt(payload)))
    plain = timed(args.loops, lambda: converter.from_payload(converter.to_payload(state), HazardState))
    full = timed(
        args.loops, lambda: converter.from_payload(codec.decrypt(codec.encrypt(converter.to_payload(state))), HazardState)  # type: ignore[arg-type]
    )

    async def through_the_async_api() -> float:  # what the SDK calls: lists of payloads, awaited
        start = time.perf_counter()
        for _ in range(args.loops):
            await codec.decode(await codec.encode([payload]))
        return (time.perf_counter() - start) / args.loops * 1e6

    awaited = asyncio.run(through_the_async_api())
    print(f"HazardState payload: {len(payload.data):,} bytes JSON, {len(sealed.data):,} bytes sealed")
    print(f"codec encrypt+decrypt:          {codec_only:7.1f} µs per payload")
    print(f"codec via async encode/decode:  {awaited:7.1f} µs per payload")
    print(f"pydantic to+from, no codec:     {plain:7.1f} µs per payload")
    print(f"pydantic to+from, with codec:   {full:7.1f} µs per payload")
    events, count, size = history_payloads()
    print(f"{HISTORY.name}: {events} events, {count} payloads, {size:,} bytes of payload data")


if __name__ == "__main__":
    main()
