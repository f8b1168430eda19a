"""`check`'s findings and the catalogue's parse and apply, called on a Session without the CLI.

(History is append-only in the database itself; altering it is tests/test_tamper.py's subject.)
"""

import pytest

from riskreg.domain import ledger
from riskreg.domain.catalogue import bundled_catalogue_path, parse_catalogue
from riskreg.domain.catalogue_sync import apply_catalogue
from riskreg.domain.integrity import run_checks
from riskreg.errors import CatalogueError, InvalidInput
from riskreg.store.models import Entry


def checks(domain) -> list[str]:
    with domain.register.session() as session:
        return run_checks(session)


def entry_with_history(domain) -> int:
    entry_id = domain.write(ledger.add_entry, risk="S03", title="某工地拖欠农民工工资", unit="东村", today="2026-06-01")
    domain.write(ledger.assign, entry_id, leader="王明", today="2026-06-02")
    domain.write(ledger.close, entry_id, verified_by="李强", resolution="已整改", today="2026-06-03")
    return entry_id


def test_a_register_written_by_the_domain_passes_every_check(domain_register):
    entry_with_history(domain_register)
    assert checks(domain_register) == []


def test_a_field_changed_behind_the_history_is_found(domain_register):
    entry_id = entry_with_history(domain_register)
    with domain_register.register.session(write=True) as session:
        session.get(Entry, entry_id).leader = "张三"
    assert checks(domain_register) == [f"entry {entry_id}: leader is '张三' but its history says '王明'."]


def test_a_closed_entry_without_its_verifier_is_found(domain_register):
    entry_id = entry_with_history(domain_register)
    with domain_register.register.session(write=True) as session:
        session.get(Entry, entry_id).verified_by = None
    assert f"entry {entry_id} is closed without a verifier, resolution or closing date." in checks(domain_register)


# --- the catalogue: parse (pure) and apply ------------------------------------------------------------------

BUNDLED = bundled_catalogue_path().read_text(encoding="utf-8")
S05 = """      - code: S05
        zh: 高铁、高速扩容等重大工程征地补偿及施工扰民纠纷
        en: Land, compensation and nuisance disputes around major infrastructure projects
        departments: [URBAN, COMP]
"""


@pytest.mark.pure
def test_the_bundled_catalogue_parses_to_its_levels_departments_and_risks():
    parsed = parse_catalogue(BUNDLED)
    assert (len(parsed.levels), len(parsed.departments), len(parsed.categories), len(parsed.risks)) == (4, 13, 4, 24)
    assert (parsed.consolidation_days, parsed.units, parsed.campaign) == (30, (), None)
    s03 = next(risk for risk in parsed.risks if risk.code == "S03")
    assert (s03.category, s03.departments, s03.consolidation_days) == ("S", ("LABOUR",), None)


@pytest.mark.pure
@pytest.mark.parametrize("text, sentence", [
    ("", "<catalogue>: the catalogue is empty."),
    (BUNDLED.replace("consolidation_days: 30", "consolidation_days: -1"), "consolidation_days"),
])
def test_a_bad_catalogue_is_one_sentence_naming_its_source(text, sentence):
    with pytest.raises(CatalogueError) as refused:
        parse_catalogue(text)
    assert sentence in str(refused.value) and "\n" not in str(refused.value)


def test_applying_the_same_catalogue_again_changes_nothing(domain_register, bundled_catalogue):
    with domain_register.register.session(write=True) as session:
        assert apply_catalogue(session, bundled_catalogue).empty


def test_a_risk_left_out_is_retired_and_refuses_new_entries(domain_register, snapshot):
    assert S05 in BUNDLED
    with domain_register.register.session(write=True) as session:
        diff = apply_catalogue(session, parse_catalogue(BUNDLED.replace(S05, "")))
    assert (diff.added, diff.changed, diff.retired) == ([], [], ["risk S05"])
    before = snapshot()
    with pytest.raises(InvalidInput) as refused:
        domain_register.write(ledger.add_entry, risk="s05", title="征地补偿纠纷", unit="东村")
    assert str(refused.value) == "Risk S05 is retired from the catalogue; new entries cannot use it."
    assert snapshot() == before
