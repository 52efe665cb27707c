"""The OpenAPI 3.1 description of the JSON API, built from the facet declarations."""

from catalogue.links import LinkStatus
from index.query import FACETS, SORTS

_STRING_LIST = {"type": "array", "items": {"type": "string"}}

_HIT = {
    "type": "object",
    "properties": {
        "id": {
            "type": "string",
            "description": "Identifiant stable (12 chiffres hexadécimaux de l'URL canonique).",
        },
        "url": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "description": {"type": "string"},
        "type": {"type": ["string", "null"]},
        "themes": _STRING_LIST,
        "suggested_themes": {
            **_STRING_LIST,
            "description": "Thèmes suggérés par l'analyse du texte, non validés.",
        },
        "level": {"type": ["string", "null"]},
        "publisher": {"type": "string"},
        "date": {"type": "string", "description": "AAAA, AAAA-MM ou AAAA-MM-JJ."},
        "territory": {"type": "string"},
        "status": {
            "type": "string",
            "enum": [str(s) for s in LinkStatus],
            "description": "État du lien.",
        },
        "score": {"type": "number"},
        "snippet": {"type": "string", "description": "Extrait HTML échappé, mots trouvés dans <mark>."},
    },
}
_FACET_VALUE = {
    "type": "object",
    "properties": {
        "value": {"type": "string"},
        "label": {"type": "string"},
        "count": {"type": "integer"},
        "selected": {"type": "boolean"},
    },
}


def openapi_document(base_url: str) -> dict:
    """The OpenAPI document, with the server's base URL."""
    facet_params = [
        {
            "name": name,
            "in": "query",
            "required": False,
            "description": f"Filtre « {label} » ; répétable (OU entre valeurs d'une facette, ET entre facettes).",
            "schema": _STRING_LIST,
            "style": "form",
            "explode": True,
        }
        for name, label in FACETS.items()
    ]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Catalogue des ressources des Cités éducatives",
            "version": "1",
            "description": "Recherche plein texte et fiches des ressources. Réponses en JSON (UTF-8).",
        },
        "servers": [{"url": base_url}],
        "paths": {
            "/search": {
                "get": {
                    "summary": "Rechercher des ressources",
                    "description": "Même JSON que `catalogue search --json`.",
                    "parameters": [
                        {
                            "name": "q",
                            "in": "query",
                            "schema": {"type": "string"},
                            "description": "Mots cherchés.",
                        },
                        *facet_params,
                        {"name": "sort", "in": "query", "schema": {"type": "string", "enum": list(SORTS)}},
                        {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                        {
                            "name": "per_page",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 1, "maximum": 100},
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "Une page de résultats, le total et les facettes.",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/SearchResults"}}
                            },
                        }
                    },
                }
            },
            "/resources/{id}": {
                "get": {
                    "summary": "Une ressource",
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": {
                        "200": {
                            "description": "Tous les champs catalogués de la ressource.",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/Resource"}}
                            },
                        },
                        "404": {"description": "Aucune ressource avec cet identifiant."},
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "SearchResults": {
                    "type": "object",
                    "properties": {
                        "query": {"type": "string"},
                        "filters": {"type": "object", "additionalProperties": _STRING_LIST},
                        "sort": {"type": "string", "enum": list(SORTS)},
                        "page": {"type": "integer"},
                        "per_page": {"type": "integer"},
                        "total": {"type": "integer"},
                        "results": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
                        "facets": {
                            "type": "object",
                            "properties": {n: {"type": "array", "items": _FACET_VALUE} for n in FACETS},
                        },
                        "facets_truncated": {"type": "object", "additionalProperties": {"type": "boolean"}},
                        "suggestion": {"type": ["string", "null"], "description": "« Vouliez-vous dire … »"},
                        "fallback": {"type": ["string", "null"]},
                    },
                },
                "Hit": _HIT,
                "Resource": {
                    "type": "object",
                    "properties": {
                        **{
                            k: v
                            for k, v in _HIT["properties"].items()
                            if k not in ("score", "snippet", "status")
                        },
                        "audience": _STRING_LIST,
                        "language": {"type": "string"},
                        "source_url": {"type": "string"},
                        "text": {"type": "string"},
                        "added_at": {"type": "string", "format": "date-time"},
                        "updated_at": {"type": "string", "format": "date-time"},
                        "page_url": {"type": "string", "format": "uri"},
                    },
                },
            }
        },
    }
