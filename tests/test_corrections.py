"""Dynamic management at the command line: `edit`, `regrade` and `escalate --clear`.

Every refusal is one sentence and writes nothing; every change is one history event (two for `edit --level`),
replayed by `check` and reverted by `undo`; the report's `since` counts regradings up and down.
(The status table itself, edit and regrade included, is tests/test_lifecycle.py's; voided entries are the
void commands'.)
"""

import pytest

CHECKED = "全部检查通过"


def show(cli, entry_id, **kwargs) -> dict:
    return cli.json("show", str(entry_id), "--format", "json", "--unmasked", **kwargs)


def refused(cli, snapshot, *args, as_of="2026-07-01") -> str:
    """A command that must fail as a user error, write nothing, and leave a register `check` passes."""
    before = snapshot()
    stderr = cli(*args, code=1, as_of=as_of).stderr
    assert snapshot() == before, f"riskreg {' '.join(map(str, args))} failed but changed the register"
    assert CHECKED in cli("check").stdout
    return stderr


def undone(cli, entry_id, before: dict, as_of: str = "2026-07-01") -> None:
    """`undo` brings the entry's fields back to `before`, and `check` still passes."""
    cli("undo", as_of=as_of)
    after = show(cli, entry_id, as_of=as_of)
    assert {k: v for k, v in after.items() if k not in ("history", "updated_on", "stale")} == \
        {k: v for k, v in before.items() if k not in ("history", "updated_on", "stale")}
    assert CHECKED in cli("check").stdout


@pytest.fixture
def entry(cli, register) -> int:
    return cli.add("S03", "某工地拖欠农民工工资", "东村", "--detail", "涉及12人", as_of="2026-06-01")


# ---------------------------------------------------------------- edit

def test_edit_corrects_title_detail_unit_and_risk_with_the_category(cli, entry):
    before = show(cli, entry)
    out = cli("--lang", "en", "edit", entry, "--title", "某工地拖欠工资", "--detail", "涉及15人", "--unit", "西村", "--risk", "p01",
              "--reason", "村里报错了").stdout
    assert out == f"Entry {entry}: corrected title, detail, unit, risk.\n"
    after = show(cli, entry)
    assert (after["title"], after["detail"], after["unit"], after["risk"], after["category"]) == (
        "某工地拖欠工资", "涉及15人", "西村", "P01", "P")
    event = after["history"][-1]
    assert (event["action"], event["text"], event["on"]) == ("edit", "村里报错了", "2026-07-01")
    assert event["changes"]["unit"] == {"old": "东村", "new": "西村"}
    assert event["changes"]["risk"] == {"old": "S03", "new": "P01"}
    assert CHECKED in cli("check").stdout
    undone(cli, entry, before)


def test_edit_with_a_blank_detail_clears_it_and_search_no_longer_finds_it(cli, entry):
    """A detail typed with a person's particulars in it must be removable; the history keeps what it was."""
    before = show(cli, entry)
    assert cli("--lang", "en", "edit", entry, "--detail", "", "--reason", "含个人信息").stdout == \
        f"Entry {entry}: corrected detail.\n"
    after = show(cli, entry)
    assert after["detail"] is None
    assert after["history"][-1]["changes"] == {"detail": {"old": "涉及12人", "new": None}}
    assert "清除详情（原为 涉及12人）" in cli("--lang", "zh", "show", entry).stdout
    assert cli.json("list", "--search", "涉及12", "--format", "json") == []
    assert CHECKED in cli("check").stdout
    undone(cli, entry, before)
    assert [row["id"] for row in cli.json("list", "--search", "涉及12", "--format", "json")] == [entry]


def test_edit_corrects_a_consolidated_entry(cli, entry):
    cli("close", entry, "--verified-by", "李核查", "--resolution", "已兑付", as_of="2026-06-01")
    cli("consolidate", entry)
    cli("edit", entry, "--unit", "南村", "--reason", "所在村登记错误")
    assert (show(cli, entry)["unit"], show(cli, entry)["status"]) == ("南村", "consolidated")


