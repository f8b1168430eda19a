"""The ledger's round trip with the departments (对账销号): the coordinator sends each department its checklist
(`export --split dept`), each fills it in the way a department office does and sends it back, and the
coordinator takes the changes back (`import --update`), the last one through the installed entry point."""

import subprocess
from pathlib import Path

import pytest
from conftest import fill_in, installed_riskreg

from riskreg.cli import app

LABOUR, WATER, COMP = "责任清单-劳动保障中心.xlsx", "责任清单-水利办.xlsx", "责任清单-综治中心.xlsx"


@pytest.fixture
def town(cli, register):
    """Five entries in three departments, as the coordinator has them on 2026-07-01."""
    cli.add("S03", "某工地拖欠农民工工资，工人代表电话13912345678", "东村", "--due", "2026-07-10", as_of="2026-06-01")
    cli("assign", 1, "--leader", "王明", "--task-force", "劳资纠纷专班", as_of="2026-06-02")
    cli.add("S03", "劳务派遣纠纷", "南社区", as_of="2026-06-03")
    cli.add("H02", "后山滑坡隐患", "西村", "--dept", "WATER", as_of="2026-06-04")
    cli("mitigate", 3, "--measures", "设置警示牌，雨天撤离坡下住户", as_of="2026-06-05")
    cli.add("S01", "小区逾期交房", "西村", as_of="2026-06-06")
    cli("assign", 4, "--leader", "赵刚", as_of="2026-06-06")
    cli.add("S02", "非法集资宣传单", "北村", as_of="2026-06-07")
    return register


def entry(cli, entry_id: int) -> dict:
    return cli.json("show", entry_id, "--format", "json", "--unmasked")


