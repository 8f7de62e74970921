"""Signatures: the Standard Webhooks specification's published test vector, secrets, and what
the reference verifier (the `standardwebhooks` package) accepts."""

from __future__ import annotations

import base64
import time

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from app.webhooks.signing import generate_secret, secret_key, signature, signature_header

# The specification's test vector (also in every official library's tests).
VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
VECTOR_TIMESTAMP = 1614265330
VECTOR_BODY = b'{"test": 2432232314}'
VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_the_specifications_test_vector():
    assert signature(VECTOR_SECRET, VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY) == VECTOR_SIGNATURE


def test_secrets_are_whsec_base64_of_24_random_bytes():
    one, two = generate_secret(), generate_secret()
    assert one.startswith("whsec_") and one != two
    assert len(secret_key(one)) == 24
    assert base64.b64encode(secret_key(one)).decode() == one.removeprefix("whsec_")


def test_the_reference_verifier_accepts_either_signature_of_a_rotation():
    old, new = generate_secret(), generate_secret()
    now = int(time.time())
    body = b'{"type": "CREATED"}'
    headers = {
        "webhook-id": "ZXYxOjE",
        "webhook-timestamp": str(now),
        "webhook-signature": signature_header(
            [secret_key(new), secret_key(old)], "ZXYxOjE", now, body
        ),
    }
    assert headers["webhook-signature"].count("v1,") == 2
    for secret in (old, new):
        assert Webhook(secret).verify(body, headers) == {"type": "CREATED"}
    with pytest.raises(WebhookVerificationError):
        Webhook(generate_secret()).verify(body, headers)
    with pytest.raises(WebhookVerificationError):  # the body is covered
        Webhook(new).verify(b'{"type": "SERVED"}', headers)
