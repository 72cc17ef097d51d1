"""The generator's URLs (pages and JSON API); names are prefixed "generator-"."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from generator.web import restyle_views, token_views, views
from generator.api.app import urls as rest_urls

urlpatterns = [
    path("", views.dashboard, name="generator-dashboard"),
    path("accounts/login/", auth_views.LoginView.as_view(template_name="generator/login.html"),
         name="login"),
    path("accounts/logout/", views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", token_views.PasswordChangeView.as_view(),
         name="generator-password"),
    path("accounts/tokens/", token_views.api_tokens, name="generator-tokens"),
    path("accounts/tokens/<int:pk>/revoke/", token_views.api_token_revoke,
         name="generator-token-revoke"),
    path("decks/new/", views.deck_new, name="generator-new"),
    path("decks/new/brief/", views.deck_brief, name="generator-brief"),
    path("decks/<int:pk>/", views.deck_detail, name="generator-deck"),
    path("decks/<int:pk>/status.json", views.deck_status, name="generator-deck-status"),
    path("decks/<int:pk>/storyline/", views.deck_storyline, name="generator-storyline"),
    path("decks/<int:pk>/edit/", views.deck_edit, name="generator-edit"),
    path("decks/<int:pk>/revise/", views.deck_revise, name="generator-revise"),
    path("decks/<int:pk>/download/", views.deck_download, name="generator-download"),
    path("decks/<int:pk>/pdf/", views.deck_pdf, name="generator-pdf"),
    path("decks/<int:pk>/outline.md", restyle_views.deck_outline_download,
         name="generator-outline"),
    path("decks/restyle/", restyle_views.restyle_new, name="generator-restyle"),
    path("decks/<int:pk>/restyle/", restyle_views.restyle_compare,
         name="generator-restyle-compare"),
    path("decks/<int:pk>/restyle/before/<int:number>.png", restyle_views.restyle_before_picture,
         name="generator-restyle-before"),
    path("decks/<int:pk>/slides/<int:number>.png", views.deck_thumbnail,
         name="generator-thumbnail"),
    path("designs/", views.designs, name="generator-designs"),
    path("designs/<int:pk>/", views.design_detail, name="generator-design"),
    path("designs/<int:pk>/delete/", views.design_delete, name="generator-design-delete"),
    path("designs/<int:pk>/slides/<int:number>.png", views.design_thumbnail,
         name="generator-design-thumbnail"),
    path("designs/<int:pk>/layouts/<int:number>.png", views.design_layout_picture,
         name="generator-design-layout"),
    path("designs/<int:pk>/pictures.json", views.design_pictures,
         name="generator-design-pictures"),
    path("usage/", views.usage_page, name="generator-usage"),
    # the JSON API (generator.api): described at /api/schema, browsable at /api/docs
    path("api/", include(rest_urls())),
]