def test_edit_with_a_level_records_the_edit_then_the_regrade(cli, entry):
    before = show(cli, entry)
    out = cli("--lang", "en", "edit", entry, "--title", "某工地拖欠工资", "--level", "较大", "--reason", "核实后更正").stdout
    assert out == f"Entry {entry}: corrected title; regraded to significant.\n"
    history = show(cli, entry)["history"]
    assert [(e["action"], list(e["changes"]), e["text"]) for e in history[-2:]] == [
        ("edit", ["title"], "核实后更正"), ("regrade", ["level"], "核实后更正")]
    assert CHECKED in cli("check").stdout
    cli("undo")
    assert (show(cli, entry)["title"], show(cli, entry)["level"]) == ("某工地拖欠工资", "general")
    undone(cli, entry, before)


def test_edit_with_only_a_level_is_a_regrade(cli, entry):
    assert cli("--lang", "en", "edit", entry, "--level", "red", "--reason", "事态扩大").stdout == f"Entry {entry}: regraded to major.\n"
    assert [e["action"] for e in show(cli, entry)["history"]] == ["add", "regrade"]


def test_edit_with_nothing_to_edit_is_refused(cli, entry, snapshot):
    assert refused(cli, snapshot, "edit", entry, "--reason", "无") == (
        "Error: Nothing to edit: give at least one of --title, --detail, --unit, --risk or --level.\n")


def test_edit_to_the_same_values_is_refused(cli, entry, snapshot):
    stderr = refused(cli, snapshot, "edit", entry, "--title", "某工地拖欠农民工工资", "--unit", "东村", "--reason", "无")
    assert stderr == f"Error: Entry {entry} already has those values; nothing changed.\n"


def test_edit_to_the_same_level_refuses_the_whole_command(cli, entry, snapshot):
    """One command, one transaction: the edit already checked is not written when its regrade is refused."""
    stderr = refused(cli, snapshot, "edit", entry, "--title", "新标题", "--level", "一般", "--reason", "无")
    assert stderr == f"Error: Entry {entry} is already graded general; nothing changed.\n"


@pytest.mark.parametrize("option,value,sentence", [
    ("--risk", "Z99", "There is no risk 'Z99'; use one of: G01, G02,"),
    ("--level", "特大", "There is no level '特大'; use one of: major 重大 red,"),
    ("--title", " ", "The title must not be empty."),
    ("--title", "a\nb", "The title contains control characters or line breaks."),
])
def test_edit_refuses_an_unknown_or_empty_value(cli, entry, snapshot, option, value, sentence):
    assert sentence in refused(cli, snapshot, "edit", entry, option, value, "--reason", "更正")


def test_edit_refuses_a_unit_the_catalogue_does_not_list(cli, register, snapshot, tmp_path):
    from riskreg.domain.catalogue import bundled_catalogue_path

    catalogue = tmp_path / "catalogue.yaml"
    catalogue.write_text(bundled_catalogue_path().read_text(encoding="utf-8").replace("units: []", "units: [东村, 西村]"),
                         encoding="utf-8")
    cli("catalogue", "load", catalogue)
    entry = cli.add("S03", "某工地拖欠农民工工资", "东村")
    assert "There is no unit '北村'; use one of: 东村, 西村." in refused(cli, snapshot, "edit", entry, "--unit", "北村",
                                                                "--reason", "更正")
    cli("edit", entry, "--unit", "西村", "--reason", "更正")


@pytest.mark.parametrize("command", [["edit", "--title", "新标题"], ["regrade", "--level", "major"]])
@pytest.mark.parametrize("reason", ["", "  ", "\u3000"])
def test_an_empty_reason_is_refused(cli, entry, snapshot, command, reason):
    assert refused(cli, snapshot, command[0], entry, *command[1:], "--reason", reason) == (
        "Error: The reason must not be empty.\n")


