"""Load stage: read case files, expert files and country libraries, keeping line numbers."""
