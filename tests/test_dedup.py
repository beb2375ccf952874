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
    paragraph = "认真贯彻落实党中央、国务院的决策部署，牢固树立新发展理念。"
    text = f"一、总体要求\n特此通知。\n{paragraph}\n二、工作目标\n特此通知。\n{paragraph}\n三、保障措施\n"
    result = repair_text(text)
    # The long paragraph is a copy only under its own clause (un-numbered text belongs to the
    # clause it follows); under another chapter it is that chapter's text, and stays.
    assert _lines(result) == ["一、总体要求", "特此通知。", paragraph, "二、工作目标", "特此通知。", paragraph, "三、保障措施"]
    text = f"一、总体要求\n{paragraph}\n特此通知。\n{paragraph}\n二、工作目标\n"
    result = repair_text(text)
    assert _lines(result) == ["一、总体要求", paragraph, "特此通知。", "二、工作目标"]


def test_parallel_sub_items_under_different_articles_are_kept():
    """Laws repeat sub-items word for word under different articles: not copies."""
    text = (
        "第二十五条 专利代理机构不得有下列行为：\n（一）泄露委托人的发明创造内容，损害委托人利益；\n（二）接受对方当事人委托。\n"
        "第二十六条 专利代理人不得有下列行为：\n（一）同时在两个以上专利代理机构执业；\n（二）接受对方当事人委托。\n"
        "（三）泄露委托人的发明创造内容，损害委托人利益；\n"
    )
    result = repair_text(text)
    assert result.text == text
    assert not [n for n in result.notes if n.action in (Action.DROP_DUPLICATE, Action.MERGE, Action.MOVE)]


def test_a_table_of_contents_keeps_its_headings():
    text = (
        "目录\n第一章 总则\n第二章 管理\n第三章 附则\n第一章 总则\n第一条 为了规范管理，制定本办法。\n"
        "第二章 管理\n第二条 应当加强管理。\n第三章 附则\n第三条 本办法自公布之日起施行。\n"
    )
    result = repair_text(text)
    assert result.text == text
    assert not [n for n in result.notes if n.action in (Action.DROP_DUPLICATE, Action.MERGE, Action.MOVE)]


def test_a_pasted_block_still_goes():
    article = "第三条 用人单位应当按照下列规定支付工资：\n（一）按月足额支付；\n（二）不得克扣或者无故拖欠劳动者的工资。\n"
    text = "第一条 为了保障劳动者按时足额获得工资，制定本条例。\n第二条 本条例适用于各类用人单位。\n" + article + article + "第四条 本条例自公布之日起施行。\n"
    result = repair_text(text)
    assert result.text.count("第三条") == 1 and result.text.count("（二）不得克扣") == 1
    drops = [n for n in result.notes if n.action is Action.DROP_DUPLICATE]
    assert len(drops) == 3 and all(n.evidence.get("block_units") for n in drops)


def test_lines_that_differ_only_in_numbers_are_distinct():
    text = "".join(f"第{n}年度的工作计划和安排按照统一部署执行完毕。\n" for n in range(2001, 2011))
    text += "二、曾任法官、检察官三年以上。\n二、曾任法官、检察官五年以上。\n"
    assert repair_text(text).text == text


def test_a_twin_of_a_twin_below_min_ratio_to_the_kept_copy_stays():
    from rapidfuzz import fuzz

    from docrepair.keys import comparison_keys
    from docrepair.model import Role, Span, Unit
    from docrepair.stages.dedup import find_twins

    lines = [
        "市农委、市商务委、市公安局、市文化委、市卫生计生委、市工商局、市质监局负责落实",
        "市农委、市商务委、市公安局、市环保局、市文化委、市卫生计生委、市工商局、市质监局负责落实",
        "市网信办、市农委、市商务委、市公安局、市环保局、市文化委、市卫生计生委、市工商局、市质监局负责落实",
    ]
    units = [Unit(Role.PARAGRAPH, Span(0, len(line)), None, line) for line in lines]
    config = DedupConfig()
    twins = find_twins(units, config)
    keys = comparison_keys(lines)
    # 0~1 and 1~2 score 94-95, 0~2 only 89: the chain once dropped 0 in favour of 2.
    assert fuzz.ratio(keys[0], keys[1]) >= config.min_ratio > fuzz.ratio(keys[0], keys[2])
    assert 0 not in twins and twins[1].kept == 2
    for twin in twins.values():
        assert twin.kind == "exact" or fuzz.ratio(keys[twin.dropped], keys[twin.kept]) >= config.min_ratio


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


def test_a_responsibility_note_belongs_to_its_item():
    """Each item's list of responsible bodies is the point of a 任务分工 document: alike lists
    after different items all stay; the list pasted again with its item goes with it."""
    one = "1．坚持专项整治与日常监管相结合，定期组织开展专项整治行动。"
    two = "2．完善以随机抽查为重点的日常监督检查制度，强化监管。"
    three = "3．执法监管部门要充分发挥各自优势，加强执法协作。"
    note_one = "（市打击侵权假冒工作领导小组办公室牵头，市网信办、市农委、市商务委、市公安局按职责分工负责）"
    note_two = "（市打击侵权假冒工作领导小组办公室、市检察院牵头，市网信办、市农委、市商务委、市公安局按职责分工负责）"
    note_three = "（市网信办、市农委、市商务委、市公安局按职责分工负责）"
    text = "\n".join([one, note_one, two, note_two, three, note_three, two, note_two]) + "\n"
    result = repair_text(text)
    assert _lines(result) == [one, note_one, two, note_two, three, note_three]


