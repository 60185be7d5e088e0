# BreachDesk: a static binary on slim Debian, with the IPAex fonts that the
# Japanese PDFs embed. Build: docker build -t breachdesk .
FROM golang:1.26-bookworm AS build
WORKDIR /src
# Dependencies first, so editing code does not re-download modules.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -o /breachdesk ./cmd/breachdesk

FROM debian:bookworm-slim
# ca-certificates for SMTPS/TLS databases, tzdata for deadline time zones.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      fonts-ipaexfont-gothic fonts-ipaexfont-mincho ca-certificates tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home-dir /var/lib/breachdesk --create-home --shell /usr/sbin/nologin breachdesk
COPY --from=build /breachdesk /usr/local/bin/breachdesk
USER breachdesk
WORKDIR /var/lib/breachdesk
ENV BREACHDESK_ADDR=:8080
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/breachdesk"]
CMD ["serve"]
