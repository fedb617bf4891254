"""Every string operation a template or section can use is bounded before it runs, not only
the final output: each way of making a large string from small ones is generated and refused
with the section's file and line, quickly."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from reportkit.errors import ReportkitError
from reportkit.render import MAX_STRING, Renderer

ROOT = Path(__file__).resolve().parent.parent
BIG = MAX_STRING - 1  # one value just under the limit, then combined

# A value at the limit, made each way a template can make one...
MAKERS = {
    "repeat": f"'x' * {BIG}",
    "center": f"'x'.center({BIG})",
    "ljust": f"'x'.ljust({BIG})",
    "rjust": f"'x'.rjust({BIG})",
    "zfill": f"'1'.zfill({BIG})",
    "string-filter": f"('x' * {BIG}) | string",
}
# ...then combined by each operation that can grow it.
COMBINERS = {
    "tilde": "{{% set a = {v} %}}{{{{ a ~ a }}}}",
    "tilde-chain": "{{% set a = {v} %}}{{% set b = a ~ '' ~ a ~ '' ~ a %}}{{{{ b | length }}}}",
    "plus": "{{% set a = {v} %}}{{{{ a + a }}}}",
    "times": "{{% set a = {v} %}}{{{{ a * 2 }}}}",
    "join-filter": "{{% set a = {v} %}}{{{{ [a, a] | join }}}}",
    "join-method": "{{% set a = {v} %}}{{{{ ''.join([a, a]) }}}}",
    "nested-join": "{{% set a = [{v}] %}}{{{{ [a, a, a] | join }}}}",
    "print-list": "{{% set a = [{v}] %}}{{{{ [a, a, a] }}}}",
    "replace-filter": "{{% set a = {v} %}}{{{{ a | replace(a[-1], 'yy') }}}}",
    "replace-method": "{{% set a = {v} %}}{{{{ a.replace(a[-1], 'yy') }}}}",
    "format-filter": "{{% set a = {v} %}}{{{{ '%s%s' | format(a, a) }}}}",
    "format-method": "{{% set a = {v} %}}{{{{ '{{}}{{}}'.format(a, a) }}}}",
    "percent": "{{% set a = {v} %}}{{{{ '%s%s' % (a, a) }}}}",
    "indent": "{{% set a = {v} %}}{{{{ (a ~ '') | indent(8, true) }}}}",
    "center-again": "{{% set a = {v} %}}{{{{ a.center({big2}) }}}}",
    "namespace": "{{% set ns = namespace(s={v}) %}}{{% set ns.s = ns.s ~ ns.s %}}{{{{ ns.s }}}}",
}


@pytest.fixture(scope="module")
def renderer():
    return Renderer(ROOT / "templates" / "uk", "{day} {month} {year}")


@pytest.mark.parametrize("maker, combiner", list(itertools.product(MAKERS, COMBINERS)))
def test_a_string_operation_cannot_build_more_than_the_limit(renderer, maker, combiner):
    body = "Some text.\n\n" + COMBINERS[combiner].format(v=MAKERS[maker], big2=2 * MAX_STRING)
    path = Path(f"/library/sections/{maker}-{combiner}.md")
    with pytest.raises(ReportkitError) as error:
        renderer.render_section(f"bounds:{maker}:{combiner}", body, path, 1, {})
    assert str(error.value).startswith(f"{path}:3: "), str(error.value)
    assert "too large" in str(error.value) or "larger than" in str(error.value)


@pytest.mark.parametrize("body", [
    "{{ 'abc'.translate({97: 'x' * 999}) }}", "{{ lipsum(999999) }}",
    "{{ ('\\t' * 1000).expandtabs(999999) }}",
    "{{ ('a ' * 100000) | wordwrap(1, wrapstring='z' * 1000) }}",
])
def test_other_ways_to_grow_a_string_are_refused(renderer, body):
    with pytest.raises(ReportkitError):
        renderer.render_section("bounds:other", body, Path("/library/sections/x.md"), 1, {})


def test_ordinary_string_operations_still_work(renderer):
    body = ("{{ 'a' ~ 'b' ~ 1 }}|{{ ['a', 'b'] | join(', ') }}|{{ 'x'.center(5) }}|"
            "{{ 'ab' | replace('a', 'c') }}|{{ '%s!' % 'hi' }}|{{ '{}?'.format('ok') }}")
    rendered = renderer.render_section("bounds:ok", body, Path("/library/sections/ok.md"), 1, {})
    from reportkit.render import restore_literals
    text = restore_literals(rendered, renderer.literals.values).replace("\\", "")
    assert "ab1|a, b|  x  |cb|hi!|ok?" in text.replace("&#32;", " ")


def test_the_bound_grows_with_the_data_a_template_is_given(renderer):
    """A report template hands on its whole library (`parts.get(...)`), which may be larger than
    MAX_STRING; a value may be DATA_FACTOR times the data, and making more from it is refused."""
    from reportkit.render import DATA_FACTOR

    big = "x" * (MAX_STRING + 10)
    context = {"parts": {"background": [big]}}
    path = Path("/library/sections/large.md")
    rendered = renderer.render_section("bounds:large", "{{ parts.get('background') | length }}",
                                       path, 1, context)
    from reportkit.render import restore_literals
    assert restore_literals(rendered, renderer.literals.values) == "1"
    grow = "{% set a = parts.get('background')[0] %}" + "{{ (a ~ a" + " ~ a" * DATA_FACTOR + ") | length }}"
    with pytest.raises(ReportkitError) as error:
        renderer.render_section("bounds:grow", grow, path, 1, context)
    assert "too large" in str(error.value)