def test_of_two_exact_copies_of_an_item_the_one_opening_its_heading_stays():
    """A continuing series (items 1．2．3． through the sections): the copy of item 2 after item 1
    is the stray, the one right under (二) is in place, although it comes later."""
    head = "关于加强工作的通知\n各区县人民政府：\n为做好相关工作，现通知如下。\n一、总体要求\n"
    item1, item2, item3 = "1．建立健全协作机制，加强信息共享。", "2．完善日常监督检查制度，落实监管责任。", "3．开展专项整治行动，严厉打击侵权行为。"
    text = head + f"（一）明确目标。\n{item1}\n{item2}\n（二）强化监管。\n{item2}\n{item3}\n"
    result = repair_text(text)
    assert result.text == head + f"（一）明确目标。\n{item1}\n（二）强化监管。\n{item2}\n{item3}\n"
    (drop,) = [note for note in result.notes if note.action is Action.DROP_DUPLICATE]
    assert drop.input_span.start == text.index(item2) and drop.evidence["kept_input_span"][0] == text.rindex(item2)


TAIWAN_LAW = [
    "動物用藥品管理法施行細則",
    "1.中華民國六十四年十一月二十一日經濟部令訂定發布全文五十六條。",
    "2.中華民國六十八年九月三日經濟部公告修正發布。",
    "3.中華民國九十四年五月四日行政院農業委員會令修正發布全文二十四條。",
    "第 1 條",
    "本細則依動物用藥品管理法第四十七條規定訂定之。",
    "第 2 條",
    "依本法第四條及第六條所為之檢驗包括下列事項：",
    "一、動物用藥品有無經核准之檢查。",
    "二、動物用藥品性狀、成分、質、量或強度等之化驗鑑定事項。",
    "第 3 條",
    "本細則自發布日施行。",
]


def test_a_law_pasted_after_itself_keeps_its_history_lines_above_the_articles():
    # Read in one pass, the second copy's history lines stand under the last article: the
    # first copy of that list is still the one in place.
    text = "\n".join(TAIWAN_LAW + TAIWAN_LAW[1:]) + "\n"
    assert _lines(repair_text(text)) == TAIWAN_LAW


def test_a_bare_article_marker_pasted_with_its_block_goes_with_it():
    # A history line and the bare 第 1 條 line after it pasted into article 2's items.
    pasted = TAIWAN_LAW[:9] + [TAIWAN_LAW[3], "第 1 條"] + TAIWAN_LAW[9:]
    assert _lines(repair_text("\n".join(pasted) + "\n")) == TAIWAN_LAW


def test_a_copy_of_an_article_cut_mid_sentence_goes():
    articles = [
        "第一条 为了规范农民工工资支付行为，保障农民工按时足额获得工资，制定本条例。",
        "第二条 保障农民工工资支付，适用本条例。",
        "第三条 县级以上地方人民政府对本行政区域内保障农民工工资支付工作负责，建立保障农民工工资支付工作协调机制。",
        "第四条 人力资源社会保障行政部门负责保障农民工工资支付工作的组织协调。",
    ]
    cut = "第三条 县级以上地方人民政府对本行政区域内保障农民工工资支付工作负责，建立保障"
    text = "\n".join(["保障农民工工资支付条例"] + articles[:3] + [cut] + articles[3:]) + "\n"
    result = repair_text(text)
    assert _lines(result) == ["保障农民工工资支付条例"] + articles
    (drop,) = [n for n in result.notes if n.action is Action.DROP_DUPLICATE]
    assert drop.before.strip() == cut and drop.evidence["match"] == "partial"


def test_a_few_words_of_an_article_cut_mid_sentence_go_but_a_whole_short_clause_stays():
    whole = "第十九条 对在义务植树和绿化工作中成绩显著的单位和个人，由县级以上人民政府给予表彰。"
    text = "\n".join(["某省全民义务植树条例", "第十八条 各单位应当按期报送义务植树登记卡。第十九条 对在义务植树和", whole, "第二十条 本条例自公布之日起施行。"]) + "\n"
    result = repair_text(text)
    assert _lines(result) == ["某省全民义务植树条例", "第十八条 各单位应当按期报送义务植树登记卡。", whole, "第二十条 本条例自公布之日起施行。"]
    (drop,) = [n for n in result.notes if n.action is Action.DROP_DUPLICATE]
    assert drop.before.strip() == "第十九条 对在义务植树和" and "cut mid-sentence" in drop.reason
    # Items that restart under each article may begin alike: a short one is kept.
    items = "第一条 下列人员应当参加：\n一、公民。\n二、单位职工。\n第二条 下列单位应当组织：\n一、公民\n一、公民所在单位。\n"
    assert repair_text(items).text == items


