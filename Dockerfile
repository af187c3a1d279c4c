# schema-operator: `docker build -t schema-operator:0.1.0 .` (docs/install.md).

# Build: every dependency, then TypeScript to dist/.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would compile before the sources are here.
RUN npm ci --ignore-scripts
COPY tsconfig.json ./
COPY src ./src
RUN npx tsc -p tsconfig.json
# The image is the product: `dev`'s local control plane stays in the repository.
RUN rm -r dist/src/devcluster dist/src/cli/dev.js dist/src/cli/dev.js.map

# Run: production dependencies only, the compiled operator (without devcluster), the bundled
# migrations, the CRDs.
FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist/src ./dist/src
COPY migrations ./migrations
COPY crds ./crds
# The image's `node` user (uid 1000): never root.
USER 1000:1000
EXPOSE 8080
ENTRYPOINT ["node", "dist/src/cli/main.js"]
CMD ["run"]
