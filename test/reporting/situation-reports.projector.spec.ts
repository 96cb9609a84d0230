import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { RecordedEvent } from '../../src/event-store/event-store.js';
import { ReferenceData } from '../../src/reference/reference-data.js';
import { SituationReportsProjection } from '../../src/reporting/projections/situation-reports.projector.js';
import { openTestLog, testEvent, type TestLog } from '../support/database.js';

const projection = new SituationReportsProjection(ReferenceData.load());
let log: TestLog;
beforeAll(async () => {
  log = await openTestLog();
});
afterAll(async () => {
  await log?.close();
});

const R1 = '11111111-1111-4111-8111-111111111111';
const R2 = '22222222-2222-4222-8222-222222222222';
const line = (onHand: number) => [{ item: 'FFP2', onHand, usedSinceLastReport: 10, requested: 20 }];

const record = async (streamId: string, type: string, data: object): Promise<RecordedEvent> => {
  const result = await log.store.appendToStream(streamId, [testEvent(type, data, { actor: 'u-1', actorName: 'Anna', role: 'municipality' })], {
    expectedRevision: 'any',
  });
  return (await log.store.readStream(streamId)).find((e) => e.position === result.position)!;
};

const rows = () =>
  log.dataSource.query(
    `SELECT report_id, municipality, county, period, infections, lines, corrections, last_correction_reason, reported_by_name
       FROM situation_reports ORDER BY report_id`,
  );

it('keeps every report with its latest corrected figures, once per event, batched or one by one', async () => {
  const events = [
    await record('municipality-0115', 'SituationReported', {
      reportId: R1,
      municipality: '0115',
      reportedAt: '2026-03-02T07:00:00.000Z',
      period: '2026-W10',
      infections: 3,
      lines: line(100),
    }),
    await record('municipality-1880', 'SituationReported', {
      reportId: R2,
      municipality: '1880',
      reportedAt: '2026-03-02T08:00:00.000Z',
      period: '2026-W10',
      infections: 1,
      lines: line(50),
    }),
    await record('municipality-0115', 'SituationReportCorrected', {
      correctionId: '33333333-3333-4333-8333-333333333333',
      municipality: '0115',
      corrects: R1,
      reason: 'first recount',
      reportedAt: '2026-03-02T07:00:00.000Z',
      period: '2026-W10',
      infections: 4,
      lines: line(90),
    }),
    await record('municipality-0115', 'SituationReportCorrected', {
      correctionId: '44444444-4444-4444-8444-444444444444',
      municipality: '0115',
      corrects: R1,
      reason: 'second recount',
      reportedAt: '2026-03-02T07:00:00.000Z',
      period: '2026-W10',
      infections: 5,
      lines: line(80),
    }),
  ];
  for (const event of events) for (let i = 0; i < 2; i++) await log.dataSource.transaction((tx) => projection.apply([event], tx));
  const oneByOne = await rows();
  expect(oneByOne).toEqual([
    {
      report_id: R1,
      municipality: '0115',
      county: '01',
      period: '2026-W10',
      infections: 5,
      lines: line(80),
      corrections: 2,
      last_correction_reason: 'second recount',
      reported_by_name: 'Anna',
    },
    {
      report_id: R2,
      municipality: '1880',
      county: '18',
      period: '2026-W10',
      infections: 1,
      lines: line(50),
      corrections: 0,
      last_correction_reason: null,
      reported_by_name: 'Anna',
    },
  ]);

  await log.dataSource.query('DELETE FROM situation_reports');
  await log.dataSource.transaction((tx) => projection.apply([...events, ...events], tx));
  expect(await rows()).toEqual(oneByOne);
});
