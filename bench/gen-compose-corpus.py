#!/usr/bin/env python3
"""Writes N varied compose projects (default 1000) that look like real ones: several services,
short and long port syntax, environment maps and lists, volumes, healthchecks, networks, comments.
Deterministic (seeded) so runs compare. Usage: gen-compose-corpus.py DIR [N]"""
import os
import random
import sys

out, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1000
rnd = random.Random(4)
IMAGES = [
    ("nginx:1.27-alpine", [80, 443]), ("traefik:v3.1", [80, 443, 8080]), ("mysql:8.4", [3306]),
    ("mariadb:11", [3306]), ("postgres:16-alpine", [5432]), ("redis:7-alpine", [6379]),
    ("mongo:7", [27017]), ("rabbitmq:3-management", [5672, 15672]), ("grafana/grafana:11.1.0", [3000]),
    ("prom/prometheus:v2.53.0", [9090]), ("ghcr.io/acme/api:{v}", [8080]), ("acme/worker:{v}", []),
    ("elasticsearch:8.14.3", [9200]), ("memcached:1.6", [11211]), ("minio/minio:latest", [9000, 9001]),
    ("node:20-alpine", [3000]), ("python:3.12-slim", [8000]), ("wordpress:6-apache", [80]),
]
NAMES = ["web", "api", "db", "cache", "worker", "queue", "proxy", "metrics", "search", "store", "app", "admin"]
ENV_KEYS = ["TZ", "LOG_LEVEL", "NODE_ENV", "DATABASE_URL", "REDIS_URL", "WORKERS", "FEATURE_FLAGS", "APP_PASSWORD"]


def port_entry(port):
    host = port + rnd.choice([0, 0, 0, 1000, 8000]) if port < 60000 else port
    style = rnd.random()
    if style < 0.35:
        return [f'      - "{host}:{port}"']
    if style < 0.50:
        return [f'      - "127.0.0.1:{host}:{port}"']
    if style < 0.60:
        return [f"      - {host}:{port}"]
    if style < 0.68:
        return [f'      - "{port}"']
    if style < 0.75:
        return [f'      - "{host}:{port}/udp"']
    lines = ["      - target: %d" % port, "        published: \"%d\"" % host, "        protocol: tcp"]
    if rnd.random() < 0.4:
        lines.append("        host_ip: 127.0.0.1")
    if rnd.random() < 0.3:
        lines.append("        mode: host")
    return lines


def service(name):
    image, ports = rnd.choice(IMAGES)
    lines = [f"  {name}:", f"    image: {image.format(v=rnd.randint(1, 40))}"]
    if rnd.random() < 0.3:
        lines.append(f"    container_name: {name}-{rnd.randint(1, 99)}")
    lines.append("    restart: " + rnd.choice(["unless-stopped", "always", "on-failure"]))
    if ports and rnd.random() < 0.8:
        lines.append("    ports:")
        for p in ports:
            lines += port_entry(p)
    if rnd.random() < 0.7:
        keys = rnd.sample(ENV_KEYS, rnd.randint(1, 5))
        if rnd.random() < 0.5:
            lines.append("    environment:")
            lines += [f"      {k}: \"{rnd.choice(['info', 'prod', '4', '${' + k + '}', 'Europe/Berlin'])}\"" for k in keys]
        else:
            lines.append("    environment:")
            lines += [f"      - {k}={rnd.choice(['debug', 'x', '${' + k + ':-1}'])}" for k in keys]
    if rnd.random() < 0.6:
        lines += ["    volumes:", f"      - {name}-data:/var/lib/{name}", "      - ./config:/etc/app:ro"]
    if rnd.random() < 0.4:
        lines += ["    healthcheck:", '      test: ["CMD", "wget", "-qO-", "http://localhost/health"]',
                  "      interval: 30s", "      retries: 3"]
    if rnd.random() < 0.5:
        lines += ["    networks:", "      - backend"]
    if rnd.random() < 0.3:
        lines += ["    depends_on:", "      - " + rnd.choice(NAMES)]
    return lines


for i in range(n):
    d = os.path.join(out, f"project-{i:04d}")
    os.makedirs(d, exist_ok=True)
    names = rnd.sample(NAMES, rnd.randint(2, 6))
    body = [f"# project {i}: generated for the lint benchmark", "services:"]
    for name in names:
        body += service(name)
    body += ["", "networks:", "  backend:", "    driver: bridge", "", "volumes:"]
    body += [f"  {name}-data: {{}}" for name in names]
    fname = rnd.choice(["compose.yaml", "docker-compose.yml", "docker-compose.yaml", "compose.yml"])
    with open(os.path.join(d, fname), "w") as f:
        f.write("\n".join(body) + "\n")
print(f"{n} compose files in {out}")
