"""Reads and validates a catalogue file into plain dataclasses.

The YAML is walked as a node tree rather than loaded, for three reasons: every
error can name its line; duplicate keys (which PyYAML silently overwrites) are
caught; and scalars are taken as the text the user wrote, so YAML 1.1 surprises
(`no`, `010`, `1:20`, dates) never turn a code or a name into something else.
Anchors, aliases and explicit tags are refused before anything is composed, which
also shuts out alias bombs and `!!python/...` objects.

This module imports nothing from the database layer: `catalogue check` must stay
fast and work without a register.
"""

from collections.abc import Callable
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from riskreg.errors import CatalogueError
from riskreg.messages import N_, Both, Joined, Message

FORMAT_VERSION = 1
LEVEL_CODES = ("major", "significant", "general", "low")
COLOURS = ("red", "orange", "yellow", "blue")
MAX_FILE_BYTES = 1_000_000
# A catalogue nests six deep (the catalogue, categories, a category, its risks, a risk, its departments);
# PyYAML builds nodes recursively, so a few KB of brackets would otherwise end in a RecursionError.
MAX_NESTING = 20
# libyaml reads a catalogue ~15x faster than PyYAML's pure-Python reader; a file it rejects is read again by
# the pure-Python reader, whose errors name the offending character and its line.
FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_NAME = 200
# Users type codes in any case and riskreg upper-cases them, so catalogue codes
# are upper-case (level codes are the fixed lower-case words).
_CODE = re.compile(r"[A-Z][A-Z0-9_-]{0,31}")


@dataclass(frozen=True)
class Level:
    code: str
    zh: str
    en: str
    colour: str


@dataclass(frozen=True)
class Department:
    code: str
    zh: str
    en: str


@dataclass(frozen=True)
class Risk:
    code: str
    category: str
    zh: str
    en: str
    departments: tuple[str, ...]  # lead department first
    consolidation_days: int | None = None


@dataclass(frozen=True)
class Category:
    code: str
    zh: str
    en: str


@dataclass(frozen=True)
class Campaign:
    zh: str
    en: str
    start: date
    end: date


@dataclass(frozen=True)
class Catalogue:
    title_zh: str
    title_en: str
    consolidation_days: int
    levels: tuple[Level, ...]
    departments: tuple[Department, ...]
    categories: tuple[Category, ...]
    risks: tuple[Risk, ...]
    units: tuple[str, ...] = ()
    campaign: Campaign | None = None


def bundled_catalogue_path() -> Path:
    """The catalogue shipped inside the package (or, in a source checkout, data/)."""
    from importlib.resources import files

    packaged = Path(str(files("riskreg"))) / "data" / "catalogue.yaml"
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[3] / "data" / "catalogue.yaml"


def _keys(keys: list[str], written: Callable[[str], str] = str) -> Joined:
    """Keys listed: as codes in Chinese, as `written` (plain or quoted) in English."""
    return Joined([Both(f"`{key}`", written(key)) for key in keys], "、", ", ")


# What PyYAML says most often of a hand-edited file, said again through the catalogue (its own words in
# English); anything else it says is quoted as it is.
_YAML_PROBLEMS = [(re.compile(pattern), said) for pattern, said in (
    (r"^mapping values are not allowed here$", lambda m: N_("mapping values are not allowed here")),
    (r"^found unexpected end of stream$", lambda m: N_("found unexpected end of stream")),
    (r"^found character (?P<character>.+) that cannot start any token$",
     lambda m: N_("found character {character} that cannot start any token", **m.groupdict())),
    (r"^expected (?P<expected>.+), but (?P<verb>found|got) (?P<found>.+)$",
     lambda m: N_("expected {expected}, but found {found}", expected=_yaml_words(m["expected"]),
                  found=_yaml_words(m["found"])) if m["verb"] == "found" else
     N_("expected {expected}, but got {found}", expected=_yaml_words(m["expected"]), found=_yaml_words(m["found"]))),
    (r"^could not find expected (?P<expected>.+)$",
     lambda m: N_("could not find expected {expected}", expected=_yaml_words(m["expected"]))),
    (r"^did not find expected (?P<expected>.+)$",
     lambda m: N_("did not find expected {expected}", expected=_yaml_words(m["expected"]))),
)]


