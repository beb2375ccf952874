"""Garbled GBK runs: re-read from their bytes where the document confirms the reading, □ where
bytes are gone, flagged where nothing can be read; clean text untouched."""

from __future__ import annotations

import pytest

from docrepair import repair_text
from docrepair.ledger import find_lost_offsets, replay
from docrepair.model import Action
from docrepair.charlm import load_charlm
from docrepair.ledger import Ledger
from docrepair.stages.byteshift import find_edits
from docrepair.stages.mojibake import MISSING, find_whole_text_edits

FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
CONTEXT = (
    "关于加强海口海关和海口市口岸管理工作的通知\n各有关单位：\n"
    "海口海关、海口市商务局要加强口岸管理，海关监管部门要落实责任。\n"
    "省商务厅、省农业厅、省工商局按职责分工负责。\n"
)


def shifted(phrase: str, drop: int = 0) -> str:
    """What a mirror makes of a phrase: its GBK bytes read one byte off (the byte at `drop`
    lost), undecodable bytes shown as ?, full-width letters folded to ASCII."""
    data = phrase.encode("gbk")
    return (data[:drop] + data[drop + 1 :]).decode("gbk", errors="replace").replace("\ufffd", "?").translate(FOLD)


def test_a_shifted_name_is_reread_from_its_bytes_and_characters_named_only_with_evidence():
    garbled = shifted("海口海关")
    assert garbled != "海口海关" and "?" in garbled
    text = CONTEXT + f"省商务厅、{garbled}、省工商局按职责分工负责。\n"
    result = repair_text(text)
    assert "口海关、省工商局" in result.text and garbled not in result.text
    (note,) = [n for n in result.notes if n.action is Action.REPAIR_MOJIBAKE]
    assert note.before == garbled and note.evidence["encoding"] == "gbk" and note.evidence["bytes"]
    # 口 and 关 each kept one byte: named only with a margin and a pair the model attests.
    named = note.evidence["named_from_one_byte"]
    assert [n["char"] for n in named] == ["口", "关"]
    assert all(n["margin_nats"] >= 5 and n["attested_pairs"] for n in named)
    assert replay(text, result.notes) == result.text and find_lost_offsets(text, result.notes) == []


def test_the_character_model_ships_with_the_package_knows_both_scripts_and_loads_once():
    model = load_charlm()
    assert model is load_charlm()
    assert model.is_attested("海", "關") and model.is_attested("海", "关") and model.is_attested("思", "想")
    assert model.score("指導思想") > model.score("笇枷ㄒ唬") + 20


def unfolded_shift(phrase: str) -> str:
    """The phrase's GBK bytes read from the second byte on, as the seeds' mirrors did: no width
    folding, undecodable pairs as ?."""
    return phrase.encode("gbk")[1:].decode("gbk", errors="replace").replace("\ufffd", "?")


def applied(text, edits):
    ledger = Ledger(text)
    ledger.apply("mojibake", edits)
    return ledger.text


def test_a_reading_glued_after_a_run_whose_parenthesis_the_garble_took_goes_with_it():
    # 执(zhí)法 shifted: the "(" was read into the garble; zhí) confirms the character.
    context = CONTEXT + "依法加强执(zhí)法监(jiān)管。\n"
    line = "（三）加强执"
    garbled = unfolded_shift("　" + line)
    text = context + garbled + "zhí)法能力建设。\n"
    result = repair_text(text)
    assert "zhí)" not in result.text.splitlines()[-1]
    note = next(n for n in result.notes if n.action is Action.REPAIR_MOJIBAKE and "zhí)" in n.before)
    assert note.evidence["glued_reading"] == "zhí"


@pytest.mark.parametrize("indent", ["", "\u3000"])
def test_a_lost_first_byte_of_an_indented_line_reads_as_the_documents_indentation(indent):
    # A line indented with U+3000 (A1 A1) whose first byte was lost, as on the seeds' mirror:
    # written back where the document indents its lines, dropped (with its note) where not.
    context = "".join(indent + line + "\n" for line in CONTEXT.splitlines())
    text = context + "?。ò耍┩七M區域間執法協調聯動。\n"
    (edit,) = find_edits(text)
    assert edit.after.startswith(indent + "（八）推進")
    first = edit.evidence["named_from_one_byte"][0]
    assert first["char"] == indent and first["known_byte"] == "a1" and ("dropped" in first["why"]) == (not indent)


