/**
 * The 32 federal entities with their INEGI code (clave geoestadística), the two-letter code RENAPO uses in
 * the CURP, SAT's c_Estado code, and the first two digits of their postal codes (SEPOMEX).
 */
export interface MexicanState {
  inegi: string;
  name: string;
  curp: string;
  sat: string;
  /** Inclusive ranges of the postal code's first two digits. */
  postalPrefixes: ReadonlyArray<readonly [number, number]>;
}

export const MEXICAN_STATES: readonly MexicanState[] = [
  { inegi: '01', name: 'Aguascalientes', curp: 'AS', sat: 'AGU', postalPrefixes: [[20, 20]] },
  { inegi: '02', name: 'Baja California', curp: 'BC', sat: 'BCN', postalPrefixes: [[21, 22]] },
  { inegi: '03', name: 'Baja California Sur', curp: 'BS', sat: 'BCS', postalPrefixes: [[23, 23]] },
  { inegi: '04', name: 'Campeche', curp: 'CC', sat: 'CAM', postalPrefixes: [[24, 24]] },
  { inegi: '05', name: 'Coahuila de Zaragoza', curp: 'CL', sat: 'COA', postalPrefixes: [[25, 27]] },
  { inegi: '06', name: 'Colima', curp: 'CM', sat: 'COL', postalPrefixes: [[28, 28]] },
  { inegi: '07', name: 'Chiapas', curp: 'CS', sat: 'CHP', postalPrefixes: [[29, 30]] },
  { inegi: '08', name: 'Chihuahua', curp: 'CH', sat: 'CHH', postalPrefixes: [[31, 33]] },
  { inegi: '09', name: 'Ciudad de México', curp: 'DF', sat: 'CMX', postalPrefixes: [[1, 16]] },
  { inegi: '10', name: 'Durango', curp: 'DG', sat: 'DUR', postalPrefixes: [[34, 35]] },
  { inegi: '11', name: 'Guanajuato', curp: 'GT', sat: 'GUA', postalPrefixes: [[36, 38]] },
  { inegi: '12', name: 'Guerrero', curp: 'GR', sat: 'GRO', postalPrefixes: [[39, 41]] },
  { inegi: '13', name: 'Hidalgo', curp: 'HG', sat: 'HID', postalPrefixes: [[42, 43]] },
  { inegi: '14', name: 'Jalisco', curp: 'JC', sat: 'JAL', postalPrefixes: [[44, 49]] },
  { inegi: '15', name: 'México', curp: 'MC', sat: 'MEX', postalPrefixes: [[50, 57]] },
  { inegi: '16', name: 'Michoacán de Ocampo', curp: 'MN', sat: 'MIC', postalPrefixes: [[58, 61]] },
  { inegi: '17', name: 'Morelos', curp: 'MS', sat: 'MOR', postalPrefixes: [[62, 62]] },
  { inegi: '18', name: 'Nayarit', curp: 'NT', sat: 'NAY', postalPrefixes: [[63, 63]] },
  { inegi: '19', name: 'Nuevo León', curp: 'NL', sat: 'NLE', postalPrefixes: [[64, 67]] },
  { inegi: '20', name: 'Oaxaca', curp: 'OC', sat: 'OAX', postalPrefixes: [[68, 71]] },
  { inegi: '21', name: 'Puebla', curp: 'PL', sat: 'PUE', postalPrefixes: [[72, 75]] },
  { inegi: '22', name: 'Querétaro', curp: 'QT', sat: 'QUE', postalPrefixes: [[76, 76]] },
  { inegi: '23', name: 'Quintana Roo', curp: 'QR', sat: 'ROO', postalPrefixes: [[77, 77]] },
  { inegi: '24', name: 'San Luis Potosí', curp: 'SP', sat: 'SLP', postalPrefixes: [[78, 79]] },
  { inegi: '25', name: 'Sinaloa', curp: 'SL', sat: 'SIN', postalPrefixes: [[80, 82]] },
  { inegi: '26', name: 'Sonora', curp: 'SR', sat: 'SON', postalPrefixes: [[83, 85]] },
  { inegi: '27', name: 'Tabasco', curp: 'TC', sat: 'TAB', postalPrefixes: [[86, 86]] },
  { inegi: '28', name: 'Tamaulipas', curp: 'TS', sat: 'TAM', postalPrefixes: [[87, 89]] },
  { inegi: '29', name: 'Tlaxcala', curp: 'TL', sat: 'TLA', postalPrefixes: [[90, 90]] },
  { inegi: '30', name: 'Veracruz de Ignacio de la Llave', curp: 'VZ', sat: 'VER', postalPrefixes: [[91, 96]] },
  { inegi: '31', name: 'Yucatán', curp: 'YN', sat: 'YUC', postalPrefixes: [[97, 97]] },
  { inegi: '32', name: 'Zacatecas', curp: 'ZS', sat: 'ZAC', postalPrefixes: [[98, 99]] },
];

/** RENAPO's code for people born abroad (nacido en el extranjero); it is not a state. */
export const CURP_BORN_ABROAD = 'NE';

export const CURP_STATE_CODES: ReadonlySet<string> = new Set([...MEXICAN_STATES.map((s) => s.curp), CURP_BORN_ABROAD]);

export function stateByInegi(code: string): MexicanState | undefined {
  return MEXICAN_STATES.find((s) => s.inegi === code);
}

export function stateByCurpCode(code: string): MexicanState | undefined {
  return MEXICAN_STATES.find((s) => s.curp === code);
}
