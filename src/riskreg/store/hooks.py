"""Moments a test can hold open.

`pause` does nothing in riskreg; a test replaces it in a worker process to
hold a race window open or to kill the process at a known point
(tests/conftest.py `start_held`), so no sleep or switch lives in the code.
"""


def pause(moment: str) -> None:
    """Does nothing: tests replace it in a worker process to hold `moment` open (a race window, a kill point)."""
