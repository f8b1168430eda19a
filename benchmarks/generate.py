"""A deterministic, realistic register for benchmarks and tests.

A county register kept for four years: entries on every catalogue risk, in a
few hundred villages and communities across twenty towns, graded on the four
levels, given the four ones (most of them), noted, mitigated, extended,
escalated, closed after verification, consolidated after the watch, and now and
then reopened. Each entry's history is what riskreg itself would have written,
hash chain included, so a generated register passes `riskreg check` and every
command treats it as real. The same size and seed always give the same rows.

Two states of a register: `kept` (the default), where about 3 % of entries are
active, and `neglected` (`--state neglected`), a county where nearly nothing
was ever closed: 97 % of entries stay active, given the four ones with a short
deadline that has long passed (issue 16 measures the report on both).

The schema and catalogue come from riskreg (`init`); the rows are written with
raw sqlite3 executemany in one transaction, because building a million entries
through the ORM would take an hour. Events are ordered by effective date within
each block of entries, as they would interleave in a real register.

    python benchmarks/generate.py /tmp/riskreg-bench/register-100k.db 100000
    python benchmarks/generate.py /tmp/riskreg-bench/register-100k-neglected.db 100000 --state neglected
"""

import argparse
import random
import sqlite3
import sys
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from riskreg.store.backends import stored_json
from riskreg.store.chain import GENESIS, event_hash

TODAY = date(2026, 7, 1)  # the benchmarks' --as-of: reports on a generated register are reproducible
YEARS = 4
BLOCK = 10_000

TOWNS = ("城关镇", "东山镇", "西河镇", "南湖镇", "北岭镇", "青石镇", "白沙镇", "红旗镇", "桃源镇", "柳林镇",
         "金山镇", "龙泉镇", "凤凰镇", "太平镇", "新华镇", "长安镇", "永丰镇", "清水镇", "大坪镇", "黄田镇")
VILLAGES = ("东村", "西村", "南村", "北村", "前进村", "胜利村", "和平村", "新民村", "光明村", "红星村",
            "中心社区", "幸福社区", "滨河社区", "朝阳社区", "建设村")
UNITS = tuple(town + village for town in TOWNS for village in VILLAGES)

PLACES = ("某小区", "某工地", "某企业", "某市场", "某学校", "某村组", "某路段", "某厂房", "某楼盘", "某商铺",
          "某养殖场", "某河段", "某矿点", "某合作社", "某物业公司")
PROBLEMS = {
    "S": ("业主集体维权", "拖欠农民工工资", "拖欠工程款", "征地补偿纠纷", "施工扰民投诉", "非法集资兑付风险",
          "逾期交房", "无法办理产权证", "道路缺少护栏和警示牌"),
    "G": ("退役军人安置诉求", "代课教师待遇诉求", "拆迁安置补偿诉求", "涉法涉诉信访", "失独家庭养老诉求",
          "跨区域投资理财维权", "网络反映干部作风问题"),
    "P": ("夜间治安问题", "电信诈骗高发", "邻里纠纷激化", "物业纠纷", "土地流转纠纷", "特殊人群服务管理缺口",
          "大型活动人员聚集风险", "涉校安全隐患"),
    "H": ("消防通道堵塞", "电动车违规充电", "燃气管道老化", "山体滑坡隐患", "河道防汛隐患",
          "危化品储存不规范", "校车安全隐患", "自建房结构安全隐患"),
}
DETAILS = ("涉及群众约{n}人，情绪较为激动。", "已多次反映，涉及金额约{n}万元。", "现场排查发现隐患{n}处，需限期整改。",
           "影响周边住户约{n}户，存在聚集风险。", "联系人电话{phone}，已登记。")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
GIVEN = ("明", "华", "伟", "芳", "军", "强", "磊", "洋", "勇", "艳", "杰", "涛", "斌", "霞", "平", "刚", "建国",
         "志强", "秀英", "海燕", "建华", "晓东", "文斌", "丽娟")
TASK_FORCES = ("劳资纠纷化解专班", "信访积案化解专班", "安全隐患整治专班", "征拆矛盾调处专班", "治安整治专班",
               "防汛防灾工作专班", "房地产问题处置专班", "特殊人群服务管理专班", "重点人员稳控专班")
PLANS = ("约谈企业负责人，限期清偿，逐人核对到位", "成立工作组入户走访，逐户解释政策，分类化解",
         "组织排查整改，落实整改责任人和整改时限", "依法依规调处，必要时引导司法途径解决",
         "协调相关部门会商，制定专项处置方案并跟踪落实", "加强巡防力量，重点时段重点区域驻点值守",
         "落实包保责任，一户一策，定期回访", "督促产权单位限期维修加固，设置警示标志")
