"""Named dependency types shared by the routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from kho.access.actors import Actor
from kho.platform import Platform


def get_platform(request: Request) -> Platform:
    platform: Platform = request.app.state.platform
    return platform


async def get_actor(request: Request) -> Actor:
    """The caller: an API token, a signed-in session (CSRF-checked), or the anonymous public."""
    from kho.web.auth import resolve_actor

    return await resolve_actor(request)


PlatformDep = Annotated[Platform, Depends(get_platform)]
ActorDep = Annotated[Actor, Depends(get_actor)]
