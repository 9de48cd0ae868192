"""CloudEvents 1.0 structured envelope for every WijkWijzer event (events.md).

A service describes each event's payload as a pydantic model subclassing
EventData; `envelope` wraps it, so the envelope and the payload's JSON Schema
come from the same model and cannot drift apart.
"""
from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar, Generic, Literal, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

TYPE_PREFIX = "nl.wijkwijzer."


class EventData(BaseModel):
    """Payload of one event type. Subclasses set `event_type` ("publication.submitted")
    and `public` (True when it may go on the public stream: no personal data)."""

    model_config = ConfigDict(extra="forbid")
    event_type: ClassVar[str]
    public: ClassVar[bool] = False


D = TypeVar("D", bound=EventData)


class CloudEvent(BaseModel, Generic[D]):
    # defaults are always serialised, so the published schema requires them
    model_config = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True)

    specversion: Literal["1.0"] = "1.0"
    id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    source: str = Field(pattern=r"^/wijkwijzer/[a-z-]+$")
    type: str = Field(pattern=r"^nl\.wijkwijzer\.[a-z_]+\.[a-z_]+$")
    time: AwareDatetime
    subject: str
    datacontenttype: Literal["application/json"] = "application/json"
    data: D
    correlationid: str | None = None

    @property
    def routing_key(self) -> str:
        """The nameko event type: `<entity>.<action>`."""
        return self.type.removeprefix(TYPE_PREFIX)


def envelope(service: str, data: EventData, subject: str, correlation_id: str | None = None,
             now: datetime | None = None, event_id: str | None = None) -> CloudEvent:
    """The event for `data`. Give `event_id` when two replicas may raise the same event
    (a timer): the same id lets consumers drop the second copy."""
    return CloudEvent[type(data)](
        **({"id": event_id} if event_id else {}),
        source=f"/wijkwijzer/{service}",
        type=TYPE_PREFIX + data.event_type,
        time=(now or datetime.now(UTC)).astimezone(UTC),
        subject=subject,
        data=data,
        correlationid=correlation_id,
    )


def json_schema(data_model: type[EventData]) -> dict[str, Any]:
    """JSON Schema of the whole envelope for one event type."""
    schema = CloudEvent[data_model].model_json_schema(mode="serialization")
    schema["title"] = TYPE_PREFIX + data_model.event_type
    return schema