_YAML_TOKENS = {"<block end>": "（缩进的一段结束）", "<stream end>": "文件末尾", "<document start>": "文档开头",
                "<block mapping start>": "（缩进的“键: 值”）", "<block sequence start>": "（缩进的“- ”列表）",
                "<flow mapping start>": "“{”", "<flow sequence start>": "“[”", "<scalar>": "文字", " or ": " 或 "}


def _yaml_words(text: str) -> Both:
    """PyYAML's names of what it expected or found: in Chinese as a reader of the file sees them."""
    zh = text
    for token, word in _YAML_TOKENS.items():
        zh = zh.replace(token, word)
    return Both(zh, text)


def _yaml_problem(problem: str | None) -> object:
    for pattern, said in _YAML_PROBLEMS:
        if match := pattern.fullmatch(problem or ""):
            return said(match)
    return problem


# The kinds of code a catalogue gives, as its sentences name them.
_KINDS = {"level": Both("等级", "level"), "department": Both("部门", "department"),
          "category": Both("类别", "category"), "risk": Both("风险", "risk")}


def _key(*path: str) -> Both:
    """A key of the catalogue file (`title`, or `zh` under `title` or under a level) as a sentence names it: in
    Chinese as a code (a kind by its name), in English as the file writes it."""
    zh = [_KINDS[key].zh if key in _KINDS else f"`{key}`" for key in path]
    return Both(" 的 ".join(zh), " ".join(path))


def load_catalogue(path: Path | str) -> Catalogue:
    path = Path(path)
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)  # one byte over tells a file too large without reading /dev/zero
    except OSError as err:
        raise CatalogueError(N_("Cannot read catalogue {path}: {value}.", path=path, value=err.strerror or err)) from None
    if len(raw) > MAX_FILE_BYTES:
        raise CatalogueError(N_("{path}: the catalogue is larger than {max_file_bytes:,} bytes; that is not a "
                                "catalogue.", path=path, max_file_bytes=MAX_FILE_BYTES))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise CatalogueError(N_("{path}: not UTF-8 text (byte {start}).", path=path, start=err.start)) from None
    return parse_catalogue(text, str(path))


def parse_catalogue(text: str, source: str = "<catalogue>") -> Catalogue:
    return _Reader(source).read(text)


