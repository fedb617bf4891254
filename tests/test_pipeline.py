"""The pipeline as a stage of its own (`reportkit.pipeline.run_cases`), called without the CLI:
one composition feeds every output, and `batch --final` lays a report out as `build --final` does."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from conftest import EXAMPLE_CASES, FIXTURE_CASES, FIXTURE_LIBRARY, ROOT, docx_parts, run_cli
from reportkit.build import LibraryCache
from reportkit.paths import template_search_path
from reportkit.pipeline import SCHEDULE, Request, run_cases
from reportkit.render import Renderer


def _run(*requests: Request, library: Path = FIXTURE_LIBRARY):
    return run_cases(list(requests), LibraryCache(library), template_search_path())


@pytest.fixture
def rendered(monkeypatch) -> Counter:
    """How often each section (or summary) is rendered, by its template name."""
    counts: Counter = Counter()
    real = Renderer.render_section

    def counting(self, name, *args, **kwargs):
        counts[name] += 1
        return real(self, name, *args, **kwargs)

    monkeypatch.setattr(Renderer, "render_section", counting)
    return counts


def test_a_report_in_memory_writes_nothing_and_estimates_its_pages(tmp_path):
    case = tmp_path / "journalist.yaml"
    shutil.copy(FIXTURE_CASES / "journalist.yaml", case)
    shutil.copy(FIXTURE_CASES / "expert.yaml", tmp_path / "expert.yaml")
    [outcome] = _run(Request(case, write=False))
    assert outcome.error is None
    assert outcome.written == [] and sorted(path.name for path in tmp_path.iterdir()) == [
        "expert.yaml", "journalist.yaml"]
    assert outcome.count.estimated and outcome.count.pages >= 2
    assert outcome.docx == outcome.report.docx  # not laid out: nothing filled in
    assert outcome.limit == 20 and not outcome.over_limit


def test_each_section_of_a_shortened_report_is_rendered_once_in_each_form(rendered, tmp_path):
    """A report over its page limit is put together again with some sections shortened to
    their summaries, but no section (or summary) is rendered twice. The limit is set a few pages
    under the full report, so that only some sections are shortened and the others are used
    in full in several trial compositions."""
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates" / "uk", templates / "uk")
    config = templates / "uk" / "template.yaml"
    text = config.read_text(encoding="utf-8")

    def build(limit: str):
        config.write_text(re.sub(r"(?m)^page_limit: \d+", f"page_limit: {limit}", text),
                          encoding="utf-8")
        return run_cases([Request(EXAMPLE_CASES / "journalist.yaml", write=False)],
                         LibraryCache(ROOT / "country_data"), template_search_path([templates]))[0]

    full = build("null")
    assert full.error is None and not full.report.summarised
    rendered.clear()
    shortened = build(str(full.count.pages - 3))
    assert shortened.error is None
    with_summary = [section for section in shortened.inputs.library.sections.values()
                    if section.meta.summary and section.id in shortened.report.section_ids]
    assert 0 < len(shortened.report.summarised) < len(with_summary)  # some, not all
    assert max(rendered.values()) == 1, [name for name, count in rendered.items() if count > 1]


def test_the_schedule_quotes_the_report_as_composed_without_rendering_again(rendered, tmp_path):
    [report] = _run(Request(EXAMPLE_CASES / "journalist.yaml", write=False),
                    library=ROOT / "country_data")
    for_report = Counter(rendered)
    rendered.clear()
    [schedule] = _run(Request(EXAMPLE_CASES / "journalist.yaml", product=SCHEDULE,
                              output=tmp_path / "schedule.docx"), library=ROOT / "country_data")
    assert schedule.error is None and schedule.schedule.rows > 0
    assert schedule.written == [tmp_path / "schedule.docx"]
    assert rendered == for_report  # the report's composition, and nothing rendered again
    assert schedule.report is None and report.report.summarised


def test_a_failing_case_leaves_the_others_and_frees_its_name(workdir: Path):
    cases, out = workdir / "cases", workdir / "out"
    out.mkdir()
    broken = cases / "broken" / "journalist.yaml"
    broken.parent.mkdir()
    shutil.copy(cases / "expert.yaml", broken.parent / "expert.yaml")
    broken.write_text((cases / "journalist.yaml").read_text(encoding="utf-8").replace(
        "country: ", "country: atlantis\nignored: ", 1), encoding="utf-8")
    outcomes = run_cases([Request(broken, folder=out), Request(cases / "journalist.yaml", folder=out)],
                         LibraryCache(workdir / "library"), template_search_path())
    assert outcomes[0].error is not None and outcomes[0].written == []
    # The failed case's file name was free for the next case with the same name.
    assert outcomes[1].error is None and outcomes[1].written == [out / "journalist.docx"]


def _contents_pages(docx: Path) -> dict[str, str]:
    """The cached page number of each contents entry, by its bookmark ("" when empty)."""
    document = docx_parts(docx)["word/document.xml"]
    found = {}
    for match in re.finditer(r'PAGEREF (_Toc\w+)\b.*?fldCharType="separate"/></w:r>(.*?)'
                             r'<w:fldChar w:fldCharType="end"', document, re.S):
        found[match.group(1)] = "".join(re.findall(r"<w:t>(\d*)</w:t>", match.group(2)))
    return found


def test_batch_final_fills_the_contents_page_numbers_as_build_final_does(workdir: Path):
    from readers import need

    need("soffice")
    need("pdftotext")
    cases = workdir / "cases"
    case = cases / "finished.yaml"
    case.write_text((cases / "journalist.yaml").read_text(encoding="utf-8").replace(
        'answer: ""', 'answer: "The sources describe such attacks."'), encoding="utf-8")
    built = run_cli("build", case, "-o", workdir / "built.docx", "--final",
                    "--library", workdir / "library")
    assert built.exit_code == 0, built.stderr
    batched = run_cli("batch", case, "-o", workdir / "out", "--final",
                      "--library", workdir / "library")
    assert batched.exit_code == 0, batched.stderr
    plain = run_cli("batch", case, "-o", workdir / "plain", "--library", workdir / "library")
    assert plain.exit_code == 0, plain.stderr
    by_build = _contents_pages(workdir / "built.docx")
    by_batch = _contents_pages(workdir / "out" / "finished.docx")
    assert by_build and all(page.isdigit() for page in by_build.values()), by_build
    assert by_batch == by_build
    # Without --final nothing is laid out, and the numbers are left for Word to fill.
    assert set(_contents_pages(workdir / "plain" / "finished.docx").values()) == {""}


def test_a_batch_reads_each_reference_docx_through_once(workdir: Path, monkeypatch):
    """Checking every part of reference.docx is the slow part of loading a template set: done
    once per set in a process, however many builds use it, and again when the file changes."""
    import zipfile

    templates = workdir / "templates"
    shutil.copytree(ROOT / "templates" / "uk", templates / "uk")
    tested = []
    real = zipfile.ZipFile.testzip
    monkeypatch.setattr(zipfile.ZipFile, "testzip", lambda self: tested.append(self.filename)
                        or real(self))
    cases = workdir / "cases"
    for round_ in range(2):  # two runs of one process, as two batches of a long-lived caller
        outcomes = run_cases([Request(cases / "journalist.yaml", write=False)] * 2,
                             LibraryCache(workdir / "library"), template_search_path([templates]))
        assert [outcome.error for outcome in outcomes] == [None, None]
    assert [Path(name).parent.name for name in tested] == ["uk"]
    reference = templates / "uk" / "reference.docx"
    reference.write_bytes(reference.read_bytes() + b"\0")  # changed: checked again
    run_cases([Request(cases / "journalist.yaml", write=False)], LibraryCache(workdir / "library"),
              template_search_path([templates]))
    assert len(tested) == 2