CONTINGENCIES = ("发生聚集时启动应急处置预案，第一时间到场劝离疏导", "险情发生时立即组织人员转移避险",
                 "出现过激行为时由派出所依法处置")
MEASURES = ("专人盯守，每周回访", "设置临时围挡和警示标志", "落实临时管控措施，每日巡查", "先行垫付部分款项，稳定情绪")
NOTES = ("已约谈相关负责人", "已入户走访，群众情绪平稳", "召开协调会，明确责任分工", "整改完成过半", "已报县级部门协调",
         "当事人承诺按期履行", "复查发现仍有遗留问题", "已落实专人跟踪")
RESOLUTIONS = ("款项已全部支付，当事人签字确认", "隐患已整改到位，经复查验收合格", "双方达成调解协议并履行完毕",
               "诉求已依法依规答复，当事人表示认可", "问题已解决，群众满意")
ESCALATIONS = ("县信访局", "县住建局", "县人社局", "县应急管理局", "县公安局")
ACTORS = ("zhangwei", "liuyang", "chenjing", "wangfang", "lina", "zhaolei", "sunli", "huangqiang")
LEVELS = (("major", 4), ("significant", 18), ("general", 52), ("low", 26))
STATES = ("kept", "neglected")
NEGLECTED = 0.97  # the share of a neglected register's entries never closed

ENTRY_COLUMNS = ("id", "risk", "unit", "title", "detail", "level", "status", "department", "leader", "task_force",
                 "plan", "contingency", "due", "original_due", "extensions", "measures", "escalated_to",
                 "escalation_reason", "verified_by", "resolution", "closed_on", "watch_until", "reopen_count",
                 "created_on", "updated_on")
HISTORY_COLUMNS = ("id", "entry_id", "at", "on", "actor", "action", "changes", "text", "hash")
_DATES = ("due", "original_due", "closed_on", "watch_until")


