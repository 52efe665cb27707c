"""OAI-PMH 2.0 at /oai: the six verbs, oai_dc records, sets, from/until, resumption tokens, errors.

Resumption tokens are signed (the app's secret) and carry the whole harvest state: the
verb, the metadata prefix, the window (from, until, set), the last id delivered, the cursor
and the list size counted on the first page. No server state: a token outlives a restart,
and a catalogue changed between two pages skips and repeats nothing (see catalogue.harvest).
A token expires after TOKEN_LIFETIME; an expired, altered or foreign one is badResumptionToken.
"""

import re
from datetime import UTC, datetime, timedelta

from flask import Blueprint, Response, current_app, render_template, request, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from catalogue import crosswalk, harvest
from web.context import get_settings, get_store, get_vocabularies

bp = Blueprint("oai", __name__)
TOKEN_LIFETIME = timedelta(hours=24)
GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"
METADATA_FORMATS = {
    "oai_dc": (
        "http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
        "http://www.openarchives.org/OAI/2.0/oai_dc/",
    )
}
IDENTIFIER_PREFIX = "oai:cites-catalogue:"
DELETED_RECORD = "persistent"  # deletions are remembered (catalogue/migrations/0010)
# The arguments each verb accepts: (required, optional, exclusive).
VERBS = {
    "Identify": ((), (), None),
    "ListMetadataFormats": ((), ("identifier",), None),
    "ListSets": ((), (), "resumptionToken"),
    "GetRecord": (("identifier", "metadataPrefix"), (), None),
    "ListIdentifiers": (("metadataPrefix",), ("from", "until", "set"), "resumptionToken"),
    "ListRecords": (("metadataPrefix",), ("from", "until", "set"), "resumptionToken"),
}
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SECOND = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


class OaiError(Exception):
    """An OAI-PMH error condition: its code and a French message."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _utc(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="oai-pmh-resumption")


def _arguments() -> dict[str, str]:
    """The request's arguments (query string or form), each once; badVerb/badArgument otherwise."""
    source = request.form if request.method == "POST" else request.args
    if len(source.getlist("verb")) > 1:
        raise OaiError("badVerb", "L'argument verb est répété.")
    verb = source.get("verb")
    if verb not in VERBS:
        raise OaiError(
            "badVerb", "Verbe absent ou inconnu." if verb is None else f"Verbe inconnu : « {verb} »."
        )
    args = {}
    for name in source:
        if name == "verb":
            continue
        values = source.getlist(name)
        if len(values) > 1:
            raise OaiError("badArgument", f"L'argument {name} est répété.")
        args[name] = values[0]
    required, optional, exclusive = VERBS[verb]
    if exclusive and exclusive in args:
        if len(args) > 1:
            raise OaiError("badArgument", f"L'argument {exclusive} doit être le seul argument.")
        return {"verb": verb, **args}
    allowed = set(required) | set(optional)
    for name in args:
        if name not in allowed:
            raise OaiError("badArgument", f"Argument non autorisé pour {verb} : {name}.")
    for name in required:
        if not args.get(name):
            raise OaiError("badArgument", f"Argument obligatoire manquant pour {verb} : {name}.")
    return {"verb": verb, **args}


def _bound(value: str, end: bool) -> str:
    """A from/until argument as a datestamp bound (a day covers all its seconds)."""
    try:
        if DAY.match(value):
            datetime.strptime(value, "%Y-%m-%d")
            return value + ("T23:59:59Z" if end else "T00:00:00Z")
        if SECOND.match(value):
            datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")
            return value
    except ValueError:
        pass
    raise OaiError(
        "badArgument",
        f"Date invalide : « {value} » (formats acceptés : AAAA-MM-JJ ou AAAA-MM-JJThh:mm:ssZ).",
    )


def _window(args: dict) -> harvest.Window:
    since = _bound(args["from"], end=False) if args.get("from") else ""
    until = _bound(args["until"], end=True) if args.get("until") else ""
    if args.get("from") and args.get("until"):
        if len(args["from"]) != len(args["until"]):
            raise OaiError("badArgument", "from et until doivent avoir la même granularité.")
        if since > until:
            raise OaiError("badArgument", "from est postérieur à until.")
    set_spec = args.get("set", "")
    if set_spec and not _known_set(set_spec):
        raise OaiError("noRecordsMatch", f"Ensemble inconnu : « {set_spec} ».")
    return harvest.Window(since=since, until=until, set_spec=set_spec)


def _known_set(set_spec: str) -> bool:
    kind, _, value = set_spec.partition(":")
    if kind not in harvest.SET_KINDS:
        return False
    return not value or value in get_vocabularies().of(kind + "s").values()


def _check_prefix(prefix: str) -> None:
    if prefix not in METADATA_FORMATS:
        raise OaiError("cannotDisseminateFormat", f"Format de métadonnées non proposé : « {prefix} ».")


