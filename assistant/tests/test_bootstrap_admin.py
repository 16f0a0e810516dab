"""The assistant profile exists after migrate; threads are readable in admin."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from assistant.models import Assistant, Message, Thread
from assistant.services import assistant_bootstrap
from conftest import make_user


@pytest.mark.django_db(transaction=True)
def test_migrate_creates_the_assistant_named_by_assistant_id_once():
    # A transactional test starts from an emptied database that post_migrate bootstrapped.
    assistant = Assistant.objects.get()
    assert assistant.public_id == "asst_demo"
    assistant.name = "Renamed by the manager"
    assistant.instructions = "Mention the terrace."
    assistant.save()

    call_command("migrate", verbosity=0)
    assistant_bootstrap()

    assert list(Assistant.objects.values_list("public_id", "name", "instructions")) == [
        ("asst_demo", "Renamed by the manager", "Mention the terrace.")
    ]


@pytest.mark.django_db
def test_bootstrap_follows_the_setting(settings):
    settings.ASSISTANT_ID = "asst_front_desk"
    assistant_bootstrap()
    assert Assistant.objects.filter(public_id="asst_front_desk").exists()


@pytest.mark.django_db
def test_blank_model_means_the_servers_model(settings):
    settings.OPENAI_MODEL = "some-model"
    assert Assistant(public_id="a", name="A").model_name == "some-model"
    assert Assistant(public_id="b", name="B", model="other").model_name == "other"


def test_admin_shows_a_thread_with_its_messages(client, restaurant, other_restaurant):
    admin = make_user("boss", is_superuser=True, is_staff=True)
    assistant = Assistant.objects.get_or_create(public_id="asst_demo", defaults={"name": "AI"})[0]
    thread = Thread.objects.create(restaurant=restaurant, assistant=assistant)
    Message.objects.create(thread=thread, role="user", content="Table for two at seven?")
    Message.objects.create(
        thread=thread,
        role="assistant",
        tool_calls=[{"id": "call_0", "type": "function", "function": {"name": "find_free_slots"}}],
    )
    client.force_login(admin)

    listing = client.get("/admin/assistant/thread/")
    assert listing.status_code == 200
    assert thread.public_id in listing.content.decode()

    page = client.get(f"/admin/assistant/thread/{thread.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Table for two at seven?" in html
    assert "find_free_slots" in html
    assert client.get("/admin/assistant/assistant/").status_code == 200


def test_a_manager_sees_only_their_restaurants_threads(client, restaurant, other_restaurant):
    manager = make_user("mgr", restaurant=restaurant, role="manager")
    assistant = Assistant.objects.get_or_create(public_id="asst_demo", defaults={"name": "AI"})[0]
    mine = Thread.objects.create(restaurant=restaurant, assistant=assistant)
    theirs = Thread.objects.create(restaurant=other_restaurant, assistant=assistant)
    client.force_login(manager)

    html = client.get("/admin/assistant/thread/").content.decode()
    assert mine.public_id in html and theirs.public_id not in html
    assert client.get(f"/admin/assistant/thread/{theirs.pk}/change/").status_code in (302, 403, 404)