@dataclass
class _Reader:
    source: str
    _seen_codes: dict[str, dict[str, int]] = field(default_factory=dict)

    def fail(self, node_or_line: Node | int, message: Message) -> CatalogueError:
        line = node_or_line if isinstance(node_or_line, int) else node_or_line.start_mark.line + 1
        return CatalogueError(N_("{source}:{line}: {message}", source=self.source, line=line, message=message))

    # -- YAML structure ---------------------------------------------------

    def read(self, text: str) -> Catalogue:
        try:
            root = self.compose(text, FAST_LOADER)
        except yaml.YAMLError:  # say exactly what is wrong, as only the pure-Python reader can
            root = self.explain(text)
        if root is None:
            raise CatalogueError(N_("{source}: the catalogue is empty.", source=self.source))
        return self.catalogue(root)

    def compose(self, text: str, loader: type) -> Node | None:
        depth = 0
        for event in yaml.parse(text, Loader=loader):
            line = event.start_mark.line + 1
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_NESTING:
                    raise self.fail(line, N_("nested more than {max_nesting} levels deep; a catalogue needs six.",
                                                max_nesting=MAX_NESTING))
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise self.fail(line, N_("anchors and aliases (&, *) are not allowed in a catalogue."))
            tag = getattr(event, "tag", None)
            if tag is not None and tag != "!":
                raise self.fail(line, N_("explicit tags such as {tag!r} are not allowed in a catalogue.", tag=tag))
        return yaml.compose(text, Loader=loader)

    def explain(self, text: str) -> Node | None:
        try:
            return self.compose(text, yaml.SafeLoader)
        except yaml.MarkedYAMLError as err:
            mark = err.problem_mark or err.context_mark
            line = mark.line + 1 if mark else 1
            raise self.fail(line, N_("not valid YAML: {problem}.", problem=_yaml_problem(err.problem or err.context))) from None
        except yaml.reader.ReaderError as err:
            line = text.count("\n", 0, err.position) + 1
            raise self.fail(line, N_("character {character!r} is not allowed in YAML.", character=err.character)) from None
        except yaml.YAMLError as err:
            raise CatalogueError(N_("{source}: not valid YAML: {err}.", source=self.source, err=err)) from None

    def mapping(self, node: Node, what: object, required: set[str], optional: set[str] = frozenset()) -> dict[str, Node]:
        if not isinstance(node, MappingNode):
            raise self.fail(node, N_("{what} must be a mapping of keys to values.", what=what))
        found: dict[str, Node] = {}
        lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise self.fail(key_node, N_("{what} has a key that is not plain text.", what=what))
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in found:
                raise self.fail(key_node, N_("duplicate key {key!r} in {what} (first at line {line}).", key=key, what=what,
                                             line=lines[key]))
            if key not in required and key not in optional:
                allowed = _keys(sorted(required | optional))
                raise self.fail(key_node, N_("unknown key {key!r} in {what}; allowed keys are {allowed}.", key=key,
                                             what=what, allowed=allowed))
            found[key] = value_node
            lines[key] = line
        missing = sorted(required - found.keys())
        if missing:
            raise self.fail(node, N_("{what} lacks {missing}.", what=what, missing=_keys(missing, repr)))
        return found

    def sequence(self, node: Node, what: object) -> list[Node]:
        if isinstance(node, ScalarNode) and node.value == "" and node.style is None:
            return []
        if not isinstance(node, SequenceNode):
            raise self.fail(node, N_("{what} must be a list.", what=what))
        return list(node.value)

    def text(self, node: Node, what: object, limit: int = MAX_NAME) -> str:
        if not isinstance(node, ScalarNode):
            raise self.fail(node, N_("{what} must be text.", what=what))
        value = node.value.strip()
        if not value:
            raise self.fail(node, N_("{what} is empty.", what=what))
        if len(value) > limit:
            raise self.fail(node, N_("{what} is longer than {limit} characters.", what=what, limit=limit))
        if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
            raise self.fail(node, N_("{what} contains control characters.", what=what))
        return value

    def code(self, node: Node, kind: str) -> str:
        value = self.text(node, N_("a {kind} code", kind=_KINDS[kind]))
        if kind != "level" and not _CODE.fullmatch(value):
            raise self.fail(node, N_("{kind} code {value!r} must be a capital letter then up to 31 capitals, digits, "
                                     "'-' or '_'.", kind=_KINDS[kind], value=value))
        seen = self._seen_codes.setdefault(kind, {})
        if value in seen:
            raise self.fail(node, N_("duplicate {kind} code {value!r} (first at line {line}).", kind=_KINDS[kind],
                                     value=value, line=seen[value]))
        seen[value] = node.start_mark.line + 1
        return value

    def whole_number(self, node: Node, what: object, low: int, high: int) -> int:
        value = self.text(node, what)
        if not value.isdigit() or not low <= int(value) <= high:
            raise self.fail(node, N_("{what} must be a whole number from {low} to {high}, not {value!r}.", what=what,
                                     low=low, high=high, value=value))
        return int(value)

    def day(self, node: Node, what: object) -> date:
        value = self.text(node, what)
        try:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                return date.fromisoformat(value)
        except ValueError:
            pass
        raise self.fail(node, N_("{what} must be a date written YYYY-MM-DD, not {value!r}.", what=what, value=value))

    # -- catalogue content ------------------------------------------------

    def catalogue(self, root: Node) -> Catalogue:
        top = self.mapping(
            root,
            N_("the catalogue"),
            required={"version", "levels", "departments", "categories"},
            optional={"title", "consolidation_days", "campaign", "units"},
        )
        version = self.whole_number(top["version"], _key("version"), 0, 10**6)
        if version != FORMAT_VERSION:
            raise self.fail(top["version"], N_("catalogue format version {version} is not supported (this riskreg "
                                               "reads {supported}).", version=version, supported=FORMAT_VERSION))
        title_zh, title_en = "风险责任清单", "Risk and responsibility list"
        if "title" in top:
            names = self.mapping(top["title"], _key("title"), required={"zh", "en"})
            title_zh, title_en = self.text(names["zh"], _key("title", "zh")), self.text(names["en"], _key("title", "en"))
        days = 30
        if "consolidation_days" in top:
            days = self.whole_number(top["consolidation_days"], _key("consolidation_days"), 0, 3650)
        levels = self.levels(top["levels"])
        departments = tuple(self.department(n) for n in self.sequence(top["departments"], _key("departments")))
        if not departments:
            raise self.fail(top["departments"], N_("the catalogue names no departments."))
        known_departments = {d.code for d in departments}
        categories: list[Category] = []
        risks: list[Risk] = []
        for node in self.sequence(top["categories"], _key("categories")):
            category, its_risks = self.category(node, known_departments)
            categories.append(category)
            risks.extend(its_risks)
        if not risks:
            raise self.fail(top["categories"], N_("the catalogue names no risks."))
        unit_nodes = self.sequence(top["units"], _key("units")) if "units" in top else []
        units = tuple(self.unit(n) for n in unit_nodes)
        campaign = self.campaign(top["campaign"]) if "campaign" in top else None
        return Catalogue(title_zh, title_en, days, levels, departments, tuple(categories), tuple(risks), units, campaign)

    def levels(self, node: Node) -> tuple[Level, ...]:
        items = self.sequence(node, _key("levels"))
        levels = []
        for item in items:
            fields = self.mapping(item, N_("a level"), required={"code", "zh", "en", "colour"})
            code = self.code(fields["code"], "level")
            if code not in LEVEL_CODES:
                raise self.fail(fields["code"], N_("level {code!r} is not one of {codes}.", code=code,
                                                   codes=_keys(LEVEL_CODES)))
            colour = self.text(fields["colour"], _key("colour"))
            if colour not in COLOURS:
                raise self.fail(fields["colour"], N_("colour {colour!r} is not one of {colours}.", colour=colour,
                                                     colours=_keys(COLOURS)))
            levels.append(Level(code, self.text(fields["zh"], _key("level", "zh")), self.text(fields["en"], _key("level", "en")), colour))
        if tuple(level.code for level in levels) != LEVEL_CODES:
            raise self.fail(node, N_("levels must be exactly {codes}, highest first.", codes=_keys(LEVEL_CODES)))
        return tuple(levels)

    def department(self, node: Node) -> Department:
        fields = self.mapping(node, N_("a department"), required={"code", "zh", "en"})
        return Department(self.code(fields["code"], "department"), self.text(fields["zh"], _key("department", "zh")),
                          self.text(fields["en"], _key("department", "en")))

    def category(self, node: Node, known_departments: set[str]) -> tuple[Category, list[Risk]]:
        fields = self.mapping(node, N_("a category"), required={"code", "zh", "en", "risks"})
        code = self.code(fields["code"], "category")
        category = Category(code, self.text(fields["zh"], _key("category", "zh")),
                            self.text(fields["en"], _key("category", "en")))
        risks = [self.risk(item, code, known_departments) for item in self.sequence(fields["risks"], _key("risks"))]
        return category, risks

    def risk(self, node: Node, category: str, known_departments: set[str]) -> Risk:
        fields = self.mapping(node, N_("a risk"), required={"code", "zh", "en", "departments"}, optional={"consolidation_days"})
        code = self.code(fields["code"], "risk")
        departments: list[str] = []
        for dept_node in self.sequence(fields["departments"], _key("departments")):
            dept = self.text(dept_node, N_("a {kind} code", kind=_KINDS["department"]))
            if dept not in known_departments:
                raise self.fail(dept_node, N_("risk {code} names department {dept!r}, which the catalogue does not list.",
                                               code=code, dept=dept))
            if dept in departments:
                raise self.fail(dept_node, N_("risk {code} names department {dept!r} twice.", code=code, dept=dept))
            departments.append(dept)
        if not departments:
            raise self.fail(fields["departments"], N_("risk {code} names no department; the first one listed leads.",
                                                         code=code))
        days = None
        if "consolidation_days" in fields:
            days = self.whole_number(fields["consolidation_days"], _key("consolidation_days"), 0, 3650)
        return Risk(code, category, self.text(fields["zh"], _key("risk", "zh")), self.text(fields["en"], _key("risk", "en")), tuple(departments), days)

    def unit(self, node: Node) -> str:
        name = self.text(node, N_("a unit name"))
        seen = self._seen_codes.setdefault("unit", {})
        if name in seen:
            raise self.fail(node, N_("duplicate unit {name!r} (first at line {line}).", name=name, line=seen[name]))
        seen[name] = node.start_mark.line + 1
        return name

    def campaign(self, node: Node) -> Campaign:
        fields = self.mapping(node, _key("campaign"), required={"zh", "en", "start", "end"})
        start, end = self.day(fields["start"], _key("campaign", "start")), self.day(fields["end"], _key("campaign", "end"))
        if end < start:
            raise self.fail(fields["end"], N_("the campaign ends before it starts."))
        return Campaign(self.text(fields["zh"], _key("campaign", "zh")), self.text(fields["en"], _key("campaign", "en")), start, end)
