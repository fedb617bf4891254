"""Render stage: sandboxed Jinja turns templates and sections into Markdown.

Case text is data. Every `{{ value }}` that is not library Markdown is swapped for a marker,
and the parser puts the exact text back after Markdown has been parsed, so Jinja, Markdown or
citation syntax in a case file renders literally.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import operator
import re
import signal
import string
import threading
import traceback
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import (BaseLoader, BytecodeCache, FileSystemBytecodeCache, FileSystemLoader,
                    pass_eval_context,
                    StrictUndefined, TemplateError, TemplateNotFound, TemplateSyntaxError,
                    UndefinedError)
from jinja2.compiler import CodeGenerator
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from jinja2.utils import Namespace

from reportkit.collector import on_for_templates
from reportkit.dates import join_and, long_date, partial_date
from reportkit.errors import ReportkitError
from reportkit.models import XML_ILLEGAL, unwritable_character
from reportkit.literals import LINE_BREAK, LITERAL, LITERAL_CLOSE, LITERAL_OPEN, marker
from reportkit.parse.markdown import prose_paragraphs

# Bounds on what a template may build, so that a downloaded template cannot exhaust memory or
# time. Each is far beyond what a report needs.
MAX_STRING = 1_000_000      # characters (or items) in one value a template makes, and in a number
# A template may hand on any part of the data it is given (the report template, every rendered
# section), so one value may also be as large as DATA_FACTOR times that data: a report grows
# with its library, while what a template can make from little data stays bounded.
DATA_FACTOR = 2
# Characters one template or section may render: of its own text, and of the values it prints.
MAX_OUTPUT = 20_000_000
MAX_POWER = 10_000
TIME_LIMIT = 10.0           # seconds one template or section may run
PLACEHOLDER = "EXPERT TO COMPLETE"
_PLACEHOLDER_TEXT = re.compile(rf"\[{PLACEHOLDER}: ?(.*)\]", re.S)
_FORMAT_NUMBER = re.compile(r"\d+|\*")
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")


class Markdown(str):
    """Library or template Markdown, trusted to be parsed as Markdown."""


class CaseText(str):
    """A value from the case file as templates see it. Printed, it is case text in the report:
    an anonymised build searches it for every single part of a protected name, whereas text
    a template writes itself (or derives, as `|upper` does) is searched for the full name and
    two parts in sequence."""


class UnwritableText(ValueError):
    """A template or section printed a character that a Word document cannot hold."""


# The marker characters, set aside (as text) from template and section sources before Jinja
# sees them, so that no text in a file can pass for a marker.
_SET_ASIDE = re.compile(f"[{LITERAL_OPEN}{LITERAL_CLOSE}]")
# What Word pastes for a manual line break: it becomes a line break.
_VERTICAL_TAB = LINE_BREAK
_REFUSED_IN_SOURCE = re.compile(XML_ILLEGAL.pattern.replace(_VERTICAL_TAB, ""))


def region(kind: str, identifier: str, markdown: str, source: str | None = None) -> Markdown:
    """`markdown` in a region div, which the parser turns into a Region: an answer, a case
    section or a library section, with the hash of the Markdown rendered into it (or of
    `source`, the text it stands for, e.g. "" for a placeholder)."""
    body = markdown.strip("\n")
    longest = max((len(run) for run in re.findall(r"^[ \t]*(:{3,})", body, re.M)), default=0)
    fence = ":" * max(12, longest + 1)  # no line inside can close it
    digest = digest_of(body if source is None else source.strip("\n"))
    return Markdown(f'{fence} {{.region kind="{kind}" id="{identifier}" digest="{digest}"}}\n'
                    f"{body}\n{fence}\n")


def digest_of(markdown: str) -> str:
    """The short hash that identifies what was rendered into a region."""
    return hashlib.sha256(markdown.encode("utf-8")).hexdigest()[:16]


class LiteralStore:
    """Case text set aside during rendering, to be restored after parsing."""

    def __init__(self) -> None:
        self.values: list[str] = []
        self.from_case: set[int] = set()  # the indices of values printed straight from the case
        # The same text set aside again gets the same marker, so that a report put together
        # again (with summaries) reads the same around its sections, and parses the same.
        self._index: dict[tuple[str, bool], int] = {}

    def case_values(self) -> list[str]:
        return [self.values[index] for index in sorted(self.from_case)]

    def add(self, text: str, from_case: bool = False) -> str:
        # Kept whole: a stored text is never searched for markers again, so the marker
        # characters in case text are shown as they are.
        index = self._index.get((text, from_case))
        if index is None:
            problem = unwritable_character(text.replace(_VERTICAL_TAB, "\n"))  # kept: a line break
            if problem:
                raise UnwritableText(f"the text printed here {problem}")
            index = self._index[text, from_case] = len(self.values)
            self.values.append(text)
            if from_case:
                self.from_case.add(index)
        return marker(index)

    def protect(self, source: str, filename: str) -> str:
        """A template or section source, ready for Jinja: no character in it can be taken for
        a marker, and a character a Word document cannot hold is an error at its line."""
        refused = _REFUSED_IN_SOURCE.search(source)
        if refused:
            problem = unwritable_character(refused.group())
            raise ReportkitError(problem.replace(" at position 1", ""), path=filename,
                                 line=source.count("\n", 0, refused.start()) + 1,
                                 hint="delete it, or retype the text around it")
        return _SET_ASIDE.sub(lambda match: self.add(match.group()), source)

    def line_breaks(self, rendered: str) -> str:
        """Rendered text with each vertical tab (Word's manual line break) made a line break."""
        if _VERTICAL_TAB not in rendered:
            return rendered
        return rendered.replace(_VERTICAL_TAB, self.add(_VERTICAL_TAB))


def _size(value: Any, memo: dict[int, tuple[Any, int]] | None = None) -> int:
    """About how many characters `str(value)` would have, found without building it: text
    inside lists, tuples, dicts and sets is counted however deeply (and however often one list
    is repeated inside another), each shared part measured once.

    Given `memo` (id: (value, size)), each part's size is kept there, with the value, so that no
    other value can take its id. Without it, a template's run looks up the sizes measured when
    its context was (a template cannot change a value of its context), and keeps nothing."""
    known = _RUN.get().sizes if memo is None else memo
    return _measure(value, 0, {} if memo is None else memo, known)


def _measure(item: Any, depth: int, measured: dict[int, tuple[Any, int]],
             known: dict[int, tuple[Any, int]]) -> int:
    """_size's step (a function of its own, not a closure: a recursive closure is a reference
    cycle, left for the cycle collector, which a command's run keeps off; see collector.py)."""
    if isinstance(item, str):
        return len(item)
    if not isinstance(item, (list, tuple, dict, set, frozenset)):
        return 0
    found = measured.get(id(item)) or known.get(id(item))
    if found is not None and found[0] is item:
        return found[1]
    if depth > 100:  # deeper than any report needs; counted as too large
        raise SecurityError("the value is nested too deeply")
    measured[id(item)] = (item, 0)  # a list that contains itself adds nothing more
    parts = item.items() if isinstance(item, dict) else ((element,) for element in item)
    total = 2
    for part in parts:
        total += sum(_measure(element, depth + 1, measured, known) + 4 for element in part)
    measured[id(item)] = (item, total)
    return total


@dataclass
class _Run:
    """What bounds the template now running."""

    limit: int = MAX_STRING  # the bound on one value: MAX_STRING, or more for more data
    sizes: dict[int, tuple[Any, int]] = field(default_factory=dict)  # its context's (see _size)
    # Characters of the values it printed: its output holds each as a marker, however often it is
    # printed, and the output they stand for is bounded all the same.
    printed: int = 0


_RUN: ContextVar[_Run] = ContextVar("run", default=_Run())


def _too_large() -> SecurityError:
    return SecurityError(f"the result would be too large (over {_RUN.get().limit:,} characters)")


def _too_much_output() -> SecurityError:
    return SecurityError(f"the output would be larger than {MAX_OUTPUT:,} characters")


def _refuse_large(value: Any) -> Any:
    if isinstance(value, str):  # most values: measured without walking anything
        size = len(value)
    elif isinstance(value, (list, tuple, dict, set, frozenset)):
        size = _size(value)
    else:
        return value
    if size > _RUN.get().limit:
        raise _too_large()
    return value


def _refuse_wide_pattern(pattern: str) -> None:
    """`'%999999999s' % x` or `'{:>999999999}'.format(x)` builds a huge string from a tiny one."""
    specs = [match.group(1) or "" for match in _PERCENT_SPEC.finditer(pattern)]
    specs += [match.group(2) or "" for match in _PERCENT_SPEC.finditer(pattern)]
    try:
        specs += [spec or "" for _, _, spec, _ in string.Formatter().parse(pattern)]
    except ValueError:
        pass  # not a valid str.format pattern; the call itself will say so
    for spec in specs:
        for number in _FORMAT_NUMBER.findall(spec):
            if number == "*" or "{" in spec or int(number) > MAX_STRING:
                raise SecurityError("a field width or precision in this pattern is too large")


def _estimated_size(function: Any, target: Any, args: tuple, kwargs: dict | None = None) -> int:
    """What a string operation would produce, worked out before it runs."""
    name = getattr(function, "__name__", "")
    kwargs = kwargs or {}
    if name in {"replace", "do_replace"} and isinstance(target, str) and len(args) >= 2:
        old, new = str(args[0]), str(args[1])
        return len(target) + (target.count(old) if old else len(target) + 1) * len(new)
    if name in {"join", "do_join", "sync_do_join"}:
        separator, items = (target, args[0] if args else ()) if name == "join" else (
            (args[0] if args else kwargs.get("d", "")), target)
        if isinstance(items, (list, tuple, set, frozenset, dict)):
            return _size(items) + len(str(separator)) * len(items)
    if not isinstance(target, str):
        return 0
    lines = target.count("\n") + 1
    if name == "expandtabs":
        width = args[0] if args else kwargs.get("tabsize", 8)
        return len(target) + target.count("\t") * (width if isinstance(width, int) else 0)
    if name == "do_indent":
        width = args[0] if args else kwargs.get("width", 4)
        return len(target) + lines * (len(width) if isinstance(width, str) else
                                      width if isinstance(width, int) else 0)
    if name == "do_wordwrap":
        wrap = args[2] if len(args) > 2 else kwargs.get("wrapstring") or "\n"
        return len(target) * (1 + len(str(wrap)))
    if name in {"translate", "do_urlize", "do_xmlattr"}:
        return len(target) * 8
    return 0


def _check_arguments(function: Any, target: Any, args: tuple, kwargs: dict) -> None:
    for argument in (*args, *kwargs.values()):
        if isinstance(argument, int) and not isinstance(argument, bool) \
                and abs(argument) > MAX_STRING:
            raise SecurityError(f"the number {argument} is too large here")
    if _estimated_size(function, target, args, kwargs) > _RUN.get().limit:
        raise _too_large()


def _bounded_filter(function):
    """A filter that refuses huge widths and counts, and results too large to keep."""
    @functools.wraps(function)
    def bounded(*args, **kwargs):
        # Filters that take the context or environment get it first; the value comes next.
        values = [argument for argument in args if not hasattr(argument, "environment")
                  and not hasattr(argument, "sandboxed")]
        target, rest = (values[0], tuple(values[1:])) if values else (None, ())
        if function.__name__ == "do_format" and isinstance(target, str):
            _refuse_wide_pattern(target)
        _check_arguments(function, target, rest, kwargs)
        return _refuse_large(function(*args, **kwargs))
    return bounded


class _BoundedNamespace(Namespace):
    """`namespace()` whose values are bounded, since `{% set ns.x = ns.x ~ ns.x %}` doubles."""

    def __setitem__(self, name: str, value: Any) -> None:
        super().__setitem__(name, _refuse_large(value))


class _BoundedCodeGenerator(CodeGenerator):
    """Compiles `a ~ b` to a call the sandbox can bound (Jinja joins the pieces directly)."""

    def visit_Concat(self, node, frame) -> None:
        self.write("environment.concatenate((")
        for argument in node.nodes:
            self.visit(argument, frame)
            self.write(", ")
        self.write("))")


class _ReportSandbox(ImmutableSandboxedEnvironment):
    """The sandbox (read-only data), also bounding what a template can make."""

    code_generator_class = _BoundedCodeGenerator

    intercepted_binops = frozenset(["*", "**", "+", "%"])

    def call_binop(self, context, name, left, right):
        if name == "**" and isinstance(right, int) and abs(right) > MAX_POWER:
            raise SecurityError(f"the exponent {right} is too large")
        if name == "*":
            for sequence, count in ((left, right), (right, left)):
                if isinstance(sequence, (str, list, tuple)) and isinstance(count, int) \
                        and _size(sequence) * count > _RUN.get().limit:
                    raise _too_large()
            return operator.mul(left, right)
        if name == "%" and isinstance(left, str):
            _refuse_wide_pattern(left)
            for argument in (right if isinstance(right, tuple) else (right,)):
                _check_arguments(None, None, (argument,), {})
            return _refuse_large(operator.mod(left, right))
        if name == "+":
            return _refuse_large(operator.add(left, right))
        return super().call_binop(context, name, left, right)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (Jinja's own signature)
        target = getattr(__obj, "__self__", None)
        if getattr(__obj, "__name__", "") in {"translate", "maketrans"}:
            raise SecurityError(f"{__obj.__name__}() is not available in a template")
        if isinstance(target, str) or getattr(__obj, "__name__", "") == "join":
            _check_arguments(__obj, target, args, kwargs)
        return _refuse_large(super().call(__context, __obj, *args, **kwargs))

    def concatenate(self, values) -> str:
        """`a ~ b ~ c`, refused before it is built if it would be too large."""
        if sum(_size(value) if isinstance(value, (str, list, tuple, dict, set, frozenset))
               else 0 for value in values) > _RUN.get().limit:
            raise _too_large()
        return _refuse_large("".join(str(value) for value in values))

    def wrap_str_format(self, value):
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:
            _refuse_wide_pattern(value.__self__)
        return wrapped


class _CompiledTemplates(BytecodeCache):
    """Compiled templates and sections, kept for the process (a batch compiles each once) and
    on disk in the user's cache folder (the next run does not compile them again).

    Keyed by name and file, and used only if the source is unchanged (Jinja's checksum). Every
    environment here is a _ReportSandbox with the same options, so the code fits each of them;
    the folder is per Jinja version and per version of this module (which compiles the bounded
    sandbox), so that code compiled under other rules is never loaded.
    A cache folder that cannot be written is simply not used.
    """

    def __init__(self) -> None:
        self.compiled: dict[str, tuple[str, Any]] = {}
        self._disk: FileSystemBytecodeCache | None | bool = False  # False: not opened yet

    def _on_disk(self) -> FileSystemBytecodeCache | None:
        if self._disk is False:
            from jinja2 import __version__ as jinja_version

            from reportkit.cache import cache_folder, code_version

            folder = cache_folder("templates", code_version({"jinja": jinja_version},
                                                            [Path(__file__)]))
            self._disk = FileSystemBytecodeCache(str(folder)) if folder is not None else None
        return self._disk

    def load_bytecode(self, bucket) -> None:
        found = self.compiled.get(bucket.key)
        if found is not None and found[0] == bucket.checksum:
            bucket.code = found[1]
            return
        disk = self._on_disk()
        if disk is not None:
            try:
                disk.load_bytecode(bucket)
            except (OSError, ValueError, EOFError, TypeError):
                bucket.reset()
            if bucket.code is not None:
                self.compiled[bucket.key] = (bucket.checksum, bucket.code)

    def dump_bytecode(self, bucket) -> None:
        self.compiled[bucket.key] = (bucket.checksum, bucket.code)
        disk = self._on_disk()
        if disk is not None:
            try:
                disk.dump_bytecode(bucket)
            except OSError:
                pass  # a read-only or full cache folder: compiled again next time


_COMPILED = _CompiledTemplates()


BASE_TEMPLATE_SET = "_base"


def bundled_base() -> Path:
    from reportkit.paths import template_search_path
    return template_search_path([])[-1] / BASE_TEMPLATE_SET


def base_folder(template_folder: Path) -> Path:
    """The shared base a template set extends: `_base` beside it (a copy made by `templates
    copy`), else the bundled one."""
    beside = template_folder.parent / BASE_TEMPLATE_SET
    return beside if beside.is_dir() else bundled_base()


class _TemplateSetLoader(FileSystemLoader):
    """Loads a template set's files, then the shared base set (`_base`, beside the set or else
    the bundled one): a set's own file of a name wins, and `_base/NAME` always means the base's.
    Nothing outside these two folders is served, not even through a symbolic link."""

    def __init__(self, folder: Path, literals: LiteralStore):
        self.base = base_folder(folder).resolve()
        super().__init__([str(folder), str(self.base)])
        self.folders = (folder.resolve(), self.base)
        self.literals = literals

    def get_source(self, environment, template):
        prefix = BASE_TEMPLATE_SET + "/"
        if template.startswith(prefix):
            source, filename, uptodate = FileSystemLoader(str(self.base)).get_source(
                environment, template[len(prefix):])
        else:
            source, filename, uptodate = super().get_source(environment, template)
        real = _real_path(filename)
        if not any(real.is_relative_to(folder) for folder in self.folders):
            raise TemplateNotFound(template)
        return self.literals.protect(source, filename), filename, uptodate


# What Jinja would change in a section's text: its delimiters, and line endings it rewrites.
_TEMPLATE_SYNTAX = re.compile(r"\{[{%#]|\r")


@functools.lru_cache(maxsize=256)
def _real_path(filename: str) -> Path:
    """A template file's real path, worked out once per process (each report loads the same
    templates again)."""
    return Path(filename).resolve()


class _SectionLoader(BaseLoader):
    """Serves section bodies by id, padded so Jinja's line numbers are the file's."""

    def __init__(self, literals: LiteralStore) -> None:
        self.sources: dict[str, tuple[str, str]] = {}
        self.literals = literals

    def add(self, name: str, body: str, path: Path, body_line: int) -> str:
        source = self.literals.protect("\n" * (body_line - 1) + body, str(path))
        self.sources[name] = (source, str(path))
        return source

    def get_source(self, environment, template):
        if template not in self.sources:
            raise TemplateNotFound(template)
        source, filename = self.sources[template]
        return source, filename, lambda: True


_PANDOC_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!<>|~^$@:\"'=&%])")


_LOOSE_WHITESPACE = re.compile(r"\t|\r| (?=[ \t\r\n]|$)|(?:(?<=[ \t\r\n])|^) ")
_CHARACTER_REFERENCE = {" ": "&#32;", "\t": "&#9;", "\r": "&#13;"}


def restore_literals(markdown: str, literals: list[str]) -> str:
    """Rendered Markdown with the case text put back, escaped so that a Markdown reader such as
    pandoc also shows it literally. Its newlines follow the rule of case prose: a blank line
    starts a paragraph, a single newline is a space. Tabs and spaces that Markdown would
    collapse or read as indentation are written as character references."""
    def escaped(match) -> str:
        value = literals[int(match.group(1))]
        paragraphs = prose_paragraphs(value) if "\n" in value else [value]
        pieces = []
        for text in paragraphs or [""]:
            text = _PANDOC_SPECIAL.sub(r"\\\1", text)
            text = _LOOSE_WHITESPACE.sub(lambda space: _CHARACTER_REFERENCE[space.group()], text)
            pieces.append(text.replace(_VERTICAL_TAB, "\\\n"))  # a hard line break
        return "\n\n".join(pieces)
    return LITERAL.sub(escaped, markdown)


class Renderer:
    """One per build: both sandboxes share the literal store and the filters."""

    def __init__(self, template_dir: Path, language: str, date_format: str = "long"):
        self.literals = LiteralStore()
        self.template_dir = template_dir
        self.section_loader = _SectionLoader(self.literals)
        self.language, self.date_format = language, date_format
        self.report_loader = _TemplateSetLoader(template_dir, self.literals)
        self.report_env = self._environment(self.report_loader)
        self.section_env = self._environment(self.section_loader)
        # The size of each part of the contexts given to templates (see _size): a report put
        # together again (with summaries) shares most of its context with the first.
        self._sizes: dict[int, tuple[Any, int]] = {}

    def _limit(self, context: dict[str, Any]) -> int:
        """The bound on one value for templates given `context`."""
        total = 2 + sum(len(name) + _size(value, self._sizes) + 8
                        for name, value in context.items())
        return max(MAX_STRING, DATA_FACTOR * total)

    def _environment(self, loader: BaseLoader) -> ImmutableSandboxedEnvironment:
        env = _ReportSandbox(loader=loader, undefined=StrictUndefined, finalize=self._finalize,
                             autoescape=False, keep_trailing_newline=True,
                             trim_blocks=True, lstrip_blocks=True, bytecode_cache=_COMPILED)
        env.filters["long_date"] = lambda value: long_date(value, self.language, self.date_format)
        env.filters["partial_date"] = lambda value: partial_date(value, self.language,
                                                                 self.date_format)
        env.filters["join_and"] = lambda items: join_and(items, self.language)
        env.filters = {name: _bounded_filter(function) for name, function in env.filters.items()}
        env.globals["placeholder"] = self.placeholder
        env.globals["namespace"] = _BoundedNamespace
        del env.globals["lipsum"]  # placeholder prose has no place in a report, and n is unbounded
        return env

    @pass_eval_context
    def _finalize(self, eval_context, value: Any) -> str:
        # Taking the evaluation context keeps Jinja from finalizing constant output such as
        # {{ "text" }} while it compiles: the marker it would bake into the compiled template
        # (cached on disk, shared by every build) would point into another build's literals.
        if isinstance(value, Markdown):
            return value
        if value is None:
            return ""
        _refuse_large(value)  # measured before str() builds it
        text = str(value)
        run = _RUN.get()
        run.printed += len(text)
        if run.printed > MAX_OUTPUT:  # raised here, where the template's line is known
            raise _too_much_output()
        # A case value written as a placeholder (as `reportkit new` writes its examples) is
        # one in the report too: highlighted, counted, and refused by --final.
        gap = _PLACEHOLDER_TEXT.fullmatch(text.strip())
        if gap:
            return self.placeholder(gap.group(1))
        return self.literals.add(text, isinstance(value, CaseText))

    def placeholder(self, text: str) -> Markdown:
        """A highlighted gap for the expert: [EXPERT TO COMPLETE: text]."""
        return Markdown(f"[{PLACEHOLDER}: {self.literals.add(str(text))}]")

    def case_markdown(self, body: str, path: Path) -> Markdown:
        """A section body written in the case file: Markdown, not a template."""
        return Markdown(self.literals.protect(body, str(path)))

    def render_section(self, name: str, body: str, path: Path, body_line: int,
                       context: dict[str, Any]) -> Markdown:
        source = self.section_loader.add(name, body, path, body_line)
        if _TEMPLATE_SYNTAX.search(source):
            source = _render(self.section_env, name, context, {str(path)}, (),
                             self._limit(context), self._sizes)
        # else plain Markdown, as most sections are: Jinja would give it back as it is
        return Markdown(self.literals.line_breaks(source))

    def render_report(self, template_name: str, context: dict[str, Any]) -> str:
        return self.literals.line_breaks(
            _render(self.report_env, template_name, context, None, self.report_loader.folders,
                    self._limit(context), self._sizes))


def _error_line(error: BaseException, filenames: set[str] | None,
                folders: tuple[Path, ...] = ()):
    """The template file and line that were running when `error` was raised."""
    found = None
    for frame in traceback.extract_tb(error.__traceback__):
        name = frame.filename
        if (filenames and name in filenames) or any(name.startswith(str(folder))
                                                    for folder in folders):
            found = (name, frame.lineno)
    return found


class _TimeLimit:
    """Stops a template that runs too long (a loop in a loop), where the platform allows it."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.armed = (hasattr(signal, "setitimer")
                      and threading.current_thread() is threading.main_thread())

    def _expired(self, signum, frame):
        raise SecurityError(f"the template ran for more than {self.seconds:g} seconds")

    def __enter__(self):
        if self.armed:
            self.previous = signal.signal(signal.SIGALRM, self._expired)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
        return self

    def __exit__(self, *exc_info):
        if self.armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)


def _generate(env: ImmutableSandboxedEnvironment, name: str, context: dict[str, Any],
              limit: int = MAX_STRING, sizes: dict[int, tuple[Any, int]] | None = None) -> str:
    pieces, total = [], 0  # the template's own text, bounded here (the values in _finalize)
    run = _RUN.set(_Run(limit, sizes if sizes is not None else {}))
    try:
        with _TimeLimit(TIME_LIMIT):
            template = env.get_template(name)
            with on_for_templates():
                for piece in template.generate(context):
                    total += len(piece)
                    if total > MAX_OUTPUT:
                        raise _too_much_output()
                    pieces.append(piece)
    finally:
        _RUN.reset(run)
    return "".join(pieces)


def _render(env: ImmutableSandboxedEnvironment, name: str, context: dict[str, Any],
            filenames: set[str] | None, folders: tuple[Path, ...] = (),
            limit: int = MAX_STRING, sizes: dict[int, tuple[Any, int]] | None = None) -> str:
    """`name` rendered with `context`; `limit` bounds one value, and `sizes` are those measured
    for `context` (see _size)."""
    try:
        return _generate(env, name, context, limit, sizes)
    except TemplateSyntaxError as error:
        raise ReportkitError(f"template syntax error: {error.message}",
                             path=error.filename or name, line=error.lineno) from None
    except (TemplateError, SecurityError, TypeError, ValueError, AttributeError, KeyError,
            IndexError, ZeroDivisionError, OverflowError, RecursionError, MemoryError) as error:
        where = _error_line(error, filenames, folders)
        path, line = where if where else (name, None)
        if isinstance(error, UndefinedError):
            message, hint = _undefined(error, _source_line(env, path, line), context)
        else:
            message, hint = _describe(error)
        raise ReportkitError(message, path=path, line=line, hint=hint) from None


def _source_line(env: ImmutableSandboxedEnvironment, filename: str, line: int | None) -> str:
    """The text of line `line` of a template or section, as Jinja read it ("" if unknown)."""
    if line is None:
        return ""
    if isinstance(env.loader, _SectionLoader):
        texts = [source for source, name in env.loader.sources.values() if name == filename]
    else:
        try:
            texts = [Path(filename).read_text(encoding="utf-8")]
        except (OSError, UnicodeDecodeError):
            texts = []
    lines = texts[0].splitlines() if texts else []
    return lines[line - 1] if 0 < line <= len(lines) else ""


_NO_ATTRIBUTE = re.compile(r"^'(?P<owner>.+?)' has no attribute '(?P<name>.+?)'$")
_NOT_DEFINED = re.compile(r"^'(?P<name>.+?)' is undefined$")
_CASE_PARTS = {"case", "applicant", "instructions", "expert"}


def _undefined(error: UndefinedError, source_line: str, context: dict[str, Any]):
    """Jinja's `'dict object' has no attribute 'x'`, said as what is missing and what is near."""
    text = error.message or ""
    missing = _NO_ATTRIBUTE.match(text)
    if missing:
        name = missing.group("name")
        # Which value lacked it: the dotted name written before `.name` on the line.
        written = re.search(rf"([A-Za-z_][\w.]*)\.{re.escape(name)}\b", source_line)
        owner = written.group(1) if written else None
        value: Any = context
        for part in owner.split(".") if owner else ():
            value = value.get(part) if isinstance(value, dict) else None
        known = list(value) if isinstance(value, dict) and owner else []
        close = difflib.get_close_matches(name, [str(key) for key in known], n=1)
        field = f"{owner}.{name}" if owner else name
        whose = ("the case has no field" if owner and owner.split(".")[0] in _CASE_PARTS
                 else "there is no field")
        message = f"{whose} `{field}`"
        if close:
            message += f" (did you mean `{owner}.{close[0]}`?)"
        hint = (f"`{owner}` has: {', '.join(map(str, known))}" if known and not close else
                "`reportkit schema case` lists the case fields")
        return message, hint
    undefined = _NOT_DEFINED.match(text)
    if undefined:
        name = undefined.group("name")
        close = difflib.get_close_matches(name, list(context), n=1)
        message = f"there is no variable `{name}`"
        if close:
            message += f" (did you mean `{close[0]}`?)"
        return message, f"the variables a template can use: {', '.join(sorted(context))}"
    return f"undefined variable: {text}", "`reportkit schema case` lists the case fields"


def _describe(error: BaseException) -> tuple[str, str | None]:
    if isinstance(error, UndefinedError):
        return (f"undefined variable: {error.message}",
                "check the spelling; `reportkit schema case` lists the case fields")
    if isinstance(error, TemplateNotFound):
        return (f"template '{error.name}' not found",
                "includes are looked up in the template set's folder, then in its _base")
    if isinstance(error, SecurityError):
        return f"not allowed in a template: {error}", None
    if isinstance(error, UnwritableText):
        return str(error), "print the text without it"
    return f"template error: {type(error).__name__}: {error}", None


