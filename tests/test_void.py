"""Voiding (作废): a mistaken or duplicate entry leaves the ledger without being deleted, counts nowhere, and
comes back with unvoid or undo; every refusal is one sentence and writes nothing."""

import csv
import io
import json

import pytest
from openpyxl import Workbook, load_workbook


def _show(cli, entry_id) -> dict:
    return cli.json("show", entry_id, "--format", "json", "--unmasked")


def _ids(cli, *args) -> list[int]:
    return [row["id"] for row in cli.json("list", "--format", "json", *args)]


def _refused(cli, snapshot, *args) -> str:
    before = snapshot()
    stderr = cli(*args, code=1).stderr
    assert snapshot() == before, f"riskreg {' '.join(map(str, args))} failed but changed the register"
    return stderr


@pytest.fixture
def two(cli, register):
    """Entry 1 overdue, escalated and unaccountable, reported twice: entry 2 is the duplicate, voided."""
    first = cli.add("S03", "某工地拖欠农民工工资", "东村", "--due", "2026-06-20", as_of="2026-06-01")
    cli("escalate", first, "--to", "县信访局", "--reason", "涉及外县企业", as_of="2026-06-02")
    second = cli.add("S03", "某工地拖欠工资（东村上报）", "东村", "--due", "2026-06-15", "--level", "major",
                     as_of="2026-06-03")
    cli("escalate", second, "--to", "县信访局", "--reason", "涉及外县企业", as_of="2026-06-03")
    return first, second


# ---------------------------------------------------------------- void, show, list


def test_void_takes_the_duplicate_off_the_ledger_and_the_survivor_says_so(cli, two):
    first, second = two
    out = cli("void", second, "--reason", "两村重复上报", "--duplicate-of", first).stdout
    assert out == f"条目 {second}：已作废，是条目 {first} 的重复。\n"
    voided = _show(cli, second)
    assert voided["status"] == "voided" and voided["title"] == "某工地拖欠工资（东村上报）"
    assert voided["history"][-1]["action"] == "void"
    assert voided["history"][-1]["changes"] == {"status": {"old": "open", "new": "voided"}}
    assert voided["history"][-1]["text"] == f"duplicate of entry {first}: 两村重复上报"
    survivor = _show(cli, first)
    assert (survivor["history"][-1]["action"], survivor["history"][-1]["changes"]) == ("duplicate", {})
    assert survivor["history"][-1]["text"] == f"entry {second} voided as a duplicate of this one: 两村重复上报"
    assert _ids(cli) == [first]
    assert _ids(cli, "--status", "voided") == [second]
    assert _ids(cli, "--status", "active") == [first]
    assert "作废" in cli("show", second).stdout
    assert "voided" in cli("--lang", "en", "show", second).stdout
    row = cli.json("list", "--status", "voided", "--format", "json")[0]
    assert not any(row[flag] for flag in ("overdue", "due_soon", "stale", "escalated"))  # flags count nowhere
    assert "全部检查通过" in cli("check").stdout


def test_unvoid_puts_back_the_status_it_had(cli, register):
    entry_id = cli.add()
    cli("mitigate", entry_id, "--measures", "专人盯守")
    cli("void", entry_id, "--reason", "登记错误")
    assert cli("unvoid", entry_id, "--reason", "并非错误").stdout == f"条目 {entry_id}：已恢复到台账上，状态为管控中。\n"
    shown = _show(cli, entry_id)
    assert shown["status"] == "mitigated" and shown["measures"] == "专人盯守"
    assert (shown["history"][-1]["action"], shown["history"][-1]["text"]) == ("unvoid", "并非错误")
    assert _ids(cli) == [entry_id]
    assert "全部检查通过" in cli("check").stdout


