"""Mutated real files fed to `import` and `import --dry-run`: exit 0, 1 or 2 only, never a traceback, one
sentence on failure, and a register unchanged by every failure and every dry run.

Seeds are a riskreg export (xlsx, csv, jsonl) and a town sheet laid out by hand (title rows, a two-row
merged header, a village merged down its rows). Each example applies a few byte-level edits, splicing in
tokens that have broken importers before; an .xlsx is edited inside one of its XML parts and zipped again,
or, now and then, as raw zip bytes. derandomize=True and no example database: CI runs the same cases.
"""

import io
import tempfile
import zipfile
from datetime import date
from functools import cache
from pathlib import Path

from conftest import is_user_error
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from typer.testing import CliRunner

from riskreg.cli import app

FUZZ = settings(max_examples=300, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

XML_TOKENS = [b"<", b">", b'"', b"&", b"&amp;", b"&lol;", b"<!DOCTYPE x []>", b"</sheetData>", b"<row>",
              b'<row r="100001"><c r="A100001"><v>1</v></c></row>', b'<row r="0">', b'<c r="XFD1048576"><v>1</v></c>',
              b'<c r="A1" t="s"><v>99999</v></c>', b'<c t="d"><v>not a date</v></c>', b'<c t="n"><v>1e999</v></c>',
              b'<c t="b"><v>7</v></c>', b'<c t="e"><v>#REF!</v></c>',
              b'<mergeCells><mergeCell ref="A1:XFD1048576"/></mergeCells>', b'<mergeCell ref="B2:A1"/>',
              b'<mergeCell ref="ZZZZ1:A0"/>', b"\x00", b"\xff\xfe", "事故".encode("gbk"), b"9" * 30]
TEXT_TOKENS = [b",", b'"', b"\r", b"\n", b"\r\n", b"\x00", b"\t", b"'=", b"=HYPERLINK(1)", b"\xef\xbb\xbf",
               "事故".encode("gbk"), "村（社区）".encode(), b"99999999999999999999", b"-1", b"2026-02-30", b"46204.5",
               b"\xed\xa0\x80", b"x" * 140_000]
JSON_TOKENS = [b"{", b"}", b"[", b"]", b'"', b",", b":", b"null", b"true", b"1e999", b"-0", b"99999999999999999999",
               b'\\ud800', b'\\u0000', b'\\udfff\\ud800', b'"id": 0', b'"history": []', b'"changes": {"x": 1}',
               b'"action": "\\u001b[31m"', b"[" * 5000, b"\xff", "事故".encode("gbk")]


def _edit(seed: bytes, edits: list[tuple[str, int, int, bytes]]) -> bytes:
    data = bytearray(seed)
    for kind, where, byte, token in edits:
        at = where % (len(data) + 1)
        if kind == "flip" and data:
            data[at % len(data)] ^= 1 << (byte % 8)
        elif kind == "delete":
            del data[at:at + 1 + byte % 64]
        elif kind == "insert":
            data[at:at] = token
        elif kind == "replace":
            data[at:at + len(token)] = token
        elif kind == "truncate":
            del data[at:]
        elif kind == "repeat":
            data[at:at] = data[at:at + 1 + byte] * 3
    return bytes(data)


def edits(tokens: list[bytes]) -> st.SearchStrategy:
    return st.lists(st.tuples(st.sampled_from(["flip", "delete", "insert", "replace", "truncate", "repeat"]),
                              st.integers(0, 2**31), st.integers(0, 255), st.sampled_from(tokens)),
                    min_size=1, max_size=4)


def _rezipped(workbook: bytes, member: int, changes: list) -> bytes:
    """The workbook with one of its parts edited."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        items = old.infolist()
        chosen = items[member % len(items)].filename
        for item in items:
            data = old.read(item)
            new.writestr(item.filename, _edit(data, changes) if item.filename == chosen else data)
    return out.getvalue()


@cache
def seeds() -> dict[str, bytes]:
    """A small ledger exported in every format, and a town's own sheet, made once in a register of their own."""
    folder = Path(tempfile.mkdtemp(prefix="riskreg-fuzz-seeds-"))
    runner, db = CliRunner(), ["--db", str(folder / "seed.db"), "--as-of", "2026-07-01", "--actor", "seed"]

    def run(*args: str) -> bytes:
        result = runner.invoke(app, [*db, *args])
        assert result.exit_code == 0, result.output
        return result.stdout_bytes

    run("init")
    run("add", "S03", "--title", "某工地拖欠农民工工资", "--unit", "东村", "--level", "major")
    run("assign", "1", "--leader", "王明", "--plan", "约谈企业\n限期清偿", "--due", "2026-07-20")
    run("add", "P01", "--title", "燃气管道老化，电话13912345678", "--unit", "南社区")
    run("close", "2", "--verified-by", "李华", "--resolution", "已更换", "--on", "2026-07-01")
    run("add", "H02", "--title", "=HYPERLINK(\"x\")", "--unit", "西村")
    found = {}
    for fmt in ("xlsx", "csv", "jsonl"):
        run("export", "--format", fmt, "--unmasked", "--output", str(folder / f"export.{fmt}"))
        found[f"export.{fmt}"] = (folder / f"export.{fmt}").read_bytes()
    found["town.xlsx"] = _town_sheet()
    found["town.csv"] = "某镇风险隐患台账\n风险编码,村（社区）,标题,风险等级,完成时限\nS03,东村,拖欠工资,重大,2026/7/1\n" \
                        "S01,东村,宅基地纠纷,较大,2026年7月1日\n".encode("gb18030")
    return found


def _town_sheet() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["某镇重大活动风险隐患排查台账"])
    sheet.append(["填报单位：某镇综治办", None, None, None, None, "填报日期：2026年6月30日"])
    sheet.append(["编号", "风险编码", "村（社区）", "标题", "风险等级", "四个一", None, None])
    sheet.append([None, None, None, None, None, "牵头领导", "工作方案", "完成时限"])
    sheet.append([1, "S03", "东村", "拖欠工资", "重大", "王明", "约谈", date(2026, 7, 1)])
    sheet.append([2, "S01", None, "宅基地纠纷", "较大风险", "李四", None, 46204])
    sheet.append([3, "P01", None, "燃气管道", "一般", None, None, "2026年7月1日"])
    for span in ("A1:H1", "A2:E2", "F3:H3", "A3:A4", "B3:B4", "C3:C4", "D3:D4", "E3:E4", "C5:C7"):
        sheet.merge_cells(span)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _import(snapshot, tmp_path: Path, name: str, data: bytes, dry_run: bool, new_ids: bool) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    before = snapshot()
    argv = ["--as-of", "2026-07-01", "import", str(path)] + ["--dry-run"] * dry_run + ["--new-ids"] * new_ids
    result = CliRunner().invoke(app, argv)
    shown = f"{argv}: exit {result.exit_code}, {result.exception!r}\n{result.stderr[-3000:]}"
    assert result.exit_code in (0, 1, 2), shown
    assert result.exception is None or isinstance(result.exception, SystemExit), shown
    assert "Traceback" not in result.stdout + result.stderr, shown
    if result.exit_code == 1:
        assert is_user_error(result.stderr), shown
    if result.exit_code or dry_run:
        assert snapshot() == before, f"{shown}\nthe register changed"
    # For --hypothesis-show-statistics: how far into import the cases get.
    event(f"exit {result.exit_code}: " + " ".join(result.stderr.split()[1:6]).split(str(tmp_path))[-1])