def _record_of(identifier: str) -> harvest.Record:
    rid = identifier[len(IDENTIFIER_PREFIX) :] if identifier.startswith(IDENTIFIER_PREFIX) else ""
    found = harvest.record(get_store(), rid) if rid else None
    if found is None:
        raise OaiError("idDoesNotExist", f"Identifiant inconnu : « {identifier} ».")
    return found


def all_sets(vocabularies) -> list[tuple[str, str]]:
    """Every set as (setSpec, French name): the three kinds, then each value of each."""
    names = {"theme": "Thème", "level": "Niveau", "type": "Type"}
    sets = []
    for kind in harvest.SET_KINDS:
        vocabulary = vocabularies.of(kind + "s")
        sets.append((kind, f"{names[kind]}s"))
        sets.extend(
            (f"{kind}:{value}", f"{names[kind]} : {vocabulary.label(value)}") for value in vocabulary.values()
        )
    return sets


def _list(verb: str, args: dict) -> dict:
    """One page of ListIdentifiers/ListRecords and its resumption token (a dict, or None)."""
    store = get_store()
    page_size = get_settings().oai_page_size
    if "resumptionToken" in args:
        state = _read_token(args["resumptionToken"], verb)
        window = harvest.Window(state["f"], state["u"], state["s"])
    else:
        _check_prefix(args["metadataPrefix"])
        window = _window(args)
        state = {"v": verb, "p": args["metadataPrefix"], "f": window.since, "u": window.until}
        state.update(s=window.set_spec, a="", c=0, n=harvest.count(store, window))
    records, more = harvest.page(store, window, state["a"], page_size)
    if not records:
        raise OaiError("noRecordsMatch", "Aucun enregistrement ne correspond à cette demande.")
    token = None
    if more or "resumptionToken" in args:
        delivered = state["c"] + len(records)
        size = max(state["n"], delivered + (1 if more else 0))
        token = {"cursor": state["c"], "size": size, "value": "", "expires": ""}
        if more:
            following = dict(state, a=records[-1].id, c=delivered, n=size)
            token["value"] = _serializer().dumps(following)
            token["expires"] = _utc(_now() + TOKEN_LIFETIME)
    return {"records": records, "token": token, "prefix": state["p"]}


def _read_token(value: str, verb: str) -> dict:
    try:
        state = _serializer().loads(value, max_age=int(TOKEN_LIFETIME.total_seconds()))
    except SignatureExpired as exc:
        raise OaiError(
            "badResumptionToken", "Ce jeton de reprise a expiré : recommencez la moisson."
        ) from exc
    except BadSignature as exc:
        raise OaiError("badResumptionToken", "Jeton de reprise invalide.") from exc
    if not isinstance(state, dict) or state.get("v") != verb:
        raise OaiError("badResumptionToken", f"Ce jeton de reprise n'appartient pas à {verb}.")
    return state


def _answer(args: dict) -> dict:
    """The template values of a valid request's answer."""
    verb = args["verb"]
    store = get_store()
    if verb == "Identify":
        return {
            "earliest": harvest.earliest_datestamp(store),
            "admin": get_settings().contact,
            "deleted_record": DELETED_RECORD,
        }
    if verb == "ListMetadataFormats":
        if args.get("identifier"):
            _record_of(args["identifier"])
        return {"formats": METADATA_FORMATS}
    if verb == "ListSets":
        if "resumptionToken" in args:
            raise OaiError("badResumptionToken", "La liste des ensembles tient en une seule réponse.")
        return {"sets": all_sets(get_vocabularies())}
    if verb == "GetRecord":
        _check_prefix(args["metadataPrefix"])
        return {"records": [_record_of(args["identifier"])], "prefix": args["metadataPrefix"]}
    return _list(verb, args)


def _dublin_core(resource) -> list[tuple[str, str]]:
    page_url = url_for("resources.show", rid=resource.id, _external=True)
    return crosswalk.dublin_core(resource.public_copy(), get_vocabularies(), page_url)


@bp.route("/oai", methods=["GET", "POST"])
def endpoint():
    """Answer one OAI-PMH request (GET, or POST as a form)."""
    args, values = None, {}
    try:
        args = _arguments()
        values = _answer(args)
        errors = []
    except OaiError as error:
        errors = [error]
    echo = {}
    if args is not None and not (errors and errors[0].code in ("badVerb", "badArgument")):
        echo = args
    body = render_template(
        "oai.xml",
        response_date=_utc(_now()),
        base_url=url_for("oai.endpoint", _external=True),
        echo=echo,
        verb=(args or {}).get("verb"),
        errors=errors,
        granularity=GRANULARITY,
        identifier_prefix=IDENTIFIER_PREFIX,
        dc=_dublin_core,
        **values,
    )
    return Response(body, content_type="text/xml; charset=utf-8")