def test_a_closed_entry_may_be_voided_and_comes_back_closed(cli, register):
    entry_id = cli.add(as_of="2026-06-01")
    cli("close", entry_id, "--verified-by", "李华", "--resolution", "已支付", as_of="2026-06-10")
    cli("void", entry_id, "--reason", "重复登记")
    assert cli.json("report", "--format", "json")["totals"]["closed"] == 0
    cli("unvoid", entry_id, "--reason", "并非重复")
    assert (_show(cli, entry_id)["status"], _show(cli, entry_id)["watch_until"]) == ("closed", "2026-07-10")
    assert cli.json("report", "--format", "json")["totals"]["closed"] == 1


# ---------------------------------------------------------------- refusals


@pytest.mark.parametrize("args, sentence", [
    (["void", "2", "--reason", "again"], "Error: Entry 2 is voided; `void` applies only to open or mitigated or "
                                         "closed or consolidated entries.\n"),
    (["unvoid", "1", "--reason", "x"], "Error: Entry 1 is open; `unvoid` applies only to voided entries.\n"),
    (["note", "2", "已回访"], "Error: Entry 2 is voided; `note` applies only to open or mitigated or closed or "
                           "consolidated entries.\n"),
    (["assign", "2", "--leader", "王明"], "Error: Entry 2 is voided; `assign` applies only to open or mitigated "
                                         "entries.\n"),
    (["close", "2", "--verified-by", "李华", "--resolution", "x"],
     "Error: Entry 2 is voided; `close` applies only to open or mitigated entries.\n"),
    (["void", "1", "--reason", "x", "--duplicate-of", "1"], "Error: Entry 1 cannot be a duplicate of itself.\n"),
    (["void", "1", "--reason", "x", "--duplicate-of", "9"], "Error: There is no entry 9 in the register.\n"),
    (["void", "1", "--reason", "x", "--duplicate-of", "2"],
     "Error: Entry 2 is voided itself; name the entry that stays on the ledger.\n"),
    (["void", "1", "--reason", "  "], "Error: The reason must not be empty.\n"),
    (["void", "9", "--reason", "x"], "Error: There is no entry 9 in the register.\n"),
    (["unvoid", "2", "--reason", ""], "Error: The reason must not be empty.\n"),
])
def test_refusals_are_one_sentence_and_write_nothing(cli, two, snapshot, args, sentence):
    cli("void", "2", "--reason", "重复")
    assert _refused(cli, snapshot, *args) == sentence


def test_an_entry_imported_voided_cannot_say_what_it_was(cli, register, tmp_path, monkeypatch, snapshot):
    cli.add()
    line = json.loads(cli("export").stdout)
    line["status"] = line["history"][0]["changes"]["status"]["new"] = "voided"  # voided from its first event on
    path = tmp_path / "old.jsonl"
    path.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    monkeypatch.setenv("RISKREG_DB", str(tmp_path / "fresh.db"))
    cli("init")
    cli("import", path)
    assert _show(cli, 1)["status"] == "voided" and _ids(cli) == []
    assert "全部检查通过" in cli("check").stdout
    assert _refused(cli, snapshot, "unvoid", "1", "--reason", "x") == (
        "Error: Entry 1's history does not say what status it had before it was voided.\n")


# ---------------------------------------------------------------- counted nowhere


