"""What "a protected name appears" means: one example a line in fixtures/anonymity/matching.yaml.

The same search scrubs case text, refuses library text and checks the finished report, so each
line here holds for all of them."""

from __future__ import annotations

import pytest
from ruamel.yaml import YAML

from conftest import FIXTURES
from reportkit.anonymise import CASE, SHARED, Anonymiser, mask

EXAMPLES = YAML(typ="safe").load((FIXTURES / "anonymity" / "matching.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"{e['scope']}: {e['text'][:40]!r}" for e in EXAMPLES])
def test_what_is_found(example):
    anonymiser = Anonymiser([example["name"]])
    scope = {"case": CASE, "shared": SHARED}[example["scope"]]
    found = anonymiser.find(example["text"], scope, example.get("markdown", False))
    expected = example["found"] if isinstance(example["found"], list) else [example["found"]]
    assert [example["text"][match.start:match.end] for match in found] == [e for e in expected if e]


@pytest.mark.parametrize("example", [e for e in EXAMPLES if e["scope"] == "case" and e["found"]],
                         ids=lambda e: repr(e["text"][:40]))
def test_scrubbed_case_text_no_longer_holds_the_name(example):
    anonymiser = Anonymiser([example["name"]])
    markdown = example.get("markdown", False)
    scrubbed = anonymiser.scrub(example["text"], markdown=markdown)
    assert anonymiser.find(scrubbed, CASE, markdown) == []
    assert "." in scrubbed  # the person's initials stand in the name's place


def test_a_mask_keeps_the_shape_and_hides_every_letter():
    anonymiser = Anonymiser(["Rosa Quispe Mamani"])
    text = "On 3 May Rosa Quispe-Mamani (b. 1990) left."
    assert mask(text, anonymiser.find(text, SHARED)) == "On 3 May •••• ••••••-•••••• (b. 1990) left."


def test_confirmed_library_text_is_not_a_match_in_shared_text_only():
    anonymiser = Anonymiser(["Rosa Quispe"], allowed=["the journalist Rosa Quispe"])
    text = "as the journalist Rosa Quispe wrote; Rosa Quispe said"
    found = anonymiser.find(text, SHARED)
    assert [text[m.start:m.end] for m in found] == ["Rosa Quispe"] and found[0].start > 30
    assert len(anonymiser.find(text, CASE)) == 2  # case text is always scrubbed
