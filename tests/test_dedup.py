from docrepair import repair_text
from docrepair.config import DedupConfig, RepairConfig
from docrepair.model import Action


def _lines(result):
    return [line for line in result.text.splitlines() if line.strip()]


BODY = [
    "一、总体要求",
    "（一）指导思想。认真贯彻落实党中央、国务院的决策部署，牢固树立新发展理念。",
    "（二）工作目标。到2020年，侵权假冒多发的势头得到有效遏制，市场监管体系明显提升。",
    "二、重点工作",
    "（三）加快推进信用体系建设。全面实施统一社会信用代码制度，建立覆盖各领域的信用记录。",
]


def test_a_body_pasted_twice_is_kept_once_in_order():
    text = "\n".join(["关于加强打击侵权工作的通知"] + BODY + BODY) + "\n"
    result = repair_text(text)
    assert _lines(result) == ["关于加强打击侵权工作的通知"] + BODY
    drops = [n for n in result.notes if n.action is Action.DROP_DUPLICATE]
    assert len(drops) == len(BODY)
    # Every dropped copy names its kept twin, and the twin really is the same text.
    for note in drops:
        kept = note.evidence["kept_input_span"]
        assert text[kept[0] : kept[1]] == note.before.strip()
        assert note.evidence["match"] == "exact" and note.evidence["block_units"]


def test_short_lone_repeats_are_left_alone_but_long_ones_go():
    clause = "（一）指导思想。认真贯彻落实党中央、国务院的决策部署，牢固树立新发展理念。"
    text = f"一、总体要求\n特此通知。\n{clause}\n二、工作目标\n特此通知。\n三、保障措施\n{clause}\n"
    result = repair_text(text)
    assert _lines(result) == ["一、总体要求", "特此通知。", clause, "二、工作目标", "特此通知。", "三、保障措施"]


def test_a_truncated_copy_gives_way_to_the_complete_one():
    full = "7．建立健全行政执法部门与司法机关信息共享、案情通报、案件移送制度。完善行政执法部门与司法机关间有关案件咨询、督查督办等工作机制。"
    truncated = "7．建立健全行政执法部门与司法机关信息共享、案情通报、案件移送制度。"
    result = repair_text(f"{truncated}\n8．调整充实基层执法力量，加强业务培训。\n{full}\n")
    # The complete copy is kept, and the order stage puts 7 back before 8.
    assert _lines(result) == [full, "8．调整充实基层执法力量，加强业务培训。"]
    (note,) = [n for n in result.notes if n.action is Action.DROP_DUPLICATE]
    assert note.evidence["match"] == "partial" and note.evidence["containment"] == 1.0


def test_a_near_copy_in_the_other_script_is_found():
    simplified = "（三）加快推进信用体系建设。全面实施统一社会信用代码制度，建立覆盖各领域、各环节的市场主体信用记录。"
    traditional = "（三）加快推進信用體系建設。全面實施統一社會信用代碼制度，建立覆蓋各領域、各環節的市場主體信用記錄,。"
    result = repair_text(f"{simplified}\n{traditional}\n")
    assert _lines(result) == [simplified] or _lines(result) == [traditional.replace(",。", "。")]
    (note,) = [n for n in result.notes if n.action is Action.DROP_DUPLICATE]
    assert note.evidence["match"] in ("exact", "near")


def test_clauses_with_different_numbers_are_never_copies():
    tail = "（市农委、市商务委、市公安局、市文化委、市卫生计生委、市工商局、市质监局、市食品药品监管局、市林业局按职责分工负责）"
    text = f"（五）加强执法监管信息化建设。{tail}\n（七）加快推动地方性法规制修订。{tail}\n"
    assert repair_text(text).text == text


def test_thresholds_are_config():
    text = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰\n甲乙丙丁戊己庚辛壬癸子丑寅卯辰\n"
    assert len(repair_text(text).notes) == 1
    strict = RepairConfig(dedup=DedupConfig(min_unit_chars=40))
    assert repair_text(text, strict).notes == ()


def test_the_sketch_route_finds_what_the_exact_route_finds_on_the_samples(sample_results):
    """Above exact_max_units units dedup sketches with MinHash LSH instead of scoring every
    pair; forced onto that route, the samples come out the same."""
    from conftest import SAMPLES
    from docrepair import repair_file
    from docrepair.config import DedupConfig, RepairConfig

    sketched = RepairConfig(dedup=DedupConfig(exact_max_units=0))
    for path in SAMPLES:
        assert repair_file(path, sketched).text == sample_results[path.name].text, path.name
