import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { randomUUID } from 'node:crypto';
import { renderTfdXml, signTfd, type Tfd } from '../tfd';

let key: KeyObject | undefined;
/** An RSA key standing in for the PAC's SAT certificate in tests. */
export function testPacKey(): KeyObject {
  key ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  return key;
}

export function testTfd(selloCfd: string, overrides: Partial<Tfd> = {}): { tfd: Tfd; xml: string } {
  const tfd = signTfd(
    {
      Version: '1.1',
      UUID: randomUUID().toUpperCase(),
      FechaTimbrado: '2026-11-20T10:16:02',
      RfcProvCertif: 'SPR190613I52',
      NoCertificadoSAT: '30001000000500003456',
      SelloCFD: selloCfd,
      ...overrides,
    },
    testPacKey(),
  );
  return { tfd, xml: renderTfdXml(tfd) };
}
