"""Parse stage: Markdown (after rendering) into the document model."""

from reportkit.parse.markdown import citations_in, parse_markdown

__all__ = ["citations_in", "parse_markdown"]
