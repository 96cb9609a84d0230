import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { XLSX } from '../../src/http/spreadsheet.js';
import type { DeliveryDispatchedData } from '../../src/warehouse/domain/warehouse.events.js';
import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store.js';
import { DataSource } from 'typeorm';
import { ProjectionsService } from '../../src/projections/projections.service.js';
import { ReactionsService } from '../../src/projections/reaction.js';
import { call, countEvents } from '../support/api.js';
import type { TestApp } from '../support/app.js';
import { describeOnBothEventStores } from '../support/both-stores.js';
import { dispatchData, hoursAgo, recordedBy, WAREHOUSE_STREAM, warehouseStaff } from './fixtures.js';

/** Minimal RFC 4180 reader: quoted fields, doubled quotes, CRLF records. */
const parseCsv = (text: string): string[][] => {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else field += c;
  }
  return records;
};

describeOnBothEventStores('deliveries', (start) => {
  let t: TestApp;
  let vallentuna: string; // municipality 0115, county 01
  let osteraker: string; // municipality 0117, county 01
  let warehouse01: string;
  let warehouse18: string;
  let county01: string;
  let county18: string;
  let auditor: string;

  beforeAll(async () => {
    t = await start();
    vallentuna = await t.token('municipality', { municipality: '0115', sub: 'u-17', name: 'Anna Berg' });
    osteraker = await t.token('municipality', { municipality: '0117' });
    warehouse01 = await t.token('warehouse', { county: '01', sub: 'u-31', name: 'Lars Ek' });
    warehouse18 = await t.token('warehouse', { county: '18' });
    county01 = await t.token('county', { county: '01' });
    county18 = await t.token('county', { county: '18' });
    auditor = await t.token('auditor');
  });
  afterAll(async () => {
    await t?.close();
  });

  /**
   * A dispatch as the warehouse's command records it, followed — as there — by the reaction that
   * opens the delivery.
   */
  const dispatch = async (overrides: Partial<DeliveryDispatchedData> = {}, eager = true) => {
    const data = dispatchData({ dispatchedAt: hoursAgo(6).toISOString(), ...overrides });
    const event = recordedBy(warehouseStaff, WAREHOUSE_STREAM, 'DeliveryDispatched', data, new Date(data.dispatchedAt));
    const store = t.app.get<EventStore>(EVENT_STORE);
    const { position } = await store.appendToStream(WAREHOUSE_STREAM, [event], { expectedRevision: 'any' });
    wrote(position);
    if (eager) {
      await t.app.get(ReactionsService).afterCommand(WAREHOUSE_STREAM, [event]);
      wrote((await store.readStream(`delivery-${data.deliveryId}`))[0]!.position);
    }
    return { data, position: position.toString() };
  };

  const receive = async (as: string | undefined, deliveryId: string, body: unknown, headers: Record<string, string> = {}) => {
    const r = await call(t, 'POST', `/api/deliveries/${deliveryId}/receipt`, { as, body, headers });
    if (r.status === 201) wrote(BigInt(r.body.position));
    return r;
  };

  /** The position of the last event this suite wrote. */
  let lastWrite = 0n;
  const wrote = (position: bigint) => {
    if (position > lastWrite) lastWrite = position;
  };
  /**
   * The number of events in the log once everything this suite wrote is countable: the log counts
   * only below the frontier of decided transactions, which a just-committed write may not have
   * passed yet, so a count taken at once could grow later without anything new being written.
   */
  const settledCount = async () => {
    expect(await t.app.get(ProjectionsService).waitFor(lastWrite, ['stream-catalog'], 5000)).toEqual([]);
    return countEvents(t);
  };

  const inFull = (receivedAt = hoursAgo(1).toISOString()) => ({
    receivedAt,
    lines: [
      { item: 'FFP2', received: 500 },
      { item: 'GLOVE-NITRILE-M', received: 1000 },
    ],
  });

  describe('confirming a delivery', () => {
    it('takes the municipality’s receipt in full and shows it in the history', async () => {
      const { data } = await dispatch();
      const receivedAt = hoursAgo(1).toISOString();
      const r = await receive(vallentuna, data.deliveryId, inFull(receivedAt));
      expect(r.status).toBe(201);
      expect(r.body).toEqual({ deliveryId: data.deliveryId, position: expect.stringMatching(/^\d+$/) });

      const read = await call(t, 'GET', `/api/deliveries/${data.deliveryId}?waitFor=${r.body.position}`, { as: vallentuna });
      expect(read.status).toBe(200);
      expect(read.body).toEqual(
        expect.objectContaining({
          deliveryId: data.deliveryId,
          status: 'received',
          municipality: '0115',
          municipalityName: 'Vallentuna',
          dispatchedAt: data.dispatchedAt,
          dispatch: expect.objectContaining({ recordedBy: { sub: 'u-31', name: 'Lars Ek', role: 'warehouse' }, eventId: expect.any(String) }),
          receipt: expect.objectContaining({
            receivedAt,
            confirmedBy: { sub: 'u-17', name: 'Anna Berg', role: 'municipality' },
            discrepancy: false,
            position: r.body.position,
          }),
        }),
      );
      expect(read.body.lines).toEqual([
        { item: 'FFP2', quantity: 500, lots: data.lines[0]!.lots, accepted: 500, rejected: 0, reason: null },
        { item: 'GLOVE-NITRILE-M', quantity: 1000, lots: data.lines[1]!.lots, accepted: 1000, rejected: 0, reason: null },
      ]);
    });

    it('lets the warehouse staff of the county confirm on the municipality’s behalf, with a discrepancy and its reason', async () => {
      const { data } = await dispatch();
      const r = await receive(warehouse01, data.deliveryId, {
        lines: [
          { item: 'FFP2', received: 450, reason: '  torn packaging  ' },
          { item: 'GLOVE-NITRILE-M', received: 1000 },
        ],
      });
      expect(r.status).toBe(201);
      const read = await call(t, 'GET', `/api/deliveries/${data.deliveryId}?waitFor=${r.body.position}`, { as: county01 });
      expect(read.body.status).toBe('received-with-discrepancy');
      expect(read.body.receipt.confirmedBy.role).toBe('warehouse');
      expect(read.body.lines[0]).toMatchObject({ accepted: 450, rejected: 50, reason: 'torn packaging' });
      // receivedAt defaults to now.
      expect(Math.abs(Date.parse(read.body.receipt.receivedAt) - Date.now())).toBeLessThan(60_000);
    });

    it('opens the delivery from the log when the dispatch’s own reaction did not run', async () => {
      const { data, position } = await dispatch({}, false);
      expect(await t.app.get(ProjectionsService).waitFor(BigInt(position), ['reaction:open-delivery'], 5000)).toEqual([]);
      expect((await receive(vallentuna, data.deliveryId, inFull())).status).toBe(201);
    });

    it('opens each delivery once, though the reaction runs both after the dispatch and from the log', async () => {
      const { data, position } = await dispatch();
      expect(await t.app.get(ProjectionsService).waitFor(BigInt(position), ['reaction:open-delivery'], 5000)).toEqual([]);
      const events = await t.app.get<EventStore>(EVENT_STORE).readStream(`delivery-${data.deliveryId}`);
      expect(events.map((e) => e.type)).toEqual(['DeliveryOpened']);
      const anomalies = await t.app.get(DataSource).query(`SELECT * FROM projection_anomalies WHERE projection = 'reaction:open-delivery'`);
      expect(anomalies).toEqual([]);
    });

    it('refuses a second receipt (409), an unknown delivery (404), and writes nothing', async () => {
      const { data } = await dispatch();
      expect((await receive(vallentuna, data.deliveryId, inFull())).status).toBe(201);
      const before = await settledCount();
      const again = await receive(vallentuna, data.deliveryId, inFull());
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ code: 'DELIVERY.ALREADY_RECEIVED', type: expect.stringMatching(/delivery-already-received$/) });
      const unknown = await receive(vallentuna, randomUUID(), inFull());
      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe('DELIVERY.NOT_FOUND');
      expect((await receive(vallentuna, 'not-a-delivery', inFull())).status).toBe(404);
      expect(await countEvents(t)).toBe(before);
    });

    it('lets only the receiving municipality and its county’s warehouse confirm', async () => {
      const { data } = await dispatch();
      const before = await settledCount();
      for (const as of [osteraker, warehouse18, county01, auditor, await t.token('region', { county: '01' }), await t.token('committee', { county: '01' })]) {
        const r = await receive(as, data.deliveryId, inFull());
        expect(r.status).toBe(403);
        expect(r.body.type).toMatch(/auth-forbidden$/);
      }
      const anonymous = await receive(undefined, data.deliveryId, inFull());
      expect(anonymous.status).toBe(401);
      expect(await countEvents(t)).toBe(before);
    });

    describe('refuses bad input, naming the field, and writes nothing', () => {
      let deliveryId: string;
      let dispatchedAt: string;
      beforeAll(async () => {
        const { data } = await dispatch();
        deliveryId = data.deliveryId;
        dispatchedAt = data.dispatchedAt;
      });
      const glovesInFull = { item: 'GLOVE-NITRILE-M', received: 1000 };

      it.each([
        ['a negative quantity', { lines: [{ item: 'FFP2', received: -1, reason: 'x' }, glovesInFull] }, 'lines[0].received'],
        ['a fractional quantity', { lines: [{ item: 'FFP2', received: 1.5, reason: 'x' }, glovesInFull] }, 'lines[0].received'],
        ['an absurd quantity', { lines: [{ item: 'FFP2', received: 1e15 }, glovesInFull] }, 'lines[0].received'],
        ['a quantity as text', { lines: [{ item: 'FFP2', received: '500' }, glovesInFull] }, 'lines[0].received'],
        ['more than was dispatched', { lines: [{ item: 'FFP2', received: 501 }, glovesInFull] }, 'lines[0].received'],
        ['a difference without a reason', { lines: [glovesInFull, { item: 'FFP2', received: 0 }] }, 'lines[1].reason'],
        ['a blank reason', { lines: [{ item: 'FFP2', received: 0, reason: '   ' }, glovesInFull] }, 'lines[0].reason'],
        ['an unknown item', { lines: [{ item: 'FFP9', received: 1 }, glovesInFull] }, 'lines[0].item'],
        [
          'an item not in the delivery',
          { lines: [{ item: 'FFP2', received: 500 }, glovesInFull, { item: 'VISOR', received: 0, reason: 'x' }] },
          'lines[2].item',
        ],
        ['an item answered twice', { lines: [{ item: 'FFP2', received: 500 }, glovesInFull, { item: 'FFP2', received: 500 }] }, 'lines[2].item'],
        ['a dispatched item left unanswered', { lines: [{ item: 'FFP2', received: 500 }] }, 'lines'],
        ['no lines', { lines: [] }, 'lines'],
        ['missing lines', { receivedAt: undefined, lines: undefined }, 'lines'],
        ['a missing quantity', { lines: [{ item: 'FFP2' }, glovesInFull] }, 'lines[0].received'],
        ['an extra field', { receivedBy: 'someone else' }, 'receivedBy'],
        ['an extra field in a line', { lines: [{ item: 'FFP2', received: 500, accepted: 500 }, glovesInFull] }, 'lines[0].accepted'],
        ['a malformed date', { receivedAt: '5 March' }, 'receivedAt'],
        ['an impossible date', { receivedAt: '2026-02-30T10:00:00Z' }, 'receivedAt'],
        ['a date-time without an offset', { receivedAt: '2026-03-05T10:00:00' }, 'receivedAt'],
        ['a far-future date', { receivedAt: '2099-01-01T00:00:00Z' }, 'receivedAt'],
      ])('%s', async (_what, overrides, field) => {
        const before = await settledCount();
        const r = await receive(vallentuna, deliveryId, { ...inFull(), ...overrides });
        expect(r.status).toBe(400);
        expect(r.headers.get('content-type')).toContain('application/problem+json');
        expect(r.body.errors.map((e: { field: string }) => e.field)).toContain(field);
        expect(await countEvents(t)).toBe(before);
      });

      it('a receipt before the dispatch', async () => {
        const before = await settledCount();
        const r = await receive(vallentuna, deliveryId, inFull(new Date(Date.parse(dispatchedAt) - 60_000).toISOString()));
        expect(r.status).toBe(400);
        expect(r.body).toMatchObject({ code: 'DELIVERY.RECEIVED_BEFORE_DISPATCH', errors: [{ field: 'receivedAt' }] });
        expect(await countEvents(t)).toBe(before);
      });

      it('a body that is not JSON (415), or broken JSON (400)', async () => {
        const before = await settledCount();
        const text = await call(t, 'POST', `/api/deliveries/${deliveryId}/receipt`, {
          as: vallentuna,
          rawBody: 'FFP2=500',
          headers: { 'content-type': 'text/plain' },
        });
        expect(text.status).toBe(415);
        expect(text.body.code).toBe('REQUEST.UNSUPPORTED_MEDIA_TYPE');
        const broken = await call(t, 'POST', `/api/deliveries/${deliveryId}/receipt`, {
          as: vallentuna,
          rawBody: '{"lines":',
          headers: { 'content-type': 'application/json' },
        });
        expect(broken.status).toBe(400);
        expect(await countEvents(t)).toBe(before);
      });
    });

    it('answers a retried receipt with the first answer, and refuses the key for another body (422)', async () => {
      const { data } = await dispatch();
      const headers = { 'Idempotency-Key': `receipt-${data.deliveryId}` };
      const payload = inFull();
      const first = await receive(vallentuna, data.deliveryId, payload, headers);
      expect(first.status).toBe(201);
      const afterFirst = await settledCount();
      const retry = await receive(vallentuna, data.deliveryId, payload, headers);
      expect(retry.status).toBe(201);
      expect(retry.body).toEqual(first.body);
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      const other = await receive(vallentuna, data.deliveryId, { ...payload, lines: [{ item: 'FFP2', received: 1, reason: 'x' }, payload.lines[1]] }, headers);
      expect(other.status).toBe(422);
      expect(await countEvents(t)).toBe(afterFirst);
    });
  });

  describe('delivery history', () => {
    // A week of its own, so that the other tests' deliveries stay out of the period filters.
    const week = (day: number, hour: number) => new Date(Date.UTC(2026, 5, 1 + day, hour)).toISOString();
    let toVallentuna: DeliveryDispatchedData;
    let toOsteraker: DeliveryDispatchedData;
    let toOrebro: DeliveryDispatchedData;
    let last: string;

    beforeAll(async () => {
      toVallentuna = (await dispatch({ dispatchedAt: week(0, 6), vehicle: 'ABC, "123"' })).data;
      toOsteraker = (await dispatch({ dispatchedAt: week(2, 6), municipality: '0117', allocationId: randomUUID() })).data;
      toOrebro = (
        await dispatch({ dispatchedAt: week(4, 6), municipality: '1880', county: '18', warehouseId: '18-central', lines: [dispatchData().lines[0]!] })
      ).data;
      const receipt = await receive(vallentuna, toVallentuna.deliveryId, {
        receivedAt: week(0, 10),
        lines: [
          { item: 'FFP2', received: 450, reason: '=torn, "damp" packaging' },
          { item: 'GLOVE-NITRILE-M', received: 1000 },
        ],
      });
      expect(receipt.status).toBe(201);
      last = receipt.body.position;
    });

    const ids = (body: { deliveries: { deliveryId: string }[] }) => body.deliveries.map((d) => d.deliveryId);
    const inWeek = `from=2026-06-01&to=2026-06-08&waitFor=`;

    it('shows each caller what is in its scope, when no municipality is named', async () => {
      const list = async (as: string) => {
        const r = await call(t, 'GET', `/api/deliveries?${inWeek}${last}`, { as });
        expect(r.status).toBe(200);
        return ids(r.body);
      };
      expect(await list(vallentuna)).toEqual([toVallentuna.deliveryId]);
      expect(await list(osteraker)).toEqual([toOsteraker.deliveryId]);
      expect(await list(county01)).toEqual([toVallentuna.deliveryId, toOsteraker.deliveryId]);
      expect(await list(warehouse01)).toEqual([toVallentuna.deliveryId, toOsteraker.deliveryId]);
      expect(await list(county18)).toEqual([toOrebro.deliveryId]);
      expect(await list(auditor)).toEqual([toVallentuna.deliveryId, toOsteraker.deliveryId, toOrebro.deliveryId]);
      expect(await list(await t.token('auditor', { county: '18' }))).toEqual([toOrebro.deliveryId]);
    });

    it('refuses what is out of scope or for the wrong role', async () => {
      const get = async (query: string, as?: string) => (await call(t, 'GET', `/api/deliveries?${query}`, { as })).status;
      expect(await get('municipality=0117', vallentuna)).toBe(403);
      expect(await get('municipality=0115', county18)).toBe(403);
      expect(await get('county=01', county18)).toBe(403);
      expect(await get('county=01', vallentuna)).toBe(200);
      expect(await get('county=18', vallentuna)).toBe(403);
      expect(await get('', await t.token('region', { county: '01' }))).toBe(403);
      expect(await get('', await t.token('committee', { county: '01' }))).toBe(403);
      expect(await get('', await t.token('admin'))).toBe(403);
      expect(await get('')).toBe(401);
    });

    it('filters by municipality, period (dates or date-times) and status, and pages', async () => {
      const get = async (query: string) => {
        const r = await call(t, 'GET', `/api/deliveries?${query}&waitFor=${last}`, { as: auditor });
        expect(r.status).toBe(200);
        return r.body;
      };
      expect(ids(await get('municipality=0117&from=2026-06-01&to=2026-06-08'))).toEqual([toOsteraker.deliveryId]);
      expect(ids(await get('from=2026-06-03&to=2026-06-08'))).toEqual([toOsteraker.deliveryId, toOrebro.deliveryId]);
      // `to` is exclusive; a date-time names an instant.
      expect(ids(await get(`from=2026-06-01&to=${encodeURIComponent(toOsteraker.dispatchedAt)}`))).toEqual([toVallentuna.deliveryId]);
      expect(ids(await get(`from=${encodeURIComponent('2026-06-03T08:00:00+02:00')}&to=2026-06-08`))).toEqual([toOsteraker.deliveryId, toOrebro.deliveryId]);
      expect(ids(await get('from=2026-06-01&to=2026-06-08&status=received-with-discrepancy'))).toEqual([toVallentuna.deliveryId]);
      expect(ids(await get('from=2026-06-01&to=2026-06-08&status=in-transit'))).toEqual([toOsteraker.deliveryId, toOrebro.deliveryId]);
      const page = await get('from=2026-06-01&to=2026-06-08&limit=1&offset=1');
      expect(ids(page)).toEqual([toOsteraker.deliveryId]);
      expect(page.page).toEqual({ limit: 1, offset: 1, returned: 1, total: 3, nextOffset: 2 });
      expect((await get('from=2026-06-01&to=2026-06-08&offset=2')).page.nextOffset).toBeNull();
    });

    it('shows a delivery with what was dispatched, for which allocation, and who recorded it', async () => {
      const r = await call(t, 'GET', `/api/deliveries/${toOsteraker.deliveryId}?waitFor=${last}`, { as: osteraker });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({
        status: 'in-transit',
        allocationId: toOsteraker.allocationId,
        warehouseId: '01-central',
        receipt: null,
        dispatch: { recordedBy: { sub: 'u-31', role: 'warehouse' }, eventId: expect.any(String), position: expect.stringMatching(/^\d+$/) },
      });
      expect((await call(t, 'GET', `/api/deliveries/${toOsteraker.deliveryId}`, { as: vallentuna })).status).toBe(403);
      expect((await call(t, 'GET', `/api/deliveries/${toOsteraker.deliveryId}`, { as: county18 })).status).toBe(403);
      expect((await call(t, 'GET', `/api/deliveries/${toOrebro.deliveryId}`, { as: county18 })).status).toBe(200);
      expect((await call(t, 'GET', `/api/deliveries/${randomUUID()}`, { as: auditor })).status).toBe(404);
      expect((await call(t, 'GET', `/api/deliveries/nothing`, { as: auditor })).status).toBe(404);
      expect((await call(t, 'GET', `/api/deliveries/${toOsteraker.deliveryId}`, { as: await t.token('region', { county: '01' }) })).status).toBe(403);
    });

    it.each([
      ['from=March', 'from'],
      ['to=2026-02-30', 'to'],
      ['from=2026-06-01T10:00', 'from'],
      ['from=2026-06-08&to=2026-06-01', 'to'],
      ['status=lost', 'status'],
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
      ['offset=-1', 'offset'],
      ['municipality=9999', 'municipality'],
      ['county=99', 'county'],
      ['colour=red', 'colour'],
    ])('refuses %s, naming the field', async (query, field) => {
      const r = await call(t, 'GET', `/api/deliveries?${query}`, { as: auditor });
      expect(r.status).toBe(400);
      expect(r.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('exports the same rows as CSV, one row per delivery line', async () => {
      const r = await call(t, 'GET', `/api/deliveries?${inWeek}${last}`, { as: county01, headers: { accept: 'text/csv' } });
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(r.headers.get('content-disposition')).toBe('attachment; filename="deliveries.csv"');
      expect(r.text.endsWith('\r\n')).toBe(true);
      const [header, ...rows] = parseCsv(r.text);
      expect(header!.slice(0, 6)).toEqual(['delivery_id', 'status', 'warehouse_id', 'county', 'municipality', 'municipality_name']);
      const column = (row: string[], name: string) => row[header!.indexOf(name)];
      expect(rows).toHaveLength(4); // two deliveries in the county this week, two lines each
      expect(rows.every((row) => row.length === header!.length)).toBe(true);
      expect(rows.map((row) => [column(row, 'delivery_id'), column(row, 'item')])).toEqual([
        [toVallentuna.deliveryId, 'FFP2'],
        [toVallentuna.deliveryId, 'GLOVE-NITRILE-M'],
        [toOsteraker.deliveryId, 'FFP2'],
        [toOsteraker.deliveryId, 'GLOVE-NITRILE-M'],
      ]);
      const first = rows[0]!;
      expect(column(first, 'municipality_name')).toBe('Vallentuna');
      expect(column(first, 'vehicle')).toBe('ABC, "123"');
      expect(column(first, 'status')).toBe('received-with-discrepancy');
      expect(column(first, 'dispatched')).toBe('500');
      expect(column(first, 'lots')).toBe('L-2291 exp 2027-01-31: 300; L-2304 exp 2027-03-31: 200');
      expect(column(first, 'accepted')).toBe('450');
      expect(column(first, 'rejected')).toBe('50');
      // A spreadsheet would run a leading "=" as a formula.
      expect(column(first, 'reason')).toBe(`'=torn, "damp" packaging`);
      expect(column(first, 'received_by_name')).toBe('Anna Berg');
      expect(column(first, 'dispatched_at')).toBe(toVallentuna.dispatchedAt);
      expect(column(rows[2]!, 'received_at')).toBe('');
      expect(column(rows[2]!, 'allocation_id')).toBe(toOsteraker.allocationId);

      const limited = await call(t, 'GET', `/api/deliveries?${inWeek}${last}&limit=1`, { as: county01, headers: { accept: 'text/csv' } });
      expect(parseCsv(limited.text)).toHaveLength(3); // header and one delivery's two lines

      const json = await call(t, 'GET', `/api/deliveries?${inWeek}${last}`, { as: county01, headers: { accept: 'application/json, text/csv;q=0.5' } });
      expect(json.headers.get('content-type')).toContain('application/json');
    });

    it('marks the export as UTF-8 for spreadsheets (a byte order mark, which text decoders drop)', async () => {
      const response = await fetch(`${t.url}/api/deliveries?${inWeek}${last}`, {
        headers: { authorization: `Bearer ${county01}`, accept: 'text/csv' },
      });
      const bytes = new Uint8Array(await response.arrayBuffer());
      expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    });

    it('exports the same rows as an Excel workbook, with Swedish headings, Stockholm times and real numbers', async () => {
      const path = `/api/deliveries?${inWeek}${last}`;
      const headers = { accept: XLSX };
      // Held to the document (status, media type) …
      const r = await call(t, 'GET', path, { as: county01, headers });
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe(XLSX);
      expect(r.headers.get('content-disposition')).toMatch(/^attachment; filename="leveranser-\d{4}-\d{2}-\d{2}\.xlsx"$/);
      // … and read as bytes.
      const response = await fetch(`${t.url}${path}`, { headers: { ...headers, authorization: `Bearer ${county01}` } });
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load((await response.arrayBuffer()) as ArrayBuffer);
      const sheet = workbook.getWorksheet('Leveranser')!;
      const heading = (sheet.getRow(1).values as unknown[]).slice(1);
      expect(heading.slice(0, 6)).toEqual(['Leverans', 'Status', 'Lager', 'Län', 'Kommunkod', 'Kommun']);
      expect(heading).toEqual(expect.arrayContaining(['Avsänd', 'Mottagen', 'Artikel', 'Antal', 'Godkänt', 'Avvisat', 'Orsak']));
      const cell = (row: number, name: string) => sheet.getRow(row).getCell(heading.indexOf(name) + 1).value;
      expect(sheet.rowCount).toBe(5); // the heading, and the county's two deliveries of two lines each
      expect([2, 3, 4, 5].map((row) => [cell(row, 'Leverans'), cell(row, 'Artikel')])).toEqual([
        [toVallentuna.deliveryId, 'FFP2'],
        [toVallentuna.deliveryId, 'GLOVE-NITRILE-M'],
        [toOsteraker.deliveryId, 'FFP2'],
        [toOsteraker.deliveryId, 'GLOVE-NITRILE-M'],
      ]);
      expect(cell(2, 'Kommun')).toBe('Vallentuna');
      expect(cell(2, 'Status')).toBe('Mottagen med avvikelse');
      expect(cell(4, 'Status')).toBe('På väg');
      expect(cell(2, 'Antal')).toBe(500);
      expect(cell(2, 'Godkänt')).toBe(450);
      expect(cell(2, 'Avvisat')).toBe(50);
      expect(cell(2, 'Avvikelse')).toBe(true);
      // Text stays text: the reason typed with a leading "=" is no formula.
      expect(cell(2, 'Orsak')).toBe('=torn, "damp" packaging');
      // 06:00 UTC on 1 June is 08:00 in Stockholm (summer time): the sheet shows the Swedish clock.
      expect(cell(2, 'Avsänd')).toEqual(new Date('2026-06-01T08:00:00Z'));
      expect(cell(2, 'Mottagen')).toEqual(new Date('2026-06-01T12:00:00Z'));
      expect(cell(4, 'Mottagen')).toBeNull();

      const limited = await fetch(`${t.url}${path}&limit=1`, { headers: { ...headers, authorization: `Bearer ${county01}` } });
      const one = new ExcelJS.Workbook();
      await one.xlsx.load((await limited.arrayBuffer()) as ArrayBuffer);
      expect(one.getWorksheet('Leveranser')!.rowCount).toBe(3);

      // A municipality's export has its own deliveries only.
      const own = await fetch(`${t.url}${path}`, { headers: { ...headers, authorization: `Bearer ${osteraker}` } });
      const theirs = new ExcelJS.Workbook();
      await theirs.xlsx.load((await own.arrayBuffer()) as ArrayBuffer);
      const rows = theirs.getWorksheet('Leveranser')!.getSheetValues().slice(2) as unknown[][];
      expect(new Set(rows.map((row) => row[1]))).toEqual(new Set([toOsteraker.deliveryId]));
    });

    it('exports only the caller’s own deliveries to a municipality', async () => {
      const r = await call(t, 'GET', `/api/deliveries?${inWeek}${last}`, { as: osteraker, headers: { accept: 'text/csv' } });
      const [, ...rows] = parseCsv(r.text);
      expect(new Set(rows.map((row) => row[0]))).toEqual(new Set([toOsteraker.deliveryId]));
    });
  });
});
