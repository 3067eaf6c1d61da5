"""Marginals of the tax tagger's CRF, computed here from the weights of its crfsuite model.

Handing crfsuite twenty feature strings per token (it turns each into a C++ string and looks
it up) cost more than all the rest of the redactor. A token's features come in groups that
recur (a word with its part of speech, a neighbour, the clause's bag of classes), so each
group's weights are summed once and remembered; a token's state scores are the sum of its
groups'. The forward-backward pass is crfsuite's own (scaled alpha and beta, crf1d_context.c),
The result equals crfsuite's marginals up to float
rounding (tests/shared/test_redaction_crf.py holds them to 1e-9 on the corpus).

Only the model file is read (its format: crfsuite's crf1dm.c and cqdb.c); pycrfsuite is left
to training.
"""

from __future__ import annotations

import itertools
import math
import struct
from collections.abc import Sequence
from operator import sub
from pathlib import Path

Group = tuple[str, ...]
Vector = tuple[float, float, float]
_NOTHING = itertools.repeat(0j)


def _cqdb_strings(buf: bytes, offset: int) -> list[str]:
    """The strings of a CQDB chunk by id (its backward array)."""
    chunk, _size, _flag, _order, count, bwd = struct.unpack_from("<4sIIIII", buf, offset)
    if chunk != b"CQDB":
        raise ValueError("not a crfsuite model: string table missing")
    size_at = struct.Struct("<I").unpack_from
    out = []
    for rec in struct.unpack_from(f"<{count}I", buf, offset + bwd):
        start = offset + rec + 8  # a record: its value, the key's size, the key ending in NUL
        out.append(buf[start : start + size_at(buf, start - 4)[0] - 1].decode("utf-8"))
    return out


def read_model(path: Path) -> tuple[list[str], list[str], list[list[float]], list[list[float]]]:
    """(labels, attributes, state weights of each label per attribute, transition weights)
    of a crfsuite model.

    Only three-label models are read (the tagger's B, I, O): the recursion below is written
    out for three. The feature table is unpacked in one call: the model is read when the
    first line is redacted, and `kasane redact` answers that line in under half a second.
    """
    buf = path.read_bytes()
    magic, _size, kind, _version, _nf, n_labels, _na, off_feat, off_labels, off_attrs = (
        struct.unpack_from("<4sI4sIIIIIII", buf, 0)
    )
    if magic != b"lCRF" or kind != b"FOMC":
        raise ValueError(f"{path} is not a crfsuite CRF model")
    labels = _cqdb_strings(buf, off_labels)
    attrs = _cqdb_strings(buf, off_attrs)
    chunk, _size, count = struct.unpack_from("<4sII", buf, off_feat)
    if chunk != b"FEAT" or len(labels) != n_labels or n_labels != 3:
        raise ValueError(f"{path}: not a three-label model with a feature table")
    table = struct.unpack_from("<" + "IIId" * count, buf, off_feat + 12)
    state = [[0.0] * len(attrs) for _ in range(3)]
    trans = [[0.0] * 3 for _ in range(3)]
    for ftype, src, dst, weight in zip(table[0::4], table[1::4], table[2::4], table[3::4]):
        if ftype == 0:  # a state feature: attribute src, label dst
            state[dst][src] = weight
        else:  # a transition from label src to label dst
            trans[src][dst] = weight
    return labels, attrs, state, trans


class _Groups(dict):
    """Summed weights of each feature group seen, computed on first sight.

    A token's label scores matter only relative to each other (the marginals do not change
    when one number is added to all of a token's scores), so a group's weights are kept as
    one complex number, (B − O) + (I − O)j, and a token's groups sum in one call.
    """

    def __init__(self, attrs: list[str], state: list[list[float]], labels: list[str]) -> None:
        super().__init__()
        b, i, o = (state[labels.index(x)] for x in "BIO")
        self.weights = dict(zip(attrs, map(complex, map(sub, b, o), map(sub, i, o))))

    def __missing__(self, group: Group) -> complex:
        if len(self) >= 1 << 18:  # bigram groups never stop coming: start afresh
            self.clear()
        # Features unknown to the model weigh nothing, as in crfsuite.
        self[group] = total = sum(map(self.weights.get, group, _NOTHING))
        return total