#: CONTEXT in traditional script, as seed 000 writes: the byte-shift stage reads a document's
#: garble in the script the document writes in.
TRADITIONAL_CONTEXT = (
    "關於加強海口海關和海口市口岸管理工作的通知\n各有關單位：\n"
    "海口海關、海口市商務局要加強口岸管理，海關監管部門要落實責任。\n"
    "省商務廳、省農業廳、省工商局按職責分工負責。\n"
)


def test_the_shipped_arrays_hold_exactly_the_counts_of_the_shipped_tsv():
    """docrepair reads the model's counts from data/charlm.npy.gz (fast to load); the TSV beside it
    is what the build writes and people read. They must never drift apart: same counts, same
    order, and the arrays are what write_model_arrays makes of the TSV, byte for byte."""
    from importlib import resources

    from docrepair.charlm import MODEL_ARRAYS, MODEL_TSV, read_model_arrays, read_model_tsv, write_model_arrays

    data = resources.files("docrepair")
    unigrams, bigrams = read_model_tsv(data.joinpath(MODEL_TSV).read_bytes())
    shipped = data.joinpath(MODEL_ARRAYS).read_bytes()
    assert write_model_arrays(unigrams, bigrams) == shipped
    read_unigrams, read_bigrams = read_model_arrays(shipped)
    assert list(read_unigrams.items()) == list(unigrams.items()) and list(read_bigrams.items()) == list(bigrams.items())
    model = load_charlm()
    assert model.unigrams == unigrams and model.bigrams == bigrams


def test_a_garble_keeps_what_the_model_confirms_and_marks_the_rest_missing():
    text = TRADITIONAL_CONTEXT + "一、工作要求\nㄒ唬┲笇枷\n"
    (edit,) = find_edits(text)
    # （一）指導思想 read out of step: 指導 is attested, the misread 枷 is not kept as text.
    assert "指導" in edit.after and MISSING in edit.after
    assert not set(edit.after) & set("ㄒ唬┲笇枷")
    assert text[edit.start : edit.end] == "ㄒ唬┲笇枷"  # the garbled text stays in the note


def test_a_document_reads_its_garble_in_the_script_it_writes():
    from docrepair.charlm import load_charlm
    from docrepair.stages.byteshift import _other_script
    from docrepair.stages.byteshift.reader import Reader

    assert _other_script(CONTEXT * 2) == "traditional"
    assert _other_script(TRADITIONAL_CONTEXT * 2) == "simplified"
    assert _other_script(CONTEXT + TRADITIONAL_CONTEXT) is None  # writes both: no script is foreign
    # 迅馳 is an attested pair of the model's traditional words (迅驰): in a simplified document a
    # reading of 迅窦 as 迅 and a lost 馳 (for 严格 with a byte lost) costs as an unknown would.
    model = load_charlm()
    assert Reader(model, "traditional").char_cost("迅", "馳") <= Reader(model).char_cost("迅", "馳") - 6
    assert Reader(model, "traditional").char_cost("严", "格") == Reader(model).char_cost("严", "格")


@pytest.mark.parametrize(
    "line",
    [
        "各縣(區)人民政府，北京(Beijing)，《办法(试行)》。",
        "What? Is it OK? Yes.",
        "编号为A-12^3的设备。",
    ],
)
def test_the_model_scored_repair_leaves_clean_lines_alone(line):
    text = CONTEXT + line + "\n"
    assert find_edits(text) == []


def test_whole_texts_in_the_wrong_codec_are_reread_and_latin_text_is_not():
    text = "关于加强知识产权保护的通知\n各区县人民政府，市政府有关部门：\n现将有关事项通知如下。\n"
    garbled = text.encode("gbk").decode("latin-1")
    assert applied(garbled, find_whole_text_edits(garbled)) == text
    result = repair_text(text.encode("gbk").decode("latin-1"))
    assert result.text == text and {n.action for n in result.notes} == {Action.REPAIR_MOJIBAKE}
    assert find_whole_text_edits(text) == []
    french = "Le gouvernement a publié une déclaration.\nLa réforme économique à Genève.\nÉté 2024, première étape.\n"
    assert find_whole_text_edits(french) == [] and repair_text(french).text == french


def test_the_seed_002_organisation_name_is_recovered_everywhere(sample_results):
    name = next(name for name in sample_results if name.startswith("002"))
    result = sample_results[name]
    assert "??诤jP" not in result.text
    assert result.text.count("口海關") >= 8


