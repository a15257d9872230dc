"""A PDF's check does bounded work (issue 17 §7): crafted page trees, cross-references and
object floods are refused as too complex, with a Persian reason, while real documents pass.

The time each costs is measured by ``make bench`` (bench/pdf_bench.py), not here: these tests
prove what is refused and why, with the CPU guard out of the way unless it is the subject.
"""

from __future__ import annotations

import gc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from daftar.documents import crafted, samples
from daftar.documents import messages as m
from daftar.documents.validation import UploadRejected, inspect_upload

MiB = 1024 * 1024
PDF = ("application/pdf",)
NO_CPU_GUARD = 60.0  # seconds: the deterministic bounds are what these tests look at


def inspect(data: bytes, **kwargs):
    kwargs.setdefault("max_pdf_cpu_seconds", NO_CPU_GUARD)
    return inspect_upload(SimpleUploadedFile("upload.pdf", data), accepted_types=PDF, max_bytes=10 * MiB, **kwargs)


def refused(data: bytes, **kwargs) -> UploadRejected:
    with pytest.raises(UploadRejected) as caught:
        inspect(data, **kwargs)
    return caught.value


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(crafted.shared_page_tree(), id="one node shared 12 ways, 8 levels: 430 million pages in 1.5 KB"),
        pytest.param(crafted.shared_page_tree(fanout=2, depth=3), id="a small shared subtree"),
        pytest.param(crafted.looping_page_tree(), id="a node that is its own kid"),
        pytest.param(crafted.deep_page_tree(depth=40), id="a page tree 40 levels deep"),
        pytest.param(crafted.deep_page_tree(depth=5000), id="a page tree 5000 levels deep"),
        pytest.param(crafted.xref_stream_bomb(), id="a million cross-reference entries in 4 KB"),
        pytest.param(crafted.long_arrays(count=3, length=5000), id="arrays of 5000 numbers"),
        pytest.param(crafted.many_objects(count=20_000), id="20000 objects"),
    ],
)
def test_a_crafted_pdf_is_refused_as_too_complex_in_persian(data):
    error = refused(data)
    assert (error.code, error.status, error.detail) == ("pdf_too_complex", 413, m.PDF_TOO_COMPLEX)
    assert "PDF" in error.detail and "چاپ به PDF" in error.detail  # what to do about it


def test_the_shared_page_tree_is_about_a_kilobyte():
    assert len(crafted.shared_page_tree(fanout=10, depth=6)) < 1200


def test_objects_past_the_budget_are_refused_and_within_it_accepted():
    assert inspect(crafted.many_objects(count=900), max_pdf_objects=1000).pages == 1
    assert refused(crafted.many_objects(count=1100), max_pdf_objects=1000).code == "pdf_too_complex"


def test_a_cross_reference_past_four_times_the_object_budget_is_refused_before_it_is_read():
    data = crafted.many_objects(count=900)  # about 900 cross-reference entries
    assert refused(data, max_pdf_objects=200).code == "pdf_too_complex"


def test_the_cpu_guard_refuses_a_check_that_runs_out_of_time():
    """The last guard, on this thread's CPU time: with none left, even a plain file is refused."""
    assert refused(samples.pdf_bytes(), max_pdf_cpu_seconds=-1.0).code == "pdf_too_complex"


@pytest.mark.parametrize("pages", [1, 150, 200])
def test_a_plain_tree_of_pages_is_counted(pages):
    assert inspect(crafted.many_pages(count=pages)).pages == pages


def test_the_page_limit_stops_the_walk_at_the_first_page_too_many():
    error = refused(crafted.many_pages(count=201))
    assert (error.code, error.status) == ("too_large", 413)
    assert error.detail == m.PDF_TOO_MANY_PAGES.format(limit="۲۰۰")


def test_real_documents_pass_with_the_default_bounds():
    """The repository's sample and a 150-page file, under the default object budget and CPU
    guard (a 36-page manual costs about 20 ms: bench/results/pdf.json)."""
    for data, pages in ((samples.pdf_bytes(), 1), (crafted.many_pages(count=150), 150)):
        assert inspect_upload(SimpleUploadedFile("a.pdf", data), accepted_types=PDF, max_bytes=MiB).pages == pages


def test_the_check_leaves_the_garbage_collector_as_it_found_it():
    assert gc.isenabled()
    refused(crafted.shared_page_tree())
    inspect(samples.pdf_bytes())
    assert gc.isenabled()
