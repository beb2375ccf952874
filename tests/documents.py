"""Generated official documents for property tests: the GB/T 9704 layout (title, number,
addressees, chapters 一、, sections （一）, items 1．, signature, date) filled with random Han
text, so no two clauses are alike by accident."""

from __future__ import annotations

import random
from dataclasses import dataclass

from hypothesis import strategies as st

#: Common Han characters (the first block of GB2312 level 1 as Unicode ranges would be uneven;
#: a fixed string of frequent characters keeps text readable in failure reports).
HAN = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研质"
CN_NUMERALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五"]


@dataclass(frozen=True)
class Clause:
    marker: str
    text: str

    @property
    def line(self) -> str:
        return self.marker + self.text


def han_text(rng: random.Random, min_chars: int, max_chars: int) -> str:
    return "".join(rng.choice(HAN) for _ in range(rng.randint(min_chars, max_chars)))


def sentence(rng: random.Random) -> str:
    return han_text(rng, 8, 30) + rng.choice(["，", "、"]) + han_text(rng, 6, 24) + "。"


@st.composite
def documents(draw, max_chapters: int = 3, max_sections: int = 3, max_items: int = 3, min_items: int = 0):
    """A clean document as a list of lines. The layout comes from hypothesis; the wording from
    one drawn seed, so shrinking simplifies the layout but clauses stay distinct (shrinking
    the characters themselves makes every clause "一一一…", and identical clauses are
    duplicates by definition)."""
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    lines = [
        "关于" + han_text(rng, 6, 16) + "的通知",
        draw(st.sampled_from(["国办发", "渝府发", "川府办发"])) + f"〔20{draw(st.integers(10, 24))}〕{draw(st.integers(1, 200))}号",
        "各" + han_text(rng, 3, 8) + "人民政府，" + han_text(rng, 3, 8) + "部门：",
        "".join(sentence(rng) for _ in range(draw(st.integers(1, 2)))),
    ]
    item_number = 0
    for chapter in range(draw(st.integers(1, max_chapters))):
        lines.append(f"{CN_NUMERALS[chapter]}、{han_text(rng, 4, 12)}")
        for section in range(draw(st.integers(1, max_sections))):
            lines.append(f"（{CN_NUMERALS[section]}）{han_text(rng, 4, 12)}。")
            for _ in range(draw(st.integers(min_items, max_items))):
                item_number += 1
                lines.append(f"{item_number}．" + "".join(sentence(rng) for _ in range(draw(st.integers(1, 3)))))
    lines.append(han_text(rng, 4, 8) + "人民政府")
    lines.append(f"20{draw(st.integers(10, 24))}年{draw(st.integers(1, 12))}月{draw(st.integers(1, 28))}日")
    return lines
