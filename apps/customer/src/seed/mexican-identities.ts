import { computeCurpCheckDigit, computeRfcCheckDigit, CURP_STATE_CODES } from '@supra/domain/mexico';

/**
 * Deterministic generators of realistic Mexican persons with valid RFC and CURP (check digits
 * computed with SAT's and RENAPO's algorithms from @supra/domain/mexico), for the demo seed and
 * test builders. The name letters follow the usual RFC/CURP shape (first letter and first inner
 * vowel of the paternal surname, initial of the maternal one and of the given name); SAT's
 * forbidden-word table and homoclave derivation are not reproduced: the homoclave is random.
 */

/** mulberry32: a tiny seeded PRNG so a seed run is repeatable. */
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

export const hashSeed = (s: string): number => {
  let h = 2166136261;
  for (const ch of s) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return h >>> 0;
};

const pick = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];

export const GIVEN_NAMES_M = ['José', 'Juan', 'Luis', 'Carlos', 'Jesús', 'Miguel Ángel', 'Francisco', 'Alejandro', 'Ramón', 'Héctor', 'Andrés', 'Raúl', 'Óscar', 'Sebastián', 'Martín'] as const;
export const GIVEN_NAMES_F = ['María', 'Guadalupe', 'Juana', 'Verónica', 'Leticia', 'Rocío', 'Mónica', 'Sofía', 'Andrea', 'Brenda', 'Itzel', 'Ximena', 'Inés', 'Citlali', 'Ángeles'] as const;
export const SURNAMES = ['Hernández', 'García', 'Martínez', 'López', 'González', 'Pérez', 'Rodríguez', 'Sánchez', 'Ramírez', 'Cruz', 'Flores', 'Gómez', 'Morales', 'Vázquez', 'Jiménez', 'Reyes', 'Díaz', 'Torres', 'Gutiérrez', 'Ruiz', 'Mendoza', 'Aguilar', 'Ortiz', 'Moreno', 'Castillo', 'Romero', 'Álvarez', 'Méndez', 'Chávez', 'Rivera', 'Núñez', 'Ibáñez'] as const;
const COMPANY_WORDS = ['Aguas', 'Comercial', 'Servicios', 'Industrias', 'Alimentos', 'Lavandería', 'Hotelera', 'Constructora', 'Distribuidora', 'Panificadora'] as const;
const COMPANY_PLACES = ['del Bajío', 'de Querétaro', 'Santa Rosa', 'El Marqués', 'Jurica', 'San Juan', 'La Cañada', 'Tequisquiapan'] as const;

const HOMOCLAVE_ALPHABET = '123456789ABCDEFGHIJKLMNPQRSTUVWXYZ';
const CONSONANTS = 'BCDFGHJKLMNPQRSTVWXYZ';

/** Upper-case ASCII letters only (accents dropped, Ñ kept as X as RENAPO does in the inner letters). */
export const plain = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^A-Z ]/g, '');

function firstInnerVowel(word: string): string {
  const m = /[AEIOU]/.exec(word.slice(1));
  return m ? m[0] : 'X';
}

function firstInnerConsonant(word: string): string {
  for (const ch of word.slice(1)) if (CONSONANTS.includes(ch)) return ch;
  return 'X';
}

const yymmdd = (date: string): string => date.slice(2, 4) + date.slice(5, 7) + date.slice(8, 10);

export interface GeneratedFisica {
  personType: 'fisica';
  name: string;
  firstName: string;
  lastNamePaterno: string;
  lastNameMaterno: string;
  birthDate: string;
  sex: 'H' | 'M';
  rfc: string;
  curp: string;
}

export interface GeneratedMoral {
  personType: 'moral';
  name: string;
  foundedOn: string;
  rfc: string;
}

export function rfcForFisica(paterno: string, materno: string, given: string, birthDate: string, rnd: () => number): string {
  const p = plain(paterno).replace(/ /g, '');
  const m = plain(materno).replace(/ /g, '');
  const g = plain(given).split(' ')[0];
  const base = `${p[0]}${firstInnerVowel(p)}${m[0] ?? 'X'}${g[0]}${yymmdd(birthDate)}${pick(rnd, [...HOMOCLAVE_ALPHABET])}${pick(rnd, [...HOMOCLAVE_ALPHABET])}`;
  return base + computeRfcCheckDigit(base);
}

export function rfcForMoral(name: string, foundedOn: string, rnd: () => number): string {
  const words = plain(name).split(' ').filter((w) => w.length > 2);
  const letters = (words.map((w) => w[0]).join('') + 'XXX').slice(0, 3);
  const base = `${letters}${yymmdd(foundedOn)}${pick(rnd, [...HOMOCLAVE_ALPHABET])}${pick(rnd, [...HOMOCLAVE_ALPHABET])}`;
  return base + computeRfcCheckDigit(base);
}

export function curpFor(paterno: string, materno: string, given: string, birthDate: string, sex: 'H' | 'M', state: string, rnd: () => number): string {
  const p = plain(paterno).replace(/ /g, '');
  const m = plain(materno).replace(/ /g, '');
  const g = plain(given).split(' ')[0];
  const differentiator = Number(birthDate.slice(0, 4)) < 2000 ? String(Math.floor(rnd() * 10)) : 'A';
  const base = `${p[0]}${firstInnerVowel(p)}${m[0] ?? 'X'}${g[0]}${yymmdd(birthDate)}${sex}${state}${firstInnerConsonant(p)}${firstInnerConsonant(m)}${firstInnerConsonant(g)}${differentiator}`;
  return base + computeCurpCheckDigit(base);
}

const STATE_CODES = [...CURP_STATE_CODES].filter((c) => c !== 'NE');

function randomDate(rnd: () => number, fromYear: number, toYear: number): string {
  const y = fromYear + Math.floor(rnd() * (toYear - fromYear + 1));
  const m = 1 + Math.floor(rnd() * 12);
  const d = 1 + Math.floor(rnd() * 28);
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

export function generateFisica(rnd: () => number): GeneratedFisica {
  const sex = rnd() < 0.5 ? 'H' : 'M';
  const firstName = pick(rnd, sex === 'H' ? GIVEN_NAMES_M : GIVEN_NAMES_F);
  const lastNamePaterno = pick(rnd, SURNAMES);
  const lastNameMaterno = pick(rnd, SURNAMES);
  const birthDate = randomDate(rnd, 1940, 2004);
  const state = rnd() < 0.6 ? 'QT' : pick(rnd, STATE_CODES);
  return {
    personType: 'fisica',
    name: `${firstName} ${lastNamePaterno} ${lastNameMaterno}`,
    firstName,
    lastNamePaterno,
    lastNameMaterno,
    birthDate,
    sex,
    rfc: rfcForFisica(lastNamePaterno, lastNameMaterno, firstName, birthDate, rnd),
    curp: curpFor(lastNamePaterno, lastNameMaterno, firstName, birthDate, sex, state, rnd),
  };
}

export function generateMoral(rnd: () => number): GeneratedMoral {
  const name = `${pick(rnd, COMPANY_WORDS)} ${pick(rnd, COMPANY_PLACES)} S.A. de C.V.`;
  const foundedOn = randomDate(rnd, 1970, 2022);
  return { personType: 'moral', name, foundedOn, rfc: rfcForMoral(name, foundedOn, rnd) };
}
