"""Display names shared by every renderer."""

STATUS_LABELS = ("open", "mitigated", "closed", "consolidated")

LIST_TITLES = {
    "overdue": "Overdue",
    "due_soon": "Due within 7 days",
    "unaccountable": "Not accountable (missing one of the four ones)",
    "stale": "Stale (no change for 7 days)",
    "awaiting_consolidation": "Watch over, awaiting consolidation",
}

# Catalogue colour names to Rich styles (Rich's "orange" is not a standard colour).
RICH_COLOURS = {"red": "bold red", "orange": "dark_orange", "yellow": "yellow", "blue": "blue"}

# Columns every attention list shares; each list adds one of its own.
LIST_BASE = ("id", "risk", "title", "unit", "level", "status", "department", "leader", "due")
