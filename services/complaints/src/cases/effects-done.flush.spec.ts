import { setTimeout as sleep } from 'node:timers/promises';
import type { PinoLogger } from 'nestjs-pino';
import type { CaseVersionsRepository } from './case-versions.repository';
import { EffectsDoneFlush } from './effects-done.flush';

function flushOver(effectsDone: (ids: readonly string[]) => Promise<void>) {
  const warnings: unknown[] = [];
  const logger = {
    setContext: () => undefined,
    warn: (entry: unknown) => void warnings.push(entry),
  } as unknown as PinoLogger;
  const versions = { effectsDone } as unknown as CaseVersionsRepository;
  return { flush: new EffectsDoneFlush(versions, logger), warnings };
}

describe('clearing step flags in flushes', () => {
  it('clears the steps finished within one wait in one update', async () => {
    const cleared: string[][] = [];
    const { flush } = flushOver(async (ids) => void cleared.push([...ids]));
    flush.add(['C1:v2']);
    flush.add(['C2:v3', 'C1:v2']);
    expect(cleared).toEqual([]);
    await sleep(80);
    expect(cleared).toEqual([['C1:v2', 'C2:v3']]);
    flush.add(['C3:v2']);
    await sleep(80);
    expect(cleared).toEqual([['C1:v2', 'C2:v3'], ['C3:v2']]);
  });

  it('writes what is waiting when the replica shuts down', async () => {
    const cleared: string[][] = [];
    const { flush } = flushOver(async (ids) => void cleared.push([...ids]));
    flush.add(['C1:v2']);
    await flush.onApplicationShutdown();
    expect(cleared).toEqual([['C1:v2']]);
  });

  it('leaves the flags of a failed flush to the recovery pass and keeps flushing', async () => {
    const cleared: string[][] = [];
    let fail = true;
    const { flush, warnings } = flushOver(async (ids) => {
      if (fail) {
        fail = false;
        throw new Error('store down');
      }
      cleared.push([...ids]);
    });
    flush.add(['C1:v2']);
    await flush.flush();
    flush.add(['C2:v2']);
    await flush.flush();
    expect(warnings).toHaveLength(1);
    expect(cleared).toEqual([['C2:v2']]);
  });
});
