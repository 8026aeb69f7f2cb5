# syntax=docker/dockerfile:1

# hello
FROM alpine
copy --link \
    --from=base a /b/
ADD --link https://example.com/x.tar.gz /opt/
COPY --link local.conf /etc/
COPY x /tmp/
