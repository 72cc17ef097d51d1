"""Operations endpoints; names are prefixed "ops-"."""

urlpatterns: list = []
