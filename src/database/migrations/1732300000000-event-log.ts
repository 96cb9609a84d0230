import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The event log in PostgreSQL.
 *
 * `position` is `transaction id × 1,000,000 + ordinal within the transaction`. Readers of the whole
 * log only look below `pg_snapshot_xmin(pg_current_snapshot())`, i.e. at transactions that can no
 * longer commit, so a transaction that took its id early but commits late can never be skipped:
 * nothing is ever read past an event that could still appear before it. (A plain sequence breaks
 * here: values are taken at insert, commits happen in another order.)
 *
 * `ppe_append_events` does the whole append in one statement, hence one transaction and one
 * round trip: answer a retried append from what it wrote, lock and move the stream's revision,
 * check the expected revision, insert.
 */
export class EventLog1732300000000 implements MigrationInterface {
  name = 'EventLog1732300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE events (
        position        bigint      PRIMARY KEY,
        event_id        uuid        NOT NULL UNIQUE,
        stream_id       text        NOT NULL,
        revision        bigint      NOT NULL,
        type            text        NOT NULL,
        data            jsonb       NOT NULL,
        metadata        jsonb       NOT NULL,
        recorded_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
        CONSTRAINT events_stream_revision UNIQUE (stream_id, revision)
      )`);
    await q.query(`
      CREATE TABLE streams (
        stream_id text   PRIMARY KEY,
        revision  bigint NOT NULL
      )`);
    await q.query(`
      CREATE FUNCTION ppe_append_events(
        p_stream_id text,
        p_expected_kind text,
        p_expected bigint,
        p_event_ids uuid[],
        p_types text[],
        p_data jsonb[],
        p_metadata jsonb[]
      ) RETURNS TABLE (next_revision bigint, last_position bigint, duplicate boolean)
      LANGUAGE plpgsql AS $fn$
      DECLARE
        v_tx       bigint;
        v_ordinal  bigint := coalesce(nullif(current_setting('ppe.append_ordinal', true), ''), '0')::bigint;
        v_count    int    := cardinality(p_event_ids);
        v_current  bigint;
        v_existing record;
      BEGIN
        IF v_count = 0 THEN
          RAISE EXCEPTION 'nothing to append' USING ERRCODE = '22023';
        END IF;
        IF v_ordinal + v_count >= 1000000 THEN
          RAISE EXCEPTION 'more than 999999 events in one transaction' USING ERRCODE = '54000';
        END IF;

        -- A retried append (same event ids: they derive from the command's idempotency key)
        -- answers what the first one wrote, even if the retry decided a different number of
        -- events. A concurrent twin that slips past this check fails on the unique event id; the
        -- caller then asks again and lands here.
        SELECT e.stream_id INTO v_existing FROM events e WHERE e.event_id = p_event_ids[1];
        IF FOUND THEN
          IF v_existing.stream_id <> p_stream_id THEN
            RAISE EXCEPTION 'event id % already belongs to stream %', p_event_ids[1], v_existing.stream_id
              USING ERRCODE = '23505';
          END IF;
          RETURN QUERY SELECT max(e.revision), max(e.position), true
            FROM events e WHERE e.event_id = ANY(p_event_ids);
          RETURN;
        END IF;

        -- Appends to one stream queue here, before this transaction takes an id: its id, and so
        -- its events' positions, then come after those of the append it waited for, and the log
        -- orders each stream's events as their revisions do. (A row lock would not do: taking it
        -- assigns the transaction id before the wait.) Two streams sharing a lock hash merely queue.
        PERFORM pg_advisory_xact_lock(hashtextextended(p_stream_id, 0));

        -- Move the stream's revision; a wrong expectation raises, which rolls this back too.
        INSERT INTO streams AS s (stream_id, revision) VALUES (p_stream_id, v_count - 1)
          ON CONFLICT (stream_id) DO UPDATE SET revision = s.revision + v_count
          RETURNING s.revision - v_count INTO v_current;

        IF (p_expected_kind = 'no_stream' AND v_current <> -1)
           OR (p_expected_kind = 'stream_exists' AND v_current = -1)
           OR (p_expected_kind = 'exact' AND v_current <> p_expected) THEN
          RAISE EXCEPTION 'wrong expected version' USING ERRCODE = 'PP409', DETAIL = v_current::text;
        END IF;

        v_tx := pg_current_xact_id()::text::bigint;

        INSERT INTO events (position, event_id, stream_id, revision, type, data, metadata)
        SELECT v_tx * 1000000 + v_ordinal + i, p_event_ids[i], p_stream_id, v_current + i,
               p_types[i], p_data[i], p_metadata[i]
          FROM generate_series(1, v_count) AS i;

        PERFORM set_config('ppe.append_ordinal', (v_ordinal + v_count)::text, true);
        RETURN QUERY SELECT v_current + v_count, v_tx * 1000000 + v_ordinal + v_count, false;
      END
      $fn$`);
    await q.query(`
      CREATE TABLE projection_checkpoints (
        name        text        PRIMARY KEY,
        version     int         NOT NULL,
        position    bigint      NOT NULL,
        checkpoint  text,
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
    // A projection never refuses a recorded fact: an event it cannot apply is recorded here and skipped.
    await q.query(`
      CREATE TABLE projection_anomalies (
        id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        projection  text        NOT NULL,
        position    bigint      NOT NULL,
        event_id    uuid        NOT NULL,
        stream_id   text        NOT NULL,
        type        text        NOT NULL,
        error       text        NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE stream_catalog (
        stream_id        text        PRIMARY KEY,
        category         text        NOT NULL,
        events           bigint      NOT NULL,
        last_revision    bigint      NOT NULL,
        last_position    bigint      NOT NULL,
        last_type        text        NOT NULL,
        first_recorded_at timestamptz NOT NULL,
        last_recorded_at timestamptz NOT NULL
      )`);
    await q.query('CREATE INDEX stream_catalog_category ON stream_catalog (category, stream_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE stream_catalog');
    await q.query('DROP TABLE projection_anomalies');
    await q.query('DROP TABLE projection_checkpoints');
    await q.query('DROP FUNCTION ppe_append_events');
    await q.query('DROP TABLE streams');
    await q.query('DROP TABLE events');
  }
}
