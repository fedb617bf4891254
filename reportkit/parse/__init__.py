"""Parse stage: Markdown (after rendering) into the document model."""

from reportkit.parse.markdown import citations_in, cited_keys, parse_markdown

__all__ = ["citations_in", "cited_keys", "parse_markdown"]