class Scorer:
    """A model's weights, with each feature group's summed weights remembered."""

    def __init__(self, path: Path) -> None:
        labels, attrs, state, trans = read_model(path)
        if sorted(labels) != ["B", "I", "O"]:
            raise ValueError(f"{path}: labels {labels}, not B, I, O")
        self._groups = _Groups(attrs, state, labels)
        order = [labels.index(x) for x in "BIO"]
        self._trans = [[math.exp(trans[a][b]) for b in order] for a in order]

    def inside(self, columns: Sequence[Sequence[Group]]) -> list[float]:
        """Per token of a unit, the probability that it lies inside a tax span (B or I).

        columns: the unit's feature groups, one column per kind (features.Unit.columns).
        """
        get = self._groups.__getitem__
        states = list(map(sum, zip(*[map(get, column) for column in columns])))
        if not states:
            return []
        a0, a1, _, b0, b1, _, scale = self._forward_backward(states)
        return [x * y / k + u * v / k for x, y, u, v, k in zip(a0, b0, a1, b1, scale)]

    def marginals(self, states: list[complex]) -> list[Vector]:
        """Per token, the probability of B, I and O (crfsuite's scaled forward-backward)."""
        if not states:
            return []
        a0, a1, a2, b0, b1, b2, scale = self._forward_backward(states)
        return [
            (x0 * y0 / k, x1 * y1 / k, x2 * y2 / k)
            for x0, x1, x2, y0, y1, y2, k in zip(a0, a1, a2, b0, b1, b2, scale)
        ]

    def _forward_backward(self, states: list[complex]) -> tuple[list[float], ...]:
        """(alpha of B, I, O, beta of B, I, O, scale) per token: crfsuite's recursion, kept in
        lists of floats (a tuple per token and step was a fifth of this function's time, with
        the garbage collector's share). O's state score is 1: scores are relative to O's."""
        (t00, t01, t02), (t10, t11, t12), (t20, t21, t22) = self._trans
        exp = math.exp
        n = len(states)
        e0 = [exp(z.real) for z in states]
        e1 = [exp(z.imag) for z in states]
        a0, a1, a2, scale = [0.0] * n, [0.0] * n, [0.0] * n, [0.0] * n
        p0 = p1 = p2 = 0.0
        for t in range(n):
            if t:
                s0 = e0[t] * (p0 * t00 + p1 * t10 + p2 * t20)
                s1 = e1[t] * (p0 * t01 + p1 * t11 + p2 * t21)
                s2 = p0 * t02 + p1 * t12 + p2 * t22
            else:
                s0, s1, s2 = e0[0], e1[0], 1.0
            total = s0 + s1 + s2
            k = 1.0 / total if total != 0.0 else 1.0
            a0[t] = p0 = s0 * k
            a1[t] = p1 = s1 * k
            a2[t] = p2 = s2 * k
            scale[t] = k
        b0, b1, b2 = [0.0] * n, [0.0] * n, [0.0] * n
        r0 = r1 = r2 = b0[-1] = b1[-1] = b2[-1] = scale[-1]
        for t in range(n - 2, -1, -1):
            r0, r1, k = r0 * e0[t + 1], r1 * e1[t + 1], scale[t]
            b0[t] = q0 = (t00 * r0 + t01 * r1 + t02 * r2) * k
            b1[t] = q1 = (t10 * r0 + t11 * r1 + t12 * r2) * k
            b2[t] = r2 = (t20 * r0 + t21 * r1 + t22 * r2) * k
            r0, r1 = q0, q1
        return a0, a1, a2, b0, b1, b2, scale
