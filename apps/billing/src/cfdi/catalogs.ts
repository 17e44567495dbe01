/**
 * The small subset of SAT CFDI 4.0 catalogs (catCFDI) that a water utility uses, with the official keys and
 * descriptions. The full catalogs are huge (postal codes, product keys); these are the ones the builder checks
 * values against. Keys are exactly SAT's; descriptions are SAT's wording (abbreviated where long).
 */

type Catalog = Readonly<Record<string, string>>;

export const C_REGIMEN_FISCAL: Catalog = {
  '601': 'General de Ley Personas Morales',
  '603': 'Personas Morales con Fines no Lucrativos',
  '605': 'Sueldos y Salarios e Ingresos Asimilados a Salarios',
  '606': 'Arrendamiento',
  '607': 'Régimen de Enajenación o Adquisición de Bienes',
  '608': 'Demás ingresos',
  '610': 'Residentes en el Extranjero sin Establecimiento Permanente en México',
  '611': 'Ingresos por Dividendos (socios y accionistas)',
  '612': 'Personas Físicas con Actividades Empresariales y Profesionales',
  '614': 'Ingresos por intereses',
  '615': 'Régimen de los ingresos por obtención de premios',
  '616': 'Sin obligaciones fiscales',
  '620': 'Sociedades Cooperativas de Producción que optan por diferir sus ingresos',
  '621': 'Incorporación Fiscal',
  '622': 'Actividades Agrícolas, Ganaderas, Silvícolas y Pesqueras',
  '623': 'Opcional para Grupos de Sociedades',
  '624': 'Coordinados',
  '625': 'Régimen de las Actividades Empresariales con ingresos a través de Plataformas Tecnológicas',
  '626': 'Régimen Simplificado de Confianza',
};

/** Regimes a persona moral (12-character RFC) may declare; the rest are for personas físicas (13). */
export const REGIMEN_PERSONA_MORAL = new Set(['601', '603', '610', '620', '622', '623', '624', '626']);
export const REGIMEN_PERSONA_FISICA = new Set([
  '605', '606', '607', '608', '610', '611', '612', '614', '615', '616', '621', '625', '626',
]);

export const C_USO_CFDI: Catalog = {
  G01: 'Adquisición de mercancías',
  G02: 'Devoluciones, descuentos o bonificaciones',
  G03: 'Gastos en general',
  I01: 'Construcciones',
  I02: 'Mobiliario y equipo de oficina por inversiones',
  I03: 'Equipo de transporte',
  I04: 'Equipo de computo y accesorios',
  I05: 'Dados, troqueles, moldes, matrices y herramental',
  I06: 'Comunicaciones telefónicas',
  I07: 'Comunicaciones satelitales',
  I08: 'Otra maquinaria y equipo',
  D01: 'Honorarios médicos, dentales y gastos hospitalarios',
  D02: 'Gastos médicos por incapacidad o discapacidad',
  D03: 'Gastos funerales',
  D04: 'Donativos',
  D05: 'Intereses reales efectivamente pagados por créditos hipotecarios (casa habitación)',
  D06: 'Aportaciones voluntarias al SAR',
  D07: 'Primas por seguros de gastos médicos',
  D08: 'Gastos de transportación escolar obligatoria',
  D09: 'Depósitos en cuentas para el ahorro, primas que tengan como base planes de pensiones',
  D10: 'Pagos por servicios educativos (colegiaturas)',
  S01: 'Sin efectos fiscales',
  CP01: 'Pagos',
  CN01: 'Nómina',
};

export const C_FORMA_PAGO: Catalog = {
  '01': 'Efectivo',
  '02': 'Cheque nominativo',
  '03': 'Transferencia electrónica de fondos',
  '04': 'Tarjeta de crédito',
  '05': 'Monedero electrónico',
  '06': 'Dinero electrónico',
  '08': 'Vales de despensa',
  '12': 'Dación en pago',
  '13': 'Pago por subrogación',
  '14': 'Pago por consignación',
  '15': 'Condonación',
  '17': 'Compensación',
  '23': 'Novación',
  '24': 'Confusión',
  '25': 'Remisión de deuda',
  '26': 'Prescripción o caducidad',
  '27': 'A satisfacción del acreedor',
  '28': 'Tarjeta de débito',
  '29': 'Tarjeta de servicios',
  '30': 'Aplicación de anticipos',
  '31': 'Intermediario pagos',
  '99': 'Por definir',
};

export const C_METODO_PAGO: Catalog = {
  PUE: 'Pago en una sola exhibición',
  PPD: 'Pago en parcialidades o diferido',
};

