# syntax=docker/dockerfile:1

FROM alpine AS b
COPY --link --from=b /a /usr/local/bin/a
COPY --chown=app x /y
