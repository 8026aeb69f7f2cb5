# CI image
# syntax=docker/dockerfile:1.4
FROM alpine:3.20
COPY <<EOF /etc/motd
Welcome to CI
EOF
add tools.txt /usr/share/ci/