@pytest.mark.parametrize("command", [["edit", "--title", "新标题"], ["regrade", "--level", "major"]])
def test_a_missing_reason_is_a_usage_error_as_for_reopen(cli, entry, snapshot, command):
    before = snapshot()
    assert "Missing option '--reason'" in cli(command[0], entry, *command[1:], code=2).stderr
    assert snapshot() == before


def test_a_correction_of_a_missing_entry_is_refused(cli, entry, snapshot):
    assert refused(cli, snapshot, "edit", 99, "--title", "x", "--reason", "y") == (
        "Error: There is no entry 99 in the register.\n")


# ---------------------------------------------------------------- regrade

def test_regrade_up_and_down_and_show_the_path(cli, entry):
    before = show(cli, entry)
    assert cli("--lang", "en", "regrade", entry, "--level", "较大", "--reason", "人数增加", as_of="2026-07-02").stdout == (
        f"Entry {entry}: regraded to significant.\n")
    cli("regrade", entry, "--level", "重大风险", "--reason", "出现聚集苗头", as_of="2026-07-09")
    assert "一般风险 → 较大风险 (2026-07-02) → 重大风险 (2026-07-09)" in cli("show", entry, as_of="2026-07-09").stdout
    assert "general → significant (2026-07-02) → major (2026-07-09)" in cli(
        "--lang", "en", "show", entry, as_of="2026-07-09").stdout
    data = show(cli, entry, as_of="2026-07-09")
    assert data["level"] == "major"
    assert data.keys() == before.keys()  # JSON keeps its shape: the path is in the history
    assert [e["changes"]["level"] for e in data["history"][-2:]] == [
        {"old": "general", "new": "significant"}, {"old": "significant", "new": "major"}]
    assert CHECKED in cli("check").stdout
    cli("undo", as_of="2026-07-09")
    assert level_path(cli("show", entry, as_of="2026-07-09").stdout) == [  # too long for a line: a step a line
        "等级 一般风险", "→ 较大风险 (2026-07-02)", "→ 重大风险 (2026-07-09)", "→ 较大风险 (2026-07-09)"]
    undone(cli, entry, before, as_of="2026-07-09")


def level_path(shown: str) -> list[str]:
    lines = [" ".join(line.split()) for line in shown.splitlines()]
    start = next(i for i, line in enumerate(lines) if line.startswith("等级 "))
    return [lines[start], *(line for line in lines[start + 1:] if line.startswith("→ "))]


def test_an_entry_never_regraded_shows_its_level_alone(cli, entry):
    assert "→" not in next(line for line in cli("show", entry).stdout.splitlines() if "一般风险" in line)


def test_regrade_of_a_closed_entry_is_refused(cli, entry, snapshot):
    cli("close", entry, "--verified-by", "李核查", "--resolution", "已兑付")
    assert refused(cli, snapshot, "regrade", entry, "--level", "major", "--reason", "无") == (
        f"Error: Entry {entry} is closed; `regrade` applies only to open or mitigated entries.\n")
    assert "`regrade` applies only to open or mitigated" in refused(
        cli, snapshot, "edit", entry, "--title", "新标题", "--level", "major", "--reason", "无")


def test_regrade_to_the_same_or_an_unknown_level_is_refused(cli, entry, snapshot):
    assert refused(cli, snapshot, "regrade", entry, "--level", "黄", "--reason", "无") == (
        f"Error: Entry {entry} is already graded general; nothing changed.\n")
    assert refused(cli, snapshot, "regrade", entry, "--level", "extreme", "--reason", "无") == (
        "Error: There is no level 'extreme'; use one of: major 重大 red, significant 较大 orange, general 一般 yellow, "
        "low 低 blue.\n")


