import { buildCfdi, type CfdiConceptoInput } from '../../cfdi';
import { CfdiInputBuilder } from '../../cfdi/testing/cfdi-input.builder';
import demo from './fixtures/demo-schedule.json';
import { rate } from './rate';
import type { RatedLine } from './rating.types';
import { parseSchedule } from './schedule.validator';

/** The mapping the billing service will do: rated lines are CFDI-ready (quantity > 0, 6-decimal prices). */
function toConcepto(l: RatedLine): CfdiConceptoInput {
  return {
    claveProdServ: l.claveProdServ,
    noIdentificacion: l.conceptCode,
    cantidad: l.quantity,
    claveUnidad: l.claveUnidad,
    unidad: l.unidad,
    descripcion: l.description,
    valorUnitario: l.unitPrice,
    importe: l.amount,
    objetoImp: l.tax.objetoImp,
    traslados:
      l.tax.factor === null ? [] : [{ impuesto: '002', tipoFactor: l.tax.factor, tasaOCuota: l.tax.rate ?? undefined }],
  };
}

describe('rated lines become a CFDI with the same totals', () => {
  const schedule = parseSchedule(demo);
  it.each([
    ['domestica', '23.4', 1],
    ['domestica', '86.2', 4],
    ['domestica', '0', 1],
    ['comercial', '15', 1],
    ['comercial', '27.7', 3],
    ['industrial', '250', 1],
    ['industrial', '7', 2],
  ])('%s %s m³ x%i units', (tariffClass, consumptionM3, units) => {
    const rated = rate(schedule, {
      tariffClass,
      consumptionM3,
      units,
      overdue: [{ reference: 'A-1', amount: '333.33', months: 2 }],
    });
    const doc = buildCfdi(CfdiInputBuilder.invoice().with({ conceptos: rated.lines.map(toConcepto) }).build());
    expect(doc.comprobante.SubTotal).toBe(rated.totals.subtotal);
    expect(doc.impuestos?.TotalImpuestosTrasladados ?? '0.00').toBe(rated.totals.tax);
    expect(doc.comprobante.Total).toBe(rated.totals.total);
  });
});