class _Catalogue:
    def __init__(self, conn: sqlite3.Connection) -> None:
        settings = dict(conn.execute("SELECT key, value FROM meta"))
        default_days = int(settings.get("consolidation_days", 30))
        self.risks = [(code, category, days if days is not None else default_days)
                      for code, category, days in conn.execute(
                          "SELECT code, category, consolidation_days FROM risk WHERE NOT retired ORDER BY rank")]
        self.departments: dict[str, list[str]] = {}
        for risk, department in conn.execute("SELECT risk, department FROM risk_department ORDER BY risk, position"):
            self.departments.setdefault(risk, []).append(department)


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _entry_timeline(rng: random.Random, created: date, today: date, catalogue: _Catalogue,
                    neglected: bool = False) -> list[tuple]:
    """Candidate events (day, kind, payload) in order; `_replay_timeline` drops what the rules refuse.
    A `neglected` entry is given the four ones with a deadline weeks away and then never closed."""
    risk, category, watch_days = rng.choice(catalogue.risks)
    departments = catalogue.departments[risk]
    level = rng.choices([code for code, _ in LEVELS], [weight for _, weight in LEVELS])[0]
    add = {"risk": risk, "unit": rng.choice(UNITS), "title": rng.choice(PLACES) + rng.choice(PROBLEMS[category]),
           "level": level, "department": departments[0] if rng.random() < 0.9 else rng.choice(departments),
           "status": "open"}
    if rng.random() < 0.4:
        add["detail"] = rng.choice(DETAILS).format(n=rng.randint(3, 300),
                                                   phone=f"1{rng.choice('3589')}{rng.randint(0, 10**9 - 1):09d}")
    if rng.random() < 0.3:
        add["due"] = add["original_due"] = created + timedelta(days=rng.randint(7, 60))
    events = [(created, "add", add)]

    resolve_after = 5 + int(rng.expovariate(1 / 40))
    resolved = created + timedelta(days=resolve_after)
    roll = 0.0 if neglected else rng.random()
    if roll < 0.93:  # the four ones, a few days after the entry is found
        assign = {"leader": _name(rng), "task_force": rng.choice(TASK_FORCES), "plan": rng.choice(PLANS)}
        if "due" not in add:
            assign["due"] = created + timedelta(days=rng.randint(15, 30 if neglected else 90))
        if level in ("major", "significant") and rng.random() < 0.6:
            assign["contingency"] = rng.choice(CONTINGENCIES)
        events.append((created + timedelta(days=rng.randint(0, 5)), "assign", assign))
    elif roll < 0.97:  # only a lead official so far: not accountable
        events.append((created + timedelta(days=rng.randint(0, 5)), "assign", {"leader": _name(rng)}))
    first_due = add.get("due") or (events[-1][2].get("due") if len(events) > 1 else None)
    if first_due and first_due < resolved and rng.random() < 0.4:
        events.append((first_due, "extend", {"due": first_due + timedelta(days=rng.randint(14, 45))}))
    for _ in range(rng.choice((0, 0, 0, 1, 1, 2))):
        events.append((created + timedelta(days=rng.randint(1, max(1, resolve_after))), "note", rng.choice(NOTES)))
    if rng.random() < 0.2:
        events.append((created + timedelta(days=rng.randint(1, max(1, resolve_after - 1))), "mitigate",
                       rng.choice(MEASURES)))
    if rng.random() < 0.03:
        events.append((created + timedelta(days=rng.randint(1, max(1, resolve_after - 1))), "escalate",
                       {"escalated_to": rng.choice(ESCALATIONS), "escalation_reason": "涉及跨部门职责，需县级协调"}))
    if neglected:
        events.sort(key=lambda event: event[0])
        return [event for event in events if event[0] <= today]
    events.append((resolved, "close", watch_days))
    if rng.random() < 0.03:  # a relapse, then closed again
        events.append((resolved + timedelta(days=rng.randint(5, watch_days + 30)), "reopen", "问题再次出现"))
        resolved += timedelta(days=watch_days + 30 + rng.randint(10, 60))
        events.append((resolved, "close", watch_days))
    if rng.random() < 0.995:  # consolidated within three weeks of the watch's end; a few are forgotten
        events.append((resolved + timedelta(days=watch_days + rng.randint(0, 20)), "consolidate", None))
    events.sort(key=lambda event: event[0])  # stable: same-day events keep their order
    return [event for event in events if event[0] <= today]


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def _replay_timeline(rng: random.Random, timeline: list[tuple]) -> tuple[dict, list[tuple]]:
    """Apply the candidate events as riskreg's ledger would: the entry's fields and its history events."""
    state: dict = {"extensions": 0, "reopen_count": 0}
    history = []

    def change(changes: dict, name: str, value) -> None:
        old = state.get(name)
        if old != value:
            changes[name] = {"old": _plain(old), "new": _plain(value)}
            state[name] = value

    for day, kind, payload in timeline:
        status = state.get("status")
        changes: dict = {}
        text = None
        action = kind
        if kind == "add":
            changes = {name: {"old": None, "new": _plain(value)} for name, value in payload.items()}
            state.update(payload)
        elif kind in ("assign", "extend", "mitigate", "escalate", "close") and status not in ("open", "mitigated"):
            continue
        elif kind == "assign":
            for name, value in payload.items():
                change(changes, name, value)
            if "due" in changes and state.get("original_due") is None:
                change(changes, "original_due", state["due"])
        elif kind == "extend":
            action = "assign"
            change(changes, "due", payload["due"])
            change(changes, "extensions", state["extensions"] + 1)
        elif kind == "note":
            text = payload
        elif kind == "mitigate":
            change(changes, "measures", payload)
            change(changes, "status", "mitigated")
        elif kind == "escalate":
            for name, value in payload.items():
                change(changes, name, value)
        elif kind == "close":
            for name, value in (("status", "closed"), ("verified_by", _name(rng)), ("resolution", rng.choice(RESOLUTIONS)),
                                ("closed_on", day), ("watch_until", day + timedelta(days=payload))):
                change(changes, name, value)
        elif kind == "consolidate":
            if status != "closed" or day < state["watch_until"]:
                continue
            change(changes, "status", "consolidated")
        elif kind == "reopen":
            if status not in ("closed", "consolidated"):
                continue
            for name, value in (("status", "open"), ("verified_by", None), ("resolution", None), ("closed_on", None),
                                ("watch_until", None), ("reopen_count", state["reopen_count"] + 1)):
                change(changes, name, value)
            text = payload
        if not changes and text is None:
            continue
        history.append((day, rng.choice(ACTORS), action, changes, text))
    return state, history


