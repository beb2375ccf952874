"""Provenance beside the repair it checks: on scrambled numbered items (the case with the most
moves), the time to repair, to replay the notes on the input, to run the no-loss check, and to
map offsets for `explain`/`report` (from the origins the result carries, and by a replay).
Replay must be faster than the repair it verifies.

    python benchmarks/replay.py [--items 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from scaling import scrambled_items  # noqa: E402 - the benchmarks folder is not a package path here


def best_of(repeat: int, work) -> tuple[float, object]:
    """The fastest of `repeat` runs (the least disturbed by the machine), and its value."""
    best, value = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        value = work()
        best = min(best, time.perf_counter() - started)
    return best, value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    from dataclasses import replace

    from docrepair import repair_text
    from docrepair.ledger import find_lost_offsets, map_offsets, replay
    from docrepair.model import Action

    text = scrambled_items(args.items)
    repair_text(text[:2000])  # load OpenCC and friends before timing
    repair_seconds, result = best_of(args.repeat, lambda: repair_text(text))
    moves = sum(note.action is Action.MOVE for note in result.notes)
    rows = [("repair", repair_seconds)]
    replay_seconds, replayed = best_of(args.repeat, lambda: replay(text, result.notes))
    assert replayed == result.text, "replay does not give the output"
    rows.append(("replay", replay_seconds))
    lost_seconds, lost = best_of(args.repeat, lambda: find_lost_offsets(text, result.notes))
    assert lost == [], "input lost"
    rows.append(("find_lost_offsets", lost_seconds))
    if result.origin is not None:
        rows.append(("map_offsets (result.origin)", best_of(args.repeat, lambda: map_offsets(result))[0]))
    bare = replace(result, origin=None)
    rows.append(("map_offsets (by replay)", best_of(args.repeat, lambda: map_offsets(bare))[0]))
    print(f"{args.items} scrambled items: {len(text):,} characters, {len(result.notes)} notes, {moves} moves (best of {args.repeat})")
    for name, seconds in rows:
        print(f"  {name:30s} {seconds:8.3f} s   {seconds / repair_seconds:6.1%} of the repair")
    faster = replay_seconds < repair_seconds and lost_seconds < repair_seconds
    print("replay and the no-loss check are " + ("faster than the repair" if faster else "SLOWER than the repair: a bug to fix"))
    return 0 if faster else 1


if __name__ == "__main__":
    sys.exit(main())
