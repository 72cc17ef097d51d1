"""Top-level URLs: the admin, the generator app and the operations endpoints."""

from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path


def favicon(request):
    """/favicon.ico, asked for by pages that link no icon (files, the API's documents)."""
    return redirect(static("generator/favicon.svg"), permanent=True)


urlpatterns = [
    path("admin/", admin.site.urls),
    path("favicon.ico", favicon),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("operations.urls")),
    path("", include("generator.urls")),
]
