# syntax=docker/dockerfile:1.2
FROM node:20 AS build
WORKDIR /site
COPY . .
RUN npm run build

FROM nginx:1.27
COPY --from=build /site/dist /usr/share/nginx/html
COPY nginx.conf /etc/nginx/conf.d/default.conf
