import type { CfdiInput } from '../cfdi-builder';
import { CfdiInputBuilder } from './cfdi-input.builder';

/** Deterministic PRNG (mulberry32) so a failing generated invoice can be reproduced from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMES = [
  'JOSÉ MARÍA PEÑA ÁLVAREZ',
  'MUÑOZ & HIJOS',
  '  ESPACIOS   AL   INICIO Y FINAL  ',
  'COMILLAS "DOBLES" Y \'SIMPLES\'',
  'MENOR < MAYOR > AMPERSAND &amp; LITERAL',
  'TAB\tY\nSALTO\r\nDE LÍNEA',
  'NO\u00A0BREAK SPACE SE CONSERVA',
  'ÜBER GÜERO Ñandú',
  'EMOJI 💧 AGUA',
];
const DESCRIPTIONS = [
  'Servicio de agua potable, uso doméstico',
  'Alcantarillado  (20 %  del agua)',
  'Saneamiento & tratamiento de aguas residuales',
  'Recargos por pago extemporáneo  ',
  ' Cuota fija — toma sin medidor ',
  'Reconexión <urgente>',
];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)];
}
function amount(r: () => number, maxInt: number, decimals: number): string {
  const int = Math.floor(r() * maxInt);
  if (decimals === 0) return String(Math.max(int, 1));
  const frac = String(Math.floor(r() * 10 ** decimals)).padStart(decimals, '0');
  return `${int}.${frac}`.replace(/^0\.0+$/, '1');
}

/** A varied, valid invoice: nominative or global, I or E, 1–40 concepts, mixed rates, awkward text. */
export function randomInvoice(seed: number): CfdiInput {
  const r = prng(seed);
  const kind = r();
  const b = CfdiInputBuilder.invoice().with({ folio: String(seed), serie: r() < 0.2 ? undefined : pick(r, ['A', 'AGUA', 'NC']) });
  const isGlobal = kind < 0.2;
  const isEgreso = !isGlobal && kind < 0.4;
  if (isGlobal) b.global(pick(r, ['01', '06', '10', '11']), '2026');
  else b.receptor({ nombre: pick(r, NAMES) });
  if (isEgreso) {
    b.with({
      tipoDeComprobante: 'E',
      formaPago: '03',
      metodoPago: 'PUE',
      relacionados: [{ tipoRelacion: '01', uuids: ['5FB2822E-396D-4725-8521-CDC4BDD20CCF', 'a1b2c3d4-0000-4000-8000-000000000001'] }],
    });
  } else if (!isGlobal && r() < 0.3) {
    b.with({ relacionados: [{ tipoRelacion: '04', uuids: ['11111111-2222-4333-8444-555555555555'] }] });
  }
  if (r() < 0.3) b.with({ condicionesDePago: 'Pago  a  30 días & sin recargos' });
  const n = r() < 0.1 ? 40 : 1 + Math.floor(r() * 6);
  for (let i = 0; i < n; i++) {
    const tax = r();
    const traslados =
      tax < 0.4
        ? [{ impuesto: '002', tipoFactor: 'Tasa' as const, tasaOCuota: '0.16' }]
        : tax < 0.7
          ? [{ impuesto: '002', tipoFactor: 'Tasa' as const, tasaOCuota: '0' }]
          : tax < 0.85
            ? [{ impuesto: '002', tipoFactor: 'Exento' as const }]
            : [];
    b.concepto({
      claveProdServ: isGlobal ? '01010101' : pick(r, ['83101500', '84101600']),
      claveUnidad: isGlobal ? 'ACT' : pick(r, ['MTQ', 'E48']),
      noIdentificacion: r() < 0.5 ? `TOMA-${i}` : undefined,
      unidad: r() < 0.5 ? 'Metro cúbico' : undefined,
      descripcion: pick(r, DESCRIPTIONS),
      cantidad: amount(r, 90, pick(r, [0, 0, 1, 3])),
      valorUnitario: amount(r, 400, pick(r, [2, 2, 6])),
      descuento: r() < 0.15 ? '0.50' : undefined,
      objetoImp: traslados.length > 0 ? '02' : '01',
      traslados,
    });
  }
  return b.build();
}
