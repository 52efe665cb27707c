"""The nightly check as cron runs it: a night that cannot do its job says so in one French line on
stderr and exits 2, whatever --quiet and --report say, and is recorded as a lost night; the report
can go by mail (a real SMTP server on 127.0.0.1)."""

import os
import socket
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner

from catalogue import linkhealth
from catalogue.cli import cli
from catalogue.linkwords import french_date
from catalogue.models import Resource
from catalogue.settings import Settings
from catalogue.store import Store
from crawler.check import run_check
from tests.crawler.faultserver import FAST
from tests.localserver import LocalServer, Response

ENV = {f"CATALOGUE_{k.upper()}": str(v) for k, v in FAST.items()}
TODAY = datetime.now(UTC).date().isoformat()
NIGHT = f"{TODAY}T02:30:00+00:00"
# Six sites that refuse every connection: what a machine without network sees of the world.
UNREACHABLE = [f"http://127.0.0.{n}:9/ressource-{n}" for n in range(2, 8)]


def settings_of(data: str) -> Settings:
    return Settings({"data_dir": data, **FAST}, environ={})


def fill(data: str, urls: list[str]) -> list[str]:
    with Store.open(settings_of(data)) as store:
        return [
            store.upsert(Resource(url=u, title=f"Ressource {n}", publisher="ANCT"))[0].id
            for n, u in enumerate(urls)
        ]


def cron_check(data: str, *args: str) -> subprocess.CompletedProcess:
    """`catalogue ARGS` in a process of its own, as cron starts it: no terminal, the environment only."""
    env = {**os.environ, **ENV, "CATALOGUE_DATA_DIR": data}
    code = "from catalogue.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


@pytest.mark.parametrize("quiet", [["--quiet"], []], ids=["quiet", "not-quiet"])
def test_network_down_prints_one_french_line_on_stderr_and_exits_2_even_with_a_report(tmp_path, quiet):
    data = str(tmp_path / "data")
    fill(data, UNREACHABLE)
    report = tmp_path / "liens.html"
    done = cron_check(data, *quiet, "check", "--all", "--report", str(report), "--now", NIGHT)
    assert (2, "") == (done.returncode, done.stdout)
    lines = done.stderr.splitlines()
    assert 1 == len(lines), done.stderr
    assert lines[0].startswith("catalogue : erreur : réseau indisponible : 6 liens sur 6 injoignables")
    assert lines[0].endswith("aucun état modifié, nouvel essai la nuit prochaine")
    html = report.read_text(encoding="utf-8")
    assert "Aucun lien n&#x27;est compté en échec" in html
    assert "Liens en échec par éditeur" not in html and "Nouvellement cassés" not in html


def test_a_night_without_network_is_recorded_as_lost_and_changes_no_state(tmp_path):
    data = str(tmp_path / "data")
    fill(data, UNREACHABLE)
    assert (
        2
        == CliRunner()
        .invoke(cli, ["--data-dir", data, "-q", "check", "--all", "--now", NIGHT], env=ENV)
        .exit_code
    )
    with Store.open(settings_of(data)) as store:
        lost = linkhealth.lost_nights(store)
        assert {} == linkhealth.status_map(store)
    day = french_date(TODAY).rsplit(" ", 1)[0]
    assert [(TODAY, "outage", f"nuit du {day} : réseau indisponible, aucun état modifié")] == [
        (n["night"], n["status"], n["text"]) for n in lost
    ]
    assert lost[0]["reason"].startswith("réseau indisponible : 6 liens sur 6 injoignables")


def test_a_run_stopped_by_an_error_is_recorded_as_a_lost_night_with_its_reason(tmp_path):
    data = str(tmp_path / "data")
    fill(data, UNREACHABLE[:1])

    def disk_full(*_):
        raise OSError(28, "No space left on device")

    with Store.open(settings_of(data)) as store:
        with pytest.raises(OSError):
            run_check(store, settings_of(data), now=NIGHT, progress=disk_full)
        lost = linkhealth.lost_nights(store)
    assert [("failed", "erreur du système : No space left on device")] == [
        (n["status"], n["reason"]) for n in lost
    ]
    assert lost[0]["text"].endswith(": vérification interrompue, aucun état modifié")


def test_a_report_into_a_missing_folder_is_one_french_line_and_exit_2_under_quiet(tmp_path):
    data = str(tmp_path / "data")
    with LocalServer(
        {"/ok": Response(200, b"<html><title>ok</title><body>" + b"x" * 3000 + b"</body></html>")}
    ) as srv:
        fill(data, [srv.url("/ok")])
        done = cron_check(data, "-q", "check", "--all", "--report", str(tmp_path / "absent" / "liens.html"))
    assert (2, "") == (done.returncode, done.stdout)
    assert done.stderr.startswith("catalogue : erreur : --report ") and "n'existe pas" in done.stderr
    assert 1 == len(done.stderr.splitlines())


class Inbox:
    """Keeps every message the SMTP server receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append((envelope.mail_from, envelope.rcpt_tos, envelope.content.decode("utf-8")))
        return "250 OK"


@pytest.fixture
def smtp():
    inbox = Inbox()
    with socket.socket() as probe:  # a free port: aiosmtpd checks its server by connecting to it
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def test_mail_to_sends_the_morning_report_through_the_smtp_server(tmp_path, smtp):
    inbox, port = smtp
    data = str(tmp_path / "data")
    with LocalServer({"/ko": Response(404)}) as srv:
        fill(data, [srv.url("/ko")])
        env = {**ENV, "CATALOGUE_SMTP_HOST": "127.0.0.1", "CATALOGUE_SMTP_PORT": str(port)}
        env["CATALOGUE_MAIL_FROM"] = "catalogue@exemple.fr"
        result = CliRunner().invoke(
            cli, ["--data-dir", data, "-q", "check", "--all", "--mail-to", "equipe@exemple.fr"], env=env
        )
    assert 0 == result.exit_code, result.output
    [(sender, to, content)] = inbox.messages
    assert ("catalogue@exemple.fr", ["equipe@exemple.fr"]) == (sender, to)
    assert "Subject: Liens du catalogue, " in content and "En échec, à confirmer la nuit prochaine" in content


def test_an_unreachable_smtp_server_is_one_french_line_and_exit_2(tmp_path):
    data = str(tmp_path / "data")
    fill(data, [])
    env = {
        **ENV,
        "CATALOGUE_SMTP_HOST": "127.0.0.1",
        "CATALOGUE_SMTP_PORT": "9",
        "CATALOGUE_MAIL_TO": "a@exemple.fr",
    }
    result = CliRunner().invoke(cli, ["--data-dir", data, "-q", "check", "--all"], env=env)
    assert 2 == result.exit_code
    assert result.output.startswith(
        "catalogue : erreur : le rapport n'a pas pu être envoyé à a@exemple.fr par 127.0.0.1:9"
    )
