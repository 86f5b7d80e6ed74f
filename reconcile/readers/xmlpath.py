"""Access to XML elements by their local names: the camt reader drops namespaces as it parses, so any
version of a message reads the same."""

from __future__ import annotations

import xml.etree.ElementTree as ET


def local_name(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def namespace_of(tag) -> str:
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else ""


def xml_children(element: ET.Element | None, name: str) -> list[ET.Element]:
    return element.findall(name) if element is not None else []


def xml_child(element: ET.Element | None, *names: str) -> ET.Element | None:
    for name in names:
        if element is None:
            return None
        element = element.find(name)
    return element


def xml_text(element: ET.Element | None, *names: str) -> str | None:
    found = xml_child(element, *names) if names else element
    return xml_clean(found.text) if found is not None else None


def xml_texts(element: ET.Element | None, *names: str) -> list[str]:
    """The texts of every element at the path whose last step may repeat (RmtInf/Ustrd)."""
    parent = xml_child(element, *names[:-1])
    return [t for t in (xml_clean(c.text) for c in xml_children(parent, names[-1])) if t]


def xml_clean(text: str | None) -> str | None:
    return (" ".join(text.split()) or None) if text else None
