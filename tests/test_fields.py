"""The entry's field table (riskreg.fields) and the vocabulary (riskreg.vocabulary) agree with the schema and
with each other: pure data, checked once."""

import string

import pytest

from riskreg.fields import FIELDS, KINDS
from riskreg.store.models import Entry
from riskreg.vocabulary import WORDS

pytestmark = pytest.mark.pure  # about the code, not a register


def test_the_stored_fields_are_the_entry_tables_columns():
    assert {name for name, field in FIELDS.items() if field.stored} == set(Entry.model_fields)


def test_every_field_has_a_known_kind_and_every_stored_one_a_label():
    assert {field.kind for field in FIELDS.values()} <= set(KINDS)
    unlabelled = [name for name, field in FIELDS.items() if field.kind != "flag" and field.label not in WORDS]
    assert unlabelled == []


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_word_is_given_in_both_languages_with_the_same_placeholders():
    for key, (zh, en) in WORDS.items():
        assert zh and en, key
        assert _placeholders(zh) == _placeholders(en), key


def test_every_spreadsheet_column_has_a_heading():
    assert [name for name, field in FIELDS.items() if field.sheet and field.header not in WORDS] == []


def _named(kind: str) -> set[str]:
    return {key.removeprefix(f"{kind}.") for key in WORDS if key.startswith(f"{kind}.")}


def test_every_status_and_history_action_has_its_words():
    from riskreg.domain.ledger import ACTIONS
    from riskreg.store.models import STATUSES

    assert _named("status") == set(STATUSES)
    assert _named("action") == set(ACTIONS)
