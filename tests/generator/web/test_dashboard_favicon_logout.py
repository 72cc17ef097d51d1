"""The dashboard tells decks apart (design, first slide, version, download names), every page
has an icon, and logging out says so.  Django's test client."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


# -- the icon ---------------------------------------------------------------------------------
def test_every_page_links_the_icon_and_it_is_served(client, alice):
    page = client.get("/accounts/login/").content.decode()
    assert 'rel="icon" href="/static/generator/favicon.svg"' in page
    client.force_login(alice)
    assert 'rel="icon"' in client.get("/").content.decode()
    icon = client.get("/static/generator/favicon.svg")
    assert icon.status_code == 200 and b"<svg" in b"".join(icon.streaming_content)
    icon.close()


def test_favicon_ico_answers(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/generator/favicon.svg"
    followed = client.get("/favicon.ico", follow=True)
    assert followed.status_code == 200 and followed["Content-Type"] == "image/svg+xml"
    followed.close()


# -- logging out ------------------------------------------------------------------------------
@pytest.mark.parametrize("language, words", [("en", "You are logged out."),
                                             ("ja", "ログアウトしました。")])
def test_logging_out_says_so_in_the_page_language(client, alice, language, words):
    client.force_login(alice)
    response = client.post("/accounts/logout/", follow=True, HTTP_ACCEPT_LANGUAGE=language)
    assert response.redirect_chain[-1][0] == "/accounts/login/"
    page = response.content.decode()
    assert words in page and 'class="message success"' in page
    assert "_auth_user_id" not in client.session
    assert words not in client.get("/accounts/login/").content.decode()  # said once
