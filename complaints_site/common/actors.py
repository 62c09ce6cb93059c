"""Who acts. Every service takes `actor`: a staff or portal user, or a named system process."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Union

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


@dataclass(frozen=True)
class SystemActor:
    """A task or command acting on its own account, recorded as ``system:<name>``."""

    name: str

    @property
    def label(self) -> str:
        return f"system:{self.name}"


Actor = Union["AbstractBaseUser", SystemActor]


def actor_label(actor: Actor) -> str:
    """A stable text naming the actor, kept even if the user row changes later."""
    if isinstance(actor, SystemActor):
        return actor.label
    return f"user:{actor.pk}:{actor.get_username()}"


def actor_user(actor: Actor) -> AbstractBaseUser | None:
    return None if isinstance(actor, SystemActor) else actor