def test_since_counts_regradings_up_and_down(cli, register):
    a = cli.add("S03", "甲", "东村", as_of="2026-06-01")
    b = cli.add("S03", "乙", "东村", "--level", "major", as_of="2026-06-01")
    cli("regrade", a, "--level", "significant", "--reason", "升", as_of="2026-06-20")  # before --since: not counted
    cli("regrade", a, "--level", "major", "--reason", "升", as_of="2026-06-25")
    cli("regrade", b, "--level", "low", "--reason", "降", as_of="2026-06-25")
    cli("regrade", b, "--level", "general", "--reason", "升", as_of="2026-06-30")
    cli("edit", b, "--title", "乙更正", "--reason", "更正", as_of="2026-06-30")  # an edit is no regrade
    since = cli.json("report", "--format", "json", "--since", "2026-06-25", as_of="2026-07-01")["since"]
    assert since == {"date": "2026-06-25", "added": 0, "closed": 0, "reopened": 0,
                     "regraded_up": 2, "regraded_down": 1}
    text = cli("report", "--since", "2026-06-25", as_of="2026-07-01").stdout
    assert "自 2026-06-25 起：新增 0，销号 0，重新打开 0，升级 2，降级 1。" in text
    english = cli("--lang", "en", "report", "--format", "markdown", "--since", "2026-06-25", as_of="2026-07-01").stdout
    assert "Since 2026-06-25: 0 added, 0 closed, 0 reopened, 2 graded up, 1 graded down." in english


# ---------------------------------------------------------------- escalate --clear

def test_escalate_clear_takes_the_escalation_off(cli, entry):
    cli("escalate", entry, "--to", "县人社局", "--reason", "涉及外县企业")
    escalated = show(cli, entry)
    assert cli("escalate", entry, "--clear", "--reason", "县人社局已协调完毕").stdout == (
        f"条目 {entry}：已取消提级（原提级至 县人社局）。\n")
    entry_now = show(cli, entry)
    assert (entry_now["escalated_to"], entry_now["escalation_reason"], entry_now["escalated"]) == (None, None, False)
    event = entry_now["history"][-1]
    assert (event["action"], event["text"], event["changes"]) == ("escalate", "县人社局已协调完毕", {
        "escalated_to": {"old": "县人社局", "new": None}, "escalation_reason": {"old": "涉及外县企业", "new": None}})
    assert not any(row["escalated"] for row in cli.json("list", "--format", "json"))
    assert CHECKED in cli("check").stdout
    undone(cli, entry, escalated)
    assert show(cli, entry)["escalated"] is True


def test_escalate_clear_of_an_entry_not_escalated_is_refused(cli, entry, snapshot):
    assert refused(cli, snapshot, "escalate", entry, "--clear", "--reason", "已协调") == (
        f"Error: Entry {entry} is not escalated; there is no escalation to clear.\n")


def test_escalate_clear_follows_the_escalate_statuses(cli, entry, snapshot):
    cli("escalate", entry, "--to", "县人社局", "--reason", "涉及外县企业")
    cli("close", entry, "--verified-by", "李核查", "--resolution", "已兑付")
    assert refused(cli, snapshot, "escalate", entry, "--clear", "--reason", "已协调") == (
        f"Error: Entry {entry} is closed; `escalate` applies only to open or mitigated entries.\n")


@pytest.mark.parametrize("args,sentence", [
    (["--clear", "--to", "县", "--reason", "r"], "--clear takes the escalation off and --to escalates; give one of them, not both."),
    (["--reason", "r"], "Give --to, who must coordinate, or --clear to take the escalation off."),
    (["--clear", "--reason", " "], "The reason must not be empty."),
])
def test_escalate_clear_refusals(cli, entry, snapshot, args, sentence):
    cli("escalate", entry, "--to", "县人社局", "--reason", "涉及外县企业")
    assert refused(cli, snapshot, "escalate", entry, *args) == f"Error: {sentence}\n"
