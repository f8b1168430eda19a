"""Small hostile files and arguments: each is one sentence, in bounded time and memory, and writes nothing.

Cases that once exhausted memory run in a child process with its address space capped, so a regression
fails the test instead of the machine.
"""

import os
import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from conftest import problem_lines
from openpyxl import Workbook

MEMORY_CAP = 1_500_000_000
HEADERS = ["风险编码", "村(社区)", "标题"]


def _sheet(path: Path, rows: list[list]) -> Path:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def _ledger(path: Path) -> Path:
    return _sheet(path, [HEADERS, ["S03", "东村", "拖欠工资"], ["S01", None, "宅基地纠纷"], ["P01", None, "燃气管道"]])


def _merged(source: Path, target: Path, ref: str) -> Path:
    """A copy with one merged range written straight into the XML (openpyxl would make a cell for each cell covered)."""
    return _edited(source, target, SHEET, lambda xml: xml.replace(
        b"</sheetData>", f'</sheetData><mergeCells count="1"><mergeCell ref="{ref}"/></mergeCells>'.encode()))


def _edited(source: Path, target: Path, member: str, edit) -> Path:
    """A copy of an .xlsx with one part's XML changed."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item)
            new.writestr(item, edit(data) if item.filename == member else data)
    return target


def _bounded(*args: str) -> subprocess.CompletedProcess:
    """riskreg in a child process that may use at most MEMORY_CAP bytes and 60 seconds."""
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))

    return subprocess.run([sys.executable, "-m", "riskreg", "--lang", "en", "--as-of", "2026-07-01", *map(str, args)],
                          capture_output=True, text=True, timeout=60, preexec_fn=cap, env=os.environ.copy())


def _one_sentence(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 1, (done.returncode, done.stderr[-2000:])
    assert done.stderr.startswith("Error: ") and done.stderr.count("\n") == 1, done.stderr[-2000:]
    return done.stderr


SHEET = "xl/worksheets/sheet1.xml"


@pytest.mark.parametrize("ref", ["A3:XFD1048576", "A3:Z100000"])
def test_a_huge_merged_range_is_clipped_to_the_cells_in_use(register, tmp_path, snapshot, ref):
    # A3:XFD1048576 took more than 6 GB and ended in MemoryError; A3:Z100000 took 69 s.
    path = _merged(_ledger(tmp_path / "base.xlsx"), tmp_path / "merged.xlsx", ref)
    before = snapshot()
    started = time.perf_counter()
    done = _bounded("import", path, "--dry-run")
    assert time.perf_counter() - started < 20
    # A3's value goes down A3:A4, the part of the range in use, and not across: rows 3 and 4 have no village.
    assert done.returncode == 1 and [line.split()[:2] for line in done.stderr.splitlines()[2:]] == [
        ["3", "村(社区)"], ["4", "村(社区)"]], done.stderr
    assert snapshot() == before


def test_a_village_merged_down_the_whole_column_is_read_within_the_rows_in_use(cli, register, tmp_path):
    path = _merged(_ledger(tmp_path / "base.xlsx"), tmp_path / "town.xlsx", "B2:B1048576")
    assert "Imported 3 entries" in _bounded("import", path).stdout
    assert [e["unit"] for e in cli.json("list", "--format", "json")] == ["东村"] * 3


def test_rows_past_the_limit_are_refused_before_they_are_read(register, tmp_path, snapshot):
    path = _ledger(tmp_path / "long.xlsx")
    path = _edited(path, tmp_path / "longer.xlsx", SHEET, lambda xml: xml.replace(
        b"</sheetData>", b'<row r="100001"><c r="A100001" t="inlineStr"><is><t>S03</t></is></c></row></sheetData>'))
    before = snapshot()
    assert "has data in row 100,001; riskreg imports at most 100,000 rows" in _one_sentence(_bounded("import", path))
    assert snapshot() == before


def test_a_million_row_sheet_is_refused_quickly_in_little_memory(register, tmp_path):
    # A dry run of 1,048,576 rows took 304 s and 6 GB.
    path = tmp_path / "million.xlsx"
    with zipfile.ZipFile(_ledger(tmp_path / "base.xlsx")) as base, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as big:
        for item in base.infolist():
            if item.filename != SHEET:
                big.writestr(item, base.read(item))
        head, _, tail = base.read(SHEET).partition(b"</sheetData>")
        with big.open(SHEET, "w", force_zip64=True) as sheet:
            sheet.write(head)
            for start in range(5, 1_048_577, 10_000):
                sheet.write(b"".join(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>S03</t></is></c><c r="B%d" '
                                     b't="inlineStr"><is><t>x</t></is></c></row>' % (n, n, n)
                                     for n in range(start, min(start + 10_000, 1_048_577))))
            sheet.write(b"</sheetData>" + tail)
    started = time.perf_counter()
    assert "has data in row 100,001" in _one_sentence(_bounded("import", path, "--dry-run"))
    assert time.perf_counter() - started < 30


@pytest.mark.parametrize("suffix", ["xlsx", "csv", "xls", "ods"])
def test_a_file_over_the_size_limit_is_refused_unread(cli, register, tmp_path, suffix):
    path = tmp_path / f"huge.{suffix}"
    with path.open("wb") as handle:  # sparse: no disk is spent on it
        handle.truncate(50_000_001)
    assert "larger than 50 MB" in cli("import", path, code=1).stderr


def declared_huge(path: Path, member: str) -> Path:
    """The zip file with `member` declared 4 GB unpacked in its central directory, as a zip bomb would."""
    data = bytearray(path.read_bytes())
    entry = data.find(b"PK\x01\x02")
    while entry != -1:
        name_length = int.from_bytes(data[entry + 28:entry + 30], "little")
        if data[entry + 46:entry + 46 + name_length] == member.encode():
            data[entry + 24:entry + 28] = (0xFFFF_FFFE).to_bytes(4, "little")
        entry = data.find(b"PK\x01\x02", entry + 4)
    path.write_bytes(bytes(data))
    return path


def test_a_zip_bomb_is_refused_by_its_unpacked_size(cli, register, tmp_path):
    path = declared_huge(_ledger(tmp_path / "bomb.xlsx"), SHEET)
    assert "unpacks to 4,295 MB; riskreg reads workbooks that unpack to at most 500 MB" in \
        cli("import", path, code=1).stderr


# Billion laughs: each entity is ten of the one before, i expands to a gigabyte.
LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE z [<!ENTITY a "aaaaaaaaaa">'
          + b"".join(b'<!ENTITY %c "%s">' % (name, b"&%c;" % (name - 1) * 10) for name in b"bcdefghi") + b"]>")
XXE = b'<?xml version="1.0"?><!DOCTYPE z [<!ENTITY x SYSTEM "file:///etc/passwd">]>'


def _with_dtd(dtd: bytes, entity: bytes, before: bytes):
    """XML with a DTD, and an entity used just before `before`."""
    def edit(xml: bytes) -> bytes:
        body = xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml
        return dtd + body.replace(before, b"&" + entity + b";" + before, 1)
    return edit


HOSTILE_PARTS = {
    "malformed-sheet": (SHEET, lambda xml: xml[:len(xml) // 2]),
    "laughs-in-sheet": (SHEET, _with_dtd(LAUGHS, b"i", b"</t>")),
    "laughs-in-workbook": ("xl/workbook.xml", _with_dtd(LAUGHS, b"i", b'" sheetId')),
    "xxe-in-sheet": (SHEET, _with_dtd(XXE, b"x", b"</t>")),
    "xxe-in-workbook": ("xl/workbook.xml", _with_dtd(XXE, b"x", b'" sheetId')),
    "bad-number": (SHEET, lambda xml: xml.replace(b'<c r="A2" t="inlineStr"><is><t>S03</t></is></c>',
                                                  b'<c r="A2"><v>S03</v></c>')),
    "bad-shared-string": (SHEET, lambda xml: xml.replace(b'<c r="A2" t="inlineStr"><is><t>S03</t></is></c>',
                                                         b'<c r="A2" t="s"><v>99</v></c>')),
    "bad-row-number": (SHEET, lambda xml: xml.replace(b'<row r="2"', b'<row r="two"')),
}


@pytest.mark.parametrize("dry_run", [[], ["--dry-run"]], ids=["import", "dry-run"])
@pytest.mark.parametrize("case", sorted(HOSTILE_PARTS))
def test_damaged_or_hostile_xml_is_one_sentence(cli, register, tmp_path, snapshot, case, dry_run):
    member, edit = HOSTILE_PARTS[case]
    path = _edited(_ledger(tmp_path / "base.xlsx"), tmp_path / f"{case}.xlsx", member, edit)
    before = snapshot()
    stderr = cli("import", path, *dry_run, code=1).stderr
    assert "is not a readable .xlsx workbook" in stderr and "passwd" not in stderr
    assert snapshot() == before


def test_a_workbook_of_charts_only_is_one_sentence(cli, register, tmp_path):
    from openpyxl.chart import BarChart, Reference

    workbook = Workbook()
    workbook.active.append([1])
    chart = BarChart()
    chart.add_data(Reference(workbook.active, min_col=1, min_row=1, max_row=1))
    workbook.create_chartsheet().add_chart(chart)
    workbook.save(tmp_path / "both.xlsx")
    path = _edited(tmp_path / "both.xlsx", tmp_path / "charts.xlsx", "xl/workbook.xml",
                   lambda xml: xml.replace(b'<sheet name="Sheet" sheetId="1" state="visible" r:id="rId1" />', b""))
    assert "has no worksheet (only charts)" in cli("import", path, code=1).stderr


def test_a_csv_cell_past_the_csv_modules_limit_is_one_sentence(cli, register, tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("风险编码,村(社区),标题\nS03,东村,拖欠工资\nS03,东村," + "x" * 140_000 + "\n", encoding="utf-8")
    assert "row 3 has a cell longer than 131,072 characters" in cli("import", path, code=1).stderr


# A dry run whose rows are slowed down by replacing the CLI's progress wrapper (the hook) in its own process;
# it touches the marker file when the first row is read.
_SLOW_DRY_RUN = r"""
import pathlib, sys, time
import riskreg.cli.transfer