export const C_OBJETO_IMP: Catalog = {
  '01': 'No objeto de impuesto.',
  '02': 'Sí objeto de impuesto.',
  '03': 'Sí objeto del impuesto y no obligado al desglose.',
  '04': 'Sí objeto del impuesto y no causa impuesto.',
  '05': 'Sí objeto del impuesto, IVA crédito PODEBI.',
  '06': 'Sí objeto del IVA, No traslado IVA.',
  '07': 'No traslado del IVA, Sí desglose IEPS.',
  '08': 'No traslado del IVA, No desglose IEPS.',
};

export const C_IMPUESTO: Catalog = { '001': 'ISR', '002': 'IVA', '003': 'IEPS' };

export const C_TIPO_FACTOR: Catalog = { Tasa: 'Tasa', Cuota: 'Cuota', Exento: 'Exento' };

/** IVA rates (c_TasaOCuota, traslado) a utility can meet: 0 %, 8 % (región fronteriza) and 16 %. */
export const IVA_TASAS = new Set(['0.000000', '0.080000', '0.160000']);

export const C_EXPORTACION: Catalog = {
  '01': 'No aplica',
  '02': 'Definitiva con clave A1',
  '03': 'Temporal',
  '04': 'Definitiva con clave distinta a A1 o cuando no existe enajenación en términos del CFF',
};

export const C_PERIODICIDAD: Catalog = {
  '01': 'Diario',
  '02': 'Semanal',
  '03': 'Quincenal',
  '04': 'Mensual',
  '05': 'Bimestral',
};

export const C_MESES: Catalog = {
  '01': 'Enero', '02': 'Febrero', '03': 'Marzo', '04': 'Abril', '05': 'Mayo', '06': 'Junio',
  '07': 'Julio', '08': 'Agosto', '09': 'Septiembre', '10': 'Octubre', '11': 'Noviembre', '12': 'Diciembre',
  '13': 'Enero-Febrero', '14': 'Marzo-Abril', '15': 'Mayo-Junio', '16': 'Julio-Agosto',
  '17': 'Septiembre-Octubre', '18': 'Noviembre-Diciembre',
};

export const C_MOTIVO_CANCELACION: Catalog = {
  '01': 'Comprobante emitido con errores con relación',
  '02': 'Comprobante emitido con errores sin relación',
  '03': 'No se llevó a cabo la operación',
  '04': 'Operación nominativa relacionada en una factura global',
};

export const C_TIPO_RELACION: Catalog = {
  '01': 'Nota de crédito de los documentos relacionados',
  '02': 'Nota de débito de los documentos relacionados',
  '03': 'Devolución de mercancía sobre facturas o traslados previos',
  '04': 'Sustitución de los CFDI previos',
  '05': 'Traslados de mercancías facturados previamente',
  '06': 'Factura generada por los traslados previos',
  '07': 'CFDI por aplicación de anticipo',
};

export const C_TIPO_DE_COMPROBANTE: Catalog = {
  I: 'Ingreso',
  E: 'Egreso',
  T: 'Traslado',
  N: 'Nómina',
  P: 'Pago',
};

export const C_MONEDA: Catalog = { MXN: 'Peso Mexicano', USD: 'Dolar americano', XXX: 'Sin moneda' };

/** Product/service keys a water utility bills (from the SUPRA SAT catalog reference; tenant-configurable). */
export const CLAVE_PROD_SERV = {
  agua: '10171500',
  alcantarillado: '72151802',
  saneamiento: '72151801',
  reconexion: '72151800',
  /** ClaveProdServ for the concept of a global invoice (c_ClaveProdServ "Actividad"). */
  actividad: '01010101',
} as const;

export const CLAVE_UNIDAD = {
  m3: 'MTQ',
  servicio: 'E48',
  pieza: 'H87',
  /** ClaveUnidad "Actividad", required on global invoices. */
  actividad: 'ACT',
} as const;

/** Público en general, per Anexo 20 guide: RFC, name, regime and use on global and anonymous invoices. */
export const PUBLICO_EN_GENERAL = {
  rfc: 'XAXX010101000',
  nombre: 'PUBLICO EN GENERAL',
  regimenFiscal: '616',
  usoCfdi: 'S01',
} as const;

/** Generic RFC for foreign residents. */
export const RFC_EXTRANJERO = 'XEXX010101000';

export function isInCatalog(catalog: Catalog, key: string | undefined): boolean {
  return key !== undefined && Object.prototype.hasOwnProperty.call(catalog, key);
}
