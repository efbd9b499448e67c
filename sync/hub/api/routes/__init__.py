"""The endpoints of docs/sync-protocol.md, one small router per concern."""

from fastapi import APIRouter

from sync.hub.api.routes import enrol, meta, sync

router = APIRouter()
router.include_router(meta.router)
router.include_router(enrol.router)
router.include_router(sync.router)
