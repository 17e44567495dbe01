export * from './catalogs';
export * from './cfdi.errors';
export type * from './cfdi-document';
export { cadenaOriginal } from './cadena-original';
export { renderCfdiXml, parseCfdiXml, CFDI_NAMESPACE } from './cfdi-xml';
export {
  buildCfdi, sealCfdi, buildAndSealCfdi, cfdiDateTime, importeTolerance,
  type CfdiInput, type CfdiConceptoInput, type CfdiTrasladoInput, type CfdiRetencionInput, type SealingCredentials, type SealedCfdi,
} from './cfdi-builder';
export { loadCsd, parseCertificate, signCadena, verifySello, noCertificadoFromSerial, type Csd, type CsdFiles } from './csd';
export { encryptSecret, decryptSecret, parseSecretKey } from './secret-box';
export { type Tfd, tfdCadenaOriginal, signTfd, renderTfdXml, parseTfd, attachTfd, TFD_NAMESPACE } from './tfd';
export { escapeAttr, normalizeSpace } from './xml-text';
