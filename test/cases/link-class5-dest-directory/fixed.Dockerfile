# syntax=docker/dockerfile:1
FROM python:3.12-slim
WORKDIR /app
COPY --link requirements.txt /app/
COPY --link src /app
COPY --link *.cfg /app/
RUN mkdir -p /etc/app/conf.d
COPY --link app.conf /etc/app/conf.d/
COPY --link app.conf /opt/
