# The image compose.yaml builds: the app and its pinned requirements, nothing else.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN useradd --system --uid 1000 duban && mkdir -p /srv/media /srv/static && chown duban /srv/media /srv/static
USER duban
EXPOSE 8000
