-- The sinks' dead letters, written in the same transaction as the batch that skips them and
-- the offsets that move past them: Postgres holds each exactly once (the primary key is the
-- source record's coordinates). A publisher in the sink produces them to the DLQ topic in Kafka
-- transactions (dead-letter-producer.ts); published_at only says which rows it has seen
-- published, the publisher's watermark in Kafka decides (docs/architecture.md).

CREATE TABLE IF NOT EXISTS kalibra_dead_letters (
  connector     text        NOT NULL,
  topic         text        NOT NULL,
  partition     int         NOT NULL,
  "offset"      bigint      NOT NULL,
  record_key    bytea,
  record_value  bytea,
  -- the source record's headers: [[name, base64 value], ...]
  record_headers jsonb      NOT NULL DEFAULT '[]',
  record_timestamp bigint   NOT NULL,
  error_code    text        NOT NULL,
  error_message text        NOT NULL,
  sqlstate      text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  published_at  timestamptz,
  PRIMARY KEY (connector, topic, partition, "offset")
);

CREATE INDEX IF NOT EXISTS kalibra_dead_letters_pending
  ON kalibra_dead_letters (connector, topic, partition, "offset") WHERE published_at IS NULL;
