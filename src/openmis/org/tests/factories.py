"""Test data factories of the organization app."""

import factory
from django.contrib.auth import get_user_model

from openmis.org.models import Department, Person, Role
from openmis.org.roles import DIRECTOR


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"Department {n}")
    code = factory.Sequence(lambda n: f"D{n}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = factory.Sequence(lambda n: f"Last{n}")
    email = factory.Sequence(lambda n: f"person{n}@example.com")
    job_title = "Specialist"
    department = factory.SubFactory(DepartmentFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.Sequence(lambda n: f"user{n}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-1")


def user_with_role(
    slug: str | None, department: Department | None = None, totp: bool | None = None, **kwargs
):
    """A user holding the built-in role ``slug`` (None: no role), with a Person record.

    MIS directors get a TOTP authenticator unless ``totp=False``, as the policy demands.
    """
    user = UserFactory(**kwargs)
    user.save()
    if slug:
        user.groups.add(Role.objects.get(slug=slug).group)
    if totp or (totp is None and slug == DIRECTOR):
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

        TOTP.activate(user, generate_totp_secret())
    PersonFactory(
        user=user,
        email=user.email,
        department=department or DepartmentFactory(),
        first_name=user.username,
    )
    return user
