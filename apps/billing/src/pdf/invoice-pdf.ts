import { Dec, Money, toDec } from '@supra/domain/money';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { C_FORMA_PAGO, C_METODO_PAGO, C_REGIMEN_FISCAL, C_USO_CFDI, isInCatalog } from '../cfdi/catalogs';
import type { CfdiDocument } from '../cfdi/cfdi-document';
import { parseCfdiXml } from '../cfdi/cfdi-xml';
import { parseTfd, tfdCadenaOriginal, type Tfd } from '../cfdi/tfd';
import { satVerificationUrl } from './sat-verification-url';

export interface ConsumptionPoint {
  /** Period label, e.g. "2026-09" or "Sep 26". */
  label: string;
  /** m³, decimal string. */
  m3: string;
}

export interface PaymentReference {
  /** e.g. "OXXO", "SPEI (CLABE)", "Ventanilla". */
  channel: string;
  reference: string;
  note?: string;
}

export interface InvoicePdfInput {
  /** The stamped CFDI (with its TimbreFiscalDigital). */
  stampedXml: string;
  /** Service data shown in its own box (cuenta, toma, medidor, periodo, lecturas, vencimiento…). */
  serviceInfo?: { label: string; value: string }[];
  /** Consumption history of the toma, oldest first (the chart shows the last 12). */
  consumptionHistory?: ConsumptionPoint[];
  paymentReferences?: PaymentReference[];
}

const GREY = '#555555';
const LIGHT = '#e8eef4';
const ACCENT = '#1f5f8b';

function catalogLabel(catalog: Readonly<Record<string, { description: string }>>, key: string | undefined): string {
  if (key === undefined) return '';
  return isInCatalog(catalog, key) ? `${key} - ${catalog[key].description}` : key;
}

function money(v: string | undefined): string {
  return v === undefined ? '' : Money.parse(v).format();
}

/**
 * Renders the printed representation of a stamped CFDI ("representación impresa"): fiscal data, concepts,
 * totals, consumption chart, payment references, TFD data, seals, the TFD cadena original and the SAT
 * verification QR. Returns the PDF bytes. Pure apart from CPU: no file or network access.
 */
