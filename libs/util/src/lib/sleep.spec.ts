import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { sleep } from './sleep';

@Injectable()
class Clock {
  now(): number {
    return Date.now();
  }
}
@Module({ providers: [Clock] })
class M {}

describe('sleep', () => {
  it('waits at least the given time (also under a Nest test module)', async () => {
    const mod = await Test.createTestingModule({ imports: [M] }).compile();
    const clock = mod.get(Clock);
    const t0 = clock.now();
    await sleep(20);
    expect(clock.now() - t0).toBeGreaterThanOrEqual(19);
    await mod.close();
  });
});
