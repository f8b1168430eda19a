"""The catalogue: what the bundled one holds, the scope rule, `catalogue check`, `catalogue load`, units,
the campaign, and `init`.

Test catalogues are the bundled file edited by exact string replacement (`edited`) or small complete
documents (`small_catalogue`). In an edited catalogue that must be refused, the line the error has to name
carries the comment `# <<`, and for duplicates the first occurrence carries `# first`.
"""

import re
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from sqlmodel import SQLModel

import riskreg.store.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from riskreg.domain.catalogue import bundled_catalogue_path
from riskreg.cli import app

BUNDLED_PATH = bundled_catalogue_path()
BUNDLED = BUNDLED_PATH.read_text(encoding="utf-8")

# -- the brief (/work/shared/catalogue-brief.md) ------------------------------------------------------

RISK_DEPARTMENTS = {  # lead department first
    "S01": ["COMP"], "S02": ["COMP"], "S03": ["LABOUR"], "S04": ["EMERG"], "S05": ["URBAN", "COMP"],
    "G01": ["VETS", "COMP"], "G02": ["CULT", "COMP"], "G03": ["URBAN", "COMP"], "G04": ["COMP"],
    "G05": ["SOCIAL"], "G06": ["COMP", "POLICE"], "G07": ["CULT", "COMP"],
    "P01": ["COMP", "POLICE"], "P02": ["COMP", "POLICE"], "P03": ["COMP", "POLICE"],
    "P04": ["COMP", "SOCIAL", "HEALTH", "POLICE", "JUST"], "P05": ["EMERG", "MARKET", "POLICE"],
    "P06": ["COMP", "EMERG", "POLICE"], "P07": ["POLICE"],
    "H01": ["EMERG", "MARKET"], "H02": ["EMERG", "WATER", "LAND"], "H03": ["EMERG"],
    "H04": ["CULT", "EMERG", "POLICE"], "H05": ["CULT"],
}
DEPARTMENTS = [
    ("COMP", "综治中心", "Comprehensive Governance Centre"),
    ("POLICE", "派出所", "Police Station"),
    ("CULT", "宣传文化中心", "Publicity and Culture Centre"),
    ("LABOUR", "劳动保障中心", "Labour and Social Security Centre"),
    ("EMERG", "应急管理办", "Emergency Management Office"),
    ("URBAN", "统筹城乡发展办", "Urban-Rural Development Office"),
    ("VETS", "退役军人服务站", "Veterans Service Station"),
    ("SOCIAL", "社会事务办", "Social Affairs Office"),
    ("HEALTH", "卫健办", "Health Office"),
    ("JUST", "司法所", "Judicial Office"),
    ("MARKET", "市场监管所", "Market Regulation Office"),
    ("WATER", "水利办", "Water Affairs Office"),
    ("LAND", "自然资源和规划所", "Natural Resources and Planning Office"),
]
CATEGORIES = [("S", "社会矛盾"), ("G", "群众诉求"), ("P", "公共安全"), ("H", "安全生产与自然灾害")]
LEVELS = [
    {"code": "major", "zh": "重大风险", "en": "major", "colour": "red"},
    {"code": "significant", "zh": "较大风险", "en": "significant", "colour": "orange"},
    {"code": "general", "zh": "一般风险", "en": "general", "colour": "yellow"},
    {"code": "low", "zh": "低风险", "en": "low", "colour": "blue"},
]
CAMPAIGN = "campaign:\n  zh: 省运会\n  en: Provincial Games\n  start: 2027-09-01\n  end: 2027-09-15\n"
CAMPAIGN_START = date(2027, 9, 1)

# -- building catalogues ---------------------------------------------------------------------------------


def edited(*replacements: tuple[str, str], append: str = "") -> str:
    """The bundled catalogue with each `old` (which must occur exactly once) replaced by `new`."""
    text = BUNDLED
    for old, new in replacements:
        assert text.count(old) == 1, f"test edit {old!r} is not unique in the bundled catalogue"
        text = text.replace(old, new)
    return text + append


