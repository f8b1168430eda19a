"""Display names shared by every renderer."""

STATUS_LABELS = ("open", "mitigated", "closed", "consolidated")

_LIST_TITLES = {
    "overdue": "Overdue",
    "due_soon": "Due within {due_soon_days}",
    "unaccountable": "Not accountable (missing one of the four ones)",
    "stale": "Stale (no change for {stale_days})",
    "awaiting_consolidation": "Watch over, awaiting consolidation",
}


def list_titles(windows: dict[str, int]) -> dict[str, str]:
    """The report's list titles, in the report's order, naming the windows it was built with."""
    days = {key: f"{n} day" if n == 1 else f"{n} days" for key, n in windows.items()}
    return {name: title.format(**days) for name, title in _LIST_TITLES.items()}

# Catalogue colour names to Rich styles (Rich's "orange" is not a standard colour).
RICH_COLOURS = {"red": "bold red", "orange": "dark_orange", "yellow": "yellow", "blue": "blue"}

# Columns every attention list shares; each list adds one of its own.
LIST_BASE = ("id", "risk", "title", "unit", "level", "status", "department", "leader", "due")
