from fastapi import APIRouter, Request, status

from backend.auth import service
from backend.auth.deps import CurrentUser, PrincipalDep
from backend.auth.schemas import (
    LoginRequest,
    RefreshRequest,
    RegisterRequest,
    RegistrationAccepted,
    TokenPair,
    UserRead,
    UserUpdate,
)
from backend.db import SessionDep

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])
users_router = APIRouter(prefix="/api/v1/users", tags=["users"])


@router.post("/register", status_code=status.HTTP_202_ACCEPTED, response_model=RegistrationAccepted)
async def register(body: RegisterRequest, session: SessionDep) -> RegistrationAccepted:
    """Create an account, then sign in. The answer is the same for an email already taken."""
    await service.register(session, email=body.email, password=body.password, name=body.name)
    return RegistrationAccepted()


@router.post("/login", response_model=TokenPair)
async def login(body: LoginRequest, request: Request, session: SessionDep) -> TokenPair:
    """Exchange email and password for an access token and a refresh token."""
    client_ip = request.client.host if request.client else "unknown"
    return await service.login(
        session, email=body.email, password=body.password, client_ip=client_ip
    )


@router.post("/refresh", response_model=TokenPair)
async def refresh(body: RefreshRequest, session: SessionDep) -> TokenPair:
    """Rotate a refresh token: the old one is spent, a new pair is returned."""
    return await service.refresh(session, refresh_token=body.refresh_token)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(body: RefreshRequest, session: SessionDep) -> None:
    """End the login the refresh token belongs to: its refresh and access tokens stop at once."""
    await service.logout(session, refresh_token=body.refresh_token)


@users_router.get("/me", response_model=UserRead)
async def read_me(user: CurrentUser) -> UserRead:
    """The signed-in user."""
    return UserRead.model_validate(user)


@users_router.patch("/me", response_model=UserRead)
async def update_me(
    body: UserUpdate, user: CurrentUser, principal: PrincipalDep, session: SessionDep
) -> UserRead:
    """Change your name or password (the password needs `current_password`).

    A new password signs out every other session of the account; this one stays."""
    updated = await service.update_profile(session, user, body, session_id=principal.session_id)
    return UserRead.model_validate(updated)
