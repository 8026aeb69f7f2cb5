# syntax=docker/dockerfile:1

FROM alpine AS build
RUN make

FROM scratch
COPY --link --from=build /out/app /app
COPY --chown=app conf /etc/app/
