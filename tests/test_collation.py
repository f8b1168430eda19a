"""Names in the order their readers look them up: pinyin under zh (riskreg.collation), code points under en."""

import subprocess
import sys

import pytest

from riskreg.collation import in_reading_order

VILLAGES = ["西村", "东村", "南社区", "北村", "工业园社区", "城关镇东村"]


@pytest.mark.pure
def test_common_names_sort_by_pinyin_without_loading_pypinyin():
    code = ("import sys; from riskreg.collation import in_reading_order as o; "
            f"print(o({VILLAGES!r}, str, 'zh')); print('pypinyin' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    assert out == [str(["北村", "城关镇东村", "东村", "工业园社区", "南社区", "西村"]), "False"]


@pytest.mark.pure
def test_a_rarer_character_is_read_by_pypinyin_and_the_whole_table_follows():
    # 垭 (yā) is second-level GB2312, ordered by radical there; 畈 (fàn) too
    assert in_reading_order(["西村", "垭口村", "畈上村", "东村"], str, "zh") == ["东村", "畈上村", "西村", "垭口村"]


@pytest.mark.pure
def test_english_and_mixed_names_sort_by_code_point_under_en():
    assert in_reading_order(["Water", "Comp", "Labour", "东村"], str, "en") == ["Comp", "Labour", "Water", "东村"]
    assert in_reading_order([{"n": "西村"}, {"n": "东村"}], lambda row: row["n"], "en") == [{"n": "东村"}, {"n": "西村"}]


def test_the_summary_orders_villages_and_departments_by_pinyin_and_json_keeps_its_order(cli, register):
    for unit, risk in (("西村", "S03"), ("东村", "H02"), ("北村", "P01"), ("南社区", "G01")):
        cli.add(risk, "某事项", unit)
    summary = cli("--lang", "zh", "summary").stdout
    units = summary[summary.index("按村（社区）"):].splitlines()[3:7]
    assert [line.split()[0] for line in units] == ["北村", "东村", "南社区", "西村"]
    departments = summary[summary.index("按责任部门"):summary.index("按村（社区）")].splitlines()[3:]
    names = [line.split()[1] for line in departments if line.strip()]
    assert names.index("劳动保障中心") < names.index("派出所") < names.index("综治中心")
    report = cli.json("report", "--format", "json")
    assert [row["code"] for row in report["by_department"]][:2] == ["COMP", "POLICE"]  # the catalogue's order
