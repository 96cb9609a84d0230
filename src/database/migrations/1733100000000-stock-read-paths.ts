import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lets the stock query read only what can count, instead of a municipality's whole history:
 *  - each report line carries its report's municipality and business time, the position of the
 *    version that stated it and the position of the version that replaced it (`superseded_at`, NULL
 *    while it is the newest), so "the latest count of an item as of a moment, as known at a
 *    position" is one descent of an index; versions carry `superseded_at` too;
 *  - `stock_items` names every (municipality, item) with any report line or delivery, and the
 *    longest time any delivery of it took between dispatch and receipt: no delivery received after
 *    a moment left earlier than that moment minus the longest transit, which bounds the search for
 *    what was in transit then;
 *  - deliveries are indexed by when they arrived and by when they left.
 *
 * Rows already projected are filled in here from what the tables hold, so the read model stays
 * whole across the upgrade without a rebuild.
 */
/**
 * Drops a table's plain index on exactly these columns, whatever it is called: a rebuild used to
 * swap tables in with indexes PostgreSQL had named (the rebuild keeps the names now), so the name a
 * migration gave cannot be relied on for databases rebuilt before that.
 */
const dropIndexOn = async (q: QueryRunner, table: string, columns: string): Promise<void> => {
  // QueryRunner.query is not generic: it answers any.
  const indexes = (await q.query(
    `SELECT c.relname AS name
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
      WHERE i.indrelid = $1::regclass AND NOT i.indisunique AND pg_get_indexdef(i.indexrelid) LIKE $2`,
    [table, `% USING btree (${columns})`],
  )) as { name: string }[];
  for (const index of indexes) await q.query(`DROP INDEX "${index.name}"`);
};

export class StockReadPaths1733100000000 implements MigrationInterface {
  name = 'StockReadPaths1733100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE stock_report_versions ADD COLUMN superseded_at bigint');
    await q.query(`
      ALTER TABLE stock_report_lines
        ADD COLUMN municipality  text,
        ADD COLUMN reported_at   timestamptz,
        ADD COLUMN position      bigint,
        ADD COLUMN superseded_at bigint`);
    await q.query(`
      UPDATE stock_report_versions v SET superseded_at = n.next
        FROM (SELECT report_id, event_id, lead(position) OVER (PARTITION BY report_id ORDER BY position, revision) AS next
                FROM stock_report_versions) n
       WHERE n.report_id = v.report_id AND n.event_id = v.event_id AND n.next IS NOT NULL`);
    await q.query(`
      UPDATE stock_report_lines l
         SET municipality = v.municipality, reported_at = v.reported_at, position = v.position, superseded_at = v.superseded_at
        FROM stock_report_versions v
       WHERE v.report_id = l.report_id AND v.event_id = l.event_id`);
    await q.query(`
      ALTER TABLE stock_report_lines
        ALTER COLUMN municipality SET NOT NULL,
        ALTER COLUMN reported_at SET NOT NULL,
        ALTER COLUMN position SET NOT NULL`);
    await dropIndexOn(q, 'stock_report_versions', 'municipality, report_id, "position"');
    await q.query('CREATE INDEX stock_report_versions_newest ON stock_report_versions (municipality, reported_at, report_id)');
    await q.query('CREATE INDEX stock_report_lines_newest ON stock_report_lines (municipality, item, reported_at, report_id)');

    await q.query(`
      CREATE TABLE stock_items (
        municipality    text     NOT NULL,
        item            text     NOT NULL,
        longest_transit interval,
        PRIMARY KEY (municipality, item)
      )`);
    await q.query(`
      INSERT INTO stock_items (municipality, item, longest_transit)
      SELECT municipality, item, max(received_at - dispatched_at)
        FROM (SELECT municipality, item, NULL::timestamptz AS dispatched_at, NULL::timestamptz AS received_at FROM stock_report_lines
              UNION ALL
              SELECT municipality, item, dispatched_at, received_at FROM stock_deliveries) facts
       GROUP BY municipality, item`);
    await dropIndexOn(q, 'stock_deliveries', 'municipality, item');
    await q.query('CREATE INDEX stock_deliveries_arrived ON stock_deliveries (municipality, item, received_at)');
    await q.query('CREATE INDEX stock_deliveries_left ON stock_deliveries (municipality, item, dispatched_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await dropIndexOn(q, 'stock_deliveries', 'municipality, item, dispatched_at');
    await dropIndexOn(q, 'stock_deliveries', 'municipality, item, received_at');
    await q.query('CREATE INDEX stock_deliveries_municipality ON stock_deliveries (municipality, item)');
    await q.query('DROP TABLE stock_items');
    await dropIndexOn(q, 'stock_report_lines', 'municipality, item, reported_at, report_id');
    await dropIndexOn(q, 'stock_report_versions', 'municipality, reported_at, report_id');
    await q.query('CREATE INDEX stock_report_versions_municipality ON stock_report_versions (municipality, report_id, position)');
    await q.query(`
      ALTER TABLE stock_report_lines
        DROP COLUMN municipality,
        DROP COLUMN reported_at,
        DROP COLUMN position,
        DROP COLUMN superseded_at`);
    await q.query('ALTER TABLE stock_report_versions DROP COLUMN superseded_at');
  }
}
