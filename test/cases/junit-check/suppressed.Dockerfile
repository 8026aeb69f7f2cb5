# syntax=docker/dockerfile:1
# check=skip=CopyLinkMissing
FROM alpine
COPY a /b
