# The service image used by docker-compose.yml. Read models (and, without EventStoreDB, the event
# log) live in the PostgreSQL given by DATABASE_URL; the embedded database is for laptops only.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# The screens: built by Vite into web/dist, which the service serves at /.
COPY web ./web
COPY contract ./contract
COPY messages ./messages
RUN npm run build && npm run build:web && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/web/dist ./web/dist
# Reference data (counties, municipalities, warehouses, items) is read at start from here.
COPY reference ./reference
# The message catalogue (error texts in English and Swedish), read at start from here.
COPY messages ./messages
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
CMD ["node", "dist/main.js"]
