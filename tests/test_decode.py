import codecs

import pytest

from docrepair.config import DecodeConfig
from docrepair.errors import DecodeError
from docrepair.stages.decode import decode_bytes

TEXT = "重庆市人民政府办公厅关于加强打击侵犯知识产权工作的通知。各区县人民政府，市政府有关部门："


@pytest.mark.parametrize(
    "data, encoding, bom",
    [
        (TEXT.encode("utf-8"), "utf-8", False),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8", True),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16-le", True),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16-be", True),
        (TEXT.encode("gb18030"), "gb18030", False),
    ],
)
def test_decodes_the_common_encodings(data, encoding, bom):
    decoded = decode_bytes(data)
    assert decoded.text == TEXT and decoded.encoding == encoding and decoded.bom is bom
    assert len(decoded.sha256) == 64


def test_big5_is_chosen_for_traditional_text():
    text = "瀘州市人民政府關於新形勢下加強打擊侵犯知識產權和製售假冒偽劣商品工作的實施意見，各縣區人民政府、市級有關部門。" * 3
    decoded = decode_bytes(text.encode("big5"))
    assert decoded.encoding == "big5" and decoded.text == text


def test_binary_input_is_a_one_line_error_naming_what_was_tried():
    with pytest.raises(DecodeError) as error:
        decode_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    message = str(error.value)
    assert "binary" in message and "utf-8" in message and "\n" not in message


def test_undecodable_bytes_name_the_candidates():
    with pytest.raises(DecodeError) as error:
        decode_bytes(bytes([0xFF, 0xFE - 1, 0x81, 0x30, 0xFF]) * 4)
    assert "gb18030" in str(error.value)


def test_forced_encoding_overrides_detection_and_unknown_codecs_are_errors():
    assert decode_bytes(TEXT.encode("gb18030"), DecodeConfig(encoding="gbk")).encoding == "gbk"
    with pytest.raises(DecodeError, match="unknown encoding"):
        decode_bytes(b"abc", DecodeConfig(encoding="no-such-codec"))
    with pytest.raises(DecodeError, match="not valid utf-8"):
        decode_bytes(TEXT.encode("gb18030"), DecodeConfig(encoding="utf-8"))
