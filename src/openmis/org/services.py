"""State changes of the organization beyond a plain save."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from openmis.core.caching import forget_request_memo


@transaction.atomic
def set_login(person, username: str, roles) -> None:
    """Give ``person`` the OpenMIS login ``username`` holding ``roles``; "" removes the login.

    A new login has an unusable password until the person sets one through the password
    reset e-mail; a removed login is deactivated, not deleted, so its history stays attributed.
    """
    User = get_user_model()
    user = person.user
    if not username:
        if user is not None:
            user.is_active = False
            user.save(update_fields=["is_active"])
            user.groups.clear()
        return
    if user is None:
        user = User(username=username)
        user.set_unusable_password()
    user.username = username
    user.email = person.email
    user.first_name = person.first_name
    user.last_name = person.last_name
    user.is_active = person.active
    user.save()
    user.groups.set([role.group for role in roles])
    if person.user_id != user.pk:
        type(person).objects.filter(pk=person.pk).update(user=user)
        person.user = user
        forget_request_memo()  # an update() sends no signal: the person of a login changed
