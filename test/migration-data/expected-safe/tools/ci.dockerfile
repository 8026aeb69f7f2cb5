# syntax=docker/dockerfile:1.4

# CI image
FROM alpine:3.20
COPY <<EOF /etc/motd
Welcome to CI
EOF
copy --link tools.txt /usr/share/ci/
