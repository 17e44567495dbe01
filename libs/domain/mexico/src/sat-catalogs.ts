import { MexicoError } from './mexico.errors';
import type { PersonType } from './rfc';

/**
 * SAT catalogs for CFDI 4.0 (Anexo 20), as typed constant maps. Only what a water utility issues and receives
 * is listed where the official catalog is huge (c_ClaveUnidad, c_ClaveProdServ); the closed catalogs are whole.
 */

interface Entry {
  description: string;
}

interface PersonTypeEntry extends Entry {
  fisica: boolean;
  moral: boolean;
}

export const C_REGIMEN_FISCAL = {
  '601': { description: 'General de Ley Personas Morales', fisica: false, moral: true },
  '603': { description: 'Personas Morales con Fines no Lucrativos', fisica: false, moral: true },
  '605': { description: 'Sueldos y Salarios e Ingresos Asimilados a Salarios', fisica: true, moral: false },
  '606': { description: 'Arrendamiento', fisica: true, moral: false },
  '607': { description: 'Régimen de Enajenación o Adquisición de Bienes', fisica: true, moral: false },
  '608': { description: 'Demás ingresos', fisica: true, moral: false },
  '610': { description: 'Residentes en el Extranjero sin Establecimiento Permanente en México', fisica: true, moral: true },
  '611': { description: 'Ingresos por Dividendos (socios y accionistas)', fisica: true, moral: false },
  '612': { description: 'Personas Físicas con Actividades Empresariales y Profesionales', fisica: true, moral: false },
  '614': { description: 'Ingresos por intereses', fisica: true, moral: false },
  '615': { description: 'Régimen de los ingresos por obtención de premios', fisica: true, moral: false },
  '616': { description: 'Sin obligaciones fiscales', fisica: true, moral: false },
  '620': { description: 'Sociedades Cooperativas de Producción que optan por diferir sus ingresos', fisica: false, moral: true },
  '621': { description: 'Incorporación Fiscal', fisica: true, moral: false },
  '622': { description: 'Actividades Agrícolas, Ganaderas, Silvícolas y Pesqueras', fisica: false, moral: true },
  '623': { description: 'Opcional para Grupos de Sociedades', fisica: false, moral: true },
  '624': { description: 'Coordinados', fisica: false, moral: true },
  '625': {
    description: 'Régimen de las Actividades Empresariales con ingresos a través de Plataformas Tecnológicas',
    fisica: true,
    moral: false,
  },
  '626': { description: 'Régimen Simplificado de Confianza', fisica: true, moral: true },
} as const satisfies Record<string, PersonTypeEntry>;

export type RegimenFiscal = keyof typeof C_REGIMEN_FISCAL;

// Receptor regimes each UsoCFDI accepts (column "Régimen Fiscal Receptor" of c_UsoCFDI).
const REGIMENES_GASTOS_INVERSIONES = ['601', '603', '606', '612', '620', '621', '622', '623', '624', '625', '626'] as const;
const REGIMENES_DEDUCCIONES_PERSONALES = ['605', '606', '607', '608', '611', '612', '614', '615', '625'] as const;
const REGIMENES_TODOS = [
  '601', '603', '605', '606', '607', '608', '610', '611', '612', '614', '615', '616', '620', '621', '622', '623', '624',
  '625', '626',
] as const;

interface UsoCfdiEntry extends PersonTypeEntry {
  regimenes: readonly RegimenFiscal[];
}

const gastos = (description: string): UsoCfdiEntry => ({
  description,
  fisica: true,
  moral: true,
  regimenes: REGIMENES_GASTOS_INVERSIONES,
});
const deduccion = (description: string): UsoCfdiEntry => ({
  description,
  fisica: true,
  moral: false,
  regimenes: REGIMENES_DEDUCCIONES_PERSONALES,
});

