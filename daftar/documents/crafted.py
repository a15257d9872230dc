"""PDFs made to cost a checker work, for the tests and ``make bench`` (issue 17 §7).

Each is well-formed enough for a reader to open: objects, a cross-reference table with the
right offsets, a trailer. What they abuse is the page tree (a PDF's pages hang from a tree of
``/Pages`` nodes, each node with one parent) or the number of objects:

* ``shared_page_tree``: every node's ``/Kids`` names the same child ``fanout`` times, ``depth``
  levels down: about 1 KB that a naive walk reads as ``fanout ** depth`` pages;
* ``deep_page_tree``: a chain of ``depth`` nodes with one child each (recursion);
* ``looping_page_tree``: a node that is its own kid;
* ``many_objects``: ``count`` small objects all reachable from the catalogue (a walk of every
  object must visit each);
* ``long_arrays``: ``count`` arrays of ``length`` numbers each, reachable (parsing costs per
  element, not per object);
* ``xref_stream_bomb``: a compressed cross-reference stream of ``entries`` entries in 4 KB;
* ``many_pages``: a legitimate tree of ``count`` blank pages (what the page limit is for).
"""

from __future__ import annotations

import zlib


def _pdf(objects: list[bytes], *, root: int = 1) -> bytes:
    """Objects numbered from 1, with a classic xref table and a trailer naming ``root``."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)


_PAGE = b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 200 200] >>"


def shared_page_tree(*, fanout: int = 12, depth: int = 8) -> bytes:
    """Catalogue 1; nodes 2 … depth+1, node n's kids are node n+1 ``fanout`` times; one page."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    page = depth + 2
    for level in range(depth):
        number = level + 2
        child = number + 1
        parent = b"" if level == 0 else b" /Parent %d 0 R" % (number - 1)
        kids = b" ".join([b"%d 0 R" % child] * fanout)
        objects.append(b"<< /Type /Pages%s /Kids [%s] /Count %d >>" % (parent, kids, fanout ** (depth - level)))
    objects.append(_PAGE % (page - 1))
    return _pdf(objects)


def deep_page_tree(*, depth: int = 5000) -> bytes:
    """Catalogue 1; a chain of ``depth`` nodes, each the only kid of the one above; one page."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for level in range(depth):
        number = level + 2
        parent = b"" if level == 0 else b" /Parent %d 0 R" % (number - 1)
        objects.append(b"<< /Type /Pages%s /Kids [%d 0 R] /Count 1 >>" % (parent, number + 1))
    objects.append(_PAGE % (depth + 1))
    return _pdf(objects)


def looping_page_tree() -> bytes:
    """Node 2's kids are a page and node 2 itself."""
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>",
            _PAGE % 2,
        ]
    )


def many_objects(*, count: int = 200_000, per_list: int = 1_000) -> bytes:
    """One page, and ``count`` tiny dictionaries, listed ``per_list`` to an array; the arrays
    listed by one more array that the catalogue names."""
    first = 4
    lists = [range(n, min(n + per_list, first + count)) for n in range(first, first + count, per_list)]
    listing = first + count + len(lists)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /Extra %d 0 R >>" % listing,
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        _PAGE % 2,
    ]
    objects += [b"<< /N %d >>" % n for n in range(count)]
    objects += [b"[" + b" ".join(b"%d 0 R" % n for n in numbers) + b"]" for numbers in lists]
    objects.append(b"[" + b" ".join(b"%d 0 R" % n for n in range(first + count, listing)) + b"]")
    return _pdf(objects)


def many_pages(*, count: int = 150) -> bytes:
    """A plain tree: the catalogue, one node, ``count`` blank pages."""
    kids = b" ".join(b"%d 0 R" % (n + 3) for n in range(count))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count)]
    objects += [_PAGE % 2] * count
    return _pdf(objects)


def long_arrays(*, count: int = 200, length: int = 9_000) -> bytes:
    """One page, and ``count`` arrays of ``length`` small numbers, listed by the catalogue."""
    first = 4
    listing = first + count
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /Extra %d 0 R >>" % listing,
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        _PAGE % 2,
    ]
    numbers = b"[" + b" ".join([b"7"] * length) + b"]"
    objects += [numbers] * count
    objects.append(b"[" + b" ".join(b"%d 0 R" % n for n in range(first, listing)) + b"]")
    return _pdf(objects)


def xref_stream_bomb(*, entries: int = 1_000_000) -> bytes:
    """A valid one-page file whose cross-reference stream declares ``entries`` free entries:
    four zero bytes each, which compress to almost nothing."""
    stream = zlib.compress(b"\x00" * 4 * entries, 9)
    head = bytearray(b"%PDF-1.7\n")
    for number, body in enumerate(
        [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", _PAGE % 2], start=1
    ):
        head += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(head)
    head += b"4 0 obj\n<< /Type /XRef /Size %d /W [1 2 1] /Root 1 0 R /Filter /FlateDecode /Length %d >>\n" % (
        entries,
        len(stream),
    )
    head += b"stream\n" + stream + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(head)
