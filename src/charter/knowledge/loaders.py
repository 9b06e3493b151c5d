"""Built-in document loaders, one per file kind, registered by suffix through
``register_document_loaders``. A loader turns a file's bytes into a :class:`LoadedDocument`:
sections (heading, text, page) of cleaned text. A loader raises :class:`LoadError` for a file it
cannot read; ingestion reports it and carries on with the rest of the batch.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from charter.knowledge.chunking import Section
from charter.knowledge.text import clean_text

__all__ = ["BUILTIN_LOADERS", "LoadError", "LoadedDocument", "Loader"]


class LoadError(ValueError):
    """This file cannot be read as the kind its name says."""


@dataclass(frozen=True, slots=True)
class LoadedDocument:
    media_type: str
    sections: list[Section]
    title: str = ""
    pages: int | None = None

    @property
    def text(self) -> str:
        return "\n\n".join(s.text for s in self.sections)


Loader = Callable[[bytes, str], LoadedDocument]

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_MARKS = re.compile(r"(\*\*|__|`+|^\s*[-*+]\s+|^\s*>\s?)", re.MULTILINE)


def _decode(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise LoadError("binary content where text was expected")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _sections_of_markdown(text: str) -> list[Section]:
    sections: list[Section] = []
    heading, body = "", cast(list[str], [])
    for line in text.splitlines():
        match = _MD_HEADING.match(line)
        if match:
            _close(sections, heading, body)
            heading, body = match.group(2).strip(), []
        else:
            body.append(line)
    _close(sections, heading, body)
    return sections


def _close(sections: list[Section], heading: str, body: list[str], page: int | None = None) -> None:
    text = clean_text(_MD_MARKS.sub("", _MD_LINK.sub(r"\1", "\n".join(body))))
    if text:
        sections.append(Section(heading, text, page))


def load_text(data: bytes, filename: str) -> LoadedDocument:
    text = clean_text(_decode(data))
    return LoadedDocument("text/plain", [Section("", text)] if text else [], title=filename)


def load_markdown(data: bytes, filename: str) -> LoadedDocument:
    sections = _sections_of_markdown(_decode(data))
    title = next((s.heading for s in sections if s.heading), filename)
    return LoadedDocument("text/markdown", sections, title=title)


def load_html(data: bytes, filename: str) -> LoadedDocument:
    """Main text only (navigation, footers and ads dropped) by trafilatura, headings kept."""
    import trafilatura

    html = _decode(data)
    extracted = trafilatura.extract(
        html, output_format="markdown", include_comments=False, include_tables=True, favor_recall=True
    )
    if not extracted:
        raise LoadError("no main text found in this HTML page")
    metadata = trafilatura.extract_metadata(html)
    title = (metadata.title if metadata is not None and metadata.title else "") or filename
    return LoadedDocument("text/html", _sections_of_markdown(extracted), title=title)


def load_pdf(data: bytes, filename: str) -> LoadedDocument:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise LoadError(f"not a readable PDF ({exc})") from exc
    sections = [Section("", clean_text(t), i + 1) for i, t in enumerate(pages) if clean_text(t)]
    title = ""
    try:
        title = str(reader.metadata.get("/Title") or "") if reader.metadata else ""
    except (PdfReadError, ValueError):  # pragma: no cover - broken metadata only
        title = ""
    return LoadedDocument("application/pdf", sections, title=title or filename, pages=len(pages))


def load_docx(data: bytes, filename: str) -> LoadedDocument:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise LoadError(f"not a readable DOCX file ({exc})") from exc
    sections: list[Section] = []
    heading, body = "", cast(list[str], [])
    for paragraph in document.paragraphs:
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        if style.lower().startswith(("heading", "title")) and paragraph.text.strip():
            _close(sections, heading, body)
            heading, body = paragraph.text.strip(), []
        else:
            body.append(paragraph.text + "\n")
    _close(sections, heading, body)
    title = document.core_properties.title or next((s.heading for s in sections if s.heading), filename)
    return LoadedDocument(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", sections, title=title
    )


def load_csv(data: bytes, filename: str) -> LoadedDocument:
    """One paragraph per row, ``column: value; ...``, so chunks keep whole rows with their labels."""
    text = _decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text), dialect))
    if not rows:
        return LoadedDocument("text/csv", [], title=filename)
    header, body = rows[0], rows[1:]
    lines = [
        "; ".join(f"{h.strip()}: {v.strip()}" for h, v in zip(header, row, strict=False) if v.strip()) for row in body
    ]
    joined = clean_text("\n\n".join(line for line in lines if line))
    return LoadedDocument("text/csv", [Section("", joined)] if joined else [], title=filename)


#: suffix -> loader, registered by :mod:`charter.knowledge.builtin`.
BUILTIN_LOADERS: dict[str, Loader] = {
    ".txt": load_text,
    ".text": load_text,
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".html": load_html,
    ".htm": load_html,
    ".pdf": load_pdf,
    ".docx": load_docx,
    ".csv": load_csv,
}
