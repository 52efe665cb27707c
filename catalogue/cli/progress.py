"""The one progress display of the commands: click's progress bar on stderr, on a terminal only."""

import click


class Progress:
    """A progress bar opened at the first update (when the total is known); nothing unless `shown`.

    On stderr, like every progress display: stdout may be a file or a pipe, and under cron or
    `-q` nothing is shown at all.
    """

    def __init__(self, shown: bool, label: str = ""):
        self.shown = shown
        self.label = label
        self._bar = None
        self._done = 0
        self._detail = ""

    def update(self, done: int, total: int, detail: str = "") -> None:
        """`done` of `total` finished; `detail` (a host, a count of failures) shown beside the bar."""
        if not self.shown:
            return
        if self._bar is None:
            self._bar = click.progressbar(
                length=max(1, total),
                label=self.label,
                file=click.get_text_stream("stderr"),
                item_show_func=lambda _item: self._detail,
            )
            self._bar.__enter__()
        self._detail = detail
        self._bar.update(max(0, done - self._done))
        self._done = done

    def close(self) -> None:
        """End the bar's line."""
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
