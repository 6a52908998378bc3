"""Who is calling, and what they may do in a workspace: tenant scoping happens here, once."""

import hmac
import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from backend.api_keys.repository import ApiKeyRepository
from backend.auth.repository import UserRepository
from backend.auth.security import decode_access_token, hash_secret
from backend.db import SessionDep
from backend.models import Role, User
from backend.workspaces.repository import MemberRepository
from kit.errors import Forbidden, NotFound, Unauthorized

API_KEY_PREFIX = "vos_"
bearer_scheme = HTTPBearer(auto_error=False, description="An access token or a workspace API key")


@dataclass(frozen=True)
class Principal:
    """A signed-in user (in one login, `session_id`), or a workspace API key.

    A key acts with the lower of its own role and its creator's current role in the
    workspace (`api_key_role` is that effective role, resolved on every request)."""

    user: User | None = None
    api_key_id: uuid.UUID | None = None
    api_key_workspace_id: uuid.UUID | None = None
    api_key_role: Role | None = None
    api_key_creator_id: uuid.UUID | None = None
    token_workspace_id: uuid.UUID | None = None
    read_only: bool = False
    session_id: uuid.UUID | None = None


@dataclass(frozen=True)
class WorkspaceContext:
    workspace_id: uuid.UUID
    role: Role
    user_id: uuid.UUID | None
    api_key_id: uuid.UUID | None
    # The person an API key belongs to (keys it creates belong to them too).
    api_key_creator_id: uuid.UUID | None = None
    # The caller's login, for a signed-in user (tokens it mints for others carry it on).
    session_id: uuid.UUID | None = None


async def get_principal(
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("Sign in first: send `Authorization: Bearer <token>`.")
    token = credentials.credentials
    if token.startswith(API_KEY_PREFIX):
        return await _api_key_principal(session, token)
    claims = decode_access_token(token)
    try:
        user_id = uuid.UUID(claims["sub"])
        session_id = uuid.UUID(claims["sid"]) if claims.get("sid") else None
        scope = uuid.UUID(claims["workspace_id"]) if claims.get("workspace_id") else None
    except (ValueError, TypeError, AttributeError) as exc:
        raise Unauthorized("The access token is invalid.", code="invalid_token") from exc
    # A token for the whole account names its login, so signing out ends it at once. Only
    # the short read-only tokens scoped to one workspace may go without (see chat's
    # assistant_token, which carries the caller's login when there is one).
    if session_id is None and scope is None:
        raise Unauthorized("The access token is invalid.", code="invalid_token")
    found = await UserRepository(session).get_with_session(user_id, session_id)
    if found is None:
        raise Unauthorized("The account behind this token no longer exists.", code="invalid_token")
    user, session_open = found
    if not session_open:
        raise Unauthorized(
            "This session has ended (signed out, or the password was changed); sign in again.",
            code="session_revoked",
        )
    return Principal(
        user=user,
        token_workspace_id=scope,
        read_only=bool(claims.get("read_only")),
        session_id=session_id,
    )


async def _api_key_principal(session: SessionDep, token: str) -> Principal:
    prefix = token[len(API_KEY_PREFIX) :].split("_", 1)[0]
    keys = ApiKeyRepository(session)
    # One query: the key and its creator's current role in the key's workspace.
    found = await keys.get_active_by_prefix(prefix)
    if found is None or not hmac.compare_digest(found[0].key_hash, hash_secret(token)):
        raise Unauthorized("The API key is invalid or has been revoked.", code="invalid_api_key")
    key, creator_role = found
    if creator_role is None:
        # The creator left the workspace or the account is gone: the key went with them.
        raise Unauthorized("The API key is invalid or has been revoked.", code="invalid_api_key")
    await keys.touch(key)
    return Principal(
        api_key_id=key.id,
        api_key_workspace_id=key.workspace_id,
        api_key_role=key.role if key.role.rank <= creator_role.rank else creator_role,
        api_key_creator_id=key.created_by_id,
    )


PrincipalDep = Annotated[Principal, Depends(get_principal)]


async def get_current_user(principal: PrincipalDep) -> User:
    if principal.user is None or principal.token_workspace_id is not None:
        raise Forbidden("This credential can only be used on its own workspace's routes.")
    return principal.user


CurrentUser = Annotated[User, Depends(get_current_user)]


def workspace_access(minimum: Role):
    """Resolve the caller's role in the path's workspace; non-members get 404, weak roles 403."""

    async def dependency(
        workspace_id: uuid.UUID, principal: PrincipalDep, session: SessionDep, request: Request
    ) -> WorkspaceContext:
        context = await _resolve(workspace_id, principal, session)
        if context is None:
            raise NotFound("Workspace not found.")
        writes = request.method not in ("GET", "HEAD", "OPTIONS")
        if principal.read_only and writes:
            raise Forbidden("This token is read-only.")
        if not context.role.at_least(minimum):
            raise Forbidden(f"This needs the {minimum.value} role or higher in the workspace.")
        return context

    return dependency


async def _resolve(
    workspace_id: uuid.UUID, principal: Principal, session: SessionDep
) -> WorkspaceContext | None:
    if principal.api_key_id is not None:
        if principal.api_key_workspace_id != workspace_id or principal.api_key_role is None:
            return None
        return WorkspaceContext(
            workspace_id,
            principal.api_key_role,
            None,
            principal.api_key_id,
            api_key_creator_id=principal.api_key_creator_id,
        )
    assert principal.user is not None
    if principal.token_workspace_id not in (None, workspace_id):
        return None
    role = await MemberRepository(session).role_of(workspace_id, principal.user.id)
    if role is None:
        return None
    if principal.read_only:
        role = Role.viewer
    return WorkspaceContext(
        workspace_id, role, principal.user.id, None, session_id=principal.session_id
    )


WorkspaceViewer = Annotated[WorkspaceContext, Depends(workspace_access(Role.viewer))]
WorkspaceMember = Annotated[WorkspaceContext, Depends(workspace_access(Role.member))]
WorkspaceAdmin = Annotated[WorkspaceContext, Depends(workspace_access(Role.admin))]
WorkspaceOwner = Annotated[WorkspaceContext, Depends(workspace_access(Role.owner))]
