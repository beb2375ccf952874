"""Comparison keys: a text's key is the same however many texts are folded with it."""

from hypothesis import given, settings
from hypothesis import strategies as st

from docrepair import keys
from docrepair.keys import comparison_key, comparison_keys

#: Pieces whose folding is not per character: traditional phrases OpenCC converts as phrases,
#: characters NFKC decomposes or composes (full width, ㈠, a combining accent after e), marks.
_PIECES = ["乾隆", "頭髮", "發展", "著名", "面對", "ＡＢ１", "㈠", "e\u0301", "，", "。", "、", " ", "\n", "\r", "一、", "我们", "第三条"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_PIECES), max_size=12).map("".join), max_size=40), st.integers(8, 64))
def test_keys_folded_in_batches_equal_each_text_folded_alone(texts, batch_chars):
    expected = [comparison_key(text) for text in texts]
    original = keys._KEYS_BATCH_CHARS
    keys._KEYS_BATCH_CHARS = batch_chars  # small batches, so that every list is cut into several
    try:
        assert comparison_keys(texts) == expected
    finally:
        keys._KEYS_BATCH_CHARS = original


def test_a_key_folds_script_width_and_marks():
    assert comparison_keys(["頭髮，ＡＢ１。", "", "第三条 發展"]) == ["头发AB1", "", "第三条发展"]
