-- The sink's tables, exactly as in ARCHITECTURE.md. Unqualified names: the migration
-- runner sets search_path to the sink's schema, so one database can hold several sinks.
-- Applied once, in a transaction, under an advisory lock (connectors/postgres/migrate.ts).

CREATE TABLE IF NOT EXISTS raw_readings (
  sensor_id       text        NOT NULL,
  ts              timestamptz NOT NULL,
  value           float8,
  unit            text,
  extra           jsonb,
  kafka_partition int,
  kafka_offset    bigint,
  PRIMARY KEY (sensor_id, ts)
);

CREATE TABLE IF NOT EXISTS calibrated_readings (
  sensor_id     text        NOT NULL,
  ts            timestamptz NOT NULL,
  raw_value     float8,
  value         float8,
  unit          text,
  status        text,
  profile       text,
  calibrated_at timestamptz,
  PRIMARY KEY (sensor_id, ts)
);

-- next_offset is the first offset NOT yet written: the sink resumes there, the gate
-- admits every offset below it. Moved only by compare-and-set, in the batch's transaction.
CREATE TABLE IF NOT EXISTS kalibra_sink_offsets (
  connector   text        NOT NULL,
  topic       text        NOT NULL,
  partition   int         NOT NULL,
  next_offset bigint      NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connector, topic, partition)
);
