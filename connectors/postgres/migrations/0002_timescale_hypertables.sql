-- TimescaleDB is optional. When the extension is available on the server, the two
-- reading tables become hypertables partitioned by ts (the primary key contains ts, as
-- TimescaleDB requires). When it is absent, or available but cannot be created (e.g. not
-- in shared_preload_libraries), nothing happens and a NOTICE says why: the sink never
-- requires it. Like every migration this runs once; installing TimescaleDB later needs a
-- manual `SELECT create_hypertable('raw_readings', 'ts', migrate_data => true)`.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') THEN
    BEGIN
      CREATE EXTENSION IF NOT EXISTS timescaledb;
      PERFORM create_hypertable('raw_readings', 'ts', if_not_exists => true, migrate_data => true);
      PERFORM create_hypertable('calibrated_readings', 'ts', if_not_exists => true, migrate_data => true);
    EXCEPTION WHEN OTHERS THEN
      RAISE NOTICE 'kalibra: TimescaleDB is available but was not enabled: %', SQLERRM;
    END;
  ELSE
    RAISE NOTICE 'kalibra: TimescaleDB is not available; reading tables stay plain tables';
  END IF;
END
$$;