@pytest.mark.parametrize(
    "line",
    [
        "这是否符合规定?请各单位核实。",
        "网址为www.example.gov.cn，联系电话12345。",
        "《中华人民共和国著作权法》第五条规定，官方文件不受保护。",
        "生僻字如犇、骉、鱻、龘在文件中偶有出现。",
    ],
    ids=["question mark", "ascii", "book title", "rare characters"],
)
def test_clean_text_is_untouched(line):
    text = CONTEXT + line + "\n"
    result = repair_text(text)
    assert result.text == text and result.notes == ()


def test_a_destroyed_section_marker_is_restored_from_the_numbering():
    text = CONTEXT + "（一）加强组织领导。\n□（□）完善工作机制。\n（三）强化监督检查。\n"
    result = repair_text(text)
    assert "（二）完善工作机制。" in result.text
    (note,) = [n for n in result.notes if n.action is Action.RESTORE_MARKER]
    assert note.evidence["number"] == 2


def test_a_line_of_utf8_read_as_gbk_is_reread():
    line = "省农业厅、海口市商务局和海关监管部门要加强口岸管理工作。"
    garbled = line.encode("utf-8").decode("gb18030", errors="replace")  # as a browser would
    assert garbled != line
    text = CONTEXT + garbled + "\n"
    result = repair_text(text)
    # Bytes the wrong decoding dropped leave their character as □; the rest is read back.
    repaired = result.text[len(CONTEXT) :].rstrip("\n")
    assert len(repaired) == len(line) and all(a == b or a == MISSING for a, b in zip(repaired, line))
    assert repaired.count(MISSING) <= 3
    (note,) = [n for n in result.notes if n.action is Action.REPAIR_MOJIBAKE]
    assert note.evidence["encoding"] == "utf-8 read as gb18030"


def test_a_lost_character_is_named_by_its_glued_reading_and_the_documents_own_pairs():
    text = CONTEXT.replace("监管部门", "监(jiān)管部门") + "海关要加强□O(jiān)管。依法开展□zhí)法工作，严格执法。\n"
    result = repair_text(text)
    # □O: O is what is left of 监; the □ before it may stand for more, so it stays.
    assert "加强□监管" in result.text and "开展执法工作" in result.text
    restored = [n for n in result.notes if n.action is Action.REPAIR_MOJIBAKE]
    assert {n.after for n in restored} == {"监", "执"} and all(n.evidence["pinyin"] for n in restored)


def test_a_reading_that_names_several_characters_of_the_document_restores_none():
    # Two characters of the document read jiān and come before 管 (监管, 兼管): ambiguous.
    text = CONTEXT + "监管兼管两种说法都有。加强□O(jiān)管。\n"
    result = repair_text(text)
    assert "加强□O(jiān)管" in result.text  # 监管 and 兼管 both fit: no guess


@pytest.mark.parametrize(
    "line",
    [
        "（当年度在本单位剩余日历天数÷365天）×职工本人全年应当享受的年休假天数。",  # a formula
        "请于×月×日前将××万元报送××局。",  # template placeholders
    ],
)
def test_multiplication_and_division_signs_are_not_garble(line):
    result = repair_text(line + "\n")
    assert result.text == line + "\n" and result.notes == ()


