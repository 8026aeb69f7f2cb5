# syntax=docker/dockerfile:1
FROM alpine
COPY --link x /tmp/
COPY --chown=nobody y /bin/