/** c_UsoCFDI for CFDI 4.0. P01 ("Por definir") was withdrawn in 4.0: S01 is its replacement. */
export const C_USO_CFDI = {
  G01: gastos('Adquisición de mercancías'),
  G02: gastos('Devoluciones, descuentos o bonificaciones'),
  G03: gastos('Gastos en general'),
  I01: gastos('Construcciones'),
  I02: gastos('Mobiliario y equipo de oficina por inversiones'),
  I03: gastos('Equipo de transporte'),
  I04: gastos('Equipo de computo y accesorios'),
  I05: gastos('Dados, troqueles, moldes, matrices y herramental'),
  I06: gastos('Comunicaciones telefónicas'),
  I07: gastos('Comunicaciones satelitales'),
  I08: gastos('Otra maquinaria y equipo'),
  D01: deduccion('Honorarios médicos, dentales y gastos hospitalarios'),
  D02: deduccion('Gastos médicos por incapacidad o discapacidad'),
  D03: deduccion('Gastos funerales'),
  D04: deduccion('Donativos'),
  D05: deduccion('Intereses reales efectivamente pagados por créditos hipotecarios (casa habitación)'),
  D06: deduccion('Aportaciones voluntarias al SAR'),
  D07: deduccion('Primas por seguros de gastos médicos'),
  D08: deduccion('Gastos de transportación escolar obligatoria'),
  D09: deduccion('Depósitos en cuentas para el ahorro, primas que tengan como base planes de pensiones'),
  D10: deduccion('Pagos por servicios educativos (colegiaturas)'),
  S01: { description: 'Sin efectos fiscales', fisica: true, moral: true, regimenes: REGIMENES_TODOS },
  CP01: { description: 'Pagos', fisica: true, moral: true, regimenes: REGIMENES_TODOS },
  CN01: { description: 'Nómina', fisica: true, moral: false, regimenes: ['605'] },
} as const satisfies Record<string, UsoCfdiEntry>;

export type UsoCfdi = keyof typeof C_USO_CFDI;

export function isRegimenFiscal(code: string): code is RegimenFiscal {
  return Object.prototype.hasOwnProperty.call(C_REGIMEN_FISCAL, code);
}

export function isUsoCfdi(code: string): code is UsoCfdi {
  return Object.prototype.hasOwnProperty.call(C_USO_CFDI, code);
}

/** Whether a person of this type may be registered under the regime (e.g. 601 only for morales). */
export function isRegimenValidFor(personType: PersonType, regimen: string): boolean {
  return isRegimenFiscal(regimen) && C_REGIMEN_FISCAL[regimen][personType];
}

/**
 * Whether a receptor of this type and regime may receive a CFDI with this use; SAT rejects the stamp
 * (CFDI40161/CFDI40158 family of errors) when it may not.
 */
export function isUsoCfdiValidFor(personType: PersonType, regimen: string, uso: string): boolean {
  if (!isRegimenValidFor(personType, regimen) || !isUsoCfdi(uso)) return false;
  const entry: UsoCfdiEntry = C_USO_CFDI[uso];
  return entry[personType] && entry.regimenes.includes(regimen as RegimenFiscal);
}

/** Uses a receptor may choose, for forms: every use valid for the person type and regime. */
export function usosCfdiFor(personType: PersonType, regimen: string): UsoCfdi[] {
  return (Object.keys(C_USO_CFDI) as UsoCfdi[]).filter((uso) => isUsoCfdiValidFor(personType, regimen, uso));
}

export const C_FORMA_PAGO = {
  '01': { description: 'Efectivo' },
  '02': { description: 'Cheque nominativo' },
  '03': { description: 'Transferencia electrónica de fondos' },
  '04': { description: 'Tarjeta de crédito' },
  '05': { description: 'Monedero electrónico' },
  '06': { description: 'Dinero electrónico' },
  '08': { description: 'Vales de despensa' },
  '12': { description: 'Dación en pago' },
  '13': { description: 'Pago por subrogación' },
  '14': { description: 'Pago por consignación' },
  '15': { description: 'Condonación' },
  '17': { description: 'Compensación' },
  '23': { description: 'Novación' },
  '24': { description: 'Confusión' },
  '25': { description: 'Remisión de deuda' },
  '26': { description: 'Prescripción o caducidad' },
  '27': { description: 'A satisfacción del acreedor' },
  '28': { description: 'Tarjeta de débito' },
  '29': { description: 'Tarjeta de servicios' },
  '30': { description: 'Aplicación de anticipos' },
  '31': { description: 'Intermediario pagos' },
  '99': { description: 'Por definir' },
} as const satisfies Record<string, Entry>;
export type FormaPago = keyof typeof C_FORMA_PAGO;

