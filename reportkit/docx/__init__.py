"""DOCX writer: the only place that knows OOXML."""

from reportkit.docx.toc import fill_toc_pages, heading_pages
from reportkit.docx.writer import write_docx

__all__ = ["write_docx", "fill_toc_pages", "heading_pages"]
