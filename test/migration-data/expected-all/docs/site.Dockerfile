# syntax=docker/dockerfile:1
FROM node:20 AS build
WORKDIR /site
COPY --link . .
RUN npm run build

FROM nginx:1.27
COPY --link --from=build /site/dist /usr/share/nginx/html/
COPY --link nginx.conf /etc/nginx/conf.d/default.conf