def test_utf8_read_as_cp1252_inside_a_line_is_read_again():
    line = "第3条 本办法自2020年1月1日起施行。"
    # As browsers read windows-1252: the five bytes it leaves undefined become C1 controls.
    garbled = "".join(ch if ch.isascii() else "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in ch.encode("utf-8")) for ch in line)
    assert garbled != line and "\ufffd" not in garbled
    result = repair_text(garbled + "\n")
    assert result.text == line + "\n"
    assert {note.action for note in result.notes} == {Action.REPAIR_MOJIBAKE}
    assert all(note.evidence["encoding"] == "utf-8 read as cp1252" for note in result.notes)


@pytest.mark.parametrize("line", ["Le barÃ¨me forfaitaire", "café crème brûlée à Zürich", "Ã  tout à l’heure"])
def test_latin_text_and_latin_mojibake_are_left_to_ftfy(line):
    assert repair_text(line + "\n").text == line + "\n"


# -- UTF-8 read as GBK: rejected bytes, cut characters, the likelihood ratio ----------------------

from docrepair.stages.mojibake import find_utf8_as_gbk_edits  # noqa: E402

DOCUMENT = (
    "关于加强知识产权保护工作的通知\n各区县人民政府：\n"
    "一、总体要求。认真落实工作措施，加强监管。（市公安局负责）\n"
    "二、工作目标。到2020年12月31日，建立长效机制。（市商务局负责）\n"
    "国办发〔2018〕115号\n2018年12月4日\n"
)


def as_gbk(line: str) -> str:
    """What a GBK decoder makes of a line's UTF-8 bytes: each byte it rejects one U+FFFD."""
    return line.encode("utf-8").decode("gbk", errors="replace")


def test_each_replacement_character_is_one_rejected_byte_and_the_model_names_its_character():
    line = "三、加强重点产品和重点环节监管"
    garbled = as_gbk(line)
    assert "\ufffd" in garbled  # 、 = E3 80 81: the GBK decoder rejected 80
    (edit,) = find_utf8_as_gbk_edits(DOCUMENT + garbled + "\n")
    assert edit.after == line
    assert edit.evidence["encoding"] == "utf-8 read as gb18030" and edit.evidence["model_gain_nats"] >= 10
    first = edit.evidence["rejected_bytes"][0]
    assert first["char"] == "、" and first["margin_nats"] >= 4


def test_a_whole_line_of_garble_with_no_signal_character_is_reread():
    # The cases: every character garbled, the last byte rejected at the line's end.
    for line in ("（本文有删减）", "2020年7月16日"):
        garbled = as_gbk(line)
        (edit,) = find_utf8_as_gbk_edits(DOCUMENT + garbled + "\n")
        assert len(edit.after) == len(line)
        assert all(a == b or a == MISSING for a, b in zip(edit.after, line)), edit.after
    (edit,) = find_utf8_as_gbk_edits(DOCUMENT + as_gbk("（本文有删减）") + "\n")
    assert edit.after == "（本文有删减）"  # the bracket closes the one the line opened


def test_a_rejected_byte_the_context_cannot_decide_is_a_box_with_its_candidates():
    # 一 (E4 B8 80) before 、: E4 B8 80-BF are all characters; between the line's start and 、
    # nothing tells 一 from 中 or 个 by e**4, so it is □, and the note lists the best candidates.
    (edit,) = find_utf8_as_gbk_edits("通知\n" + as_gbk("一、总体要求") + "\n")
    assert edit.after.endswith("、总体要求") and edit.after[0] in ("一", MISSING)
    if edit.after[0] == MISSING:
        (first, *_) = edit.evidence["rejected_bytes"]
        assert first["char"] == MISSING and "一" in first["best"]


def test_two_numerals_are_never_told_apart_by_the_document():
    text = DOCUMENT + "第六章 附则\n" + as_gbk("第八章会议制度") + "\n"
    (edit,) = find_utf8_as_gbk_edits(text)
    assert edit.after[1] in (MISSING, "八") and edit.after[1] != "六"


def test_a_character_cut_short_before_ascii_is_named_only_when_the_document_has_one_such():
    # The page lost the last byte of 。 (E3 80 82) before "2020": 銆 (E3 80) stands there.
    cut = "落实责任。2020".encode("utf-8").replace(b"\xe3\x80\x82", b"\xe3\x80").decode("gbk", errors="replace")
    assert cut == "钀藉疄璐ｄ换銆2020"
    # The document's only character that starts E3 80 is 。: it is named.
    (edit,) = find_utf8_as_gbk_edits("通知\n认真落实工作措施。加强监管。\n" + cut + "\n")
    assert edit.after == "落实责任。2020"
    assert edit.evidence["cut_characters"] == [{"at": 4, "char": "。", "surviving_bytes": "e3 80"}]
    # 、 。 and 〔 all start E3 80 in this one: the character is □, not a guess.
    (edit,) = find_utf8_as_gbk_edits(DOCUMENT + cut + "\n")
    assert edit.after == "落实责任□2020" and edit.evidence["missing_chars"] == 1


def test_clean_lines_and_replacement_characters_alone_are_no_utf8_read_as_gbk():
    assert find_utf8_as_gbk_edits(DOCUMENT) == []
    assert find_utf8_as_gbk_edits(DOCUMENT + "\ufffd\ufffd\ufffd broken\n") == []


def test_the_documents_own_pair_of_a_character_and_a_mark_raises_its_margin():
    # 一 is E4 B8 80: before 、 (E3 80 81) the decoder rejects 80, and E4 B8 AA-AF (个, 中…)
    # would be rejected too. A document whose headings write 一、 makes 一 likelier there.
    plain = "关于做好工作的通知\n认真落实工作中的各项要求。\n"
    headings = "一、总体要求\n二、工作措施\n附件一\n一、工作目标\n二、工作任务\n附件二\n一、组织领导\n"
    margins = []
    for document in (plain, plain + headings):
        (edit,) = find_utf8_as_gbk_edits(document + as_gbk("一、加强组织领导") + "\n")
        first = edit.evidence["rejected_bytes"][0]
        assert first["best"][0] == "一"
        margins.append(first["margin_nats"])
    assert margins[1] > margins[0] + 1.5


# -- The Viterbi pass, kept compact, finds what the plain double loop finds -----------------------

from docrepair.stages.mojibake import lines as utf8_lines  # noqa: E402
from docrepair.stages.mojibake.scores import char_scores  # noqa: E402


def plain_likeliest_path(lattice, model):
    """The reference: a dict of (total, back) per position, every state before every candidate
    of every edge, the first of equal totals kept; the last character first in character order."""
    data, edges = lattice
    scores = char_scores(model)
    best = {0: {None: (0.0, None)}}
    for start in range(len(data)):
        for stop, chars, how in edges.get(start, ()) if best.get(start) else ():
            if how == "cut":
                named = utf8_lines._cut_candidates(chars[0], model)
                chars = (named[0],) if len(named) == 1 else (MISSING,)
            target = best.setdefault(stop, {})
            for previous, (score, _) in best[start].items():
                for ch in chars:
                    total = score + (utf8_lines._COST_CUT if how == "cut" else scores.score(previous, ch))
                    if ch not in target or total > target[ch][0]:
                        target[ch] = (total, (start, previous, how))
    final = best[len(data)]
    top = max(total for total, _ in final.values())
    ch = min((ch for ch, (total, _) in final.items() if total == top), key=lambda ch: ch or "")
    path, position = [], len(data)
    while position:
        start, previous, how = best[position][ch][1]
        path.append((ch, start, position, how))
        position, ch = start, previous
    return top, path[::-1]


def test_the_compact_viterbi_pass_finds_the_plain_double_loops_path_and_total():
    # 询 (E8 AF A2) before a Han character, a mark or a cut 。 loses both its last bytes to the
    # GBK decoder (AF A2 and A2 E3 are no GBK pairs): 512 or 576 states, ranked by kind before
    # the next character (best_han_state, best_mostly_alike_state; before 2 only the best of
    # them is scored, the same after all of them); after 中 (E4 B8 AD) a few
    # states before the 64 candidates of a rejected byte (the relaxation by columns).
    cut = "提供咨询。2020".encode("utf-8").replace(b"\xe3\x80\x82", b"\xe3\x80").decode("gbk", errors="replace")
    garbled = [as_gbk(line) for line in ("提供咨询。加强监管工作", "提供咨询中心", "提供咨询2020年", "加强咨询，加强监管", "一、总体要求", "（本文有删减）")] + [cut]
    model = load_charlm().with_document(DOCUMENT + "提供咨询服务\n")
    most_states = 0
    for line in garbled:
        lattice = utf8_lines._utf8_lattice(line)
        most_states = max([most_states] + [len(chars) for found in lattice[1].values() for stop, chars, how in found if stop < len(lattice[0])])
        score, path = utf8_lines._likeliest_path(lattice, model)
        assert (score, [step[:4] for step in path]) == plain_likeliest_path(lattice, model), line
    assert most_states >= 512
    # Two edges into one position (lattices no GBK text here makes): the second edge's new
    # character (家 after a) is added after the first edge's, and a better total (县 after 区,
    # a pair of the document) replaces the first edge's state.
    model = load_charlm().with_document("各区县人民政府：\n" * 10)
    for first, second, through in (("a", ("甲", "乙"), "家"), ("区", ("甲", "县"), "县")):
        edges = {0: [(1, (first,), "read"), (2, second, "rejected")], 1: [(2, (through, "乙", "家"), "rejected")], 2: [(3, ("人",), "read")]}
        score, path = utf8_lines._likeliest_path(([0x41, None, None], edges), model)
        assert (through, 1, 2, "rejected") in [step[:4] for step in path]
        assert (score, [step[:4] for step in path]) == plain_likeliest_path(([0x41, None, None], edges), model)
