# BreachDesk: a static binary on Debian with the IPAex fonts for Japanese PDFs.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -o /out/breachdesk ./cmd/breachdesk

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates tzdata fonts-ipaexfont-gothic fonts-ipaexfont-mincho \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home /var/lib/breachdesk --create-home breachdesk
COPY --from=build /out/breachdesk /usr/local/bin/breachdesk
USER breachdesk
WORKDIR /var/lib/breachdesk
ENV BREACHDESK_ADDR=:8080
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/breachdesk"]
CMD ["serve"]
