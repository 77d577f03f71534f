"""The JSON API (v1): one NinjaAPI, each app contributes a router."""

from ninja import NinjaAPI, Swagger

from hotline.api import router as hotline_router
from intake.api import router as intake_router
from publishing.api import router as publishing_router

api = NinjaAPI(
    title="tingia API",
    version="1",
    description=(
        "Report suspected fake news and follow its status. Anonymous use is allowed with strict "
        "rate limits; partner apps send `Authorization: Bearer <key>`. Errors are JSON objects "
        "with `error` (a stable code), `message` (for people) and `fields`."
    ),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    docs=Swagger(settings={"validatorUrl": None}),  # no request to an outside validator
)
api.add_router("", intake_router)
api.add_router("", publishing_router)
api.add_router("", hotline_router)
