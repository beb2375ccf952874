"""Do no harm: every clean document of the shared corpus (../shared/corpus, real laws and notices
with no damage) comes out of `fix` with no drop, move or merge and its text unchanged.

The one exception is named: a formula in a clean regulation that the mojibake stage still reads
as garbled (a different issue owns that stage); it is checked for everything but that."""

from __future__ import annotations

import re
import unicodedata

import pytest

from conftest import ROOT
from docrepair import repair_file
from docrepair.model import Action

CORPUS = ROOT.parent / "shared" / "corpus"
DOCUMENTS = sorted(CORPUS.glob("*.txt")) if CORPUS.is_dir() else []
#: Actions that harm a clean document (the no-harm tool's list, ../shared/tools/no-harm).
HARM = {Action.DROP_DUPLICATE, Action.MOVE, Action.MERGE, Action.DROP_CHROME, Action.REPAIR_MOJIBAKE, Action.RESTORE_MARKER}
#: Known to the mojibake stage's issue, not to this one: a clean formula read as garbled.
MOJIBAKE_KNOWN = {"lrb_bmgz_2008-07-17_qiye-zhigong-daixin-nianxiujia-shishi-banfa.txt"}


def _fold(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@pytest.mark.skipif(not DOCUMENTS, reason=f"the shared corpus of clean documents is not here ({CORPUS})")
@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda path: path.stem[:40])
def test_a_clean_document_comes_out_unharmed(path):
    result = repair_file(path)
    harm = [note for note in result.notes if note.action in HARM]
    if path.name in MOJIBAKE_KNOWN:
        harm = [note for note in harm if note.action is not Action.REPAIR_MOJIBAKE]
        assert not harm, [(note.action.value, note.before[:40]) for note in harm]
        return
    assert not harm, [(note.action.value, note.before[:40]) for note in harm]
    assert _fold(result.text) == _fold(path.read_text(encoding="utf-8"))