marker = pathlib.Path(sys.argv[1])

def slowly(items, description, total=None):
    for item in items:
        marker.touch()
        time.sleep(0.03)
        yield item

riskreg.cli.transfer.progress = slowly
from riskreg.cli import main
sys.argv = ["riskreg", "--as-of", "2026-07-01", *sys.argv[2:]]
main()
"""


def _many_lines(cli, tmp_path: Path, count: int) -> Path:
    """An export of `count` entries (one entry's line under new ids and titles), for import --new-ids."""
    import copy
    import json

    cli.add("S03", "样本", "东村")
    line = json.loads(cli("export").stdout)
    lines = []
    for n in range(1, count + 1):
        entry = copy.deepcopy({**line, "id": n, "title": f"样本{n}"})  # the same title twice would be refused
        entry["history"][0]["changes"]["title"]["new"] = entry["title"]
        lines.append(json.dumps(entry, ensure_ascii=False) + "\n")
    path = tmp_path / "many.jsonl"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _many_rows(cli, tmp_path: Path, count: int) -> Path:
    path = tmp_path / "many.csv"
    path.write_text("风险编码,村(社区),标题\n" + "".join(f"S03,东村,第{n}项\n" for n in range(count)), encoding="utf-8")
    return path


@pytest.mark.parametrize("make", [_many_rows, _many_lines], ids=["csv", "jsonl"])
def test_a_dry_run_lets_others_write_meanwhile(cli, register, tmp_path, monkeypatch, make):
    # A dry run of 200k rows once held the write lock throughout, and a concurrent `add` failed as busy.
    path = make(cli, tmp_path, 100)
    marker = tmp_path / "reading"
    dry_run = subprocess.Popen([sys.executable, "-c", _SLOW_DRY_RUN, str(marker), "import", str(path), "--dry-run",
                                "--new-ids"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        while not marker.exists() and dry_run.poll() is None:
            time.sleep(0.05)
        monkeypatch.setenv("RISKREG_BUSY_TIMEOUT", "0.5")
        added = cli.add("S01", "同时登记", "西村")  # while the dry run reads its rows, slowed to 3 s in all
        stdout, stderr = dry_run.communicate(timeout=60)
    finally:
        dry_run.kill()
    assert dry_run.returncode == 0 and "导入 100 个条目" in stdout, stderr
    assert added == cli.json("list", "--format", "json")[-1]["id"]


GBK = "事故".encode("gbk")  # what a GBK terminal sends: not UTF-8, so Python keeps it as lone surrogates


@pytest.mark.parametrize("argv, named", [
    ([b"add", b"S03", b"--title", GBK, b"--unit", "东村".encode()], "--title"),
    ([b"add", b"S03", b"--title", b"t", b"--unit=" + GBK], "--unit"),
    ([b"note", b"1", GBK], "the argument"),
    ([b"--actor", GBK, b"note", b"1", b"x"], "--actor"),
    ([b"--db", b"/tmp/" + GBK + b".db", b"list"], "--db"),
], ids=["add-title", "add-unit", "note", "actor", "db"])
def test_an_argument_that_is_not_utf8_is_one_sentence(register, snapshot, argv, named):
    before = snapshot()
    done = subprocess.run([sys.executable, "-m", "riskreg", *argv], capture_output=True, timeout=60,
                          env={**os.environ, "LC_ALL": "C.UTF-8", "RISKREG_LANG": "en"})
    stderr = done.stderr.decode()
    assert done.returncode == 1 and stderr.count("\n") == 1, stderr
    assert stderr.startswith(f"Error: {named} '") and "\\xca¹\\xca" in stderr and "is not UTF-8 text" in stderr, stderr
    assert snapshot() == before


def test_an_environment_variable_that_is_not_utf8_is_one_sentence(register, snapshot):
    before = snapshot()
    done = subprocess.run([sys.executable, "-m", "riskreg", "add", "S03", "--title", "t", "--unit", "u"],
                          capture_output=True, timeout=60, env={**os.environb, b"RISKREG_ACTOR": GBK, b"RISKREG_LANG": b"en"})
    assert done.returncode == 1 and done.stderr.decode().startswith("Error: RISKREG_ACTOR '"), done.stderr.decode()
    assert snapshot() == before


def test_a_limit_too_large_for_the_database_is_a_usage_error(cli, register):
    result = cli("list", "--limit", "99999999999999999999", code=2)
    assert "2147483647 or less" in result.stderr and "Traceback" not in result.stderr


def _exported_line(cli) -> dict:
    import json

    cli.add("S03", "样本", "东村")
    return json.loads(cli("export", "--unmasked").stdout)


@pytest.mark.parametrize("text, problem", [
    ("\\ud800", "half of a UTF-16 pair"), ("a\\u0000b", "NUL"), ("\\udfff\\ud800", "half of a UTF-16 pair"),
], ids=["lone-high", "nul", "reversed-pair"])
@pytest.mark.parametrize("where", ["title", "history text"])
def test_text_no_database_can_store_is_a_bad_line(cli, register, tmp_path, snapshot, text, problem, where):
    import json

    line = _exported_line(cli)
    line["id"] = 2
    encoded = json.dumps(line, ensure_ascii=False)
    if where == "title":
        encoded = encoded.replace('"样本"', f'"样本{text}"')
    else:
        encoded = encoded.replace('"history": [{', '"history": [{"text": "' + text + '", ', 1).replace('"text": null', '"_": null', 1)
        encoded = encoded.replace(', "_": null', "")
    path = tmp_path / "bad.jsonl"
    path.write_text(encoded + "\n", encoding="utf-8")
    before = snapshot()
    for dry_run in ([], ["--dry-run"]):
        stderr = cli("import", path, *dry_run, code=1).stderr
        assert problem_lines(stderr)[1].startswith("1 ") and problem in stderr, stderr
    assert snapshot() == before


def test_undo_of_an_event_naming_an_unknown_field_is_one_sentence(cli, register, snapshot):
    # Import now refuses unknown fields, but a register an older riskreg imported into may hold one.
    from test_leaks import _append_event

    cli.add()
    _append_event(register, changes={"colour": {"old": None, "new": "red"}})
    before = snapshot()
    assert "names a field riskreg does not know ('colour'); undo cannot revert it" in cli("undo", code=1).stderr
    assert snapshot() == before


def test_an_endless_jsonl_line_is_refused_at_its_limit(register, tmp_path, snapshot):
    endless = tmp_path / "endless.jsonl"
    endless.symlink_to("/dev/zero")  # NUL bytes are UTF-8, and no newline ever comes
    before = snapshot()
    assert "Line 1 of" in _one_sentence(_bounded("import", endless, "--dry-run"))
    assert snapshot() == before


def test_a_deeply_nested_jsonl_line_is_a_bad_line(cli, register, tmp_path):
    path = tmp_path / "deep.jsonl"
    path.write_text("[" * 100_000 + "\n", encoding="utf-8")
    assert problem_lines(cli("import", path, code=1).stderr)[1:] == ["1 nested too deeply to be an entry"]


@pytest.mark.parametrize("content, refusal", [
    (None, "is larger than 100,000 bytes"),  # /dev/zero: read until the limit, never whole
    ("a: " + "[" * 5000 + "]" * 5000 + "\n", "nests a value (line 1)"),  # RecursionError in the composer before
    ("a: &x title\nb: *x\n", "uses YAML anchors or aliases"),
    ("隐患名称:\n  - title\n", "nests a value (line 2)"),
])
def test_a_hostile_mapping_file_is_one_sentence(register, tmp_path, snapshot, content, refusal):
    mapping = tmp_path / "mapping.yaml"
    if content is None:
        mapping.symlink_to("/dev/zero")
    else:
        mapping.write_text(content, encoding="utf-8")
    sheet = _ledger(tmp_path / "ledger.xlsx")
    before = snapshot()
    assert refusal in _one_sentence(_bounded("import", sheet, "--mapping", mapping, "--dry-run"))
    assert snapshot() == before