def test_a_voided_entry_counts_in_no_total_group_list_or_flag(cli, two):
    first, second = two
    cli("void", second, "--reason", "重复", as_of="2026-06-05")  # voided long ago: stale, were it counted
    report = cli.json("report", "--format", "json", "--since", "2026-06-01")
    assert report["totals"] == {"all": 1, "open": 1, "mitigated": 0, "closed": 0, "consolidated": 0,
                                "overdue": 1, "unaccountable": 1, "stale": 1, "due_soon": 0}
    assert report["by_level"]["major"] == 0
    assert all(counts == {"open": 0, "mitigated": 0, "closed": 0, "consolidated": 0}
               for level, counts in report["by_level_status"].items() if level != "general")
    assert [(r["unit"], r["open"], r["overdue"]) for r in report["by_unit"]] == [("东村", 1, 1)]
    labour = next(r for r in report["by_department"] if r["code"] == "LABOUR")
    assert (labour["open"], labour["overdue"], labour["closed"]) == (1, 1, 0)
    for name in ("overdue", "unaccountable", "stale"):
        assert [item["id"] for item in report[name]] == [first]
    assert report["since"]["added"] == 1
    rows = list(csv.DictReader(io.StringIO(cli("report", "--format", "csv").stdout)))
    assert rows[0]["section"] == "total" and (rows[0]["open"], rows[0]["closed"]) == ("1", "0")
    assert _ids(cli, "--overdue") == [first] and _ids(cli, "--unaccountable") == [first]
    summary = cli("--lang", "en", "summary").stdout
    assert "某工地拖欠工资（东村上报）" not in summary and "某工地拖欠农民工工资" in summary
    html = cli("report", "--format", "html").stdout
    assert "东村上报" not in html and "某工地拖欠农民工工资" in html


def test_the_trend_leaves_a_voided_entry_out_of_every_day(cli, two):
    first, second = two
    cli("void", second, "--reason", "重复", as_of="2026-06-25")
    days = {d["day"]: d for d in cli.json("trend", "--since", "2026-06-01", "--format", "json")["days"]}
    assert days["2026-06-01"]["open"] == 1 and days["2026-06-05"]["open"] == 1  # as if never added
    assert days["2026-06-17"]["overdue"] == 0 and days["2026-06-21"]["overdue"] == 1
    assert days["2026-07-01"] == {"day": "2026-07-01", "open": 1, "overdue": 1, "closed": 0}
    # A window starting after the void (the entry unchanged within it) leaves it out too.
    assert cli.json("trend", "--since", "2026-06-28", "--format", "json")["days"][0]["open"] == 1


def test_the_trend_counts_an_unvoided_entry_except_while_voided(cli, two):
    first, second = two
    cli("void", second, "--reason", "重复", as_of="2026-06-10")
    cli("unvoid", second, "--reason", "并非重复", as_of="2026-06-20")
    days = {d["day"]: d for d in cli.json("trend", "--since", "2026-06-01", "--format", "json")["days"]}
    assert [days[day]["open"] for day in ("2026-06-05", "2026-06-15", "2026-06-25")] == [2, 1, 2]
    assert days["2026-06-15"]["closed"] == 0


# ---------------------------------------------------------------- undo


def test_undo_of_a_mistaken_add_voids_it_and_goes_further_back(cli, register):
    kept = cli.add(title="燃气管道老化", risk="P01")
    cli("note", kept, "已巡查")
    mistaken = cli.add(title="录错的事项")
    assert cli("--lang", "en", "undo").stdout == f"Entry {mistaken}: undid add; the entry is voided.\n"
    shown = _show(cli, mistaken)
    assert shown["status"] == "voided"
    assert (shown["history"][-1]["action"], shown["history"][-1]["text"]) == ("undo", "undoes add of 2026-07-01: voided")
    assert _ids(cli) == [kept]
    assert cli("--lang", "en", "undo").stdout == f"Entry {kept}: undid note.\n"
    assert cli("--lang", "en", "undo").stdout == f"Entry {kept}: undid add; the entry is voided.\n"
    assert _ids(cli) == [] and _ids(cli, "--status", "voided") == [kept, mistaken]
    assert cli("undo", code=1).stderr == "Error: There is nothing to undo.\n"
    cli("unvoid", mistaken, "--reason", "并非录错")
    assert _show(cli, mistaken)["status"] == "open"
    assert "全部检查通过" in cli("check").stdout


