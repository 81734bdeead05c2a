"""A record page's human-action forms (`POST /{records}/{id}/act/{action}`), handled alike for every process:
the posted form becomes the action's body (from the process's registry) and the process's service takes it."""

from collections.abc import Callable, Iterable
from enum import StrEnum
from functools import partial
from typing import Any

from anyio import to_thread
from fastapi import Request
from fastapi.responses import Response
from starlette.datastructures import FormData
from temporalio.client import Client

from registry.base import ActionSpec, ProcessRegistry
from web import forms
from web.i18n import label
from web.pages.context import Page, csrf_refused, error_page, see_other, unknown_action

FORM_PART_BYTES = 1024 * 1024  # Starlette's own limit of a form's part


async def posted_action(
    request: Request, page: Page, client: Client, registry: ProcessRegistry, action_name: str, *,
    act: Callable[..., Any], redisplay: Callable[[forms.FormErrors], Response], record_url: str,
    extra: Callable[[ActionSpec, FormData], dict[str, Any]] | None = None, max_part_size: int = FORM_PART_BYTES,
) -> Response:
    """Read the posted form (403 without this session's CSRF token) and take the action with it, off the event
    loop: see `take_action`."""
    form = await request.form(max_part_size=max_part_size)
    if (refused := csrf_refused(page, form)) is not None:
        return refused
    take = partial(take_action, page, client, registry, action_name, form, act=act, redisplay=redisplay,
                   record_url=record_url, extra=extra)
    return await to_thread.run_sync(take)


def take_action(
    page: Page, client: Client, registry: ProcessRegistry, action_name: str, form: FormData, *,
    act: Callable[..., Any], redisplay: Callable[[forms.FormErrors], Response], record_url: str,
    extra: Callable[[ActionSpec, FormData], dict[str, Any]] | None = None,
) -> Response:
    """Take `action_name` with the posted form through `act`, the process's service (keywords `session`,
    `principal`, `client`, `action`, `body`; the record's row, or None while the read model catches up). On a
    refusal the record's page again (`redisplay`) with the errors placed by field; else back to `record_url`
    saying what was done (`done=`) or that it was accepted (`accepted=1`). An action the process does not have
    is a 404; `extra` adds what the form carries besides the body's fields."""
    spec = registry.get(action_name)
    if spec is None:
        return error_page(page, unknown_action(action_name, registry.names))
    row, errors = forms.submit(
        spec.body, form, page.lang, spec.name,
        lambda body: act(session=page.session, principal=page.principal, client=client, action=spec.action, body=body),
        (lambda: extra(spec, form)) if extra else None,
    )
    if errors is not None:
        return redisplay(errors)
    suffix = "accepted=1" if row is None else f"done={spec.name}"
    return see_other(f"{record_url}?{suffix}")


def record_forms(
    page: Page, registry: ProcessRegistry, allowed: Iterable[StrEnum], errors: forms.FormErrors | None,
    words: str = "action",
) -> dict[str, Any]:
    """A record page's action forms and its word on the action just posted (the `action_outcome` macro):
    `actions`, each allowed action's name and body; `errors`; `done`, the action done in the user's language
    (its label among `words`); `accepted`, whether it waits for the read model."""
    done = page.request.query_params.get("done")
    return {
        "actions": [(action.value, registry.spec(action.value).body) for action in allowed],
        "errors": errors or forms.FormErrors(),
        "done": label(words, done, page.lang) if done else None,
        "accepted": page.request.query_params.get("accepted") == "1",
    }
