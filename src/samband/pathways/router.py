"""HTTP for pathways: the configured care models (read-only; they live in YAML)."""

from __future__ import annotations

from fastapi import APIRouter

from samband.deps import ContextDep
from samband.kit.errors import NotFound, problem
from samband.pathways.definition import Pathway, registry
from samband.security.roles import Permission

router = APIRouter(prefix="/api/v1/pathways", tags=["pathways"])


@router.get("", response_model=list[Pathway])
def list_pathways(ctx: ContextDep) -> list[Pathway]:
    ctx.actor.require(Permission.DIRECTORY_READ)
    return list(registry().values())


@router.get("/{key}", response_model=Pathway)
def get_pathway(ctx: ContextDep, key: str) -> Pathway:
    ctx.actor.require(Permission.DIRECTORY_READ)
    pathway = registry().get(key)
    if pathway is None:
        raise NotFound(problem("pathway.not_found", key=key, known=sorted(registry())))
    return pathway
