import type { CfdiConceptoInput, CfdiInput } from '../cfdi-builder';
import { CLAVE_PROD_SERV, CLAVE_UNIDAD } from '../catalogs';

/** Fluent builder of valid CFDI inputs for tests: start valid, change what the test is about. */
export class CfdiInputBuilder {
  private input: CfdiInput = {
    tipoDeComprobante: 'I',
    serie: 'A',
    folio: '1001',
    fecha: '2026-11-20T10:15:00',
    formaPago: '99',
    metodoPago: 'PPD',
    lugarExpedicion: '76000',
    emisor: { rfc: 'EKU9003173C9', nombre: 'ESCUELA KEMPER URGATE', regimenFiscal: '601' },
    receptor: {
      rfc: 'XOJI740919U48',
      nombre: 'INGRID XODAR JIMENEZ',
      domicilioFiscal: '76028',
      regimenFiscal: '612',
      usoCfdi: 'G03',
    },
    conceptos: [],
  };

  static invoice(): CfdiInputBuilder {
    return new CfdiInputBuilder();
  }

  with(patch: Partial<CfdiInput>): this {
    this.input = { ...this.input, ...patch };
    return this;
  }

  receptor(patch: Partial<CfdiInput['receptor']>): this {
    this.input.receptor = { ...this.input.receptor, ...patch };
    return this;
  }

  emisor(patch: Partial<CfdiInput['emisor']>): this {
    this.input.emisor = { ...this.input.emisor, ...patch };
    return this;
  }

  concepto(c: Partial<CfdiConceptoInput> = {}): this {
    this.input.conceptos.push({
      claveProdServ: CLAVE_PROD_SERV.agua,
      noIdentificacion: 'AGUA',
      cantidad: '18',
      claveUnidad: CLAVE_UNIDAD.m3,
      unidad: 'Metro cúbico',
      descripcion: 'Servicio de agua potable, uso doméstico',
      valorUnitario: '12.35',
      objetoImp: '02',
      traslados: [{ impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.16' }],
      ...c,
    });
    return this;
  }

  /** Global monthly invoice to público en general (cash-window sales). */
  global(meses = '10', anio = '2026'): this {
    this.input.receptor = {
      rfc: 'XAXX010101000',
      nombre: 'PUBLICO EN GENERAL',
      domicilioFiscal: this.input.lugarExpedicion,
      regimenFiscal: '616',
      usoCfdi: 'S01',
    };
    this.input.informacionGlobal = { periodicidad: '04', meses, anio };
    this.input.formaPago = '01';
    this.input.metodoPago = 'PUE';
    return this;
  }

  build(): CfdiInput {
    return structuredClone(this.input);
  }
}
