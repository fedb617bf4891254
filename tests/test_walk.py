"""The one traversal of the document model: a walk passes every node of the kinds it changes, in
reading order, however deeply it sits, and leaves the rest as the same objects."""

from dataclasses import replace

from reportkit.document import (BlockQuote, Citation, CiteItem, Document, Footnote, Heading,
                                InlineNote, Link, ListBlock, Metadata, NoteReference, Origin,
                                Paragraph, Region, SourcesList, Table, Text)
from reportkit.walk import query, walk


def _cite(key: str) -> Citation:
    return Citation((CiteItem(key),), Origin("r.md", 1))


DOCUMENT = Document((
    Heading(1, (Text("Title "), _cite("a"))),
    Region("library_section", "s", "0" * 16, "_RkS", (
        Paragraph((Text("One "), Link("https://example.org", (Text("link "), _cite("b"))))),
        BlockQuote((ListBlock(False, ((Paragraph((InlineNote((_cite("c"),)),)),),)),)),
        Table(((Text("A"),),), (((_cite("d"),),),)),
    )),
    Paragraph((Text("No citation here."),)),
    SourcesList(),
), Metadata("Title", "Expert"))


def test_a_walk_changes_every_node_of_its_kinds_in_reading_order():
    seen = []

    def change(node):
        seen.append(node.items[0].key)
        return Text(f"[{node.items[0].key}]")

    changed = walk(DOCUMENT, change, Citation)
    assert seen == ["a", "b", "c", "d"]
    assert query(changed, Citation) == []
    assert [text.text for text in query(changed, Text) if text.text.startswith("[")] == [
        "[a]", "[b]", "[c]", "[d]"]


def test_a_walk_leaves_what_holds_none_of_its_kinds_as_the_same_objects():
    changed = walk(DOCUMENT, lambda node: replace(node, items=()), Citation)
    assert changed.blocks[2] is DOCUMENT.blocks[2]  # no citation inside
    assert changed.blocks[3] is DOCUMENT.blocks[3]
    assert changed.metadata is DOCUMENT.metadata
    assert changed.blocks[1] is not DOCUMENT.blocks[1]
    assert walk(DOCUMENT, lambda node: node, Citation) is DOCUMENT  # nothing changed at all


def test_a_walk_reaches_a_block_inside_a_region():
    filled = SourcesList(((Text("Entry"),),))
    changed = walk(DOCUMENT.blocks, lambda node: filled, SourcesList)
    assert changed[3] is filled
    assert changed[:3] == DOCUMENT.blocks[:3]


def test_query_finds_notes_in_a_sequence_of_nodes_and_inside_notes():
    note = Footnote(1, (Text("note"),))
    row = ((Text("cell"), NoteReference(note)), (Text("other"),))
    assert query([inline for cell in row for inline in cell], NoteReference) == [row[0][1]]
    assert query(Paragraph((NoteReference(note),)), Text) == [note.content[0]]
