# One image for the four apps; the command chooses the app.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN node scripts/build.js && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The generated AsyncAPI document, served at /api/asyncapi.yaml.
COPY --from=build /app/docs ./docs
COPY --from=build /app/scripts ./scripts
COPY package.json ./
USER node
CMD ["node", "dist/apps/gateway/src/main.js"]
