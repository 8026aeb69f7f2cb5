FROM alpine AS bäse
COPY --from=bäse --link --chown=100%,us:er /a /c
COPY --from=bäse --link --chmod=755 /a /d
COPY --link=maybe a /e