def test_a_bare_article_line_read_twice_alone_is_no_copy():
    # A garbled 第 20 條 read as 第 2 條: two bare lines with one marker prove no copy alone.
    law = TAIWAN_LAW[:6] + ["第 2 條", "本細則所稱動物用藥品，依本法定義。"] + TAIWAN_LAW[6:]
    result = repair_text("\n".join(law) + "\n")
    assert not [n for n in result.notes if n.action is Action.DROP_DUPLICATE]


def test_a_decree_pasted_after_its_appendix_keeps_its_items_before_the_appendix():
    """A decision's items 一、二、三、 stand above any article; pasted again after the appended
    interpretation's last article they read as that article's items, the parent 一、 usually has
    in a law. The block they came with was pasted whole, so the first copies are the ones in
    place (they were kept after the appendix, before)."""
    body = [
        "为了依法惩处非法行医犯罪，保障公民身体健康和生命安全，决定对《解释》作如下修改：",
        "一、删除《解释》第一条第二项。",
        "二、在《解释》第三条后增加一条，作为修改后《解释》第四条。",
        "三、在《解释》第五条中增加一款，作为第一款。",
        "根据本决定，对《解释》作相应修改并调整条文顺序后，重新公布。",
        "附：",
        "关于审理非法行医刑事案件具体应用法律若干问题的解释",
        "第一条 具有下列情形之一的，应认定为刑法第三百三十六条第一款规定的未取得医生执业资格的人非法行医。",
        "第二条 具有下列情形之一的，应认定为刑法第三百三十六条第一款规定的情节严重。",
        "第三条 具有下列情形之一的，应认定为刑法第三百三十六条第一款规定的严重损害就诊人身体健康。",
    ]
    title = "最高人民法院关于修改《关于审理非法行医刑事案件具体应用法律若干问题的解释》的决定"
    text = "\n".join([title] + body + body) + "\n"
    result = repair_text(text)
    assert _lines(result) == [title] + body
    moved = [n for n in result.notes if n.action is not Action.DROP_DUPLICATE]
    assert moved == []
    drops = [n for n in result.notes if n.action is Action.DROP_DUPLICATE]
    assert len(drops) == len(body) and all(n.input_span.start > len(title) + sum(len(b) + 1 for b in body) for n in drops)


def test_a_clause_copy_pasted_above_an_attached_report_s_title_is_the_one_that_goes():
    """A notice forwards a report: the report's 一、 pasted above the report's title (and its
    addressee 国务院：) opens the numbering there, but a clause never heads the document it is
    in. The copy in the report's body stays (it went, before, and the stray stayed)."""
    heading = "一、关于我国地震重点监视防御区的确定"
    notice = [
        "国务院办公厅转发国家地震局关于加强防震减灾工作意见报告的通知",
        "国办发〔1996〕2号",
        "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：",
        "国家地震局《关于加强防震减灾工作意见的报告》已经国务院同意，现转发给你们，请认真贯彻执行。",
        "国务院办公厅",
        "一九九六年二月五日",
    ]
    report = [
        "关于加强防震减灾工作意见的报告",
        "国务院：",
        "自80年代后期以来，我国的地震活动进入了一个新的活跃期，中强地震明显增多。",
        heading,
        "自70年代以来，我局每年都进行年度地震趋势会商，运用各种手段预测地震形势。",
        "二、关于1996年度地震重点危险区的判定",
        "年度地震趋势会商会是只根据震情因素，确定当年发震可能性较大的地区。",
    ]
    truth = "\n".join(notice + report) + "\n"
    damaged = "\n".join(notice + [heading] + report) + "\n"
    result = repair_text(damaged)
    assert result.text == truth
    (drop,) = [n for n in result.notes if n.action is Action.DROP_DUPLICATE]
    assert drop.input_span.start == damaged.index(heading)
    assert drop.evidence["kept_input_span"][0] == damaged.rindex(heading)


def test_a_law_pasted_again_from_its_history_line_keeps_the_history_line_above_its_articles():
    """The body pasted again begins with the history line 1. (no title before it): after the
    last article it reads as that article's item 1, its series' usual parent. The unit after
    it repeats the unit after the first copy, so the block was pasted whole and the first copy
    stays (it went, before, and the history line ended the law)."""
    title = "學校財團法人捐助章程訂定準則"
    body = [
        "1.中華民國九十八年三月二十五日教育部台參字第 0980043658C 號令訂定發布全文 10 條；並自發布日施行",
        "第 1 條",
        "本準則依私立學校法（以下簡稱本法）第十條第三項規定訂定之。",
        "第 2 條",
        "學校財團法人（以下簡稱學校法人）捐助章程應載明設立目的、事務所地址及辦學理念。",
        "第 3 條",
        "本準則自發布日施行。",
    ]
    text = "\n".join([title] + body + body) + "\n"
    result = repair_text(text)
    assert _lines(result) == [title] + body
    assert all(n.input_span.start >= len(title) + sum(len(b) + 1 for b in body) for n in result.notes if n.action is Action.DROP_DUPLICATE)
