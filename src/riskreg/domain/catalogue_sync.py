"""Applies a catalogue to a register as an update, and reads it back.

Loading is a diff: new codes are added, changed names or departments are
updated, codes missing from the new version are retired (never deleted, so
ledger entries keep pointing at them), and a retired code that comes back is
restored. The caller's transaction makes the whole load all-or-nothing.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, SQLModel, select

from riskreg.store.models import Category, Department, Entry, Level, Meta, Risk, RiskDepartment, Unit

if TYPE_CHECKING:  # the parser brings PyYAML, which reading the register never needs
    from riskreg.domain import catalogue as cat


@dataclass
class CatalogueDiff:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    unlisted_units: list[str] = field(default_factory=list)  # named by entries, not by the catalogue's units

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.retired)

    def as_dict(self) -> dict[str, list[str]]:
        return {"added": self.added, "changed": self.changed, "retired": self.retired}


def apply_catalogue(session: Session, catalogue: "cat.Catalogue") -> CatalogueDiff:
    diff = CatalogueDiff()
    _apply_meta(session, catalogue, diff)
    _sync(session, Level, "level", [
        {"code": lv.code, "rank": i, "zh": lv.zh, "en": lv.en, "colour": lv.colour} for i, lv in enumerate(catalogue.levels)
    ], diff, retirable=False)
    _sync(session, Department, "department", [
        {"code": d.code, "rank": i, "zh": d.zh, "en": d.en} for i, d in enumerate(catalogue.departments)
    ], diff)
    _sync(session, Category, "category", [
        {"code": c.code, "rank": i, "zh": c.zh, "en": c.en} for i, c in enumerate(catalogue.categories)
    ], diff)
    _sync(session, Risk, "risk", [
        {"code": r.code, "rank": i, "category": r.category, "zh": r.zh, "en": r.en, "consolidation_days": r.consolidation_days}
        for i, r in enumerate(catalogue.risks)
    ], diff)
    _sync(session, Unit, "unit", [{"name": u, "rank": i} for i, u in enumerate(catalogue.units)], diff, key="name")
    session.flush()
    if catalogue.units:  # a listed catalogue refuses new entries for any other unit
        listed = set(catalogue.units)
        diff.unlisted_units = [unit for unit in session.exec(select(Entry.unit).distinct().order_by(Entry.unit))
                               if unit not in listed]
    for risk in catalogue.risks:
        _sync_risk_departments(session, risk, diff)
    session.flush()
    return diff


def _sync(session: Session, model: type[SQLModel], kind: str, rows: list[dict[str, Any]], diff: CatalogueDiff,
          *, key: str = "code", retirable: bool = True) -> None:
    existing = {getattr(obj, key): obj for obj in session.exec(select(model))}
    wanted = {row[key] for row in rows}
    for row in rows:
        obj = existing.get(row[key])
        if obj is None:
            session.add(model(**row))
            diff.added.append(f"{kind} {row[key]}")
            continue
        fields = [name for name, value in row.items() if name != "rank" and getattr(obj, name) != value]
        if retirable and obj.retired:
            obj.retired = False
            fields.append("restored")
        for name, value in row.items():
            setattr(obj, name, value)
        if fields:
            diff.changed.append(f"{kind} {row[key]} ({', '.join(fields)})")
    for code, obj in existing.items():
        if code not in wanted and retirable and not obj.retired:
            obj.retired = True
            diff.retired.append(f"{kind} {code}")


def _sync_risk_departments(session: Session, risk: "cat.Risk", diff: CatalogueDiff) -> None:
    links = session.exec(select(RiskDepartment).where(RiskDepartment.risk == risk.code)).all()
    current = [link.department for link in sorted(links, key=lambda link: link.position)]
    if current == list(risk.departments):
        return
    for link in links:
        session.delete(link)
    session.flush()
    for position, dept in enumerate(risk.departments):
        session.add(RiskDepartment(risk=risk.code, department=dept, position=position))
    if current:
        diff.changed.append(f"risk {risk.code} (departments {'/'.join(current)} → {'/'.join(risk.departments)})")


_META_KEYS = ("title_zh", "title_en", "consolidation_days", "campaign_zh", "campaign_en", "campaign_start", "campaign_end")


def _apply_meta(session: Session, catalogue: "cat.Catalogue", diff: CatalogueDiff) -> None:
    campaign = catalogue.campaign
    wanted = {
        "title_zh": catalogue.title_zh,
        "title_en": catalogue.title_en,
        "consolidation_days": str(catalogue.consolidation_days),
        "campaign_zh": campaign.zh if campaign else None,
        "campaign_en": campaign.en if campaign else None,
        "campaign_start": campaign.start.isoformat() if campaign else None,
        "campaign_end": campaign.end.isoformat() if campaign else None,
    }
    existing = {m.key: m for m in session.exec(select(Meta).where(Meta.key.in_(_META_KEYS)))}
    fresh = not existing
    for key, value in wanted.items():
        row = existing.get(key)
        if row is not None and value is None:
            session.delete(row)
        elif row is None and value is not None:
            session.add(Meta(key=key, value=value))
        elif row is not None and row.value != value:
            row.value = value
        else:
            continue
        if not fresh:
            diff.changed.append(f"setting {key}")


@dataclass(frozen=True)
class Settings:
    """Catalogue-wide settings the ledger needs."""

    title_zh: str
    title_en: str
    consolidation_days: int
    campaign_zh: str | None
    campaign_en: str | None
    campaign_start: date | None
    campaign_end: date | None


def read_settings(session: Session) -> Settings:
    values = {m.key: m.value for m in session.exec(select(Meta).where(Meta.key.in_(_META_KEYS)))}

    def day(key: str) -> date | None:
        return date.fromisoformat(values[key]) if key in values else None

    return Settings(
        title_zh=values.get("title_zh", ""),
        title_en=values.get("title_en", ""),
        consolidation_days=int(values.get("consolidation_days", 30)),
        campaign_zh=values.get("campaign_zh"),
        campaign_en=values.get("campaign_en"),
        campaign_start=day("campaign_start"),
        campaign_end=day("campaign_end"),
    )


def describe_catalogue(session: Session) -> dict[str, Any]:
    """The register's catalogue as plain data (the `catalogue show` JSON shape)."""
    settings = read_settings(session)
    links: dict[str, list[str]] = {}
    for link in session.exec(select(RiskDepartment).order_by(RiskDepartment.risk, RiskDepartment.position)):
        links.setdefault(link.risk, []).append(link.department)
    risks: dict[str, list[dict[str, Any]]] = {}
    for risk in session.exec(select(Risk).order_by(Risk.rank, Risk.code)):
        risks.setdefault(risk.category, []).append({
            "code": risk.code, "zh": risk.zh, "en": risk.en, "departments": links.get(risk.code, []),
            "consolidation_days": settings.consolidation_days if risk.consolidation_days is None else risk.consolidation_days, "retired": risk.retired,
        })
    campaign = None
    if settings.campaign_start:
        campaign = {"zh": settings.campaign_zh, "en": settings.campaign_en,
                    "start": settings.campaign_start.isoformat(), "end": settings.campaign_end.isoformat()}
    return {
        "title": {"zh": settings.title_zh, "en": settings.title_en},
        "consolidation_days": settings.consolidation_days,
        "campaign": campaign,
        "levels": [{"code": lv.code, "zh": lv.zh, "en": lv.en, "colour": lv.colour}
                   for lv in session.exec(select(Level).order_by(Level.rank))],
        "departments": [{"code": d.code, "zh": d.zh, "en": d.en, "retired": d.retired}
                        for d in session.exec(select(Department).order_by(Department.rank, Department.code))],
        "categories": [{"code": c.code, "zh": c.zh, "en": c.en, "retired": c.retired, "risks": risks.get(c.code, [])}
                       for c in session.exec(select(Category).order_by(Category.rank, Category.code))],
        "units": [{"name": u.name, "retired": u.retired} for u in session.exec(select(Unit).order_by(Unit.rank, Unit.name))],
    }


def level_styles(session: Session, lang: str = "zh") -> dict[str, dict[str, str]]:
    """Level code -> display name and colour, for renderers."""
    return {lv.code: {"name": lv.en if lang == "en" else lv.zh, "colour": lv.colour}
            for lv in session.exec(select(Level).order_by(Level.rank))}


def code_names(session: Session, lang: str = "zh") -> dict[str, dict[str, str]]:
    """Department and category code -> name in `lang`, for renderers: people read names, scripts codes."""
    return {model.__tablename__: {row.code: row.en if lang == "en" else row.zh for row in session.exec(select(model))}
            for model in (Department, Category)}
