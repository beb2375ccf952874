"""The byte-shift stage's public entry (`find_edits`) on its own: clean text gets no edit; a GBK
line read one byte out of step is re-read from its bytes."""

from __future__ import annotations

from docrepair.ledger import Ledger, find_lost_offsets, replay
from docrepair.model import Action
from docrepair.stages.byteshift import find_edits
from docrepair.garble import MISSING

#: Context that names 海口海关 in full, so the document's own pairs confirm the reading.
CONTEXT = (
    "关于加强海口海关和海口市口岸管理工作的通知\n各有关单位：\n"
    "海口海关、海口市商务局要加强口岸管理，海关监管部门要落实责任。\n"
    "省商务厅、省农业厅、省工商局按职责分工负责。\n"
)
_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}


def shifted(phrase: str) -> str:
    """A mirror's reading of a phrase: its GBK bytes from the second on, undecodable pairs as ?,
    full-width letters folded to ASCII."""
    return phrase.encode("gbk")[1:].decode("gbk", errors="replace").replace("\ufffd", "?").translate(_FOLD)


def _apply(text, edits):
    ledger = Ledger(text)
    ledger.apply("byteshift", edits)
    return ledger


def test_clean_chinese_text_gets_no_edit():
    assert find_edits(CONTEXT) == []


def test_clean_text_with_question_marks_latin_accents_and_digits_gets_no_edit():
    text = "Café à la carte? 100% sure?! résumé\n" + CONTEXT + "是否同意？请于2024年1月5日前回复。\n"
    assert find_edits(text) == []


def test_a_synthetic_gbk_shifted_name_is_read_back_from_its_bytes():
    garbled = shifted("海口海关")
    assert garbled == "?诤9?"  # what the shift makes of it: 口 and 关 each keep one byte
    text = CONTEXT + f"省商务厅、{garbled}、省工商局按职责分工负责。\n"
    (edit,) = find_edits(text)
    assert text[edit.start : edit.end] == garbled
    assert edit.action is Action.REPAIR_MOJIBAKE and edit.after == "口海关"
    assert edit.evidence["encoding"] == "gbk" and edit.evidence["bytes"]
    ledger = _apply(text, [edit])
    assert ledger.text.splitlines()[-1] == "省商务厅、口海关、省工商局按职责分工负责。"
    notes = ledger.notes()
    assert replay(text, notes) == ledger.text and find_lost_offsets(text, notes) == []


def test_the_edits_are_the_same_on_every_call():
    text = CONTEXT + f"省商务厅、{shifted('海口海关')}、省工商局按职责分工负责。\n"
    assert find_edits(text) == find_edits(text)


def dropped(phrase: str, drop: int) -> str:
    """The phrase's GBK bytes with the byte at `drop` lost, read as the benchmark's mirror does."""
    data = phrase.encode("gbk")
    return (data[:drop] + data[drop + 1 :]).decode("gbk", errors="replace").replace("\ufffd", "?").translate(_FOLD)


def test_a_shifted_run_without_any_signal_character_is_found_by_improbability():
    from docrepair.charlm import load_charlm
    from docrepair.garble import find_runs
    from docrepair.stages.byteshift.runs import find_improbable_runs

    garbled = dropped("省商务厅要加强口岸管理", 12)
    assert garbled == "省商务厅要加靠诎豆芾?"
    text = CONTEXT + garbled + "\n"
    line = text.index(garbled)
    assert not any(start >= line for start, end in find_runs(text))  # no signal character
    # Two unpaired characters rarer than e**-10 (诎 and 芾 beside ?): a candidate, widened later.
    assert any(start >= line for start, end in find_improbable_runs(text, load_charlm()))
    (edit,) = find_edits(text)
    assert _apply(text, [edit]).text.splitlines()[-1] == "省商务厅要加强口岸管理"
    assert text[edit.start : edit.end] == "靠诎豆芾?"  # the characters kept as they stand are no part of it
    assert edit.evidence["model_gain_nats"] >= 8


