"""The selected entry beside the ledger: laid out by Rich once at the pane's width, kept as lines, drawn line by
line as the pane scrolls (Textual's Line API).

A Static would take the layout as text and lay it out again (Textual cuts and styles every line of it on each
update, and Rich would measure a table again at every resize); an entry with a long history made each key wait on
that twice. Here the only layout is Rich's, and a frame costs the lines in sight.
"""

import io
from typing import Any

from rich.console import Console, RenderableType
from rich.segment import Segment
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip


class Detail(ScrollView):
    """The pane's lines; `show` replaces them and scrolls back to the top."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._lines: list[Strip] = []
        # the console the command line's output is laid out on, not the app's (which leaves out emoji codes)
        self._layout = Console(file=io.StringIO(), force_terminal=True, color_system="truecolor",
                                legacy_windows=False, highlight=False)

    @property
    def text_width(self) -> int:
        """The width the pane's text is laid out at: the pane's less a vertical scrollbar's (it may need one)."""
        return max((self.size.width or self.app.size.width) - self.styles.scrollbar_size_vertical, 20)

    def show(self, view: RenderableType) -> None:
        """Lay `view` out; the pane stays where it was scrolled to, as far as the new lines reach."""
        options = self._layout.options.update(width=self.text_width, height=None)
        lines = self._layout.render_lines(view, options, pad=False)
        while lines and not Segment.get_line_length(lines[-1]):  # Rich ends a table with a blank line
            lines.pop()
        self._lines = [Strip(line) for line in lines]
        self.virtual_size = Size(max((strip.cell_length for strip in self._lines), default=0), len(self._lines))
        self.scroll_to(y=min(self.scroll_y, max(len(self._lines) - self.scrollable_content_region.height, 0)),
                       animate=False, immediate=True)
        self.refresh()

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        if scroll_y + y >= len(self._lines):
            return Strip.blank(width, self.rich_style)
        return self._lines[scroll_y + y].crop_extend(scroll_x, scroll_x + width, self.rich_style).apply_style(
            self.rich_style)
