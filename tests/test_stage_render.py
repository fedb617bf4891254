"""Render stage: a section with no template syntax is given back as Jinja would give it, without
running Jinja; one with template syntax is rendered."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURE_LIBRARY, ROOT
from reportkit import render
from reportkit.load.library import load_library

SAMPLES = ["a\n\nb\n", "no newline at the end", "  indented\n\n\n", "\n\n# Heading\n",
           "tab\there\n", "x {not a template} y\n", "trailing spaces   \n  \n",
           "   - item\n     - nested\n", "{ {not} } and %} and #}\n"]


def _texts():
    for root, country in ((ROOT / "country_data", "peru"), (FIXTURE_LIBRARY, "testland")):
        for section in load_library(root, country).sections.values():
            yield section.id, section.body, section.path, section.body_line
            if section.meta.summary:
                yield f"{section.id}-summary", section.meta.summary, section.path, \
                    section.summary_line or 1
    for index, sample in enumerate(SAMPLES):
        yield f"sample-{index}", sample, Path("sample.md"), 3


@pytest.mark.parametrize("name, body, path, line", list(_texts()), ids=lambda value: str(value)
                         if isinstance(value, str) and not value.count("\n") else None)
def test_a_section_renders_as_jinja_renders_it(name, body, path, line):
    renderer = render.Renderer(ROOT / "templates" / "uk", "en-GB")
    context = {"applicant": {"home_region": "the north"}}
    source = renderer.section_loader.add(name, body, path, line)
    by_jinja = render._render(renderer.section_env, name, context, {str(path)}, (), 10**6)
    assert renderer.render_section(name, body, path, line, context) == \
        renderer.literals.line_breaks(by_jinja)
    if render._TEMPLATE_SYNTAX.search(source) is None:
        assert by_jinja == source


@pytest.fixture
def collector_off():
    """The collector off, as the command line runs (cli.app.main); put back afterwards."""
    import gc

    collecting = gc.isenabled()
    gc.disable()
    yield gc
    if collecting:
        gc.enable()


def test_a_template_runs_with_the_cycle_collector_on(collector_off):
    """The command line turns the cycle collector off; a template, which may make reference
    cycles without end, runs with it on, and the rest of the run goes on without it."""
    gc = collector_off
    running, seen = [False], []
    renderer = render.Renderer(ROOT / "templates" / "uk", "en-GB")
    body = "{% set kept = range(20000) | batch(1) | list %}done\n"  # 20,000 lists at once

    def watch(phase, info):
        if phase == "start":
            seen.append(running[0])

    gc.callbacks.append(watch)
    try:
        running[0] = True
        text = renderer.render_section("looping", body, Path("looping.md"), 1, {})
        running[0] = False
        assert len([[index] for index in range(20000)]) == 20000  # as many, outside one
    finally:
        gc.callbacks.remove(watch)
    assert text.strip() == "done"
    assert seen and all(seen)  # collections ran while the template ran, and only then
    assert not gc.isenabled()
