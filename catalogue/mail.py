"""The morning report by e-mail: one plain-text message through the SMTP server of the settings."""

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from catalogue.errors import CatalogueError


class MailError(CatalogueError):
    """The report could not be handed to the SMTP server."""


def recipients(value: str | None) -> list[str]:
    """The addresses of a `--mail-to` / CATALOGUE_MAIL_TO value (separated by commas or spaces)."""
    return [a for a in (value or "").replace(",", " ").split() if a]


def send_report(settings, to: list[str], subject: str, text: str, attachment: tuple[str, str] | None = None):
    """Send one message to these addresses; attachment is (file name, HTML text). MailError if refused."""
    message = EmailMessage()
    message["From"] = settings.mail_from or settings.contact
    message["To"] = ", ".join(to)
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain="cites-catalogue")
    message.set_content(text)
    if attachment:
        name, html = attachment
        message.add_attachment(html.encode("utf-8"), maintype="text", subtype="html", filename=name)
    host, port = settings.smtp_host, settings.smtp_port
    try:
        with smtplib.SMTP(host, port, timeout=settings.smtp_timeout) as smtp:
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(
            f"le rapport n'a pas pu être envoyé à {', '.join(to)} par {host}:{port} : {exc}"
        ) from exc
