# syntax=docker/dockerfile:1
FROM alpine
COPY --link --chmod=644 a /b
