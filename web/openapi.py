"""The OpenAPI 3.1 description of the JSON API, built from the facet declarations and the vocabularies.

Every property a response always has is `required`; error bodies are declared; the closed
facets (theme, level, type, status) list their values, so a client knows what is allowed.
"""

from catalogue.links import LinkStatus
from index.query import FACETS, SORTS
from web.apiparams import MAX_FREE_CHARS, MAX_FREE_VALUES, MAX_PER_PAGE, SINCE_HELP
from web.facets import MAX_PAGE, MAX_QUERY_CHARS, MAX_VALUES_PER_FACET

_STRING_LIST = {"type": "array", "items": {"type": "string"}}
_NULLABLE = {"type": ["string", "null"]}
_REF = "#/components/schemas/"
_SHARED_HEADERS = {
    "Access-Control-Allow-Origin": {
        "description": "« * » : l'API peut être appelée depuis n'importe quel site.",
        "schema": {"type": "string"},
    },
}
_CACHE_HEADERS = {
    "ETag": {
        "description": "Version de la réponse (renvoyer dans If-None-Match).",
        "schema": {"type": "string"},
    },
    "Last-Modified": {"description": "Dernière modification du catalogue.", "schema": {"type": "string"}},
    **_SHARED_HEADERS,
}
_CONDITIONAL_PARAMETERS = [
    {
        "name": "If-None-Match",
        "in": "header",
        "required": False,
        "description": "ETag d'une réponse déjà reçue : 304 si rien n'a changé.",
        "schema": {"type": "string"},
    },
    {
        "name": "If-Modified-Since",
        "in": "header",
        "required": False,
        "description": "Date HTTP : 304 si le catalogue n'a pas changé depuis.",
        "schema": {"type": "string"},
    },
]

_HIT_PROPERTIES = {
    "id": {
        "type": "string",
        "description": "Identifiant stable (12 chiffres hexadécimaux de l'URL canonique).",
    },
    "url": {"type": "string", "description": "Adresse de la ressource."},
    "title": {"type": "string"},
    "description": {"type": "string"},
    "type": _NULLABLE,
    "themes": _STRING_LIST,
    "suggested_themes": {
        **_STRING_LIST,
        "description": "Thèmes suggérés par l'analyse du texte, non validés.",
    },
    "level": _NULLABLE,
    "publisher": {"type": "string"},
    "date": {"type": "string", "description": "AAAA, AAAA-MM ou AAAA-MM-JJ (vide si inconnue)."},
    "territory": {"type": "string"},
    "status": {
        "type": "string",
        "enum": [str(s) for s in LinkStatus],
        "description": "État du lien (vide : pas vérifié).",
    },
    "score": {"type": "number"},
    "snippet": {"type": "string", "description": "Extrait HTML échappé, mots trouvés dans <mark>."},
}
_RESOURCE_PROPERTIES = {
    **{k: v for k, v in _HIT_PROPERTIES.items() if k not in ("score", "snippet", "status")},
    "audience": _STRING_LIST,
    "language": {"type": "string"},
    "source_url": {"type": "string", "description": "Page où la ressource a été trouvée."},
    "text": {"type": "string", "description": "Texte intégral, quand il est connu."},
    "added_at": {"type": "string", "description": "Date et heure d'ajout (ISO 8601)."},
    "updated_at": {"type": "string", "description": "Date et heure de la dernière modification (ISO 8601)."},
    "page_url": {
        "type": "string",
        "format": "uri",
        "description": "Fiche de la ressource dans le catalogue.",
    },
}
_FACET_VALUE = {
    "type": "object",
    "required": ["value", "label", "count", "selected"],
    "properties": {
        "value": {"type": "string"},
        "label": {"type": "string"},
        "count": {"type": "integer"},
        "selected": {"type": "boolean"},
    },
}
_SEARCH_RESULTS = {
    "type": "object",
    "required": [
        "query",
        "filters",
        "sort",
        "page",
        "per_page",
        "total",
        "results",
        "facets",
        "facets_truncated",
        "suggestion",
        "as_typed",
        "fallback",
    ],
    "properties": {
        "query": {"type": "string"},
        "filters": {"type": "object", "additionalProperties": _STRING_LIST},
        "sort": {"type": "string", "enum": list(SORTS)},
        "page": {"type": "integer"},
        "per_page": {"type": "integer"},
        "total": {"type": "integer"},
        "results": {"type": "array", "items": {"$ref": _REF + "Hit"}},
        "facets": {
            "type": "object",
            "description": "Comptes par valeur (vides avec updated_since).",
            "properties": {n: {"type": "array", "items": _FACET_VALUE} for n in FACETS},
        },
        "facets_truncated": {"type": "object", "additionalProperties": {"type": "boolean"}},
        "suggestion": {
            "type": ["string", "null"],
            "description": "La requête corrigée, celle qui a été cherchée (« Résultats pour … »)",
        },
        "as_typed": {
            "type": ["string", "null"],
            "description": "Avec une correction : la requête qui cherche les mots tels que tapés",
        },
        "fallback": {"type": ["string", "null"]},
        "updated_since": {"type": "string", "description": "La borne updated_since appliquée (UTC)."},
    },
}
_PARAMETER_ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "parameter", "allowed"],
            "properties": {
                "code": {"type": "string", "enum": ["parametre_invalide"]},
                "message": {"type": "string", "description": "Explication en français."},
                "parameter": {"type": "string", "description": "Le paramètre en cause."},
                "allowed": {
                    "type": ["array", "string"],
                    "items": {"type": "string"},
                    "description": "Les valeurs permises, ou leur description.",
                },
            },
        }
    },
}
_ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "title", "message"],
            "properties": {
                "status": {"type": "integer"},
                "title": {"type": "string"},
                "message": {"type": "string"},
            },
        }
    },
}


