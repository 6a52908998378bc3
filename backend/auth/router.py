from fastapi import APIRouter, Request, status

from backend.auth import service
from backend.auth.deps import CurrentUser
from backend.auth.schemas import (
    LoginRequest,
    RefreshRequest,
    RegisterRequest,
    TokenPair,
    UserRead,
    UserUpdate,
)
from backend.db import SessionDep

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])
users_router = APIRouter(prefix="/api/v1/users", tags=["users"])


@router.post("/register", status_code=status.HTTP_201_CREATED, response_model=UserRead)
async def register(body: RegisterRequest, session: SessionDep) -> UserRead:
    """Create an account."""
    user = await service.register(session, email=body.email, password=body.password, name=body.name)
    return UserRead.model_validate(user)


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
    """End the login the refresh token belongs to."""
    await service.logout(session, refresh_token=body.refresh_token)


@users_router.get("/me", response_model=UserRead)
async def read_me(user: CurrentUser) -> UserRead:
    """The signed-in user."""
    return UserRead.model_validate(user)


@users_router.patch("/me", response_model=UserRead)
async def update_me(body: UserUpdate, user: CurrentUser, session: SessionDep) -> UserRead:
    """Change your name or password (the password needs `current_password`)."""
    return UserRead.model_validate(await service.update_profile(session, user, body))
