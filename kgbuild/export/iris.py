"""Stable, always-valid IRIs for graph nodes.

Record ids are percent-encoded as a single path segment (everything but ``A-Z a-z 0-9 - . _ ~``
is encoded as UTF-8 ``%XX``). The mapping is injective, so two different ids can never share
an IRI, and the result contains only characters every RDF parser accepts, whatever the id
holds (quotes, spaces, ``<>``, ``#``, ``%``, non-ASCII letters).
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import quote

DEFAULT_BASE_IRI = "https://w3id.org/kgbuild/"

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# Characters an IRI may never contain (RFC 3987 / Turtle IRIREF), plus controls and space.
ILLEGAL_IRI_CHARS = re.compile(r'[\x00-\x20<>"{}|^`\\\x7f]')
# Characters kept as they are when cleaning an external URL: RFC 3986 reserved + unreserved + %.
_URL_SAFE = ":/?#[]@!$&'()*+,;=%-._~"


class IRIError(ValueError):
    """A base IRI or node id that cannot be turned into an IRI."""


def check_base(base_iri: str) -> str:
    """Return ``base_iri`` if it is an absolute IRI ending in ``/``, ``#`` or ``:`` (for URNs)."""
    if not _SCHEME.match(base_iri) or ILLEGAL_IRI_CHARS.search(base_iri):
        raise IRIError(f"base IRI {base_iri!r} is not an absolute IRI")
    if not base_iri.endswith(("/", "#", ":")):
        # ids are appended as "paper/<id>"; without a separator they would glue onto a name
        raise IRIError(f"base IRI {base_iri!r} must end with '/', '#' or ':'")
    return base_iri


def segment(record_id: str) -> str:
    """One percent-encoded path segment for a record id (``GPT-3`` stays ``GPT-3``)."""
    if not record_id:
        raise IRIError("empty id cannot name a node")
    encoded = quote(record_id, safe="")
    if encoded in (".", ".."):
        # dot segments would be removed by IRI normalisation and collide with the parent
        encoded = encoded.replace(".", "%2E")
    return encoded


def paper_iri(base: str, paper_id: str) -> str:
    return f"{base}paper/{segment(paper_id)}"


def entity_iri(base: str, entity_id: str) -> str:
    return f"{base}entity/{segment(entity_id)}"


def result_iri(base: str, result_key: str) -> str:
    return f"{base}result/{segment(result_key)}"


def digest(*parts: object) -> str:
    """Short stable hash naming statement and evidence nodes (never blank nodes: those would
    make the serialisation differ from run to run)."""
    blob = "\x1f".join(repr(p) for p in parts)
    return hashlib.sha1(blob.encode("utf-8")).hexdigest()[:16]


def statement_iri(base: str, subject: str, predicate: str, obj: str) -> str:
    return f"{base}statement/{digest(subject, predicate, obj)}"


def evidence_iri(base: str, *parts: object) -> str:
    return f"{base}evidence/{digest(*parts)}"


def clean_url(url: str) -> str | None:
    """An external URL made safe to use as an IRI, or None when it is not an absolute URL."""
    cleaned = quote(url.strip(), safe=_URL_SAFE)
    if not _SCHEME.match(cleaned) or ILLEGAL_IRI_CHARS.search(cleaned):
        return None
    return cleaned
