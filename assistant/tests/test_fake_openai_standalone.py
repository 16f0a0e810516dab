"""The fake model server run as a process of its own, as the Postman collection's live run does."""

from __future__ import annotations

import subprocess
import sys

import openai


def test_standalone_fake_answers_plain_and_streamed_until_stopped():
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant.tests.fake_openai", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        base_url = process.stdout.readline().split(" at ")[-1].strip()
        assert base_url.startswith("http://127.0.0.1:")
        client = openai.OpenAI(base_url=base_url, api_key="any", max_retries=0, timeout=10)
        messages = [{"role": "user", "content": "Hello?"}]

        plain = client.chat.completions.create(model="m", messages=messages)
        streamed = client.chat.completions.create(model="m", messages=messages, stream=True)
        text = "".join(chunk.choices[0].delta.content or "" for chunk in streamed)

        assert plain.choices[0].message.content == "Hello from the fake model."
        assert text == "Hello from the fake model."
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0
