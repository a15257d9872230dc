"""Small-group suppression: no figure may single a person out (issue 21 §5).

A figure computed over fewer than ``FIGURES_MIN_GROUP`` people's cases or licences (default 5,
an EXAMPLE: the municipality sets its own) is withheld: ``None`` in the JSON, its key named in
``withheld``, «کمتر از ۵» on the page. The rules:

* a count in a breakdown (refusals for one condition, licences in one district) of 1 to
  ``min_group - 1`` is withheld; 0 is shown (it reveals no one);
* so is a non-zero count within ``min_group`` of its breakdown's total (``total - count <
  min_group``): refused = 7 and S9.1 = 7 would say every refused person failed S9.1;
* complementary suppression: while the hidden cells of a breakdown are fewer than two or sum to
  less than ``min_group``, its next smallest non-zero cell is withheld too, so no hidden cell can
  be narrowed down by subtracting the others from the published total; when no cell is left to
  hide, the breakdown's total is withheld as well;
* a ratio or a median over fewer than ``min_group`` cases is withheld;
* the other totals of the whole municipality (applications received, decided) are published as
  they are: they say how many, never who.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings


def min_group() -> int:
    return max(1, int(getattr(settings, "FIGURES_MIN_GROUP", 5)))


@dataclass
class Guard:
    """Collects the keys withheld while the figures are put together."""

    minimum: int = field(default_factory=min_group)
    withheld: list[str] = field(default_factory=list)

    def over(self, key: str, value: object, group: int) -> object:
        """``value`` (a ratio, a median) computed over ``group`` cases, or ``None``."""
        if group < self.minimum:
            self.withheld.append(key)
            return None
        return value

    def breakdown(
        self, key: str, cells: dict[str, int], *, total_key: str, total: int
    ) -> tuple[dict[str, int | None], int | None]:
        """Each count of ``cells`` (a breakdown of ``total``), the small ones, those close to the
        total, and their complement ``None``; and the total, ``None`` when the hidden cells
        cannot be covered otherwise."""
        k = self.minimum
        hidden = {c for c, n in cells.items() if n > 0 and (n < k or total - n < k)}
        if hidden:
            rest = sorted((n, c) for c, n in cells.items() if n > 0 and c not in hidden)
            while (len(hidden) < 2 or sum(cells[c] for c in hidden) < k) and rest:
                hidden.add(rest.pop(0)[1])
        shown_total: int | None = total
        if hidden and (len(hidden) < 2 or sum(cells[c] for c in hidden) < k):
            self.withheld.append(total_key)
            shown_total = None
        self.withheld.extend(f"{key}.{c}" for c in cells if c in hidden)
        return {c: (None if c in hidden else n) for c, n in cells.items()}, shown_total
