import numpy as np
import pytest
from datasketch import MinHash

from docrepair.keys import comparison_key, comparison_keys, split_sentences
from docrepair.sketch import band_params, candidate_pairs, minhash_signatures, shingle_hashes


def test_vectorised_minhash_equals_datasketch_on_the_same_shingles():
    keys = ["加强部门间执法协作执法监管部门", "推进区域间执法协调联动", "", "短"]
    signatures = minhash_signatures(keys, 3, 64, 7)
    for row, key in enumerate(keys):
        reference = MinHash(num_perm=64, seed=7, scheme="affine32", hashfunc=lambda v: v)
        reference.update_batch([int(h) for h in shingle_hashes(key, 3)])
        assert np.array_equal(signatures[row], reference.hashvalues), key


def test_similar_texts_become_candidates_and_different_ones_do_not():
    base = "健全行政执法与刑事司法衔接机制建立健全行政执法部门与司法机关信息共享案情通报案件移送制度"
    keys = [base, base[:-2] + "规定", "加强对基层综合执法部门的指导厘清监管职责明确权力清单堵塞监管漏洞"]
    pairs = candidate_pairs(minhash_signatures(keys, 3, 128, 1), band_params(0.6, 128))
    assert (0, 1) in pairs and (0, 2) not in pairs and (1, 2) not in pairs


def test_huge_buckets_pair_only_neighbours():
    signatures = np.zeros((500, 16), dtype=np.uint32)
    pairs = candidate_pairs(signatures, band_params(0.6, 16), max_bucket=64)
    assert len(pairs) == 499


def test_comparison_key_folds_script_width_and_punctuation():
    assert comparison_key("（一）加強部門間執法協作。") == comparison_key("(一)加强部门间执法协作")
    assert comparison_keys(["甲，乙", "丙\n丁"]) == ["甲乙", "丙丁"]


def test_split_sentences_keeps_end_marks():
    assert split_sentences("甲乙。丙丁；戊") == ["甲乙。", "丙丁；", "戊"]


def test_the_optimal_bands_are_our_own_and_agree_with_datasketch():
    import inspect

    import docrepair.sketch as sketch
    from docrepair.sketch import optimal_bands

    assert "_optimal_param" not in inspect.getsource(sketch)  # no private datasketch API
    lsh = pytest.importorskip("datasketch.lsh")
    if not hasattr(lsh, "_optimal_param"):
        pytest.skip("datasketch no longer has _optimal_param to compare with")
    for num_perm in (16, 64, 128):
        for threshold in (0.1, 0.3, 0.5, 0.6, 0.75, 0.85, 0.9, 0.97):
            expected = tuple(int(value) for value in lsh._optimal_param(threshold, num_perm, 0.5, 0.5))
            assert optimal_bands(threshold, num_perm) == expected, (threshold, num_perm)
    assert optimal_bands(0.6, 128, 0.2, 0.8) == tuple(int(v) for v in lsh._optimal_param(0.6, 128, 0.2, 0.8))
