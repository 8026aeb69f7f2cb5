# syntax=docker/dockerfile:1

FROM alpine
ONBUILD COPY --link --from=build /out /--chmod=755 ru755 run