def test_rare_characters_of_clean_text_are_candidates_but_never_replaced():
    text = CONTEXT + "生僻字如犇、骉、鱻、龘在文件中偶有出现。\n"
    assert find_edits(text) == []


def test_a_lone_ascii_letter_between_han_is_the_trail_byte_of_a_character_whose_lead_was_lost():
    # 體 is F3 77 in GBK: with F3 lost, its trail byte 77 stands as "w".
    document = "強化市場主體責任，指導督促市場主體自查自糾。\n"
    garbled = dropped("加強市場主體責任。", "加強市場主".encode("gbk").__len__())
    assert garbled == "加強市場主w責任。"
    text = document + garbled + "\n"
    (edit,) = find_edits(text)
    assert text[edit.start : edit.end] == "w" and edit.after == "體"
    (named,) = edit.evidence["named_from_one_byte"]
    assert named["known_byte"] == "77" and "主體" in named["attested_pairs"]


def test_a_rejected_byte_before_a_digit_or_at_a_line_end_is_a_box_with_a_note():
    number = dropped("国办发〔2018〕115号", 6)  # 〔 lost its lead byte; its trail was rejected
    assert number == "国办发?2018〕115号"
    title = dropped("国务院办公厅", 10)
    assert title == "国务院办公?"
    text = CONTEXT + number + "\n" + title + "\n"
    edits = find_edits(text)
    assert [(text[e.start : e.end], e.after, e.action) for e in edits] == [("?", MISSING, Action.MARK_MISSING)] * 2
    assert all(e.evidence["rejected_byte"] == "?" for e in edits)


def test_a_question_mark_is_left_where_the_document_asks_in_full_width_or_shows_no_shift():
    assert find_edits(CONTEXT + "是否同意？请回复。\n这是否符合规定?\n") == []
    assert find_edits(CONTEXT + "这是否符合规定?请各单位核实。\n") == []


def test_a_rejected_byte_at_a_line_start_is_a_box_and_a_line_of_only_a_question_mark_is_left():
    line = dropped("经省级药品监督管理部门批准", 0)  # 经 lost its lead byte, its trail was rejected
    assert line.startswith("?省级")
    text = CONTEXT + line + "\n?\n"
    (edit,) = find_edits(text)
    assert text[edit.start : edit.end] == "?" and edit.start == text.index(line) and edit.after == MISSING
    assert "line start" in edit.reason


def test_a_rejected_byte_inside_brackets_or_after_a_number_is_a_box_but_a_dot_lost_between_digits_is_not():
    # (十三) with the lead byte of 十 lost: its trail was rejected; after a number at a line end.
    garbled = dropped("（十三）加强外商投资企业知识产权保护。", 2)
    assert garbled.startswith("(?三)")
    number = dropped("国办发〔2018〕115号", 17)
    assert number == "国办发〔2018〕115?"
    title = dropped("国务院办公厅", 10)
    # (?三) alone may be a question in brackets; beside two other rejected bytes it is one too.
    assert [(e.after) for e in find_edits(CONTEXT + garbled + "\n")] == []
    text = CONTEXT + garbled + "\n" + number + "\n" + title + "\n"
    assert [(text[e.start : e.end], e.after) for e in find_edits(text)] == [("?", MISSING)] * 3
    # 4?26: the page lost the · of 4·26; a ? between digits alone is no shifted run.
    assert find_edits(CONTEXT + "围绕“4?26”世界知识产权日开展宣传。\n") == []


def test_unpaired_characters_just_before_a_rejected_byte_are_misread_pairs():
    garbled = dropped("有关部门和单位有责任和义务", 22)  # 义务 → 逦? (E5 CE, then F1 rejected)
    assert garbled.endswith("和逦?")
    text = CONTEXT + garbled + "\n"
    (edit,) = find_edits(text)
    assert text[edit.start : edit.end] == "逦?" and edit.after == MISSING * 2
    assert edit.evidence["misread"] == "逦" and edit.evidence["bytes"] == "e5 ce"


