import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Positions come from transaction ids, which belong to the server, not to the database: a log
 * restored onto another server (or a new one) would go on at ids below the restored positions, and
 * new events would sort before old ones. `event_log_offset` is added to every transaction id used
 * for a position; `ppe_align_log_offset()`, run at every start (it does nothing unless the log is
 * ahead of the server), raises it past the restored log.
 */
export class LogPositionOffset1733000000000 implements MigrationInterface {
  name = 'LogPositionOffset1733000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE event_log_offset (
        singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        xid_offset bigint  NOT NULL
      )`);
    await q.query('INSERT INTO event_log_offset (singleton, xid_offset) VALUES (true, 0)');
    await q.query(`
      CREATE OR REPLACE FUNCTION ppe_append_events(
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

        v_tx := pg_current_xact_id()::text::bigint + (SELECT xid_offset FROM event_log_offset);

        INSERT INTO events (position, event_id, stream_id, revision, type, data, metadata)
        SELECT v_tx * 1000000 + v_ordinal + i, p_event_ids[i], p_stream_id, v_current + i,
               p_types[i], p_data[i], p_metadata[i]
          FROM generate_series(1, v_count) AS i;

        PERFORM set_config('ppe.append_ordinal', (v_ordinal + v_count)::text, true);
        RETURN QUERY SELECT v_current + v_count, v_tx * 1000000 + v_ordinal + v_count, false;
      END
      $fn$`);
    await q.query(`
      CREATE FUNCTION ppe_align_log_offset() RETURNS bigint
      LANGUAGE plpgsql AS $fn$
      DECLARE
        v_log_xid  bigint;
        v_next_xid bigint;
      BEGIN
        LOCK TABLE event_log_offset IN EXCLUSIVE MODE;
        SELECT coalesce(max(position), 0) / 1000000 INTO v_log_xid FROM events;
        v_next_xid := pg_snapshot_xmax(pg_current_snapshot())::text::bigint + (SELECT xid_offset FROM event_log_offset);
        IF v_next_xid <= v_log_xid THEN
          UPDATE event_log_offset SET xid_offset = xid_offset + (v_log_xid - v_next_xid) + 1;
        END IF;
        RETURN (SELECT xid_offset FROM event_log_offset);
      END
      $fn$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION ppe_align_log_offset');
    await q.query('DROP TABLE event_log_offset');
  }
}
