# syntax=docker/dockerfile:1
FROM debian:bookworm
COPY --chown=1234:1234 tool /usr/local/bin/
COPY --link --chown=1234:1234 tool /usr/local/sbin/
WORKDIR /app
COPY --link --chown=1234:1234 app.py /app/
FROM scratch
COPY --link --chown=1234:1234 tool /usr/local/bin/
