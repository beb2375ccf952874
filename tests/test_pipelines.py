"""Results travel: they pickle, round-trip through JSON, and come back from a process pool or a
Ray task the same as from a direct call (HF datasets, Ray and datatrove all pickle results)."""

from __future__ import annotations

import json
import multiprocessing
import pickle

import pytest

from docrepair import Action, Note, RepairResult, Unit, repair_text
from docrepair.model import Role, Span

#: Small documents whose repairs write several kinds of note (a duplicate block, a zero-width
#: character, glued pinyin, a stray comma), so a pool's start-up dominates and the test stays fast.
TEXTS = [
    "关于加强管理的通知\n一、总体要求\n各单位要认真落实本通知的各项要求，确保工作取得实效。\n"
    "一、总体要求\n各单位要认真落实本通知的各项要求，确保工作取得实效。\n",
    "二、工作\u200b措施\n（一）加强组织领导,。明确责任分工。\n（二）强化监督检查。\n",
    "發(fā)布日期：2020年1月2日\n三、保障措施\n各部門要加強協調配合。\n",
    "",
]


def _same(first: RepairResult, second: RepairResult) -> bool:
    return first.text == second.text and first.notes == second.notes and first.units == second.units and first.header == second.header


def _json_bytes(result: RepairResult) -> bytes:
    return json.dumps(result.to_dict(with_input=True), ensure_ascii=False).encode("utf-8")


def test_every_action_and_role_pickles_to_itself():
    for member in [*Action, *Role]:
        assert pickle.loads(pickle.dumps(member)) is member
    assert Action("drop_duplicate") is Action.DROP_DUPLICATE


def test_a_result_and_its_parts_pickle_and_compare_equal(sample_results):
    result = sample_results["001_2964c569f9bbfa0f.txt"]
    assert {note.action for note in result.notes} >= {Action.DROP_DUPLICATE, Action.JOIN_LINES}
    copy = pickle.loads(pickle.dumps(result))
    assert copy == result and _same(copy, result)
    assert (copy.origin == result.origin).all()
    assert pickle.loads(pickle.dumps(result.notes[0])) == result.notes[0]
    assert pickle.loads(pickle.dumps(result.units[0])) == result.units[0]
    assert pickle.loads(pickle.dumps(Span(3, 5))) == Span(3, 5)


def test_a_result_round_trips_through_json(sample_results):
    for result in sample_results.values():
        data = json.loads(json.dumps(result.to_dict(with_input=True), ensure_ascii=False))
        again = RepairResult.from_dict(data)
        assert _same(again, result) and again.input_text == result.input_text
        assert all(Note.from_dict(note.to_dict()) == note for note in result.notes)
        assert all(Unit.from_dict(unit.to_dict()) == unit for unit in result.units)
        # --format json's object has no input text: it is given beside it.
        assert _same(RepairResult.from_dict(result.to_dict(), input_text=result.input_text), result)


def test_a_result_without_its_input_text_is_refused_with_a_reason():
    from docrepair.errors import NotesError

    with pytest.raises(NotesError, match="input_text"):
        RepairResult.from_dict(repair_text(TEXTS[0]).to_dict())


@pytest.mark.slow
@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_a_process_pool_returns_what_a_direct_call_returns(method):
    direct = [repair_text(text) for text in TEXTS]
    assert any(result.notes for result in direct)
    with multiprocessing.get_context(method).Pool(2) as pool:
        pooled = pool.map_async(repair_text, TEXTS).get(timeout=120)  # a hang fails, not blocks
    assert all(_same(a, b) for a, b in zip(pooled, direct))


@pytest.mark.slow
def test_a_ray_task_returns_the_same_bytes():
    ray = pytest.importorskip("ray")
    import logging

    started_here = not ray.is_initialized()
    if started_here:
        ray.init(num_cpus=1, include_dashboard=False, logging_level=logging.ERROR, log_to_driver=False)
    try:
        remote = ray.remote(repair_text)
        results = ray.get([remote.remote(text) for text in TEXTS])
    finally:
        if started_here:
            ray.shutdown()
    for text, result in zip(TEXTS, results):
        direct = repair_text(text)
        # The bytes a pipeline writes: the JSON of the whole result (pickle's own bytes depend on
        # which equal strings happen to be one object, so they are not compared).
        assert _json_bytes(result) == _json_bytes(direct)
        assert _same(result, direct)
