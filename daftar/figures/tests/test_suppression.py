"""Small-group suppression of a breakdown (issue 21 §5): cells close to the total, and
complementary suppression until the hidden cells sum to the minimum group."""

from __future__ import annotations

from daftar.figures.suppression import Guard


def hide(cells: dict[str, int], total: int) -> tuple[dict[str, int | None], int | None, list[str]]:
    guard = Guard(minimum=5)
    shown, shown_total = guard.breakdown("b", cells, total_key="t", total=total)
    return shown, shown_total, guard.withheld


def test_a_cell_close_to_the_total_is_withheld() -> None:
    # 8 of 12 failed A: four others only, so A says of almost everyone that they failed it
    shown, total, withheld = hide({"A": 8, "B": 5, "C": 6}, 12)
    assert shown == {"A": None, "B": None, "C": 6}  # B, the smallest, covers A
    assert total == 12
    assert withheld == ["b.A", "b.B"]


def test_complementary_cells_are_hidden_until_they_sum_to_the_minimum() -> None:
    # 1 + 1 hidden would still say "two people" from the total: the next smallest (9) joins them
    shown, total, withheld = hide({"A": 1, "B": 1, "C": 9, "D": 20}, 31)
    assert shown == {"A": None, "B": None, "C": None, "D": 20}
    assert total == 31
    assert withheld == ["b.A", "b.B", "b.C"]


def test_the_total_is_withheld_when_nothing_is_left_to_hide() -> None:
    shown, total, withheld = hide({"A": 1, "B": 2, "C": 0}, 3)
    assert shown == {"A": None, "B": None, "C": 0}
    assert total is None
    assert withheld == ["t", "b.A", "b.B"]
    shown, total, withheld = hide({"A": 7, "B": 0}, 7)  # every one in A: a lone hidden cell
    assert (shown, total) == ({"A": None, "B": 0}, None)


def test_zeros_and_large_cells_far_from_the_total_are_shown() -> None:
    assert hide({"A": 0}, 0) == ({"A": 0}, 0, [])
    assert hide({"A": 10, "B": 12}, 30) == ({"A": 10, "B": 12}, 30, [])
