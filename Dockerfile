# syntax=docker/dockerfile:1
# caseyd in a container: built with the Maven wrapper on a JDK, run on a JRE as an unprivileged user.
#   docker build -t casey .
#   docker run -p 8080:8080 -e CASEY_DB_URL=jdbc:postgresql://db:5432/casey -e CASEY_DB_USER=casey \
#              -e CASEY_DB_PASSWORD=… -v /etc/casey/casey.json:/etc/casey/casey.json:ro \
#              -e CASEY_CONFIG_FILE=/etc/casey/casey.json casey
# docker-compose.yml runs it with PostgreSQL and a mail server.

FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
# the Maven repository is a BuildKit cache: dependencies are downloaded once, not on every change
RUN --mount=type=cache,target=/root/.m2 sh ./mvnw -B -q package -DskipTests \
    && test -f server/target/caseyd.jar

FROM eclipse-temurin:17-jre
# curl for the health check only: the Temurin images no longer ship it
RUN apt-get update && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --home-dir /var/lib/casey --create-home casey
COPY --from=build /src/server/target/caseyd.jar /opt/casey/caseyd.jar
USER casey
WORKDIR /var/lib/casey
# used only when no CASEY_DB_URL is given (the embedded PostgreSQL); mount a volume there to keep it
ENV CASEY_DATA_DIR=/var/lib/casey/data \
    CASEY_PORT=8080
EXPOSE 8080
# liveness, not the full /actuator/health: an SMTP or IMAP outage is reported there but must not get
# the container restarted (the outbox keeps the mail until the server is back)
HEALTHCHECK --interval=30s --timeout=5s --start-period=90s --retries=3 \
    CMD curl -fsS "http://127.0.0.1:${CASEY_PORT}/actuator/health/liveness" >/dev/null || exit 1
# after an OutOfMemoryError any thread may have died halfway through its work while the health checks still pass:
# the container is better restarted than left to limp on
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/casey/caseyd.jar"]
