"""reportkit: draft cited country-expert reports for asylum cases as Word documents."""

__version__ = "0.1.0"
