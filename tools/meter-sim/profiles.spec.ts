import { advance, householdLph, makeMeters, rng } from './profiles';

describe('meter-sim profiles', () => {
  it('is reproducible from its seed', () => {
    expect(makeMeters(50, rng(7))).toEqual(makeMeters(50, rng(7)));
  });

  it('never moves a register backwards at litre resolution, and leaks flow at night', () => {
    const random = rng(3);
    const leak = { id: 'L', kind: 'leak' as const, litres: 1000, scale: 2 };
    const home = { id: 'H', kind: 'household' as const, litres: 1000, scale: 2 };
    const night = Date.parse('2026-11-23T09:00:00Z'); // 03:00 in Mexico City
    const l = advance(leak, night, 900, random);
    const h = advance(home, night, 900, random);
    expect(l.flowLps).toBeGreaterThan(0);
    expect(l.alarms).toEqual(['leak']);
    expect(h.flowLps).toBe(0);
    expect(Math.abs(l.registerM3 * 1000 - Math.round(l.registerM3 * 1000))).toBeLessThan(1e-6);
    expect(l.registerM3).toBeGreaterThanOrEqual(1);
    expect(householdLph(7, 1)).toBeGreaterThan(householdLph(3, 1));
  });
});