def without_block(text: str, first_line: str) -> str:
    """Drop the YAML block starting at `first_line` and everything indented deeper below it."""
    indent = len(first_line) - len(first_line.lstrip())
    pattern = re.escape(first_line) + r"\n(?:(?: {%d,}.*)?\n)*?(?=(?: {0,%d}\S)|\Z)" % (indent + 1, indent)
    result, count = re.subn(pattern, "", text)
    assert count == 1, first_line
    return result


def small_catalogue(*, department: str = "COMP", category: str = "S", risk: str = "S01",
                    names: tuple[str, str] = ("风险", "A risk"), units: str = "[]", extra: str = "") -> str:
    """A complete, minimal catalogue: one department, one category, one risk."""
    levels = "".join(f"  - {{code: {lv['code']}, zh: {lv['zh']}, en: {lv['en']}, colour: {lv['colour']}}}\n" for lv in LEVELS)
    return (
        "version: 1\n"
        f"levels:\n{levels}"
        f"departments:\n  - {{code: {department}, zh: 部门, en: A department}}\n"
        f"units: {units}\n"
        "categories:\n"
        f"  - code: {category}\n    zh: 类别\n    en: A category\n    risks:\n"
        f"      - code: {risk}\n        zh: {names[0]}\n        en: {names[1]}\n        departments: [{department}]\n"
        + extra
    )