export async function renderInvoicePdf(input: InvoicePdfInput): Promise<Buffer> {
  const doc: CfdiDocument = parseCfdiXml(input.stampedXml);
  const tfd: Tfd = parseTfd(input.stampedXml);
  const c = doc.comprobante;
  const qrUrl = satVerificationUrl({
    uuid: tfd.UUID,
    rfcEmisor: doc.emisor.Rfc,
    rfcReceptor: doc.receptor.Rfc,
    total: c.Total,
    sello: c.Sello ?? '',
  });
  const qrPng = await QRCode.toBuffer(qrUrl, { errorCorrectionLevel: 'M', margin: 1, width: 240 });

  const pdf = new PDFDocument({
    size: 'LETTER',
    margin: 36,
    info: { Title: `CFDI ${tfd.UUID}`, Author: doc.emisor.Nombre, Subject: 'Representación impresa de un CFDI 4.0' },
  });
  const chunks: Buffer[] = [];
  pdf.on('data', (b: Buffer) => chunks.push(b));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });

  const left = pdf.page.margins.left;
  const width = pdf.page.width - left - pdf.page.margins.right;
  const ensureSpace = (h: number): void => {
    if (pdf.y + h > pdf.page.height - pdf.page.margins.bottom) pdf.addPage();
  };
  const heading = (t: string): void => {
    ensureSpace(30);
    pdf.moveDown(0.4);
    const y = pdf.y;
    pdf.rect(left, y, width, 14).fill(LIGHT);
    pdf.fillColor(ACCENT).font('Helvetica-Bold').fontSize(8.5).text(t, left + 4, y + 3, { width: width - 8 });
    pdf.fillColor('black').font('Helvetica').fontSize(8);
    pdf.y = y + 18;
  };
  const field = (label: string, value: string, x: number, w: number): void => {
    pdf.font('Helvetica-Bold').fontSize(7.5).fillColor(GREY).text(`${label}: `, x, pdf.y, { continued: true, width: w });
    pdf.font('Helvetica').fillColor('black').text(value, { width: w });
  };

  // ---- Header
  const tipo = c.TipoDeComprobante === 'E' ? 'NOTA DE CRÉDITO' : 'FACTURA';
  pdf.font('Helvetica-Bold').fontSize(14).fillColor(ACCENT).text(doc.emisor.Nombre, left, 36, { width: width - 215 });
  pdf.font('Helvetica').fontSize(8).fillColor('black');
  pdf.text(`RFC: ${doc.emisor.Rfc}`);
  pdf.text(`Régimen fiscal: ${catalogLabel(C_REGIMEN_FISCAL, doc.emisor.RegimenFiscal)}`);
  pdf.text(`Lugar de expedición: ${c.LugarExpedicion}`);
  const headerBottom = pdf.y;
  pdf.font('Helvetica-Bold').fontSize(11).text(tipo, left + width - 210, 36, { width: 210, align: 'right' });
  pdf.font('Helvetica').fontSize(8);
  pdf.text(`Serie y folio: ${[c.Serie, c.Folio].filter(Boolean).join('-') || '—'}`, { width: 210, align: 'right' });
  pdf.text(`Fecha de emisión: ${c.Fecha}`, { width: 210, align: 'right' });
  pdf.text(`Tipo: ${c.TipoDeComprobante} · CFDI ${c.Version}`, { width: 210, align: 'right' });
  pdf.text(`Folio fiscal (UUID):`, { width: 210, align: 'right' });
  pdf.font('Helvetica-Bold').text(tfd.UUID, { width: 210, align: 'right' });
  pdf.font('Helvetica');
  pdf.y = Math.max(pdf.y, headerBottom);
  pdf.x = left;

  // ---- Receptor
  heading('RECEPTOR');
  const colW = width / 2 - 6;
  const rTop = pdf.y;
  field('Nombre', doc.receptor.Nombre, left, colW);
  field('RFC', doc.receptor.Rfc, left, colW);
  field('Domicilio fiscal (C.P.)', doc.receptor.DomicilioFiscalReceptor, left, colW);
  const rLeftBottom = pdf.y;
  pdf.y = rTop;
  field('Régimen fiscal', catalogLabel(C_REGIMEN_FISCAL, doc.receptor.RegimenFiscalReceptor), left + colW + 12, colW);
  field('Uso CFDI', catalogLabel(C_USO_CFDI, doc.receptor.UsoCFDI), left + colW + 12, colW);
  field('Forma / método de pago', `${catalogLabel(C_FORMA_PAGO, c.FormaPago)} / ${catalogLabel(C_METODO_PAGO, c.MetodoPago)}`, left + colW + 12, colW);
  pdf.y = Math.max(pdf.y, rLeftBottom);
  if (doc.informacionGlobal) {
    field('Información global', `Periodicidad ${doc.informacionGlobal.Periodicidad}, meses ${doc.informacionGlobal.Meses}, año ${doc.informacionGlobal.Año}`, left, width);
  }
  for (const rel of doc.cfdiRelacionados) field(`CFDI relacionados (tipo ${rel.TipoRelacion})`, rel.uuids.join(', '), left, width);

  // ---- Service data
  if (input.serviceInfo && input.serviceInfo.length > 0) {
    heading('DATOS DEL SERVICIO');
    const top = pdf.y;
    const half = Math.ceil(input.serviceInfo.length / 2);
    input.serviceInfo.slice(0, half).forEach((f) => field(f.label, f.value, left, colW));
    const bottom = pdf.y;
    pdf.y = top;
    input.serviceInfo.slice(half).forEach((f) => field(f.label, f.value, left + colW + 12, colW));
    pdf.y = Math.max(pdf.y, bottom);
  }

  // ---- Conceptos
  heading('CONCEPTOS');
  const cols = [
    { t: 'Clave', w: 52 },
    { t: 'Cant.', w: 44, right: true },
    { t: 'Unidad', w: 36 },
    { t: 'Descripción', w: width - 52 - 44 - 36 - 70 - 70 - 70 },
    { t: 'Valor unit.', w: 70, right: true },
    { t: 'Importe', w: 70, right: true },
    { t: 'Impuesto', w: 70, right: true },
  ];
  const row = (values: string[], bold = false): void => {
    pdf.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(7.5);
    const heights = values.map((v, i) => pdf.heightOfString(v, { width: cols[i].w - 4 }));
    const h = Math.max(...heights) + 3;
    ensureSpace(h);
    const y = pdf.y;
    let x = left;
    values.forEach((v, i) => {
      pdf.text(v, x + 2, y, { width: cols[i].w - 4, align: cols[i].right ? 'right' : 'left' });
      x += cols[i].w;
    });
    pdf.y = y + h;
    pdf.moveTo(left, pdf.y - 1).lineTo(left + width, pdf.y - 1).strokeColor('#dddddd').lineWidth(0.5).stroke();
  };
  row(cols.map((col) => col.t), true);
  for (const k of doc.conceptos) {
    const tax = k.traslados
      .map((t) => (t.TipoFactor === 'Exento' ? 'IVA exento' : `IVA ${toDec(t.TasaOCuota ?? '0').times(100).toFixed(0)}% ${money(t.Importe)}`))
      .join('\n');
    row([
      `${k.ClaveProdServ}${k.NoIdentificacion ? `\n${k.NoIdentificacion}` : ''}`,
      k.Cantidad,
      k.ClaveUnidad,
      `${k.Descripcion}\nObjetoImp ${k.ObjetoImp}`,
      money(k.ValorUnitario),
      money(k.Importe),
      tax || 'No objeto',
    ]);
  }

  // ---- Totals
  ensureSpace(80);
  pdf.moveDown(0.3);
  const totals: [string, string][] = [['Subtotal', money(c.SubTotal)]];
  if (c.Descuento) totals.push(['Descuento', money(c.Descuento)]);
  for (const t of doc.impuestos?.traslados ?? []) {
    if (t.Importe !== undefined) totals.push([`IVA trasladado ${toDec(t.TasaOCuota ?? '0').times(100).toFixed(0)}%`, money(t.Importe)]);
  }
  if (doc.impuestos?.TotalImpuestosRetenidos) totals.push(['Impuestos retenidos', money(doc.impuestos.TotalImpuestosRetenidos)]);
  totals.push([`Total (${c.Moneda})`, money(c.Total)]);
  for (const [label, value] of totals) {
    const isTotal = label.startsWith('Total');
    pdf.font(isTotal ? 'Helvetica-Bold' : 'Helvetica').fontSize(isTotal ? 10 : 8);
    const y = pdf.y;
    pdf.text(label, left + width - 250, y, { width: 150, align: 'right' });
    pdf.text(value, left + width - 95, y, { width: 95, align: 'right' });
  }
  pdf.x = left;

  // ---- Consumption chart
  const history = (input.consumptionHistory ?? []).slice(-12);
  if (history.length > 0) {
    heading('HISTORIAL DE CONSUMO (m³)');
    const chartH = 90;
    ensureSpace(chartH + 30);
    const top = pdf.y + 4;
    const values = history.map((p) => toDec(p.m3));
    const max = values.reduce((m, v) => Dec.max(m, v), new Dec(0));
    const slot = width / history.length;
    const barW = Math.min(32, slot * 0.6);
    pdf.moveTo(left, top + chartH).lineTo(left + width, top + chartH).strokeColor('#999999').lineWidth(0.5).stroke();
    history.forEach((p, i) => {
      // Drawing coordinates are floats by nature; the values themselves stay decimal.
      const h = max.isZero() ? 0 : values[i].dividedBy(max).times(chartH - 14).toNumber();
      const x = left + i * slot + (slot - barW) / 2;
      const isLast = i === history.length - 1;
      if (h > 0) pdf.rect(x, top + chartH - h, barW, h).fill(isLast ? ACCENT : '#9cb8cf');
      pdf.fillColor('black').font('Helvetica').fontSize(6.5);
      pdf.text(p.m3, x - 6, top + chartH - h - 9, { width: barW + 12, align: 'center' });
      pdf.text(p.label, x - 8, top + chartH + 3, { width: barW + 16, align: 'center' });
    });
    pdf.y = top + chartH + 16;
    pdf.x = left;
  }

  // ---- Payment references
  if (input.paymentReferences && input.paymentReferences.length > 0) {
    heading('REFERENCIAS DE PAGO');
    for (const r of input.paymentReferences) {
      field(r.channel, `${r.reference}${r.note ? ` (${r.note})` : ''}`, left, width);
    }
  }

  // ---- Fiscal stamp
  heading('TIMBRE FISCAL DIGITAL');
  ensureSpace(130);
  const qrTop = pdf.y;
  pdf.image(qrPng, left, qrTop, { width: 110, height: 110 });
  const tx = left + 120;
  const tw = width - 120;
  pdf.y = qrTop;
  field('Folio fiscal (UUID)', tfd.UUID, tx, tw);
  field('Fecha y hora de certificación', tfd.FechaTimbrado, tx, tw);
  field('RFC del proveedor de certificación', tfd.RfcProvCertif, tx, tw);
  field('No. de serie del certificado del emisor', c.NoCertificado ?? '', tx, tw);
  field('No. de serie del certificado del SAT', tfd.NoCertificadoSAT, tx, tw);
  pdf.y = Math.max(pdf.y, qrTop + 114);
  pdf.x = left;
  const small = (label: string, value: string): void => {
    ensureSpace(30);
    pdf.font('Helvetica-Bold').fontSize(7).fillColor(GREY).text(label, left, pdf.y, { width });
    pdf.font('Courier').fontSize(6).fillColor('black').text(value, { width, lineBreak: true });
    pdf.moveDown(0.3);
  };
  small('Sello digital del CFDI', c.Sello ?? '');
  small('Sello digital del SAT', tfd.SelloSAT);
  small('Cadena original del complemento de certificación digital del SAT', tfdCadenaOriginal(tfd));
  pdf.font('Helvetica').fontSize(7).fillColor(GREY).text('Este documento es una representación impresa de un CFDI.', left, pdf.y, { width, align: 'center' });

  pdf.end();
  return done;
}