def test_undo_of_a_void_unvoids_and_of_an_unvoid_voids_again(cli, two):
    first, second = two
    cli("void", second, "--reason", "重复", "--duplicate-of", first)
    assert cli("--lang", "en", "undo").stdout == f"Entry {second}: undid voiding.\n"
    assert _show(cli, second)["status"] == "open" and _ids(cli) == [first, second]
    assert cli("--lang", "en", "undo").stdout == f"Entry {first}: undid duplicate record.\n"
    cli("void", second, "--reason", "重复")
    cli("unvoid", second, "--reason", "并非重复")
    cli("undo")
    assert _show(cli, second)["status"] == "voided"
    assert "全部检查通过" in cli("check").stdout


# ---------------------------------------------------------------- import, export, copy


def test_jsonl_export_import_and_copy_carry_the_voided_entry(cli, two, tmp_path):
    first, second = two
    cli("void", second, "--reason", "重复", "--duplicate-of", first)
    exported = tmp_path / "all.jsonl"
    cli("export", "--output", exported)
    lines = [json.loads(line) for line in exported.read_text(encoding="utf-8").splitlines()]
    assert [(line["id"], line["status"]) for line in lines] == [(first, "open"), (second, "voided")]
    imported, copied = tmp_path / "imported.db", tmp_path / "copied.db"
    cli("--db", imported, "init")
    cli("--db", imported, "import", exported)
    cli("copy", "--to", copied)
    for db in (imported, copied):
        assert cli.json("--db", db, "show", second, "--format", "json")["status"] == "voided"
        assert cli.json("--db", db, "report", "--format", "json")["totals"]["all"] == 1
        assert "全部检查通过" in cli("--db", db, "check").stdout
        cli("--db", db, "unvoid", second, "--reason", "并非重复")  # the history says what it was
        assert cli.json("--db", db, "show", second, "--format", "json")["status"] == "open"


def test_an_xlsx_export_writes_作废_and_an_import_takes_it(cli, two, tmp_path, monkeypatch):
    first, second = two
    cli("void", second, "--reason", "重复")
    out = tmp_path / "voided.xlsx"
    cli("export", "--format", "xlsx", "--status", "voided", "--output", out)
    sheet = load_workbook(out).worksheets[0]
    rows = [row for row in sheet.iter_rows(values_only=True) if any(row)]
    status_column = rows[0].index("状态")
    assert [row[status_column] for row in rows[1:]] == ["作废"]
    # A town's own ledger: a title row merged across, a voided row among the others, its status 作废.
    book = Workbook()
    ws = book.active
    ws.append(["某镇风险隐患台账"])
    ws.merge_cells("A1:F1")
    ws.append(["风险编码", "村(社区)", "标题", "风险等级", "状态", "责任部门"])
    ws.append(["S03", "东村", "欠薪问题", "较大", "待化解", "劳动保障中心"])
    ws.append(["P01", "南社区", "重复上报的燃气隐患", "一般", "作废", "应急管理办"])
    town = tmp_path / "town.xlsx"
    book.save(town)
    monkeypatch.setenv("RISKREG_DB", str(tmp_path / "fresh.db"))
    cli("init")
    assert "Imported 2 entries" in cli("--lang", "en", "import", town).stdout
    assert [(r["title"], r["status"]) for r in cli.json("list", "--status", "voided", "--format", "json")] == [
        ("重复上报的燃气隐患", "voided")]
    assert cli.json("report", "--format", "json")["totals"]["all"] == 1
    assert "全部检查通过" in cli("check").stdout


def test_a_returned_sheet_cannot_void_an_entry(cli, two, tmp_path, snapshot):
    first, _ = two
    out = tmp_path / "sheet.xlsx"
    cli("export", "--format", "xlsx", "--unmasked", "--output", out)
    book = load_workbook(out)
    ws = book.worksheets[0]
    header = [cell.value for cell in ws[1]]
    ws.cell(row=2, column=header.index("状态") + 1, value="作废")
    book.save(out)
    before = snapshot()
    stderr = cli("import", "--update", out, code=1).stderr
    assert "a returned sheet cannot void an entry; `riskreg void ID --reason TEXT` does" in stderr
    assert snapshot() == before