def write(tmp_path: Path, text: str | bytes, name: str = "catalogue.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


WITHOUT_S03 = without_block(BUNDLED, "      - code: S03")
WITHOUT_H = without_block(BUNDLED, "  - code: H")
WITHOUT_JUST = edited(("  - {code: JUST, zh: 司法所, en: Judicial Office}\n", ""),
                      ("[COMP, SOCIAL, HEALTH, POLICE, JUST]", "[COMP, SOCIAL, HEALTH, POLICE]"))
COMP_RENAMED = edited(("{code: COMP, zh: 综治中心,", "{code: COMP, zh: 综治中心（网格化服务管理中心）,"))
NEW_RISK = "      - code: S06\n        zh: 新增风险\n        en: A new risk\n        departments: [COMP]\n"
S03_JOINED_BY_COMP = edited(("departments: [LABOUR]", "departments: [LABOUR, COMP]"))
# one new risk, one renamed department, one risk dropped
NEW_VERSION = without_block(
    edited(("{code: COMP, zh: 综治中心,", "{code: COMP, zh: 综治中心（网格化服务管理中心）,"),
           ("\n  - code: G\n", "\n" + NEW_RISK + "\n  - code: G\n")),
    "      - code: H05",
)

# -- reading results ------------------------------------------------------------------------------------


def shown(cli) -> dict:
    return cli.json("catalogue", "show", "--format", "json")


def risk_of(data: dict, code: str) -> dict:
    return next(r for c in data["categories"] for r in c["risks"] if r["code"] == code)


def department_of(data: dict, code: str) -> dict:
    return next(d for d in data["departments"] if d["code"] == code)


def error_line(stderr: str, path: Path) -> int:
    """The line number in `Error: PATH:LINE: ...`; fails if the message does not name file and line."""
    match = re.match(rf"Error: {re.escape(str(path))}:(\d+): ", stderr)
    assert match, f"no 'file:line:' in {stderr!r}"
    return int(match.group(1))


def refused(cli, snapshot, *argv: str) -> str:
    before = snapshot()
    stderr = cli(*argv, code=1).stderr
    assert snapshot() == before, "a refused command wrote to the register"
    return stderr


# == 1. the bundled catalogue against the brief ========================================================


@pytest.fixture
def bundled(cli, register) -> dict:
    return shown(cli)


@pytest.mark.pure
def test_bundled_catalogue_lives_in_data():
    assert BUNDLED_PATH.parts[-2:] == ("data", "catalogue.yaml")


@pytest.mark.pure
def test_catalogue_check_accepts_the_bundled_file(cli, isolated_env):
    out = cli("--lang", "en", "catalogue", "check", BUNDLED_PATH).stdout
    assert out == f"{BUNDLED_PATH}: valid — 4 categories, 24 risks, 13 departments, 0 units.\n"
    assert not isolated_env.exists(), "check must not need or create a register"


def test_bundled_catalogue_has_exactly_the_24_risks_in_order(bundled):
    assert [r["code"] for c in bundled["categories"] for r in c["risks"]] == list(RISK_DEPARTMENTS)


@pytest.mark.parametrize("code, departments", RISK_DEPARTMENTS.items(), ids=list(RISK_DEPARTMENTS))
def test_bundled_risk_names_its_departments_lead_first(bundled, code, departments):
    risk = risk_of(bundled, code)
    assert risk["departments"] == departments
    assert re.search(r"[\u4e00-\u9fff]", risk["zh"]), risk["zh"]
    assert re.fullmatch(r"[A-Z][ -~]+", risk["en"]), risk["en"]
    assert risk["retired"] is False
    assert code in [r["code"] for r in next(c for c in bundled["categories"] if c["code"] == code[0])["risks"]]


def test_bundled_catalogue_has_exactly_the_13_departments(bundled):
    assert [(d["code"], d["zh"], d["en"]) for d in bundled["departments"]] == DEPARTMENTS
    assert not any(d["retired"] for d in bundled["departments"])


def test_bundled_catalogue_has_the_four_categories(bundled):
    assert [(c["code"], c["zh"]) for c in bundled["categories"]] == CATEGORIES
    assert all(re.fullmatch(r"[A-Z][ -~]+", c["en"]) for c in bundled["categories"])


def test_bundled_catalogue_has_the_four_levels_and_colours(bundled):
    assert bundled["levels"] == LEVELS


def test_bundled_catalogue_has_a_bilingual_title_no_units_and_no_campaign(bundled):
    assert bundled["title"]["zh"] and bundled["title"]["en"]
    assert bundled["units"] == [] and bundled["campaign"] is None


# == 2. the scope rule ================================================================================

PERSONAL_COLUMN_WORDS = (
    "id_number", "idnumber", "id_no", "id_card", "idcard", "identity", "citizen", "passport",
    "ethnic", "nationality", "minzu", "religio", "belief", "faith", "politic", "party",
    "whereabouts", "movement", "gps", "latitude", "longitude", "geo", "location", "track", "trace",
    "hukou", "birthplace", "native_place", "place_of_origin", "phone", "mobile", "address",
)


@pytest.mark.pure
def test_no_column_records_a_persons_identity_beliefs_or_whereabouts():
    offenders = [f"{table.name}.{column.name}" for table in SQLModel.metadata.tables.values()
                 for column in table.columns
                 if any(word in column.name.lower() for word in PERSONAL_COLUMN_WORDS)]
    assert SQLModel.metadata.tables, "no tables registered: the check would prove nothing"
    assert offenders == []


@pytest.mark.parametrize("word", ["宗教", "民族", "信仰", "教派", "religio", "ethnic", "belief", "faith"])
def test_no_category_or_risk_singles_out_religion_or_ethnicity(bundled, word):
    names = [c[lang] for c in bundled["categories"] for lang in ("zh", "en")]
    names += [r[lang] for c in bundled["categories"] for r in c["risks"] for lang in ("zh", "en")]
    assert len(names) == 2 * (4 + 24)
    assert not [name for name in names if word in name.lower()]


# == 3. `catalogue check FILE` errors ==================================================================

LAND = "  - {code: LAND, zh: 自然资源和规划所, en: Natural Resources and Planning Office}"
S03_EN = "        en: Wage and payment arrears, unpaid social insurance at firms and building sites\n"
LOW_LEVEL = "  - code: low\n    zh: 低风险\n    en: low\n    colour: blue\n"
_dup = "  # first"

CHECK_ERRORS = [  # (catalogue text, phrase of the sentence); the reported line holds `# <<`
    pytest.param(edited(append="colour_scheme: 四色  # <<\n"),
                 "unknown key 'colour_scheme' in the catalogue", id="unknown-top-level-key"),
    pytest.param(edited(("departments: [LABOUR]\n", "departments: [LABOUR]\n        owner: 张三  # <<\n")),
                 "unknown key 'owner' in a risk", id="unknown-key-in-risk"),
    pytest.param(edited(("consolidation_days: 30", "consolidation_days: 30" + _dup),
                        append="consolidation_days: 10  # <<\n"),
                 "duplicate key 'consolidation_days' in the catalogue (first at line", id="duplicate-top-level-key"),
    pytest.param(edited(("zh: 企业和工地拖欠工资、工程款及社会保险\n",
                         f"zh: 企业和工地拖欠工资、工程款及社会保险{_dup}\n        zh: 欠薪  # <<\n")),
                 "duplicate key 'zh' in a risk (first at line", id="duplicate-key-in-risk"),
    pytest.param(edited(("code: S03", "code: S03" + _dup), ("code: S04", "code: S03  # <<")),
                 "duplicate risk code 'S03' (first at line", id="duplicate-risk-code"),
    pytest.param(edited(("Comprehensive Governance Centre}", "Comprehensive Governance Centre}" + _dup),
                        ("{code: WATER,", "{code: COMP,"), ("Water Affairs Office}", "Water Affairs Office}  # <<")),
                 "duplicate department code 'COMP' (first at line", id="duplicate-department-code"),
    pytest.param(edited(("departments: [LABOUR]", "departments: [LABOUR, TAX]  # <<")),
                 "risk S03 names department 'TAX', which the catalogue does not list", id="unknown-department"),
    pytest.param(edited(("departments: [LABOUR]", "departments: [LABOUR, LABOUR]  # <<")),
                 "risk S03 names department 'LABOUR' twice", id="department-twice"),
    pytest.param(edited(("departments: [CULT]\n", "departments: []  # <<\n")),
                 "risk H05 names no department", id="risk-without-department"),
    pytest.param(edited(("departments: [CULT]\n", "departments: CULT  # <<\n")),
                 "departments must be a list", id="departments-not-a-list"),
    pytest.param(edited(("  - code: low\n", "  - code: minor  # <<\n")),
                 "level 'minor' is not one of major, significant, general, low", id="bad-level-code"),
    pytest.param(edited(("colour: blue", "colour: green  # <<")),
                 "colour 'green' is not one of red, orange, yellow, blue", id="bad-colour"),
    pytest.param(edited(("  - code: major\n", "  - code: major  # <<\n"), (LOW_LEVEL, "")),
                 "levels must be exactly major, significant, general, low", id="level-missing"),
    pytest.param(edited(("      - code: S03\n", "      - code: S03  # <<\n"), (S03_EN, "")),
                 "a risk lacks 'en'", id="missing-key-in-risk"),
    pytest.param(edited((LAND, "  - {code: LAND, zh: 自然资源和规划所}  # <<")),
                 "a department lacks 'en'", id="missing-key-in-department"),
    pytest.param(edited(("version: 1\ntitle:\n", "title:  # <<\n")),
                 "the catalogue lacks 'version'", id="missing-top-level-key"),
    pytest.param(edited(("version: 1", "version: 2  # <<")),
                 "catalogue format version 2 is not supported", id="unsupported-version"),
    pytest.param(edited(("consolidation_days: 30", "consolidation_days: thirty  # <<")),
                 "consolidation_days must be a whole number from 0 to 3650", id="bad-consolidation-days"),
    pytest.param(edited(("code: H05", "code: H 05  # <<")),
                 "risk code 'H 05' must be a capital letter then", id="bad-code"),
    pytest.param(edited(("code: H05", "code: 105  # <<")),
                 "risk code '105' must be a capital letter then", id="numeric-code"),
    pytest.param(edited(("zh: 高温、大风及夏季用电", 'zh: "高温\\a大风"  # <<')),
                 "risk zh contains control characters", id="escaped-control-character"),
    pytest.param(edited(("units: []", "units:\n  - 东村" + _dup + "\n  - 东村  # <<")),
                 "duplicate unit '东村' (first at line", id="duplicate-unit"),
    pytest.param(edited(append=CAMPAIGN.replace("2027-09-01", "2027-02-30  # <<")),
                 "campaign start must be a date written YYYY-MM-DD", id="bad-campaign-date"),
    pytest.param(edited(append=CAMPAIGN.replace("2027-09-15", "2027-08-15  # <<")),
                 "the campaign ends before it starts", id="campaign-ends-before-start"),
    pytest.param("{{{{ ]]] :::  # <<\n", "not valid YAML", id="garbage"),
    pytest.param(edited(("title:\n", "title: zh: 清单  # <<\n")),
                 "not valid YAML: mapping values are not allowed", id="broken-yaml-in-file"),
    pytest.param(edited(("consolidation_days: 30", "\tconsolidation_days: 30  # <<")),
                 "not valid YAML", id="tab-indent"),
    pytest.param("- 东村  # <<\n- 西村\n", "the catalogue must be a mapping", id="list-not-mapping"),
    pytest.param(edited(("departments: [COMP, SOCIAL, HEALTH, POLICE, JUST]",
                         "departments: &care [COMP, SOCIAL, HEALTH, POLICE, JUST]  # <<"),
                        ("departments: [EMERG, MARKET, POLICE]", "departments: *care")),
                 "anchors and aliases (&, *) are not allowed", id="anchor-and-alias"),
    pytest.param(edited(("departments: [EMERG, MARKET, POLICE]", "departments: *care  # <<")),
                 "anchors and aliases (&, *) are not allowed", id="alias"),
    pytest.param(edited(("title:\n  zh: 重大活动风险隐患及责任清单",
                         "title:\n  zh: !!python/object:riskreg.domain.catalogue.Catalogue {}  # <<")),
                 "explicit tags such as 'tag:yaml.org,2002:python/object:riskreg.domain.catalogue.Catalogue'",
                 id="python-object-tag"),
    pytest.param(edited((LAND, '  - {code: LAND, zh: !!python/object/apply:os.system ["echo pwned"], en: x}  # <<')),
                 "explicit tags such as 'tag:yaml.org,2002:python/object/apply:os.system'", id="python-apply-tag"),
    pytest.param(edited(("code: S03", "code: !!str S03  # <<")),
                 "explicit tags such as 'tag:yaml.org,2002:str' are not allowed", id="str-tag"),
]


@pytest.mark.pure
@pytest.mark.parametrize("text, phrase", CHECK_ERRORS)
def test_check_refuses_with_one_sentence_naming_file_and_line(cli, tmp_path, isolated_env, text, phrase):
    path = write(tmp_path, text)
    stderr = cli("catalogue", "check", path, code=1).stderr
    assert phrase in stderr
    lines = text.splitlines()
    assert "# <<" in lines[error_line(stderr, path) - 1], stderr
    first = re.search(r"\(first at line (\d+)\)", stderr)
    if first:
        assert "# first" in lines[int(first.group(1)) - 1], stderr
    assert not isolated_env.exists()


@pytest.mark.pure
@pytest.mark.parametrize("text, phrase", [
    pytest.param("", "the catalogue is empty", id="empty"),
    pytest.param("# 只有注释\n\n   \n", "the catalogue is empty", id="only-comments"),
    pytest.param(b"version: 1\n\xff\xfe\x00garbage", "not UTF-8 text", id="not-utf8"),
    pytest.param("#" * 1_000_001, "larger than 1,000,000 bytes", id="too-large"),
    pytest.param(None, "Cannot read catalogue", id="missing-file"),
])
def test_check_refuses_unreadable_files_naming_them(cli, tmp_path, text, phrase):
    # These have no line to name (nothing was read, or nothing is there); the file name is enough.
    path = tmp_path / "missing.yaml" if text is None else write(tmp_path, text)
    stderr = cli("catalogue", "check", path, code=1).stderr
    assert phrase in stderr and str(path) in stderr


@pytest.mark.pure
@pytest.mark.parametrize("char", ["\x00", "\x07"], ids=["NUL", "BEL"])
def test_raw_control_character_is_one_sentence_naming_the_line(cli, tmp_path, char):
    text = edited(("zh: 高温、大风及夏季用电", f"zh: 高温{char}大风  # <<"))
    path = write(tmp_path, text)
    stderr = cli("catalogue", "check", path, code=1).stderr
    assert "# <<" in text.splitlines()[error_line(stderr, path) - 1]


@pytest.mark.pure
def test_an_endless_file_is_refused_at_the_size_limit(cli):
    # /dev/zero never ends: reading it whole would exhaust memory before any limit was checked.
    started = time.perf_counter()
    stderr = cli("catalogue", "check", "/dev/zero", code=1).stderr
    assert time.perf_counter() - started < 2 and "larger than 1,000,000 bytes" in stderr


@pytest.mark.pure
@pytest.mark.parametrize("nested", ["levels: " + "[" * 1500 + "]" * 1500,
                                    "levels:\n" + "".join("  " * depth + "- \n" for depth in range(1, 40))],
                         ids=["flow", "block"])
def test_deep_nesting_is_refused_with_its_line(cli, tmp_path, nested):
    # 3 KB of brackets once ended in a RecursionError; a catalogue needs five levels at most.
    path = write(tmp_path, "version: 1\n" + nested + "\n")
    stderr = cli("catalogue", "check", path, code=1).stderr
    assert "nested more than 20 levels deep" in stderr and error_line(stderr, path) >= 2


@pytest.mark.pure
def test_alias_bomb_is_refused_quickly(cli, tmp_path):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for name, prev in zip("bcdefghij", "abcdefghi"):
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    path = write(tmp_path, "\n".join(lines) + "\n")
    started = time.perf_counter()
    stderr = cli("catalogue", "check", path, code=1).stderr
    assert time.perf_counter() - started < 1
    assert error_line(stderr, path) == 1 and "anchors and aliases" in stderr


@pytest.mark.parametrize("code", ["NO", "ON", "OFF", "YES", "TRUE", "NULL"])
def test_yaml_11_words_stay_codes(cli, tmp_path, code):
    text = small_catalogue(department=code, category=code, risk=code)
    assert yaml.safe_load(text)["departments"][0]["code"] != code  # plain PyYAML would change it
    path = write(tmp_path, text)
    cli("catalogue", "check", path)
    cli("init", "--catalogue", path)
    data = shown(cli)
    assert [d["code"] for d in data["departments"]] == [code]
    assert data["categories"][0]["code"] == code
    assert risk_of(data, code)["departments"] == [code]
    entry = cli.json("show", cli.add(code), "--format", "json")
    assert (entry["risk"], entry["category"], entry["department"]) == (code, code, code)


def test_numbers_times_and_dates_stay_names(cli, tmp_path):
    text = small_catalogue(names=("010", "1:20"), units="[no, 010, 2026-01-01, 0x1F, 1e3]")
    cli("init", "--catalogue", write(tmp_path, text))
    data = shown(cli)
    assert (risk_of(data, "S01")["zh"], risk_of(data, "S01")["en"]) == ("010", "1:20")
    assert [u["name"] for u in data["units"]] == ["no", "010", "2026-01-01", "0x1F", "1e3"]
    assert cli.json("show", cli.add("S01", "t", "010"), "--format", "json")["unit"] == "010"


def test_a_code_the_catalogue_accepts_can_be_used(cli, tmp_path):
    path = write(tmp_path, edited(("code: S03\n", "code: s03x\n")))
    check = cli.runner.invoke(app, ["--lang", "en", "catalogue", "check", str(path)])
    if check.exit_code == 1:  # refusing the code at check time is a fix too
        assert error_line(check.stderr, path)
        return
    cli("init", "--catalogue", path)
    assert cli.add("s03x") == 1


# == 4. `catalogue load FILE [--dry-run]` =============================================================


def load(cli, tmp_path: Path, text: str, *extra: str) -> str:
    return cli("--lang", "en", "catalogue", "load", write(tmp_path, text, f"v{time.perf_counter_ns()}.yaml"), *extra).stdout


def test_dry_run_prints_what_would_change_and_writes_nothing(cli, register, snapshot, tmp_path):
    before = snapshot()
    out = load(cli, tmp_path, NEW_VERSION, "--dry-run")
    assert "1 would be added: risk S06\n" in out
    assert "1 would be changed: department COMP (zh)\n" in out
    assert "1 would be retired: risk H05\n" in out
    assert snapshot() == before
    assert risk_of(shown(cli), "H05")["retired"] is False


def test_load_prints_added_changed_retired_like_its_dry_run(cli, register, tmp_path):
    dry = load(cli, tmp_path, NEW_VERSION, "--dry-run")
    real = load(cli, tmp_path, NEW_VERSION)
    assert real == dry.replace("would be", "were")
    data = shown(cli)
    assert risk_of(data, "S06")["departments"] == ["COMP"]
    assert department_of(data, "COMP")["zh"] == "综治中心（网格化服务管理中心）"
    assert risk_of(data, "H05")["retired"] is True


def test_retiring_a_used_risk_keeps_its_entry(cli, register, tmp_path):
    entry_id = cli.add("S03")
    assert "retired: risk S03\n" in load(cli, tmp_path, WITHOUT_S03)
    assert [(e["id"], e["risk"]) for e in cli.json("list", "--format", "json")] == [(entry_id, "S03")]
    assert cli.json("show", entry_id, "--format", "json")["risk"] == "S03"
    assert risk_of(shown(cli), "S03")["retired"] is True
    table_row = next(line for line in cli("catalogue", "show").stdout.splitlines() if "S03" in line)
    assert "已停用" in table_row


def test_add_on_a_retired_risk_is_refused_with_a_sentence(cli, register, snapshot, tmp_path):
    load(cli, tmp_path, WITHOUT_S03)
    assert "Risk S03 is retired from the catalogue" in refused(cli, snapshot, "add", "S03", "--title", "t", "--unit", "东村")


def test_loading_the_old_catalogue_again_restores_the_risk(cli, register, tmp_path):
    load(cli, tmp_path, WITHOUT_S03)
    assert "changed: risk S03 (restored)" in load(cli, tmp_path, BUNDLED)
    assert risk_of(shown(cli), "S03")["retired"] is False
    assert cli.add("S03") == 1


def test_renamed_department_shows_as_changed(cli, register, tmp_path):
    out = load(cli, tmp_path, COMP_RENAMED)
    assert out == "0 were added.\n1 were changed: department COMP (zh)\n0 were retired.\n"
    assert department_of(shown(cli), "COMP")["zh"].startswith("综治中心（")


def test_changed_risk_departments_show_as_changed(cli, register, tmp_path):
    assert "risk S03 (departments LABOUR → LABOUR/COMP)" in load(cli, tmp_path, S03_JOINED_BY_COMP)
    assert risk_of(shown(cli), "S03")["departments"] == ["LABOUR", "COMP"]


def test_dropping_a_category_retires_it_and_its_risks_and_keeps_entries(cli, register, tmp_path):
    entry_id = cli.add("H02")
    out = load(cli, tmp_path, WITHOUT_H)
    assert "category H" in out and "risk H05" in out
    category = next(c for c in shown(cli)["categories"] if c["code"] == "H")
    assert category["retired"] is True and all(r["retired"] for r in category["risks"])
    assert cli.json("show", entry_id, "--format", "json")["risk"] == "H02"


def test_partly_invalid_catalogue_applies_nothing(cli, register, snapshot, tmp_path):
    bad = NEW_VERSION.replace("colour: blue", "colour: green")
    path = write(tmp_path, bad)
    stderr = refused(cli, snapshot, "catalogue", "load", path)
    assert "colour 'green'" in stderr and "colour: green" in bad.splitlines()[error_line(stderr, path) - 1]
    data = shown(cli)
    assert "S06" not in [r["code"] for c in data["categories"] for r in c["risks"]]
    assert department_of(data, "COMP")["zh"] == "综治中心"


def test_loading_the_same_catalogue_twice_says_unchanged(cli, register, snapshot, tmp_path):
    load(cli, tmp_path, NEW_VERSION)
    before = snapshot()
    assert load(cli, tmp_path, NEW_VERSION) == "The catalogue is unchanged.\n"
    assert load(cli, tmp_path, NEW_VERSION, "--dry-run") == "Nothing would change.\n"
    assert snapshot() == before


def test_loading_the_bundled_catalogue_into_a_fresh_register_is_unchanged(cli, register):
    assert cli("--lang", "en", "catalogue", "load", BUNDLED_PATH).stdout == "The catalogue is unchanged.\n"


def test_retired_department_refuses_assign_and_add(cli, register, snapshot, tmp_path):
    entry_id = cli.add("P04")
    assert "retired: department JUST" in load(cli, tmp_path, WITHOUT_JUST)
    assert department_of(shown(cli), "JUST")["retired"] is True
    assert "Department JUST is retired" in refused(cli, snapshot, "assign", entry_id, "--dept", "JUST")
    assert "Department JUST is retired" in refused(cli, snapshot, "add", "P04", "--title", "t", "--unit", "东村",
                                                   "--dept", "JUST")
    cli("assign", entry_id, "--dept", "HEALTH")


def test_adding_a_campaign_shows_as_changed_settings(cli, register, tmp_path):
    out = load(cli, tmp_path, edited(append=CAMPAIGN))
    assert "setting campaign_start" in out
    assert shown(cli)["campaign"] == {"zh": "省运会", "en": "Provincial Games", "start": "2027-09-01", "end": "2027-09-15"}


# == 5. units and the campaign =======================================================================


def test_listed_units_refuse_any_other(cli, snapshot, tmp_path):
    cli("init", "--catalogue", write(tmp_path, edited(("units: []", "units: [东村, 西村]"))))
    assert "no unit '南村'" in refused(cli, snapshot, "add", "S03", "--title", "t", "--unit", "南村")
    entry_id = cli.add("S03", "欠薪", "东村")
    assert cli.json("show", entry_id, "--format", "json")["unit"] == "东村"


def test_listing_units_warns_of_units_entries_already_name(cli, register, tmp_path):
    cli.add("S03", "欠薪", "幸福社区")
    cli.add("S03", "欠薪", "东村")
    result = cli("--lang", "en", "catalogue", "load", write(tmp_path, edited(("units: []", "units: [东村, 西村]"))))
    assert "Warning: 1 unit(s) named by entries are not in the catalogue's units" in result.stderr
    assert "幸福社区" in result.stderr and "东村" not in result.stderr
    assert "2 were added" in result.stdout


def test_without_listed_units_any_unit_is_accepted(cli, register):
    assert cli.json("show", cli.add("S03", "欠薪", "任何一个村"), "--format", "json")["unit"] == "任何一个村"


@pytest.fixture
def campaign_register(cli, tmp_path):
    cli("init", "--catalogue", write(tmp_path, edited(append=CAMPAIGN)))


def test_countdown_due_is_campaign_start_minus_n_days(cli, campaign_register):
    entry_id = cli.add("S03", "欠薪", "东村", "--due", "T-10")
    assert cli.json("show", entry_id, "--format", "json")["due"] == str(CAMPAIGN_START - timedelta(days=10))


@pytest.mark.parametrize("as_of", ["2026-07-01", "2027-08-31", "2027-09-01", "2027-09-05"])
def test_report_counts_days_to_the_campaign_start(cli, campaign_register, as_of):
    campaign = cli.json("report", "--format", "json", as_of=as_of)["campaign"]
    assert campaign["days_to_start"] == (CAMPAIGN_START - date.fromisoformat(as_of)).days
    assert (campaign["start"], campaign["end"]) == ("2027-09-01", "2027-09-15")


# == 6. init and a missing register =================================================================


def test_init_twice_changes_nothing_and_keeps_entries(cli, register, snapshot):
    entry_id = cli.add()
    before = snapshot()
    assert "already exists; nothing changed" in cli("--lang", "en", "init").stdout
    assert snapshot() == before
    assert [e["id"] for e in cli.json("list", "--format", "json")] == [entry_id]


def test_init_with_a_custom_catalogue_reports_its_size(cli, tmp_path):
    out = cli("--lang", "en", "init", "--catalogue", write(tmp_path, small_catalogue())).stdout
    assert "with 1 risks and 1 departments" in out


def test_init_with_a_bad_catalogue_names_the_line_and_creates_no_register(cli, isolated_env, tmp_path):
    text = edited(("colour: blue", "colour: green  # <<"))
    path = write(tmp_path, text)
    stderr = cli("init", "--catalogue", path, code=1).stderr
    assert "colour 'green'" in stderr and "# <<" in text.splitlines()[error_line(stderr, path) - 1]
    assert not isolated_env.exists()


@pytest.mark.parametrize("argv", [
    ["catalogue", "show"], ["catalogue", "load", str(BUNDLED_PATH)], ["catalogue", "load", str(BUNDLED_PATH), "--dry-run"],
    ["add", "S03", "--title", "t", "--unit", "东村"], ["list"], ["report"],
], ids=["catalogue-show", "catalogue-load", "catalogue-load-dry-run", "add", "list", "report"])
def test_commands_on_a_missing_register_say_how_to_create_one(cli, isolated_env, argv):
    assert "create one with `riskreg init`" in cli(*argv, code=1).stderr
    assert not isolated_env.exists()
