"""The pages' routers, in the order the app includes them."""

from __future__ import annotations

from fastapi import APIRouter

from samband.web import auth, overview

routers: list[APIRouter] = [auth.router, overview.router]
