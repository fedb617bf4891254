"""DOCX writer: the only place that knows OOXML."""

from reportkit.docx.writer import write_docx

__all__ = ["write_docx"]
