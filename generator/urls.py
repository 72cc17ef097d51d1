"""The generator's URLs (pages and JSON API); names are prefixed "generator-"."""

urlpatterns: list = []
