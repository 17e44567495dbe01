/**
 * SAT catalogs used by the CFDI builder. The closed catalogs (c_RegimenFiscal, c_UsoCFDI, c_FormaPago,
 * c_MetodoPago, c_ObjetoImp, c_Impuesto, c_TipoFactor, c_Exportacion, c_Periodicidad, c_Meses,
 * c_MotivoCancelacion, c_TipoRelacion, …) live in @supra/domain/mexico, the project's one source of truth
 * for Mexican identifiers; this file re-exports them and adds what only CFDI issuing needs.
 */
export {
  C_REGIMEN_FISCAL, C_USO_CFDI, C_FORMA_PAGO, C_METODO_PAGO, C_OBJETO_IMP, C_IMPUESTO, C_TIPO_FACTOR, C_EXPORTACION,
  C_PERIODICIDAD, C_MESES, C_MOTIVO_CANCELACION, C_TIPO_RELACION, C_TIPO_DE_COMPROBANTE, C_MONEDA, C_CLAVE_UNIDAD,
  C_CLAVE_PROD_SERV, isRegimenValidFor, isUsoCfdiValidFor, mesesCodeFor,
} from '@supra/domain/mexico';

/** IVA rates (c_TasaOCuota, traslado) a utility can meet: 0 %, 8 % (región fronteriza) and 16 %. */
export const IVA_TASAS: ReadonlySet<string> = new Set(['0.000000', '0.080000', '0.160000']);

/** Product/service keys a water utility bills (see C_CLAVE_PROD_SERV for the source; a tariff schedule may override). */
export const CLAVE_PROD_SERV = {
  agua: '83101500',
  alcantarillado: '83101500',
  saneamiento: '83101500',
  reconexion: '83101500',
  /** The key every concept of a global invoice uses. */
  actividad: '01010101',
} as const;

export const CLAVE_UNIDAD = {
  m3: 'MTQ',
  servicio: 'E48',
  pieza: 'H87',
  /** ClaveUnidad "Actividad", required on global invoices. */
  actividad: 'ACT',
} as const;

/** Público en general: RFC, name, regime and use on global and anonymous invoices (Anexo 20 guide). */
export const PUBLICO_EN_GENERAL = {
  rfc: 'XAXX010101000',
  nombre: 'PUBLICO EN GENERAL',
  regimenFiscal: '616',
  usoCfdi: 'S01',
} as const;

/** Generic RFC for foreign residents. */
export const RFC_EXTRANJERO = 'XEXX010101000';

export function isInCatalog(catalog: Readonly<Record<string, unknown>>, key: string | undefined): boolean {
  return key !== undefined && Object.prototype.hasOwnProperty.call(catalog, key);
}
