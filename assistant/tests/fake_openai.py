"""A fake OpenAI-compatible server on loopback, so tests run the real `openai` client.

It speaks `POST /v1/chat/completions`, plain JSON and `stream: true` Server-Sent Events, answers
from a script of replies, and records every request body so a test can check what the model saw.

Run alone, it is the model server of the Postman collection's live run (`postman/run.sh`):
`python -m assistant.tests.fake_openai --port 8765` answers every request with the default reply,
plain or streamed, until it is stopped.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# No reply waits longer than this, whatever a test forgets to release.
MAX_WAIT = 120


@dataclass
class Reply:
    """One scripted answer.

    `text` is sent in `chunks` when streamed (default: word by word); `tool_calls` are
    `(name, arguments)` pairs; `status` other than 200 answers an error; `hang` sends nothing
    until the server's `release` event; `until_released` streams a chunk every `chunk_delay`
    seconds until `release`; `gate` sends the first chunk, then waits for the `gate` event.
    `stream` limits the reply to streamed (True) or plain (False) requests.
    """

    text: str = ""
    chunks: list[str] | None = None
    tool_calls: list[tuple[str, dict | str]] = field(default_factory=list)
    status: int = 200
    hang: bool = False
    until_released: bool = False
    gate: bool = False
    chunk_delay: float = 0.0
    stream: bool | None = None

    @classmethod
    def books(cls, date, *, stream: bool | None = None, **arguments) -> Reply:
        """A turn that calls our `create_booking` tool for `date` with these arguments."""
        call = {"date": date.isoformat(), **arguments}
        return cls(tool_calls=[("create_booking", call)], stream=stream)

    def pieces(self) -> list[str]:
        if self.chunks is not None:
            return self.chunks
        words = self.text.split(" ")
        return [w + " " for w in words[:-1]] + [words[-1]] if self.text else []


class FakeOpenAI:
    def __init__(self, port: int = 0, *, record: bool = True) -> None:
        self.requests: list[dict] = []
        self.record = record
        self.replies: deque[Reply] = deque()
        self.default = Reply(text="Hello from the fake model.")
        self.release = threading.Event()
        self.gate = threading.Event()
        self.disconnected = threading.Event()
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self) -> FakeOpenAI:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self.gate.set()
        self.server.shutdown()
        self.server.server_close()

    def script(self, *replies: Reply) -> None:
        with self.lock:
            self.replies.extend(replies)

    def _next_reply(self, streamed: bool) -> Reply:
        with self.lock:
            for reply in self.replies:
                if reply.stream is None or reply.stream == streamed:
                    self.replies.remove(reply)
                    return reply
        return self.default

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                if self.path.rstrip("/") != "/v1/chat/completions":
                    self._json(404, {"error": {"message": "not found"}})
                    return
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if fake.record:
                    with fake.lock:
                        fake.requests.append(body)
                streamed = bool(body.get("stream"))
                reply = fake._next_reply(streamed)
                try:
                    if reply.hang:
                        fake.release.wait(MAX_WAIT)
                        return
                    if reply.status != 200:
                        self._json(reply.status, {"error": {"message": "fake failure"}})
                    elif streamed:
                        self._stream(reply, body)
                    else:
                        self._json(200, completion(reply, body))
                except (BrokenPipeError, ConnectionResetError):
                    fake.disconnected.set()

            def _json(self, status: int, payload: dict) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _event(self, payload: dict | str) -> None:
                data = payload if isinstance(payload, str) else json.dumps(payload)
                self.wfile.write(f"data: {data}\n\n".encode())
                self.wfile.flush()

            def _stream(self, reply: Reply, body: dict) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                self.end_headers()
                model = body.get("model", "fake")
                self._event(chunk(model, {"role": "assistant", "content": ""}))
                pieces = reply.pieces()
                for n, piece in enumerate(pieces):
                    self._event(chunk(model, {"content": piece}))
                    if reply.gate and n == 0:
                        fake.gate.wait(MAX_WAIT)
                    if reply.chunk_delay:
                        time.sleep(reply.chunk_delay)
                if reply.until_released:
                    deadline = time.monotonic() + MAX_WAIT
                    while not fake.release.is_set() and time.monotonic() < deadline:
                        self._event(chunk(model, {"content": "."}))
                        fake.release.wait(reply.chunk_delay or 0.1)
                for index, (name, arguments) in enumerate(reply.tool_calls):
                    args = arguments if isinstance(arguments, str) else json.dumps(arguments)
                    head = {"index": index, "id": f"call_{index}", "type": "function"}
                    head["function"] = {"name": name, "arguments": ""}
                    self._event(chunk(model, {"tool_calls": [head]}))
                    # Arguments arrive in pieces, as real servers send them.
                    for start in range(0, len(args), 7):
                        part = {"index": index, "function": {"arguments": args[start : start + 7]}}
                        self._event(chunk(model, {"tool_calls": [part]}))
                finish = "tool_calls" if reply.tool_calls else "stop"
                self._event(chunk(model, {}, finish))
                self._event("[DONE]")

        return Handler


def chunk(model: str, delta: dict, finish: str | None = None) -> dict:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def completion(reply: Reply, body: dict) -> dict:
    message: dict = {"role": "assistant", "content": reply.text or None}
    if reply.tool_calls:
        message["tool_calls"] = [
            {
                "id": f"call_{index}",
                "type": "function",
                "function": {
                    "name": name,
                    "arguments": args if isinstance(args, str) else json.dumps(args),
                },
            }
            for index, (name, args) in enumerate(reply.tool_calls)
        ]
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "fake"),
        "choices": [
            {
                "index": 0,
                "message": message,
                "finish_reason": "tool_calls" if reply.tool_calls else "stop",
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (0: any free)")
    args = parser.parse_args(argv)
    # A long-running process keeps no request log: nothing reads it.
    fake = FakeOpenAI(args.port, record=False)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"fake OpenAI-compatible server at {fake.base_url}", flush=True)
    try:
        fake.server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        fake.server.server_close()


if __name__ == "__main__":
    main()