def test_a_lost_mark_is_named_from_its_surviving_byte_only_with_the_documents_own_pair():
    # 。 is A1 A3: with A1 lost, A3 paired with the next lead (Q, a folded full-width letter).
    garbled = dropped("强化安全保障。严格落实网络安全法。", 12)
    assert garbled == "强化安全保障Q细衤涫低?络安全法。"
    text = CONTEXT + "强化安全保障。加强监管。\n" + garbled + "\n"
    (edit,) = find_edits(text)
    assert text[edit.start : edit.end] == "Q细衤涫低?" and edit.after == "。严格落实网"
    (mark, *_) = edit.evidence["named_from_one_byte"]
    assert mark["char"] == "。" and mark["known_byte"] == "a3" and "障。" in mark["attested_pairs"]
    # Without 障。 in the document the mark is not named.
    (edit,) = find_edits(CONTEXT + garbled + "\n")
    assert not edit.after.startswith("。")


def test_a_rejected_byte_between_a_year_and_a_month_is_a_box():
    garbled = dropped("2020年7月16日", 4)  # 年 lost its lead; its trail was rejected before 7
    assert garbled == "2020?7月16日"
    text = CONTEXT + garbled + "\n"
    assert [(text[e.start : e.end], e.after) for e in find_edits(text)] == [("?", MISSING)]


def test_the_character_before_a_rejected_byte_goes_by_how_probable_it_is_there():
    # 施行。 with a byte of 行 lost: 小 is D0 A1 (行's trail, 。's lead), ? the rejected A3. 施小
    # is an attested pair of the word model, but far less probable than a misread pair is.
    text = CONTEXT + "本条例自公布之日起施小?\n"
    assert [(text[e.start : e.end], e.after) for e in find_edits(text)] == [("小?", MISSING * 2)]
    # A character the document uses elsewhere is its own vocabulary: only the ? is lost.
    text = CONTEXT + "小组、小型、小额。\n本条例自公布之日起施小?\n"
    assert [(text[e.start : e.end], e.after) for e in find_edits(text)] == [("?", MISSING)]


def test_a_rejected_byte_before_a_mark_inside_a_sentence_in_a_garbled_document():
    # A question ends a sentence: a ? before 、 is where a byte was rejected, in a document that
    # shows GBK read out of step elsewhere (the ? at the end of 国务院办公?).
    lines = [dropped("要做好宣传、教育、引导等工作", 14), dropped("负责组织实施、监督检查和考核评价", 9)]
    assert lines == ["要做好宣传、教?、引导等工作", "负责组织适?、监督检查和考核评价"]
    text = CONTEXT + "国务院办公?\n" + "\n".join(lines) + "\n"
    found = [(text[e.start : e.end], e.after) for e in find_edits(text)]
    # 教 after a mark is common enough to stand; 适 after 织 (实施 read out of step) is not.
    assert found == [("?", MISSING), ("?", MISSING), ("适?", MISSING * 2)]


def test_a_rare_character_further_left_of_a_rejected_byte_is_misread_too():
    garbled = dropped("音像记录是通过照相机、录音机", 14)  # 照相机 → 障嗷? before 、
    assert garbled == "音像记录是通过障嗷?、录音机"
    text = CONTEXT + garbled + "\n"
    (edit,) = find_edits(text)
    assert text[edit.start : edit.end] == "障嗷?" and edit.after == MISSING * 3


#: CONTEXT in traditional script: a GBK extension character's trail byte may be ASCII (學 is 8C 57).
TRADITIONAL_CONTEXT = (
    "關於加強海口海關和海口市口岸管理工作的通知\n各有關單位：\n"
    "海口海關、海口市商務局要加強口岸管理，海關監管部門要落實責任。\n"
    "省商務廳、省農業廳、省工商局按職責分工負責。\n"
)


def test_a_trail_byte_left_as_an_ascii_letter_after_a_mark_is_read_back():
    text = TRADITIONAL_CONTEXT + "十四、W校法人設立基金之管理。\n"  # 學 lost its lead 8C: W is 57
    (edit,) = find_edits(text)
    assert _apply(text, [edit]).text.splitlines()[-1] == "十四、學校法人設立基金之管理。"
    assert edit.evidence["named_from_one_byte"][0]["known_byte"] == "57"
    # Latin letters of clean text after a mark are words or codes, and stay: 、A级、B超
    assert find_edits(CONTEXT + "评为A级、B超检查。\n") == []


