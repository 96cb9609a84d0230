import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { call, countEvents } from '../support/api.js';
import type { TestApp } from '../support/app.js';
import { describeOnBothEventStores } from '../support/both-stores.js';

/**
 * The whole life of one decision through the public API: reports → a purchase and its receipt →
 * a round → approval with one amended line → dispatches against the plan → confirmations → the
 * auditor's replay reproduces inputs and outputs → a late correction → the decision is flagged as
 * drifted and the replay says what changed → a national request for the unmet need, answered.
 */
describeOnBothEventStores('an allocation decision from reports to audit', (start) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await start();
  });
  afterAll(async () => {
    await t?.close();
  });

  const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
  const ok = <R extends { status: number; text: string }>(r: R, status = 201): R => {
    expect({ status: r.status, text: r.status === status ? '' : r.text }).toEqual({ status, text: '' });
    return r;
  };

  it('is proposed, amended, approved, delivered, replayed, flagged when a late correction changes its inputs, and escalated', async () => {
    const county = await t.token('county', { county: '18' });
    const committee = await t.token('committee', { county: '18' });
    const region = await t.token('region', { county: '18' });
    const warehouse = await t.token('warehouse', { county: '18' });
    const auditor = await t.token('auditor');
    const admin = await t.token('admin');
    const town = (code: string) => t.token('municipality', { municipality: code });

    // Two weeks of reports from three municipalities: use is known from the second report on.
    const reports: Record<string, { first: string; second: string }> = {};
    for (const [code, onHand, used, infections] of [
      ['1880', 300, 700, 12],
      ['1881', 150, 350, 3],
      ['1814', 40, 140, 1],
    ] as const) {
      const first = ok(
        await call(t, 'POST', `/api/municipalities/${code}/reports`, {
          as: await town(code),
          body: { reportedAt: hoursAgo(8 * 24), infections: 1, lines: [{ item: 'FFP2', onHand: onHand + used, usedSinceLastReport: 0, requested: 0 }] },
        }),
      );
      const second = ok(
        await call(t, 'POST', `/api/municipalities/${code}/reports`, {
          as: await town(code),
          body: { reportedAt: hoursAgo(24), infections, lines: [{ item: 'FFP2', onHand, usedSinceLastReport: used, requested: used * 2 }] },
        }),
      );
      reports[code] = { first: first.body.reportId, second: second.body.reportId };
    }

    // The region buys; half arrives.
    const purchase = ok(
      await call(t, 'POST', '/api/purchases', {
        as: region,
        body: { supplier: 'Nordic Medical Supply AB', warehouseId: '18-central', lines: [{ item: 'FFP2', quantity: 2000 }] },
      }),
    );
    ok(
      await call(t, 'POST', `/api/purchases/${purchase.body.purchaseId}/receipts`, {
        as: warehouse,
        body: { lines: [{ item: 'FFP2', quantity: 1000, lot: 'NMS-1', expiresOn: '2028-06-30' }] },
      }),
    );

    // The county board opens a round; the proposal records every input and output.
    const round = ok(await call(t, 'POST', '/api/allocation-rounds', { as: county, body: { items: ['FFP2'] } }));
    const id = round.body.allocationId as string;
    expect(round.body.policy).toEqual({ name: 'need-weighted', version: 2 });
    const lines = round.body.outputs.lines as { municipality: string; quantity: number; unmet: number }[];
    expect(lines.reduce((s, l) => s + l.quantity, 0)).toBe(1000);
    expect(lines.every((l) => l.unmet >= 0)).toBe(true);

    // The committee approves, moving 50 from the largest share to the smallest, with a reason.
    const sorted = [...lines].sort((a, b) => b.quantity - a.quantity);
    const from = sorted[0]!;
    const to = sorted[sorted.length - 1]!;
    const approval = ok(
      await call(t, 'POST', `/api/allocation-rounds/${id}/approve`, {
        as: committee,
        body: {
          decidedBy: ['Anna Lind (Länsstyrelsen)', 'Erik Berg (Region Örebro län)'],
          note: 'Approved at the logistics meeting of today',
          amendments: [
            { municipality: from.municipality, item: 'FFP2', quantity: from.quantity - 50, reason: 'A care home closed last week' },
            { municipality: to.municipality, item: 'FFP2', quantity: to.quantity + 50, reason: 'New outbreak reported by phone' },
          ],
        },
      }),
    );
    const stock = ok(await call(t, 'GET', `/api/warehouses/18-central/stock?waitFor=${approval.body.position}`, { as: warehouse }), 200);
    expect(stock.body.items.find((i: { item: string }) => i.item === 'FFP2')).toEqual(expect.objectContaining({ onHand: 1000, allocated: 1000, available: 0 }));

    // The warehouse dispatches the plan; municipalities confirm, one with a discrepancy.
    const plan = approval.body.plan as { municipality: string; item: string; quantity: number }[];
    let last = '';
    for (const p of plan) {
      const dispatch = ok(
        await call(t, 'POST', '/api/warehouses/18-central/dispatches', {
          as: warehouse,
          // Dispatched and received after the decision: facts of its future, not of what it saw.
          body: { municipality: p.municipality, allocationId: id, lines: [{ item: 'FFP2', quantity: p.quantity }] },
        }),
      );
      const short = p.municipality === to.municipality;
      const receipt = ok(
        await call(t, 'POST', `/api/deliveries/${dispatch.body.deliveryId}/receipt`, {
          as: await town(p.municipality),
          body: { lines: [{ item: 'FFP2', received: short ? p.quantity - 10 : p.quantity, ...(short ? { reason: 'One carton crushed' } : {}) }] },
        }),
      );
      last = receipt.body.position;
    }
    const detail = ok(await call(t, 'GET', `/api/allocation-rounds/${id}?waitFor=${last}`, { as: committee }), 200);
    expect(detail.body.plan.every((l: { remaining: number; closed: boolean }) => l.remaining === 0 && l.closed)).toBe(true);
    expect(detail.body.drift).toBeNull();

    // The auditor replays the decision from the log: both inputs and outputs are reproduced.
    const replay = ok(await call(t, 'GET', `/api/audit/allocation-rounds/${id}/replay?waitFor=${last}`, { as: auditor }), 200);
    expect(replay.body).toEqual(expect.objectContaining({ inputsReproduced: true, outputsReproduced: true, diff: [] }));

    // A late correction of a report the decision used: the decision is flagged, with the difference.
    const corrected = reports['1814']!.second;
    const correction = ok(
      await call(t, 'POST', `/api/municipalities/1814/reports/${corrected}/corrections`, {
        as: await town('1814'),
        body: {
          reason: 'A second care home was left out of the count',
          infections: 4,
          lines: [{ item: 'FFP2', onHand: 10, usedSinceLastReport: 200, requested: 400 }],
        },
      }),
    );
    const flagged = ok(await call(t, 'GET', `/api/allocation-rounds/${id}?waitFor=${correction.body.position}`, { as: committee }), 200);
    expect(flagged.body.drift).toEqual(expect.objectContaining({ drifted: true }));
    expect(flagged.body.drift.differences).toEqual(expect.arrayContaining([expect.objectContaining({ municipality: '1814' })]));
    const again = ok(await call(t, 'GET', `/api/audit/allocation-rounds/${id}/replay?waitFor=${correction.body.position}`, { as: auditor }), 200);
    // The log as it stood at the decision is unchanged: still reproduced, and the drift is shown.
    expect(again.body).toEqual(expect.objectContaining({ inputsReproduced: true, outputsReproduced: true }));
    expect(again.body.drift).toEqual(expect.objectContaining({ drifted: true }));

    // What the decision would have been under version 1: an answer, and nothing written.
    const before = await countEvents(t);
    ok(await call(t, 'POST', `/api/audit/allocation-rounds/${id}/what-if`, { as: auditor, body: { policy: 'need-weighted/1' } }), 200);
    expect(await countEvents(t)).toBe(before);

    // The unmet need goes to the national board, which answers.
    const unmet = lines.reduce((s, l) => s + l.unmet, 0);
    expect(unmet).toBeGreaterThan(0);
    const request = ok(
      await call(t, 'POST', '/api/national-requests', {
        as: county,
        body: { allocationId: id, lines: [{ item: 'FFP2', quantity: unmet }], note: 'Unmet need after the round' },
      }),
    );
    ok(
      await call(t, 'POST', `/api/national-requests/${request.body.requestId}/answer`, {
        as: admin,
        body: { outcome: 'partly-granted', lines: [{ item: 'FFP2', quantity: Math.ceil(unmet / 2) }], note: 'Half now, the rest next week' },
      }),
    );
    const requests = ok(await call(t, 'GET', `/api/national-requests?county=18&waitFor=${request.body.position}`, { as: county }), 200);
    expect(JSON.stringify(requests.body)).toContain(request.body.requestId);
  });
});
