# Pasarela broker image: multi-stage, production dependencies only, non-root, configured by
# environment (PUBLIC_URL, DATABASE_URL, REDIS_URL, NOTIFY_*, PSEUDONYM_SECRET, PASARELA_CONFIG …).
# node:lts-slim tracks the current LTS line; the code runs unchanged on Node 20 and later.

FROM node:lts-slim AS build
WORKDIR /src
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
RUN npm ci --no-audit --no-fund
COPY broker ./broker
COPY connectors ./connectors
COPY tools ./tools
RUN npx tsc -p tsconfig.build.json

FROM node:lts-slim AS deps
# libxmljs2 (metadata XSD validation at run time) compiles with node-gyp when no prebuilt binary fits.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:lts-slim
ENV NODE_ENV=production PORT=8080 VAR_DIR=/var/lib/pasarela
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /src/dist/broker ./broker
COPY --from=build /src/dist/connectors ./connectors
COPY --from=build /src/dist/tools ./tools
COPY package.json ./
COPY bin ./bin
COPY broker/saml/schemas ./broker/saml/schemas
COPY broker/web/static ./broker/web/static
COPY config ./config
COPY metadata ./metadata
RUN mkdir -p /var/lib/pasarela && chown node:node /var/lib/pasarela
USER node
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "broker/main.js"]
