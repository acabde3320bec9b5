"""Every receiver can read its URL from a file on the targeted Alertmanager version, and takes only
the fields its type knows."""

from collections.abc import Iterator

from ..findings import Finding
from ..model import Project
from ..routing import PASSWORD_FILE_SINCE, URL_FILE_SINCE, Receiver

ID = "receiver-version"
# time_intervals (maintenance windows) arrived in 0.24 and Discord in 0.25; older versions are not targets.
MINIMUM_VERSION = (0, 25)


def _text(version: tuple[int, int]) -> str:
    return ".".join(map(str, version))


def check(project: Project) -> Iterator[Finding]:
    routing = project.routing
    if routing is None:
        return
    if routing.version < MINIMUM_VERSION:
        yield routing.source.finding(
            ("alertmanager_version",),
            f"Alertmanager {routing.version_text} is older "
            f"than {_text(MINIMUM_VERSION)}, the oldest version slogen writes for; set "
            f'alertmanager_version: "{_text(MINIMUM_VERSION)}" or newer',
            ID,
        )
    for receiver in routing.receivers:
        if receiver.type == "webhook" and routing.version < URL_FILE_SINCE["webhook"]:
            yield receiver.source.finding(
                ("type",),
                f"webhook receivers read their URL from a file (url_file) only "
                f"from Alertmanager {_text(URL_FILE_SINCE['webhook'])}, and the URL must not "
                f'be inlined; set alertmanager_version to "0.26" or newer, or use a slack '
                "or discord receiver",
                ID,
            )
        yield from _email(receiver, routing.version)
        if receiver.channel is not None and receiver.type != "slack":
            yield receiver.source.finding(
                ("channel",),
                f"channel applies to slack receivers only; {receiver.type} "
                "webhooks post to the channel they were created for, so drop it",
                ID,
            )


EMAIL_FIELDS = ("to", "from", "smarthost", "auth_username", "password_file")


def _email(receiver: Receiver, version: tuple[int, int]) -> Iterator[Finding]:
    """Email receivers read their SMTP password from a file (auth_password_file, from 0.25) and have no URL; the
    other types take none of the email fields."""
    data = receiver.source.document.data
    for key in receiver.source.path:
        data = data[key]
    if receiver.type != "email":
        for field in (f for f in EMAIL_FIELDS if f in data):
            yield receiver.source.finding(
                (field,), f"{field} applies to email receivers only; drop it from {receiver.type} receivers", ID
            )
        return
    if receiver.url_file is not None:
        yield receiver.source.finding(
            ("url_file",),
            "email receivers have no URL; give the SMTP server as smarthost and the password's file as password_file",
            ID,
        )
    if receiver.email and receiver.email.password_file and version < PASSWORD_FILE_SINCE:
        yield receiver.source.finding(
            ("password_file",),
            f"email receivers read their SMTP password from a file (auth_password_file) only from Alertmanager "
            f"{_text(PASSWORD_FILE_SINCE)}, and the password must not be inlined; set alertmanager_version to "
            f'"{_text(PASSWORD_FILE_SINCE)}" or newer',
            ID,
        )
