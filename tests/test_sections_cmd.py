"""`reportkit sections list|show`: the sections of a library, and their text with citations."""

from __future__ import annotations

from pathlib import Path

from conftest import FIXTURE_LIBRARY, run_cli


def rows(stdout: str) -> dict[str, list[str]]:
    """The plain table as {id: columns}, columns split on runs of two or more spaces."""
    import re

    lines = stdout.splitlines()
    return {cells[0]: cells for cells in (re.split(r"\s{2,}", line.strip()) for line in lines[1:])}


def test_list_gives_title_profiles_review_date_and_citation_count():
    result = run_cli("sections", "list", "--library", FIXTURE_LIBRARY)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0].split() == ["id", "title", "profiles", "last", "reviewed",
                                                     "citations"]
    table = rows(result.stdout)
    assert set(table) == {"background", "features", "journalists", "defenders", "protection"}
    assert table["background"] == ["background", "General background", "all", "2026-11-01", "3"]
    assert table["features"][-1] == "11"  # in paragraphs, lists, a quote and tables
    assert table["journalists"][2] == "journalist"


def test_list_for_a_profile_keeps_its_sections_and_those_for_all():
    result = run_cli("sections", "list", "--profile", "journalist", "--library", FIXTURE_LIBRARY)
    assert result.exit_code == 0, result.stderr
    assert set(rows(result.stdout)) == {"background", "features", "journalists", "protection"}


def test_unknown_profile_names_the_valid_ones():
    result = run_cli("sections", "list", "--profile", "astronaut", "--library", FIXTURE_LIBRARY)
    assert result.exit_code == 1
    assert "unknown profile 'astronaut'" in result.stderr
    assert "available: defender, journalist" in result.stderr


def test_unknown_country_names_the_valid_ones():
    result = run_cli("sections", "list", "--country", "atlantis", "--library", FIXTURE_LIBRARY)
    assert result.exit_code == 1
    assert "unknown country 'atlantis'" in result.stderr and "available: testland" in result.stderr


def test_list_of_a_broken_library_points_at_the_file(workdir: Path):
    section = workdir / "library" / "testland" / "sections" / "background.md"
    section.write_text(section.read_text(encoding="utf-8").replace("last_reviewed: 2026-11-01",
                                                                   "last_reviewed: someday"),
                       encoding="utf-8")
    result = run_cli("sections", "list", "--library", workdir / "library")
    assert result.exit_code == 1
    assert f"{section}:8: " in result.stderr and "Traceback" not in result.stderr


def test_show_writes_each_citation_as_a_short_reference_and_lists_the_sources():
    result = run_cli("sections", "show", "background", "--library", FIXTURE_LIBRARY)
    assert result.exit_code == 0, result.stderr
    assert all(len(line) <= 80 for line in result.stdout.splitlines())
    text = " ".join(result.stdout.split())  # long lines are wrapped at 80 columns
    assert result.stdout.startswith("# General background\n")
    assert ("protests took place in 2023 [Alpha Watch, *Alpha report* (25 May 2023), p. 12]."
            in text)
    assert ("two sources [Alpha Watch, *Alpha report* (25 May 2023); Beta Media, *Beta story* "
            "(February 2024)]." in text)
    assert "[@" not in text
    sources = text.split("## Sources", 1)[1]
    assert "- [alpha-2023] Alpha Watch, *Alpha report on Testland: the full title* (AW 01/2023, " \
           "25 May 2023) <https://example.org/alpha> accessed 1 November 2026." in sources
    assert "- [beta-news] Beta Media, ‘Beta story’, *The Beta Times*" in sources


def test_show_resolves_citations_in_lists_quotes_and_tables():
    result = run_cli("sections", "show", "features", "--library", FIXTURE_LIBRARY)
    assert result.exit_code == 0, result.stderr
    assert "[@" not in result.stdout
    assert "- First point of a list [Beta Media, *Beta story* (February 2024)]." in result.stdout
    # A quotation too long for 80 columns goes on as a quotation.
    assert "> A quoted passage from the report [Alpha Watch, *Alpha report* (25 May 2023),\n> p. 5]." \
        in result.stdout
    assert "| 2023 | Protests [Alpha Watch, *Alpha report* (25 May 2023)] |" in result.stdout
    # A Markdown link is not a citation.
    assert "[link to the report](https://example.org/alpha)" in " ".join(result.stdout.split())


def test_show_unknown_section_suggests_the_closest_id():
    result = run_cli("sections", "show", "journalist", "--library", FIXTURE_LIBRARY)
    assert result.exit_code == 1
    assert "no section 'journalist'" in result.stderr
    assert "did you mean 'journalists'?" in result.stderr
    assert result.stdout == ""


def test_show_flags_a_citation_of_a_source_the_library_lacks(workdir: Path):
    section = workdir / "library" / "testland" / "sections" / "protection.md"
    section.write_text(section.read_text(encoding="utf-8") + "\nA new claim [@gamma-2025, p. 2].\n",
                       encoding="utf-8")
    result = run_cli("sections", "show", "protection", "--library", workdir / "library")
    assert result.exit_code == 0, result.stderr
    assert "[@gamma-2025 (unknown source)]" in result.stdout
    assert f"{section}: warning: unknown citation key '@gamma-2025'" in result.stderr
