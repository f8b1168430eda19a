"""The worst bug riskreg can have at its boundary: a filled cell of a returned sheet lost without a word.

A Hypothesis property, end to end through `riskreg import`: sheets laid out as town offices lay them out
(built-in headings, a 四个一 group over the four ones in a two-row header, a 序号 column, a 备注 column,
a column riskreg does not know, one with no heading), saved as .xlsx or as CSV (UTF-8 with a byte-order
mark, or GBK as WPS saves it). Every import either refuses as a whole, leaving the register as it was and
naming any column of data it has no field for, or stores every filled cell: in the entry's field, in its
history as a note, or passed over because its column is 序号 or named by --ignore.
"""

import csv
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from riskreg.cli import app

PROPERTY = settings(max_examples=100, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
# Characters GBK can hold, so the same sheet can be saved either way: Chinese, Latin, digits, punctuation.
TEXT = st.text(alphabet="风险隐患东西村工资拖欠纠纷排查化解已约谈专班方案abcXYZ0123456789 ，。、-（）()", min_size=1,
               max_size=14)
LEVELS = {"重大风险": "major", "较大": "significant", "一般风险": "general", "低": "low", "蓝": "low"}
UNKNOWN = "联系电话"

# Heading -> (field, the cells it gets). Two headings of one field never go in the same sheet.
COLUMNS = {
    "风险编码": ("risk", st.sampled_from(["S03", "Ｓ０３", "H02", "P01"])),
    "所在村": ("unit", st.sampled_from(["东村", "西村", "南社区"])),
    "隐患名称": ("title", TEXT),
    "问题描述": ("detail", TEXT),
    "风险等级": ("level", st.sampled_from(sorted(LEVELS))),
    "责任领导": ("leader", TEXT),
    "工作专班": ("task_force", TEXT),
    "化解措施": ("plan", TEXT),
    "整改时限": ("due", st.dates(date(2026, 7, 1), date(2027, 12, 31))),
    "备注": ("note", TEXT),
    "序号": ("row number", st.none()),  # filled in by the row's position below
    UNKNOWN: (None, st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)),
    None: (None, TEXT),  # a column with no heading
}
FOUR_ONES = ("责任领导", "工作专班", "化解措施", "整改时限")
OPTIONAL = [h for h, (field, _) in COLUMNS.items() if field not in (None, "risk", "unit", "title", "row number")]


@st.composite
def town_sheets(draw):
    headings = ["序号", "风险编码", "所在村", "隐患名称", *draw(st.lists(st.sampled_from(OPTIONAL), max_size=7, unique=True))]
    if draw(st.integers(0, 3)) == 0:  # now and then a column riskreg has no field for
        headings.append(draw(st.sampled_from([UNKNOWN, None])))
    if not draw(st.booleans()):
        headings.remove("序号")
    rows = []
    for number in range(1, draw(st.integers(1, 5)) + 1):
        row = []
        for heading in headings:
            field, cells = COLUMNS[heading]
            if heading == "序号":
                row.append(number)
            elif field in ("risk", "unit", "title"):
                row.append(draw(st.one_of(cells, st.just(None)) if draw(st.integers(0, 9)) == 0 else cells))
            else:
                row.append(draw(st.one_of(st.none(), cells)))
        rows.append(row)
    return {"headings": headings, "rows": rows, "grouped": draw(st.booleans()),
            "format": draw(st.sampled_from(["xlsx", "utf-8-sig", "gbk"])),
            "ignore": draw(st.booleans()) and UNKNOWN in headings}


def written(case: dict, folder: Path) -> Path:
    """The sheet as the town saves it: a merged title row, then the header (two rows when the four ones are
    grouped under 四个一), then the rows; dates as dates in a workbook and as 2026/7/31 in CSV."""
    headings, grouped = case["headings"], case["grouped"] and any(h in FOUR_ONES for h in case["headings"])
    first_of_group = [h in FOUR_ONES and (i == 0 or headings[i - 1] not in FOUR_ONES) for i, h in enumerate(headings)]
    top = [("四个一" if first else (None if h in FOUR_ONES else h)) for h, first in zip(headings, first_of_group)]
    header = [top, [(h if h in FOUR_ONES else None) for h in headings]] if grouped else [headings]
    title = ["XX镇重大活动前风险隐患排查化解台账"] + [None] * (len(headings) - 1)
    if case["format"] == "xlsx":
        path = folder / "台账.xlsx"
        book = Workbook()
        sheet = book.active
        for row in [title, *header, *case["rows"]]:
            sheet.append(row)
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headings))
        book.save(path)
        return path
    path = folder / "台账.csv"
    with path.open("w", encoding=case["format"], newline="") as handle:
        writer = csv.writer(handle)
        for row in [title, *header, *case["rows"]]:
            writer.writerow(["" if v is None else f"{v.year}/{v.month}/{v.day}" if isinstance(v, date) else v
                             for v in row])
    return path


def stored(value, field: str, entry: dict) -> bool:
    if field == "risk":
        return entry["risk"] == value.replace("Ｓ", "S").replace("０", "0").replace("３", "3")
    if field == "level":
        return entry["level"] == LEVELS[value]
    if field == "due":
        return entry["due"] == value.isoformat()
    if field == "note":
        return [e["text"] for e in entry["history"] if e["action"] == "note"] == [value.strip()]
    return entry[field] == value.strip()


@pytest.mark.sqlite_only
@given(case=town_sheets())
@PROPERTY
def test_every_filled_cell_is_stored_or_the_import_refuses(cli, monkeypatch, case):
    with tempfile.TemporaryDirectory() as folder:
        monkeypatch.setenv("RISKREG_DB", str(Path(folder) / "register.db"))
        cli("init")
        before = (Path(folder) / "register.db").read_bytes()
        path = written(case, Path(folder))
        extra = ["--ignore", UNKNOWN] if case["ignore"] else []
        result = cli.runner.invoke(app, ["--as-of", "2026-07-01", "import", str(path), *extra])
        headings = case["headings"]
        event("imported" if result.exit_code == 0 else "refused")
        if result.exit_code != 0:
            assert result.exit_code == 1 and "Traceback" not in result.output, result.output
            assert (Path(folder) / "register.db").read_bytes() == before
            for index, heading in enumerate(headings):
                if COLUMNS[heading][0] is None and heading not in extra and any(r[index] for r in case["rows"]):
                    assert (heading or "无表头") in result.stderr, result.stderr
            return
        filled = [row for row in case["rows"] if any(
            v is not None and (not isinstance(v, str) or v.strip()) for h, v in zip(headings, row)
            if h != "序号" and h not in extra)]
        for number, row in enumerate(filled, 1):
            entry = cli.json("show", number, "--format", "json", "--unmasked")
            for heading, value in zip(headings, row):
                field = COLUMNS[heading][0]
                if value is None or (isinstance(value, str) and not value.strip()) or heading == "序号" or heading in extra:
                    continue
                assert field is not None, (heading, value, result.stdout)  # data with no field was taken in
                assert stored(value, field, entry), (heading, value, entry)
        assert len(cli.json("list", "--format", "json")) == len(filled)
