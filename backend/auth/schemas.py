import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import EmailStr, Field, StringConstraints

from kit.schemas import ReadModel, RequestModel

Password = Annotated[str, Field(min_length=8, max_length=256)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class RegisterRequest(RequestModel):
    email: EmailStr
    password: Password
    name: Name


REGISTRATION_ACCEPTED = (
    "If this email is new, your account is ready: sign in. "
    "If it already has an account, sign in with that account's password."
)


class RegistrationAccepted(ReadModel):
    """The same answer whether or not the email already had an account."""

    message: str = REGISTRATION_ACCEPTED


class LoginRequest(RequestModel):
    email: EmailStr
    password: Annotated[str, Field(min_length=1, max_length=256)]


class RefreshRequest(RequestModel):
    refresh_token: Annotated[str, Field(min_length=1, max_length=512)]


class TokenPair(ReadModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


class UserRead(ReadModel):
    id: uuid.UUID
    email: str
    name: str
    created_at: datetime


class UserUpdate(RequestModel):
    name: Name | None = None
    password: Password | None = None
    current_password: str | None = None