def blocks(entries: int, *, seed: int = 2026, today: date = TODAY, catalogue: _Catalogue,
           state: str = "kept") -> Iterator[tuple[list[tuple], list[tuple]]]:
    """(entry rows, history rows) per block of entries, ids and hash chain included, ready for executemany."""
    rng = random.Random(seed)
    span = YEARS * 365
    previous = GENESIS
    history_id = 0
    for first in range(1, entries + 1, BLOCK):
        entry_rows, events = [], []
        for entry_id in range(first, min(first + BLOCK, entries + 1)):
            # Ids grow with the date found; the newest entries were found today.
            created = today - timedelta(days=span - (entry_id - 1) * span // max(entries, 1))
            neglected = state == "neglected" and rng.random() < NEGLECTED
            fields, history = _replay_timeline(rng, _entry_timeline(rng, created, today, catalogue, neglected))
            entry_rows.append((entry_id, *(_plain(fields.get(name)) for name in ENTRY_COLUMNS[1:23]),
                               created.isoformat(), history[-1][0].isoformat()))
            events += [(day, entry_id, seq, actor, action, changes, text)
                       for seq, (day, actor, action, changes, text) in enumerate(history)]
        events.sort(key=lambda event: (event[0], event[1], event[2]))
        history_rows = []
        for day, entry_id, seq, actor, action, changes, text in events:
            history_id += 1
            on = day.isoformat()
            at = f"{on}T{8 + history_id % 10:02d}:{history_id % 60:02d}:{(history_id * 7) % 60:02d}.{history_id % 10**6:06d}Z"
            previous = event_hash(previous, entry_id=entry_id, at=at, on=on, actor=actor, action=action,
                                  changes=changes, text=text)
            # JSON as riskreg's engines store it, so the rows are byte for byte what riskreg writes.
            history_rows.append((history_id, entry_id, at, on, actor, action, stored_json(changes), text, previous))
        yield entry_rows, history_rows


def insert_sql(table: str, columns: tuple[str, ...]) -> str:
    return f'INSERT INTO {table} ({", ".join(f"{c!r}" if c == "on" else c for c in columns)}) ' \
           f'VALUES ({", ".join("?" * len(columns))})'


def init_register(path: Path) -> None:
    """An empty register with the bundled catalogue, made by riskreg itself (`riskreg init`)."""
    from riskreg.domain.catalogue import bundled_catalogue_path, load_catalogue
    from riskreg.domain.catalogue_sync import apply_catalogue
    from riskreg.store.register import create_schema, open_register

    register = open_register(str(path), create=True)
    try:
        create_schema(register)
        with register.session(write=True) as session:
            apply_catalogue(session, load_catalogue(bundled_catalogue_path()))
    finally:
        register.engine.dispose()


def record_chain_head(path: Path) -> None:
    """riskreg records the history chain's head as each of its writes commits; rows written raw need one more."""
    from riskreg.store.register import open_register

    register = open_register(str(path))
    try:
        with register.session(write=True):
            pass
    finally:
        register.engine.dispose()


def write_rows(conn: sqlite3.Connection, row_blocks) -> tuple[int, int]:
    """Insert blocks of rows with raw executemany in the connection's open transaction."""
    entries = events = 0
    entry_sql, history_sql = insert_sql("entry", ENTRY_COLUMNS), insert_sql("history", HISTORY_COLUMNS)
    for entry_rows, history_rows in row_blocks:
        conn.executemany(entry_sql, entry_rows)
        conn.executemany(history_sql, history_rows)
        entries, events = entries + len(entry_rows), events + len(history_rows)
    return entries, events


def generate(path: Path, entries: int, *, seed: int = 2026, today: date = TODAY,
             state: str = "kept") -> dict[str, int]:
    """Create the register at `path` (which must not exist) holding `entries` generated entries in `state`."""
    path = Path(path)
    if path.exists():
        raise FileExistsError(f"{path} exists; generate into a new file")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    init_register(partial)
    conn = sqlite3.connect(partial, isolation_level=None)
    try:
        conn.execute("PRAGMA synchronous = OFF")  # a scratch file until the rename below
        conn.execute("BEGIN")
        done = write_rows(conn, blocks(entries, seed=seed, today=today, catalogue=_Catalogue(conn), state=state))
        conn.execute("COMMIT")
    finally:
        conn.close()
    record_chain_head(partial)
    partial.rename(path)
    return {"entries": done[0], "events": done[1], "bytes": path.stat().st_size}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("entries", type=int)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--state", choices=STATES, default="kept",
                        help="kept: about 3 %% active; neglected: 97 %% active, nearly all overdue")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    stats = generate(args.path, args.entries, seed=args.seed, state=args.state)
    print(f"{args.path}: {stats['entries']:,} entries, {stats['events']:,} history events, "
          f"{stats['bytes'] / 1e6:.1f} MB in {time.perf_counter() - started:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
