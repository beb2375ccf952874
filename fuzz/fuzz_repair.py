"""Coverage-guided fuzzing of the whole pipeline with atheris (pip install -e '.[fuzz]'):

    mkdir -p fuzz/corpus && python fuzz/fuzz_repair.py -atheris_runs=20000 fuzz/corpus samples

Every input must give a result or a documented DocrepairError; the result must replay from its
notes and lose nothing. A crash is a bug: add its input to tests/fuzz_regressions/ (the test
suite replays every file there) and fix it.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from docrepair import repair_bytes
    from docrepair.errors import DocrepairError
    from docrepair.ledger import find_lost_offsets, replay


def check(data: bytes) -> None:
    try:
        result = repair_bytes(data)
    except DocrepairError:
        return
    if replay(result.input_text, result.notes) != result.text:
        raise AssertionError("replaying the notes does not give the output")
    if find_lost_offsets(result.input_text, result.notes):
        raise AssertionError("input characters lost without a note")
    result.text.encode("utf-8")


def main() -> None:
    atheris.Setup(sys.argv, check)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
