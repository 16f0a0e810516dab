"""The AI host's personas: what `host_choice` names, offered on the Settings page."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Persona:
    key: str
    name: str
    tone: str


PERSONAS: dict[str, Persona] = {
    p.key: p
    for p in [
        Persona(
            "anna",
            "Anna",
            "Warm and welcoming, like a host who remembers regulars; short, friendly sentences.",
        ),
        Persona(
            "maxim",
            "Maxim",
            "Polished and formal, like a maître d' of a fine-dining room; precise and courteous.",
        ),
        Persona(
            "sofia",
            "Sofia",
            "Cheerful and relaxed, like a host of a busy bistro; light humour, quick answers.",
        ),
        Persona(
            "chef",
            "Chef Ivan",
            "The chef himself: passionate about the menu, happy to recommend dishes.",
        ),
    ]
}

PERSONA_CHOICES = [
    ("anna", _("Anna — warm and welcoming")),
    ("maxim", _("Maxim — formal maître d'")),
    ("sofia", _("Sofia — cheerful bistro host")),
    ("chef", _("Chef Ivan — talks about the food")),
]

DEFAULT_PERSONA = "anna"


def persona_for(key: str | None) -> Persona:
    return PERSONAS.get(key or "", PERSONAS[DEFAULT_PERSONA])