def _json(ref: str, description: str, headers: dict | None = None) -> dict:
    response = {"description": description, "content": {"application/json": {"schema": {"$ref": _REF + ref}}}}
    if headers:
        response["headers"] = headers
    return response


def _bad_request() -> dict:
    schema = {"anyOf": [{"$ref": _REF + "ParameterError"}, {"$ref": _REF + "Error"}]}
    return {
        "description": "Paramètre invalide : le corps dit lequel et ce qui est permis.",
        "content": {"application/json": {"schema": schema}},
    }


def _facet_parameter(name: str, label: str, allowed: list[str] | None) -> dict:
    item, most = {"type": "string", "maxLength": MAX_FREE_CHARS}, MAX_FREE_VALUES
    if allowed is not None:
        item, most = {"type": "string", "enum": list(allowed)}, MAX_VALUES_PER_FACET
    elif name == "year":
        item, most = {"type": "string", "pattern": "^[0-9]{4}$"}, MAX_VALUES_PER_FACET
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": f"Filtre « {label} » ; répétable (OU entre valeurs d'une facette, ET entre facettes).",
        "schema": {"type": "array", "items": item, "maxItems": most},
        "style": "form",
        "explode": True,
    }


def openapi_document(base_url: str, vocabularies) -> dict:
    """The OpenAPI document, with the server's base URL."""
    from web.apiparams import allowed_values

    allowed = allowed_values(vocabularies)
    search_parameters = [
        {
            "name": "q",
            "in": "query",
            "schema": {"type": "string", "maxLength": MAX_QUERY_CHARS},
            "description": "Mots cherchés.",
        },
        *(_facet_parameter(name, label, allowed[name]) for name, label in FACETS.items()),
        {"name": "sort", "in": "query", "schema": {"type": "string", "enum": list(SORTS)}},
        {
            "name": "page",
            "in": "query",
            "description": f"Page de résultats, de 1 à {MAX_PAGE}.",
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
        },
        {
            "name": "per_page",
            "in": "query",
            "description": f"Résultats par page, de 1 à {MAX_PER_PAGE} (20 par défaut).",
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
        },
        {
            "name": "updated_since",
            "in": "query",
            "description": f"Seulement les ressources modifiées depuis cette date ({SINCE_HELP}).",
            "schema": {
                "anyOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}]
            },
        },
        *_CONDITIONAL_PARAMETERS,
    ]
    search_headers = {
        **_CACHE_HEADERS,
        "Link": {"description": 'Page suivante : <…>; rel="next".', "schema": {"type": "string"}},
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Catalogue des ressources des Cités éducatives",
            "version": "2",
            "description": (
                "Recherche plein texte et fiches des ressources, en JSON (UTF-8), en lecture seule. "
                "Appelable depuis tout site (CORS), réponses conditionnelles (ETag, Last-Modified, 304). "
                "Une valeur de paramètre inconnue ou un nombre mal formé donne un 400 qui nomme le "
                "paramètre et les valeurs permises."
            ),
        },
        "servers": [{"url": base_url}],
        "paths": {
            "/search": {
                "get": {
                    "operationId": "search",
                    "summary": "Rechercher des ressources",
                    "description": "Même JSON que `catalogue search --json`.",
                    "parameters": search_parameters,
                    "responses": {
                        "200": _json(
                            "SearchResults",
                            "Une page de résultats, le total et les facettes.",
                            search_headers,
                        ),
                        "304": {"description": "Rien n'a changé depuis la réponse désignée."},
                        "400": _bad_request(),
                    },
                }
            },
            "/resources/{id}": {
                "get": {
                    "operationId": "resource",
                    "summary": "Une ressource",
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "pattern": "^[0-9a-f]{12}$"},
                        },
                        *_CONDITIONAL_PARAMETERS,
                    ],
                    "responses": {
                        "200": _json("Resource", "Tous les champs publics de la ressource.", _CACHE_HEADERS),
                        "304": {"description": "Rien n'a changé depuis la réponse désignée."},
                        "400": _bad_request(),
                        "404": _json("Error", "Aucune ressource avec cet identifiant."),
                        "410": _json(
                            "Error", "Ressource retirée du catalogue (le corps dit quand et pourquoi)."
                        ),
                    },
                }
            },
            "/suggest": {
                "get": {
                    "operationId": "suggest",
                    "summary": "Suggestions de recherche (format OpenSearch)",
                    "description": "Complétions tirées des titres, des thèmes et du thésaurus.",
                    "parameters": [
                        {
                            "name": "q",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string", "maxLength": MAX_QUERY_CHARS},
                            "description": "Début de recherche saisi.",
                        },
                        *_CONDITIONAL_PARAMETERS,
                    ],
                    "responses": {
                        "200": {
                            "description": "[requête, [complétions], [descriptions], [adresses]]",
                            "headers": _CACHE_HEADERS,
                            "content": {
                                "application/x-suggestions+json": {"schema": {"$ref": _REF + "Suggestions"}}
                            },
                        },
                        "304": {"description": "Rien n'a changé depuis la réponse désignée."},
                        "400": _bad_request(),
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "SearchResults": _SEARCH_RESULTS,
                "Hit": {"type": "object", "required": list(_HIT_PROPERTIES), "properties": _HIT_PROPERTIES},
                "Resource": {
                    "type": "object",
                    "required": list(_RESOURCE_PROPERTIES),
                    "properties": _RESOURCE_PROPERTIES,
                },
                "Suggestions": {
                    "type": "array",
                    "description": "La requête, les complétions, leurs descriptions, leurs adresses de recherche.",
                    "items": {"type": ["string", "array"], "items": {"type": "string"}},
                    "minItems": 4,
                    "maxItems": 4,
                },
                "ParameterError": _PARAMETER_ERROR,
                "Error": _ERROR,
            }
        },
    }
