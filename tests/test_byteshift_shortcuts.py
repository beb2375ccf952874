"""The scans before the byte-shift stage's patterns miss no match: the lone letters found where
a Han character or a mark follows are the pattern's matches."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from docrepair.garble import prefiltered_finditer
from docrepair.stages.byteshift.runs import _LONE_LETTER_CHAR, LONE_LETTER


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example("主w責，a、b主_。x|;\nQ政")
@given(st.text(alphabet=st.sampled_from("主體w責_~^`|aZ 、，。；：,;?\n0é"), max_size=40))
def test_lone_letters_found_after_the_scan_are_the_patterns_matches(text):
    assert [found.span() for found in prefiltered_finditer(LONE_LETTER, _LONE_LETTER_CHAR, text)] == [found.span() for found in LONE_LETTER.finditer(text)]
