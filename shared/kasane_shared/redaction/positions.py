"""Where a unit's tokens stand relative to its tax words (features.py's dl= and dr=)."""

from __future__ import annotations


def tax_distances(n: int, tax_at: list[int]) -> tuple[list, list]:
    """Per token of n, how far back the nearest tax word before it stands and how far ahead
    the nearest one after it, or None; tax_at: where the tax words stand, in order.

    Built a stretch at a time (ranges between tax words): most tokens are far from any.
    """
    if not tax_at:
        return [None] * n, [None] * n
    left: list[int | None] = [None] * (tax_at[0] + 1)
    right: list[int | None] = list(range(tax_at[0], 0, -1))
    for a, b in zip(tax_at, tax_at[1:]):
        left += range(1, b - a + 1)
        right += range(b - a, 0, -1)
    left += range(1, n - tax_at[-1])
    right += [None] * (n - tax_at[-1])
    return left, right
