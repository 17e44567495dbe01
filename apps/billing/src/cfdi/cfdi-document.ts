/**
 * The CFDI 4.0 document as final attribute strings — exactly what goes into the XML and the cadena original.
 * The builder (cfdi-builder.ts) produces it from business input; the parser (cfdi-xml.ts) produces it from XML;
 * the cadena (cadena-original.ts) and the renderer read it. Keys use SAT's attribute names on purpose, so
 * each field maps 1:1 to Anexo 20.
 */

export interface CfdiComprobanteAttrs {
  Version: '4.0';
  Serie?: string;
  Folio?: string;
  Fecha: string;
  Sello?: string;
  FormaPago?: string;
  NoCertificado?: string;
  Certificado?: string;
  CondicionesDePago?: string;
  SubTotal: string;
  Descuento?: string;
  Moneda: string;
  TipoCambio?: string;
  Total: string;
  TipoDeComprobante: string;
  Exportacion: string;
  MetodoPago?: string;
  LugarExpedicion: string;
  Confirmacion?: string;
}

export interface CfdiInformacionGlobalNode {
  Periodicidad: string;
  Meses: string;
  Año: string;
}

export interface CfdiRelacionadosNode {
  TipoRelacion: string;
  uuids: string[];
}

export interface CfdiEmisorNode {
  Rfc: string;
  Nombre: string;
  RegimenFiscal: string;
  FacAtrAdquirente?: string;
}

export interface CfdiReceptorNode {
  Rfc: string;
  Nombre: string;
  DomicilioFiscalReceptor: string;
  ResidenciaFiscal?: string;
  NumRegIdTrib?: string;
  RegimenFiscalReceptor: string;
  UsoCFDI: string;
}

export interface CfdiTrasladoNode {
  Base: string;
  Impuesto: string;
  TipoFactor: string;
  TasaOCuota?: string;
  Importe?: string;
}

export interface CfdiRetencionNode {
  Base: string;
  Impuesto: string;
  TipoFactor: string;
  TasaOCuota: string;
  Importe: string;
}

export interface CfdiConceptoNode {
  ClaveProdServ: string;
  NoIdentificacion?: string;
  Cantidad: string;
  ClaveUnidad: string;
  Unidad?: string;
  Descripcion: string;
  ValorUnitario: string;
  Importe: string;
  Descuento?: string;
  ObjetoImp: string;
  traslados: CfdiTrasladoNode[];
  retenciones: CfdiRetencionNode[];
}

export interface CfdiImpuestosNode {
  TotalImpuestosRetenidos?: string;
  TotalImpuestosTrasladados?: string;
  retenciones: { Impuesto: string; Importe: string }[];
  traslados: CfdiTrasladoNode[];
}

export interface CfdiDocument {
  comprobante: CfdiComprobanteAttrs;
  informacionGlobal?: CfdiInformacionGlobalNode;
  cfdiRelacionados: CfdiRelacionadosNode[];
  emisor: CfdiEmisorNode;
  receptor: CfdiReceptorNode;
  conceptos: CfdiConceptoNode[];
  impuestos?: CfdiImpuestosNode;
  /** Complement elements as raw XML (e.g. the TimbreFiscalDigital). They add nothing to the cadena. */
  complementos: string[];
}
