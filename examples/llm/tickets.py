"""Summarises and triages support tickets with OpenAI's chat completions API (openai >= 1)."""
from __future__ import annotations

import logging

import openai
from openai import OpenAI
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_random_exponential

log = logging.getLogger(__name__)
MODEL = "gpt-4o-mini"

# The client retries connection errors, 408, 409, 429 and 5xx by itself: 2 retries by default.
client = OpenAI()


@retry(retry=retry_if_exception_type(openai.APIError), stop=stop_after_attempt(5), wait=wait_random_exponential(max=30))
def summarize(ticket: str) -> str:
    # Up to 5 x 3 = 15 requests for one rate limit, and a wrong API key or a prompt over
    # the context length (AuthenticationError, BadRequestError) is sent 5 times for nothing.
    response = client.chat.completions.create(
        model=MODEL,
        messages=[{"role": "user", "content": f"Summarise this support ticket:\n\n{ticket}"}],
    )
    return response.choices[0].message.content or ""


# The documented patterns, which errlint leaves alone.

# 1. Let the client retry: raise its max_retries instead of adding a layer around it.
patient = client.with_options(max_retries=5)


def summarize_patiently(ticket: str) -> str:
    response = patient.chat.completions.create(
        model=MODEL,
        messages=[{"role": "user", "content": f"Summarise this support ticket:\n\n{ticket}"}],
    )
    return response.choices[0].message.content or ""


# 2. Your own retry instead: turn the client's off, and retry only what can succeed.
no_retries = OpenAI(max_retries=0)


@retry(
    retry=retry_if_exception_type((openai.APIConnectionError, openai.InternalServerError)),
    stop=stop_after_attempt(4),
    wait=wait_random_exponential(max=60),
)
def summarize_with_own_retry(ticket: str) -> str:
    response = no_retries.chat.completions.create(
        model=MODEL,
        messages=[{"role": "user", "content": f"Summarise this support ticket:\n\n{ticket}"}],
    )
    return response.choices[0].message.content or ""


# 3. The narrow class before the broad one.
def triage(ticket: str) -> str:
    try:
        response = client.chat.completions.create(
            model=MODEL,
            messages=[{"role": "user", "content": f"Answer 'bug', 'billing' or 'other':\n\n{ticket}"}],
        )
    except openai.RateLimitError:
        return "retry-later"  # the client already waited and retried twice: queue the ticket
    except openai.APIError as exc:
        log.warning("triage failed: %s", exc)
        return "other"
    return response.choices[0].message.content or "other"