def test_checklists_go_out_and_come_back_filled_in(cli, town, tmp_path, isolated_env, backend):
    out = tmp_path / "下发"
    sent = cli("export", "--format", "xlsx", "--split", "dept", "--status", "active", "--output-dir", out).stdout
    assert f"已把 3 个工作簿写入 {out}：" in sent
    assert sorted(p.name for p in out.iterdir()) == sorted([LABOUR, WATER, COMP])

    # The register moves on while the sheets are out: the coordinator names a new lead for 小区逾期交房.
    cli("assign", 4, "--leader", "孙丽", as_of="2026-07-02")

    fill_in(out / LABOUR, out / LABOUR, {
        1: {"进展情况": "已约谈施工方，支付一半工资", "完成时限": "2026-07-31"},  # progress and a later deadline
        2: {"状态": "已销号", "核验人": "镇劳动保障中心 李强", "化解情况": "双方达成调解协议", "销号日期": "2026-07-02"},
    }, new_rows=[{"风险编码": "S03", "村(社区)": "东村", "标题": "砖厂拖欠运费", "风险等级": "一般风险"}])
    fill_in(out / WATER, out / WATER, {3: {"进展情况": "排危工程已开工", "管控措施": "设置警示牌，雨天撤离坡下住户，专人巡查"}})
    fill_in(out / COMP, out / COMP, {4: {"牵头领导": "钱伟"}, 5: {"进展情况": "已收缴宣传单"}})

    as_sent = {n: entry(cli, n) for n in range(1, 6)}
    assert cli("--lang", "en", "--actor", "镇综治办", "import", "--update", out / LABOUR, as_of="2026-07-03").stdout == (
        f"Updated 2 entries with 3 events from {LABOUR}, sheet 风险台账; added 1 entry.\n")
    assert cli("--lang", "en", "--actor", "镇综治办", "import", "--update", out / WATER, as_of="2026-07-03").stdout == (
        f"Updated 1 entry with 2 events from {WATER}, sheet 风险台账.\n")

    # 综治中心 changed the lead the coordinator changed too: refused as a whole, both values shown.
    refused = cli.runner.invoke(app, ["--as-of", "2026-07-03", "import", "--update", str(out / COMP)])
    assert refused.exit_code == 1, refused.output
    assert "在这份表格导出后，台账中又有变动" in refused.stderr
    assert "'钱伟'" in refused.stderr and "'孙丽'" in refused.stderr
    assert entry(cli, 5) == as_sent[5]  # its other row waits with it: all or nothing

    # The coordinator decides the department's word stands, through the installed entry point.
    env = {"PATH": str(Path(installed_riskreg()[0]).parent) + ":/usr/bin:/bin", "HOME": str(tmp_path),
           "RISKREG_DB": str(isolated_env), "RISKREG_ACTOR": "镇综治办", "LANG": "C.UTF-8"}
    forced = subprocess.run([*installed_riskreg(), "--as-of", "2026-07-03", "import", "--update", str(out / COMP),
                             "--force"], env=env, capture_output=True, text=True, timeout=120)
    assert (forced.returncode, forced.stderr) == (0, "")
    assert forced.stdout == f"已更新 2 个条目，共 2 处改动，来自 {COMP}，工作表 风险台账。\n"

    a, b, c, d, e = (entry(cli, n) for n in range(1, 6))
    assert (a["due"], a["extensions"], a["leader"], a["title"]) == (
        "2026-07-31", 1, "王明", "某工地拖欠农民工工资，工人代表电话13912345678")  # the masked title stays real
    assert (b["status"], b["verified_by"], b["resolution"], b["closed_on"]) == (
        "closed", "镇劳动保障中心 李强", "双方达成调解协议", "2026-07-02")
    assert (c["status"], c["measures"]) == ("mitigated", "设置警示牌，雨天撤离坡下住户，专人巡查")
    assert d["leader"] == "钱伟"
    added = cli.json("list", "--format", "json", "--unmasked", "--unit", "东村")
    assert [(x["title"], x["department"]) for x in added if x["id"] > 5] == [("砖厂拖欠运费", "LABOUR")]

    # Every change is in the history as its command records it, by the coordinator, naming the file and row.
    def taken(record: dict, n: int) -> list[tuple[str, str]]:
        return [(event["action"], event["actor"]) for event in record["history"][len(as_sent[n]["history"]):]]

    # A note's text is the sheet's own (the next export shows it); its file and row stand by the actor.
    by = lambda file, row: f"镇综治办 (updated from {file} row {row})"  # noqa: E731
    assert taken(a, 1) == [("assign", "镇综治办"), ("note", by(LABOUR, 2))]
    assert taken(b, 2) == [("close", "镇综治办")] and b["history"][-1]["on"] == "2026-07-02"
    assert taken(c, 3) == [("mitigate", "镇综治办"), ("note", by(WATER, 2))]
    assert taken(d, 4) == [("assign", "镇综治办")] and taken(e, 5) == [("note", by(COMP, 3))]
    for record, file in ((a, LABOUR), (b, LABOUR), (c, WATER), (d, COMP), (e, COMP)):
        assert file in record["history"][-1]["text"] + record["history"][-1]["actor"], record["history"][-1]
    assert a["history"][-1]["text"] == "已约谈施工方，支付一半工资"
    assert "已约谈施工方，支付一半工资" in cli("show", 1).stdout
    assert "全部检查通过" in cli("check").stdout

    # A sheet taken back twice changes nothing: its rows say what the register says now; its new row, already in
    # the register, is refused as a plain import refuses it.
    assert cli("--lang", "en", "import", "--update", out / WATER, as_of="2026-07-03").stdout == (
        f"Updated 0 entries with 0 events from {WATER}, sheet 风险台账.\n")
    again = cli.runner.invoke(app, ["--as-of", "2026-07-03", "import", "--update", str(out / LABOUR)])
    assert again.exit_code == 1 and "1 行共有 1 个问题；一条也没有导入" in again.stderr
    assert "标题  砖厂拖欠运费  台账中已有，即条目 6" in again.stderr
