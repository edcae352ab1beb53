# Build: the SDK image restores and publishes; sql/ must be in the context because the project links ../sql/*.sql
# and publish places them in /app/sql, where the start-up migrator reads them.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# The shared build settings (nullable, warnings as errors, analyzers) and the style they enforce.
COPY Directory.Build.props .editorconfig ./
COPY ScimLite/ScimLite.csproj ScimLite/
# ReadyToRun: the code is precompiled for this platform, so a new container starts and reaches full speed sooner
# (docs/performance.md); the restore fetches the compiler for it.
RUN dotnet restore ScimLite/ScimLite.csproj --use-current-runtime -p:PublishReadyToRun=true
COPY ScimLite/ ScimLite/
COPY sql/ sql/
RUN dotnet publish ScimLite/ScimLite.csproj -c Release -o /app --no-restore --use-current-runtime --self-contained false \
    -p:PublishReadyToRun=true -p:UseAppHost=false \
 && ls /app/sql/*.sql

# Run: the ASP.NET runtime image only, as its built-in non-root user.
FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
# `ScimLite <command>` on the PATH, so `docker compose exec scimlite ScimLite brake status` works as docs/operations.md writes it.
RUN printf '#!/bin/sh\nexec dotnet /app/ScimLite.dll "$@"\n' >/usr/local/bin/ScimLite && chmod 755 /usr/local/bin/ScimLite
ENV ASPNETCORE_URLS=http://+:8080
EXPOSE 8080
USER $APP_UID
# No HEALTHCHECK: the runtime image has no curl/wget; orchestrators should probe GET /healthz and GET /readyz.
# `docker run <image>` serves; `docker run <image> migrate` (or any other command) runs that command instead.
ENTRYPOINT ["ScimLite"]
CMD ["serve"]
