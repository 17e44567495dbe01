import { holdReasons, type HistoryPoint } from './hold-rules';

const h = (m3: string, estimated = false, period = 'x'): HistoryPoint => ({ period, m3, estimated });

describe('hold rules', () => {
  it('holds a bill above 3x the toma average, not one at exactly 3x', () => {
    const history = [h('10'), h('12'), h('8')];
    expect(holdReasons({ m3: '30.001', estimated: false, history, factor: '3' })).toEqual(['above_average']);
    expect(holdReasons({ m3: '30', estimated: false, history, factor: '3' })).toEqual([]);
  });

  it('needs three earlier periods before it compares with an average', () => {
    expect(holdReasons({ m3: '500', estimated: false, history: [h('1'), h('1')], factor: '3' })).toEqual([]);
  });

  it('averages only the last six periods', () => {
    const history = [h('1'), h('1'), h('1'), h('1'), h('1'), h('1'), h('1000')];
    expect(holdReasons({ m3: '4', estimated: false, history, factor: '3' })).toEqual(['above_average']);
  });

  it('holds the third estimated period in a row', () => {
    expect(holdReasons({ m3: '10', estimated: true, history: [h('10', true), h('10', true)], factor: '3' })).toEqual(['estimated_streak']);
    expect(holdReasons({ m3: '10', estimated: true, history: [h('10', true), h('10', false)], factor: '3' })).toEqual([]);
    expect(holdReasons({ m3: '10', estimated: false, history: [h('10', true), h('10', true)], factor: '3' })).toEqual([]);
  });

  it('never compares an unmetered toma', () => {
    expect(holdReasons({ m3: null, estimated: false, history: [h('1'), h('1'), h('1')], factor: '3' })).toEqual([]);
  });
});