@FUZZ
@given(seed=st.sampled_from(["export.xlsx", "town.xlsx"]), raw=st.booleans(), member=st.integers(0, 99),
       changes=edits(XML_TOKENS), dry_run=st.booleans(), new_ids=st.booleans())
def test_mutated_xlsx(register, snapshot, tmp_path, seed, raw, member, changes, dry_run, new_ids):
    data = seeds()[seed]
    mutated = _edit(data, changes) if raw and member % 4 == 0 else _rezipped(data, member, changes)
    _import(snapshot, tmp_path, "fuzz.xlsx", mutated, dry_run, new_ids)


@FUZZ
@given(seed=st.sampled_from(["export.csv", "town.csv"]), changes=edits(TEXT_TOKENS), dry_run=st.booleans(),
       new_ids=st.booleans())
def test_mutated_csv(register, snapshot, tmp_path, seed, changes, dry_run, new_ids):
    _import(snapshot, tmp_path, "fuzz.csv", _edit(seeds()[seed], changes), dry_run, new_ids)


@FUZZ
@given(changes=edits(JSON_TOKENS), dry_run=st.booleans(), new_ids=st.booleans())
def test_mutated_jsonl(register, snapshot, tmp_path, changes, dry_run, new_ids):
    _import(snapshot, tmp_path, "fuzz.jsonl", _edit(seeds()["export.jsonl"], changes), dry_run, new_ids)


def test_the_seeds_import_cleanly(cli, register, tmp_path):
    # Unmutated, every seed is a good import: the fuzzing starts from files that work.
    for name, data in seeds().items():
        path = tmp_path / name
        path.write_bytes(data)
        cli("import", path, "--dry-run")