export const C_METODO_PAGO = {
  PUE: { description: 'Pago en una sola exhibición' },
  PPD: { description: 'Pago en parcialidades o diferido' },
} as const satisfies Record<string, Entry>;
export type MetodoPago = keyof typeof C_METODO_PAGO;

/** c_Moneda subset: a utility invoices in MXN; XXX is what CFDI de Pagos requires in the comprobante. */
export const C_MONEDA = {
  MXN: { description: 'Peso Mexicano', decimals: 2 },
  USD: { description: 'Dolar americano', decimals: 2 },
  XXX: { description: 'Los códigos asignados para las transacciones en que intervenga ninguna moneda', decimals: 0 },
} as const satisfies Record<string, Entry & { decimals: number }>;
export type Moneda = keyof typeof C_MONEDA;

export const C_EXPORTACION = {
  '01': { description: 'No aplica' },
  '02': { description: 'Definitiva con clave A1' },
  '03': { description: 'Temporal' },
  '04': { description: 'Definitiva con clave distinta a A1 o cuando no existe enajenación en términos del CFF' },
} as const satisfies Record<string, Entry>;
export type Exportacion = keyof typeof C_EXPORTACION;

export const C_OBJETO_IMP = {
  '01': { description: 'No objeto de impuesto.' },
  '02': { description: 'Sí objeto de impuesto.' },
  '03': { description: 'Sí objeto del impuesto y no obligado al desglose.' },
  '04': { description: 'Sí objeto del impuesto y no causa impuesto.' },
  '05': { description: 'Sí objeto del impuesto, IVA crédito PODEBI.' },
} as const satisfies Record<string, Entry>;
export type ObjetoImp = keyof typeof C_OBJETO_IMP;

export const C_IMPUESTO = {
  '001': { description: 'ISR' },
  '002': { description: 'IVA' },
  '003': { description: 'IEPS' },
} as const satisfies Record<string, Entry>;
export type Impuesto = keyof typeof C_IMPUESTO;

export const C_TIPO_FACTOR = {
  Tasa: { description: 'Tasa' },
  Cuota: { description: 'Cuota' },
  Exento: { description: 'Exento' },
} as const satisfies Record<string, Entry>;
export type TipoFactor = keyof typeof C_TIPO_FACTOR;

/** c_Periodicidad, used by the global invoice (InformacionGlobal). */
export const C_PERIODICIDAD = {
  '01': { description: 'Diario' },
  '02': { description: 'Semanal' },
  '03': { description: 'Quincenal' },
  '04': { description: 'Mensual' },
  '05': { description: 'Bimestral' },
} as const satisfies Record<string, Entry>;
export type Periodicidad = keyof typeof C_PERIODICIDAD;

/** c_Meses: 01-12 for monthly global invoices, 13-18 for bimonthly ones (Periodicidad 05). */
export const C_MESES = {
  '01': { description: 'Enero' },
  '02': { description: 'Febrero' },
  '03': { description: 'Marzo' },
  '04': { description: 'Abril' },
  '05': { description: 'Mayo' },
  '06': { description: 'Junio' },
  '07': { description: 'Julio' },
  '08': { description: 'Agosto' },
  '09': { description: 'Septiembre' },
  '10': { description: 'Octubre' },
  '11': { description: 'Noviembre' },
  '12': { description: 'Diciembre' },
  '13': { description: 'Enero-Febrero' },
  '14': { description: 'Marzo-Abril' },
  '15': { description: 'Mayo-Junio' },
  '16': { description: 'Julio-Agosto' },
  '17': { description: 'Septiembre-Octubre' },
  '18': { description: 'Noviembre-Diciembre' },
} as const satisfies Record<string, Entry>;
export type Meses = keyof typeof C_MESES;

/** c_Meses code for a month (1-12) or, with bimonthly, for the bimester holding that month. */
export function mesesCodeFor(month: number, bimonthly = false): Meses {
  if (!Number.isInteger(month) || month < 1 || month > 12) {
    throw new MexicoError('SAT_MONTH_RANGE', `Month out of range: ${month}`, { month });
  }
  const n = bimonthly ? 12 + Math.ceil(month / 2) : month;
  return String(n).padStart(2, '0') as Meses;
}

