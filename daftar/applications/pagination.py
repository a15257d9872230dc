"""A paginator for queues that stops counting at ``selectors.COUNT_CAP`` (bench/queue_bench.py:
an exact COUNT over a large queue grows with the table; the first page does not)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from . import selectors


class CappedPaginator(Paginator):
    capped = False

    @cached_property
    def count(self) -> int:  # type: ignore[override]
        total, self.capped = selectors.queue_count(self.object_list)  # type: ignore[arg-type]
        return total
