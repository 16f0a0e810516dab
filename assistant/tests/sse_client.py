"""A plain HTTP client for Server-Sent Events, reading them as a browser's fetch() would."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from urllib.parse import urlsplit


def open_stream(
    base_url: str, path: str, body: dict, *, token: str, timeout: float = 60
) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
    url = urlsplit(base_url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout)
    connection.request(
        "POST",
        path,
        body=json.dumps(body),
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Accept": "text/event-stream",
        },
    )
    return connection, connection.getresponse()


def events(response: http.client.HTTPResponse) -> Iterator[dict]:
    """Each event's JSON, as soon as its blank line arrives (the SSE framing rules)."""
    data: list[str] = []
    while True:
        line = response.readline()
        if not line:
            return
        line = line.decode().rstrip("\r\n")
        if line == "":
            if data:
                yield json.loads("\n".join(data))
                data = []
        elif line.startswith("data:"):
            data.append(line[5:].removeprefix(" "))