export const C_MOTIVO_CANCELACION = {
  '01': { description: 'Comprobante emitido con errores con relación', requiresSubstitute: true },
  '02': { description: 'Comprobante emitido con errores sin relación', requiresSubstitute: false },
  '03': { description: 'No se llevó a cabo la operación', requiresSubstitute: false },
  '04': { description: 'Operación nominativa relacionada en una factura global', requiresSubstitute: false },
} as const satisfies Record<string, Entry & { requiresSubstitute: boolean }>;
export type MotivoCancelacion = keyof typeof C_MOTIVO_CANCELACION;

export const C_TIPO_RELACION = {
  '01': { description: 'Nota de crédito de los documentos relacionados' },
  '02': { description: 'Nota de débito de los documentos relacionados' },
  '03': { description: 'Devolución de mercancía sobre facturas o traslados previos' },
  '04': { description: 'Sustitución de los CFDI previos' },
  '05': { description: 'Traslados de mercancías facturados previamente' },
  '06': { description: 'Factura generada por los traslados previos' },
  '07': { description: 'CFDI por aplicación de anticipo' },
} as const satisfies Record<string, Entry>;
export type TipoRelacion = keyof typeof C_TIPO_RELACION;

export const C_TIPO_DE_COMPROBANTE = {
  I: { description: 'Ingreso' },
  E: { description: 'Egreso' },
  T: { description: 'Traslado' },
  N: { description: 'Nómina' },
  P: { description: 'Pago' },
} as const satisfies Record<string, Entry>;
export type TipoDeComprobante = keyof typeof C_TIPO_DE_COMPROBANTE;

/** c_ClaveUnidad subset a water utility uses. */
export const C_CLAVE_UNIDAD = {
  MTQ: { description: 'Metro cúbico' },
  E48: { description: 'Unidad de servicio' },
  ACT: { description: 'Actividad' },
  H87: { description: 'Pieza' },
} as const satisfies Record<string, Entry>;
export type ClaveUnidad = keyof typeof C_CLAVE_UNIDAD;

/**
 * c_ClaveProdServ keys for a water utility's own concepts. c_ClaveProdServ follows UNSPSC: segment 83 "Public
 * Utilities and Public Sector Related Services", family 8310 "Utilities", class 831015 "Water and sewer
 * utilities" (SAT text: "Servicios de acueductos y suministro de agua"): the drinking-water service, sewer
 * (alcantarillado), wastewater sanitation (saneamiento) and reconnection are all services of that class, so
 * they share 83101500 and are told apart by NoIdentificacion and Descripcion. The keys the product owner's plan
 * gave (10171500 for water: family 1017 is "Fertilizers and plant nutrients"; 7215180x: family 7215 is
 * specialized construction trade services) named goods and construction work, not the utility service.
 * Checked against UNSPSC-based public code lists; the official catCFDI c_ClaveProdServ (about 52,000 rows) was
 * not available to check row by row here, and the recargos key is unconfirmed: see the README.
 */
export const C_CLAVE_PROD_SERV = {
  '83101500': { description: 'Servicios de acueductos y suministro de agua', concepts: ['agua', 'alcantarillado', 'saneamiento', 'reconexion'] },
} as const satisfies Record<string, Entry & { concepts: readonly string[] }>;
export type ClaveProdServ = keyof typeof C_CLAVE_PROD_SERV;

export type UtilityConcept = (typeof C_CLAVE_PROD_SERV)[ClaveProdServ]['concepts'][number];

export function claveProdServFor(concept: UtilityConcept): ClaveProdServ {
  const key = (Object.keys(C_CLAVE_PROD_SERV) as ClaveProdServ[]).find((k) => (C_CLAVE_PROD_SERV[k].concepts as readonly string[]).includes(concept));
  // Every UtilityConcept comes from the map itself, so a key always exists.
  return key as ClaveProdServ;
}

/** Narrows a string to a key of one of the catalogs above. */
export function isCatalogKey<C extends Record<string, unknown>>(catalog: C, code: string): code is Extract<keyof C, string> {
  return Object.prototype.hasOwnProperty.call(catalog, code);
}
