import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadRound } from '../../../src/allocation/load-round.js';
import { replayRound } from '../../../src/allocation/queries/replay.js';
import { whatIf } from '../../../src/allocation/queries/what-if.js';
import { DEFAULT_POLICY } from '../../../src/allocation/domain/policies/registry.js';
import { policyId } from '../../../src/allocation/domain/policies/policy.js';
import { FIXTURE_URL, type FixtureLog, loadFixtureLog } from '../../fixtures/allocation-v1/log.js';
import { openTestLog, type TestLog } from '../../support/database.js';
import { reference, registry } from './rounds.js';

/**
 * A decision recorded under need-weighted/1, stored as the log it was recorded in
 * (test/fixtures/allocation-v1/log.json), still replays — inputs rebuilt from the log, the
 * recorded policy version rerun — now that a later version is the default.
 */
describe('a stored need-weighted/1 decision', () => {
  let log: TestLog;
  let fixture: FixtureLog;
  beforeAll(async () => {
    fixture = JSON.parse(await readFile(FIXTURE_URL, 'utf8')) as FixtureLog;
    log = await openTestLog();
    await loadFixtureLog(log.store, fixture);
  });
  afterAll(async () => {
    await log?.close();
  });

  it('was recorded under version 1, which is no longer the default', async () => {
    const round = await loadRound(log.store, registry, fixture.allocationId);
    expect(round.proposal.data.policy).toEqual({ name: 'need-weighted', version: 1 });
    expect(policyId(DEFAULT_POLICY)).not.toBe('need-weighted/1');
  });

  it('replays: inputs rebuilt from the loaded log and outputs rerun under version 1 are reproduced', async () => {
    const replay = await replayRound(log.store, registry, reference, fixture.allocationId);
    expect(replay).toMatchObject({ policy: 'need-weighted/1', inputsReproduced: true, outputsReproduced: true, diff: [] });
    // The delivery to Österåker counts: its stream was read.
    expect(replay.read.streams.some((s) => s.streamId.startsWith('delivery-'))).toBe(true);
    expect(replay.read.events).toBe(fixture.events.length);
  });

  it('would have shared the gowns differently under the default version', async () => {
    const round = await loadRound(log.store, registry, fixture.allocationId);
    const other = whatIf(round.proposal.data, { policy: policyId(DEFAULT_POLICY) });
    expect(other.lines.filter((l) => l.item === 'GOWN-LS' && l.change !== 0).length).toBeGreaterThan(0);
  });
});
