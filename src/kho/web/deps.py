"""Named dependency types shared by the routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from kho.access.actors import ANONYMOUS, Actor
from kho.platform import Platform


def get_platform(request: Request) -> Platform:
    platform: Platform = request.app.state.platform
    return platform


def get_actor(_request: Request) -> Actor:
    """Until sign-in and tokens land, every web caller is the anonymous public."""
    return ANONYMOUS


PlatformDep = Annotated[Platform, Depends(get_platform)]
ActorDep = Annotated[Actor, Depends(get_actor)]
