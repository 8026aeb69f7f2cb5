# syntax=docker/dockerfile:1
FROM alpine
COPY --link a /b
