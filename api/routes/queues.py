"""The caller's queues (``/queues``): the queues the account is a member of, and its presence in each.

Queues and their members are set up by the operator (``assistant queue``); a member turns only
their own presence on or off, one queue at a time: there is no route to anyone else's.
"""

from __future__ import annotations

from fastapi import APIRouter, Path
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field, StrictBool

from api.auth import Context, CurrentCaller
from api.schemas import COMMON_ERRORS, error_responses
from assistant.errors import AssistantError

router = APIRouter(prefix="/queues", tags=["queues"], responses=COMMON_ERRORS)

MAX_ID = 2**63 - 1


class QueueDoc(BaseModel):
    """A queue the caller is a member of."""

    id: int
    number: str = Field(description="The queue's number; calls to it ring its present members")
    name: str
    present: bool = Field(description="On: the queue's calls ring this member's phones; off: they do not")


class QueueList(BaseModel):
    items: list[QueueDoc]


class PresenceChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    present: StrictBool = Field(description="Take this queue's calls (true) or not (false)")


@router.get("", response_model=QueueList)
async def list_queues(caller: CurrentCaller, context: Context) -> QueueList:
    """The queues the caller is a member of, with the caller's presence in each."""
    memberships = await run_in_threadpool(context.queues.memberships, caller.owner_id)
    return QueueList(items=[QueueDoc(**membership.as_dict()) for membership in memberships])


@router.put("/{queue_id}/presence", response_model=QueueDoc, responses=error_responses(404, 422))
async def set_presence(
    change: PresenceChange,
    caller: CurrentCaller,
    context: Context,
    queue_id: int = Path(ge=1, le=MAX_ID),
) -> QueueDoc:
    """Turn the caller's own presence in one queue on or off; the caller's other queues are unchanged."""
    membership = await run_in_threadpool(
        context.queues.set_presence, caller.owner_id, queue_id, change.present
    )
    if membership is None:
        raise AssistantError("not-found", f"you are not a member of queue {queue_id}")
    return QueueDoc(**membership.as_dict())