def test_a_name_with_a_wide_margin_over_both_places_of_its_byte_replaces_a_lone_letter():
    # 產 is AE 61: its lead lost, 61 stands as "a" between 生 and 前. Named with a margin of
    # e**13 over the other candidates (in either place of 61), it is as sure as a character read
    # from two bytes, and the reading beats the lone letter.
    text = TRADITIONAL_CONTEXT + "因懷孕或生a前後無法參加體能測驗者。\n"
    (edit,) = find_edits(text)
    assert (text[edit.start : edit.end], edit.after) == ("a", "產")
    (named,) = edit.evidence["named_from_one_byte"]
    assert named["margin_nats"] >= 10 and named["margin_over_other_place_nats"] >= 10


def test_a_mark_lost_at_a_line_end_is_named_only_as_one_the_document_ends_lines_with():
    # 交流。 read out of step: 痢 is 流's trail and 。's lead A1, ? the rejected A3. The
    # document writes 、 often, but never at a line's end: the mark stays □.
    text = TRADITIONAL_CONTEXT + "一、保存、修復、維護、交流、合作、研究。\n二、交流、合作、推廣。\n三、文化資產保存修復技術之國際合作交痢?\n四、其他事項。\n"
    (edit,) = find_edits(text)
    assert (text[edit.start : edit.end], edit.after) == ("痢?", "流" + MISSING)


def test_the_note_says_when_the_count_of_lost_characters_is_only_a_lower_bound():
    # Seed 000's (十四)強化輿論: the reading gives up more bytes than one shift drops, so the site
    # dropped pairs whole too, and four □ may stand for more characters.
    text = TRADITIONAL_CONTEXT + "?。ㄊ模娀浾摫O督和宣傳。\n"
    (edit,) = find_edits(text)
    assert edit.evidence["lost_count_known"] is False and "lower bound" in edit.reason
    # Seed 000's 到2020年 shown as 5?020年: a decoder may take the 2 with the byte it rejects.
    text = TRADITIONAL_CONTEXT + "?。ǘ┕ぷ髂繕恕5?020年，侵權假冒\n"
    (edit,) = find_edits(text)
    assert edit.evidence["lost_count_known"] is False and "ASCII character" in edit.reason
    # One byte dropped, its characters counted: the count is the text's.
    text = CONTEXT + dropped("三、落实企业责任", 6) + "\n"
    (edit,) = find_edits(text)
    assert edit.evidence["lost_count_known"] is True and "lower bound" not in edit.reason


def test_a_run_already_marked_missing_is_not_marked_again():
    # Byte soup (found by hypothesis): the second repair used to write more □ over the □ of the
    # first; a □ has no bytes to read, so a repaired text repairs to itself.
    from docrepair import repair_bytes, repair_text

    for raw in (b"\xba\xa3\xbf\xda\xba\xa3\xb9\xd8??\xe8\xaf\xa4jP", b"\xba\xa3\xbf\xda\xba\xa3\xb9\xd8\xa1rA"):
        once = repair_bytes(raw).text
        assert repair_text(once).text == once


def test_a_run_holding_the_mark_of_lost_bytes_is_not_read_again():
    """□ is GBK A1 F5, but one this repair wrote stands for bytes that were lost, not for a pair
    read out of step: re-read, it named characters from nothing (hypothesis found byte soup
    whose second repair turned □漆壽 into 酢酯漆壽, and a third changed it again)."""
    from docrepair import repair_bytes, repair_text

    data = b"??\xe8\xaf\xa4jP\xba\xa3\xbf\xda\xba\xa3\xb9\xd8"
    first = repair_bytes(data).text
    assert MISSING in first
    again = repair_text(first)
    assert again.text == first and again.notes == ()
    assert find_edits(f"□漆壽{CONTEXT}") == []
